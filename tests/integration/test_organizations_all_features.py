"""Enabling all features in an organization with invited members, driven with boto3 and the AWS
CLI against `gatehouse serve`, as AWS does it: EnableAllFeatures sends every invited member an
APPROVE_ALL_FEATURES handshake and answers with the management account's ENABLE_ALL_FEATURES
handshake, REQUESTED until every member has accepted, then OPEN; the management account accepts
it to finalize the change. Meanwhile no account may be invited and the request may not be made
twice; a member that declines keeps it from finishing until the management account cancels it,
which cancels the approvals still open.
"""
import json
import warnings

from gatehouse_fixture import GatehouseTestCase

SCP = "SERVICE_CONTROL_POLICY"


def key_of(account):
    return account["access_key_id"], account["secret_access_key"]


class AllFeaturesTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.orgs = self.admin("organizations")
        self.orgs.create_organization(FeatureSet="CONSOLIDATED_BILLING")

    def member(self, name):
        """A standalone account invited into the organization, which it accepts: its client."""
        account = self.create_account(name)
        handshake = self.orgs.invite_account_to_organization(
            Target={"Id": account["account_id"], "Type": "ACCOUNT"})["Handshake"]
        client = self.client("organizations", *key_of(account))
        client.accept_handshake(HandshakeId=handshake["Id"])
        return account["account_id"], client

    def approval_of(self, client):
        handshakes = client.list_handshakes_for_account(
            Filter={"ActionType": "APPROVE_ALL_FEATURES"})["Handshakes"]
        open_ones = [h for h in handshakes if h["State"] == "OPEN"]
        self.assertEqual(len(open_ones), 1, handshakes)
        return open_ones[0]

    def test_every_invited_member_approves_then_the_management_account_finalizes(self):
        first_id, first = self.member("approve-one")
        second_id, second = self.member("approve-two")
        request = self.orgs.enable_all_features()["Handshake"]
        self.assertEqual(request["Action"], "ENABLE_ALL_FEATURES")
        self.assertEqual(request["State"], "REQUESTED")
        self.assertRegex(request["Arn"], r":handshake/o-[a-z0-9]+/enable_all_features/h-")
        # Not twice, and no invitation meanwhile.
        self.assertOrgError(self.orgs.enable_all_features, "HandshakeConstraintViolationException",
                            "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION")
        outsider = self.create_account("approve-outsider")
        self.assertOrgError(self.orgs.invite_account_to_organization,
                            "HandshakeConstraintViolationException",
                            "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION",
                            Target={"Id": outsider["account_id"], "Type": "ACCOUNT"})
        # The approvals are the request's children, one a member.
        children = self.orgs.list_handshakes_for_organization(
            Filter={"ParentHandshakeId": request["Id"]})["Handshakes"]
        self.assertEqual(sorted(p["Id"] for h in children for p in h["Parties"]
                                if p["Type"] == "ACCOUNT"), sorted([first_id, second_id]))
        # Finalizing before the approvals is refused.
        self.assertOrgError(self.orgs.accept_handshake, "InvalidHandshakeTransitionException",
                            HandshakeId=request["Id"])
        # A member cannot finalize, nor answer another member's approval.
        self.assertOrgError(first.accept_handshake, "HandshakeNotFoundException",
                            HandshakeId=request["Id"])
        self.assertOrgError(first.accept_handshake, "HandshakeNotFoundException",
                            HandshakeId=self.approval_of(second)["Id"])
        first.accept_handshake(HandshakeId=self.approval_of(first)["Id"])
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request["Id"])[
            "Handshake"]["State"], "REQUESTED")
        second.accept_handshake(HandshakeId=self.approval_of(second)["Id"])
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request["Id"])[
            "Handshake"]["State"], "OPEN")
        self.assertEqual(self.orgs.describe_organization()["Organization"]["FeatureSet"],
                         "CONSOLIDATED_BILLING")
        done = self.orgs.accept_handshake(HandshakeId=request["Id"])["Handshake"]
        self.assertEqual(done["State"], "ACCEPTED")
        self.assertEqual(self.orgs.describe_organization()["Organization"]["FeatureSet"], "ALL")
        # All features work: SCPs can be enabled, and invitations go out again.
        root = self.orgs.list_roots()["Roots"][0]["Id"]
        self.orgs.enable_policy_type(RootId=root, PolicyType=SCP)
        self.orgs.invite_account_to_organization(
            Target={"Id": outsider["account_id"], "Type": "ACCOUNT"})

    def tearDown(self):
        self.dissolve_organization()  # each test starts from a new organization

    def test_a_decline_holds_it_until_the_request_is_canceled(self):
        _, member = self.member("decline-one")
        _, other = self.member("decline-two")
        request = self.orgs.enable_all_features()["Handshake"]
        member.decline_handshake(HandshakeId=self.approval_of(member)["Id"])
        open_approval = self.approval_of(other)
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request["Id"])[
            "Handshake"]["State"], "REQUESTED")
        # The management account cancels its request (a request still waiting cannot be
        # declined); the approval still open is canceled with it.
        self.assertOrgError(self.orgs.decline_handshake, "InvalidHandshakeTransitionException",
                            HandshakeId=request["Id"])
        canceled = self.orgs.cancel_handshake(HandshakeId=request["Id"])["Handshake"]
        self.assertEqual(canceled["State"], "CANCELED")
        self.assertEqual(other.describe_handshake(HandshakeId=open_approval["Id"])[
            "Handshake"]["State"], "CANCELED")
        # The request can be made again.
        again = self.orgs.enable_all_features()["Handshake"]
        self.assertEqual(again["State"], "REQUESTED")

    def test_a_member_that_leaves_no_longer_has_to_approve(self):
        _, approving = self.member("leave-approves")
        removed_id, removed = self.member("leave-removed")
        _, leaving = self.member("leave-itself")
        request = self.orgs.enable_all_features()["Handshake"]
        approving.accept_handshake(HandshakeId=self.approval_of(approving)["Id"])
        removed_approval = self.approval_of(removed)
        self.orgs.remove_account_from_organization(AccountId=removed_id)
        # Its approval is canceled with its membership; another member still has to approve.
        self.assertEqual(removed.describe_handshake(HandshakeId=removed_approval["Id"])[
            "Handshake"]["State"], "CANCELED")
        self.assertOrgError(removed.accept_handshake, "InvalidHandshakeTransitionException",
                            HandshakeId=removed_approval["Id"])
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request["Id"])[
            "Handshake"]["State"], "REQUESTED")
        # The last one leaving by itself opens the request, which then finalizes.
        leaving.leave_organization()
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request["Id"])[
            "Handshake"]["State"], "OPEN")
        self.orgs.accept_handshake(HandshakeId=request["Id"])
        self.assertEqual(self.orgs.describe_organization()["Organization"]["FeatureSet"], "ALL")

    def test_removing_the_member_that_declined_lets_the_others_finish(self):
        _, approving = self.member("unblock-approves")
        declined_id, declining = self.member("unblock-declines")
        request = self.orgs.enable_all_features()["Handshake"]
        declining.decline_handshake(HandshakeId=self.approval_of(declining)["Id"])
        approving.accept_handshake(HandshakeId=self.approval_of(approving)["Id"])
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request["Id"])[
            "Handshake"]["State"], "REQUESTED")
        self.orgs.remove_account_from_organization(AccountId=declined_id)
        self.assertEqual(self.orgs.describe_handshake(HandshakeId=request["Id"])[
            "Handshake"]["State"], "OPEN")

    def test_without_invited_members_it_completes_at_once(self):
        handshake = self.orgs.enable_all_features()["Handshake"]
        self.assertEqual(handshake["State"], "ACCEPTED")
        self.assertEqual(self.orgs.describe_organization()["Organization"]["FeatureSet"], "ALL")
