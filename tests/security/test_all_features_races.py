"""Attacks on enabling all features with invited members: the last approvals racing each other
must still open the management account's request (no state in which every member approved but
the request waits forever); an invitation accepted while the request is being made must not slip
in unasked; members leaving while the last one approves must still open it; and a member can
neither finalize the change nor answer another member's approval.

The server runs with several I/O threads so that racing requests really overlap.
"""
import warnings

from gatehouse_fixture import GatehouseTestCase
import test_lost_updates as races


def key_of(account):
    return account["access_key_id"], account["secret_access_key"]


class AllFeaturesRacesTest(GatehouseTestCase):
    extra_args = ["--threads", "8"]

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.orgs = self.admin("organizations")
        self.orgs.create_organization(FeatureSet="CONSOLIDATED_BILLING")

    def tearDown(self):
        self.dissolve_organization()  # each test starts from a new organization

    def invited(self, name, accept=True):
        account = self.create_account(name)
        handshake = self.orgs.invite_account_to_organization(
            Target={"Id": account["account_id"], "Type": "ACCOUNT"})["Handshake"]
        client = self.client("organizations", *key_of(account))
        if accept:
            client.accept_handshake(HandshakeId=handshake["Id"])
        return client, handshake

    def approval(self, client):
        return [h for h in client.list_handshakes_for_account(
            Filter={"ActionType": "APPROVE_ALL_FEATURES"})["Handshakes"]
            if h["State"] == "OPEN"][0]["Id"]

    def test_the_last_approvals_racing_open_the_request(self):
        members = [self.invited("race-approver-%d" % i)[0] for i in range(4)]
        request = self.orgs.enable_all_features()["Handshake"]["Id"]
        approvals = [self.approval(m) for m in members]
        results = races.run_together(
            [lambda m=m, a=a: m.accept_handshake(HandshakeId=a)
             for m, a in zip(members, approvals)])
        for result in results:
            self.assertIsNone(races.error_code(result), result)
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request)["Handshake"]["State"],
                         "OPEN")
        self.orgs.accept_handshake(HandshakeId=request)
        self.assertEqual(self.orgs.describe_organization()["Organization"]["FeatureSet"], "ALL")

    def test_an_invitation_accepted_meanwhile_is_never_left_unasked(self):
        for attempt in range(5):
            member, _ = self.invited("race-member-%d" % attempt)
            joiner, invitation = self.invited("race-joiner-%d" % attempt, accept=False)
            results = races.run_together([
                lambda: self.orgs.enable_all_features(),
                lambda: joiner.accept_handshake(HandshakeId=invitation["Id"])])
            request = results[0]
            if races.error_code(request) is not None:
                continue  # the request lost the race (ConcurrentModification): nothing pending
            # Every invited member at the end was asked: none can be left out of the approvals.
            children = self.orgs.list_handshakes_for_organization(
                Filter={"ParentHandshakeId": request["Handshake"]["Id"]})["Handshakes"]
            asked = {p["Id"] for h in children for p in h["Parties"] if p["Type"] == "ACCOUNT"}
            invited = {a["Id"] for a in self.orgs.list_accounts()["Accounts"]
                       if a["JoinedMethod"] == "INVITED"}
            self.assertEqual(asked, invited)
            self.dissolve_organization()
            self.orgs.create_organization(FeatureSet="CONSOLIDATED_BILLING")

    def test_leaving_and_approving_together_still_open_the_request(self):
        # Two members leave while a third approves, all at once, in several rounds: whatever
        # the order, the one member that stays has approved, so the request must end OPEN, never
        # REQUESTED forever with no one left to approve.
        for attempt in range(3):
            staying, _ = self.invited("race-stays-%d" % attempt)
            leaving = [self.invited("race-leaves-%d-%d" % (attempt, i))[0] for i in range(2)]
            request = self.orgs.enable_all_features()["Handshake"]["Id"]
            approval = self.approval(staying)
            results = races.run_together(
                [lambda: staying.accept_handshake(HandshakeId=approval)]
                + [lambda m=m: m.leave_organization() for m in leaving])
            for result in results:
                self.assertIsNone(races.error_code(result), result)
            self.assertEqual(self.orgs.describe_handshake(HandshakeId=request)["Handshake"][
                "State"], "OPEN", "round %d" % attempt)
            self.assertEqual(len(self.orgs.list_accounts()["Accounts"]), 2)
            self.dissolve_organization()
            self.orgs.create_organization(FeatureSet="CONSOLIDATED_BILLING")

    def test_a_member_cannot_finalize_or_answer_for_another(self):
        first, _ = self.invited("answer-one")
        second, _ = self.invited("answer-two")
        request = self.orgs.enable_all_features()["Handshake"]["Id"]
        for call in (first.accept_handshake, first.cancel_handshake):
            with self.assertRaises(first.exceptions.HandshakeNotFoundException):
                call(HandshakeId=request)
        others = self.approval(second)
        for call in (first.accept_handshake, first.decline_handshake):
            with self.assertRaises(first.exceptions.HandshakeNotFoundException):
                call(HandshakeId=others)
        first.accept_handshake(HandshakeId=self.approval(first))
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request)["Handshake"]["State"],
                         "REQUESTED")
