"""Attacks on transfers of responsibility (billing) between organizations: the management account
of one organization (the target, which takes the responsibility) invites the management account
of another (the source) with InviteOrganizationToTransferResponsibility; the invitation is a
TRANSFER_RESPONSIBILITY handshake the source accepts or declines and the target may cancel.

  * Strangers. A third organization's management account, a member account of either
    organization and an account in no organization can neither read, list, rename nor end
    someone else's transfer (ResponsibilityTransferNotFoundException, AccessDeniedException,
    AWSOrganizationsNotInUseException), nor answer its invitation; an invitation sent to an
    account that is not a management account cannot be accepted by it. The transfer stays
    REQUESTED throughout.
  * Privacy. Inviting by account id must not tell the inviter the owner's email, and inviting by
    email must not tell it the account id, until the invited organization accepts (declining
    tells it nothing either) — neither in what it reads nor through the refusal of a second
    invitation as a duplicate, which would confirm a guessed address or id.
  * Races, from threads released together on a server with several I/O threads: invitations
    beyond the inbound quota, one organization accepting two invitations at once (its
    responsibility held twice), an accept racing a cancel (the handshake and the transfer must
    agree), an invitation racing the deletion of the inviting organization (no transfer may
    outlive its organization), and renames racing an accept or a termination (no status
    written back, no rename lost).
  * Renaming: each side names the transfer for itself; neither can rename the other's view.
  * Hostile timestamps sent as raw JSON: huge, negative, fractional, overflowing, strings and
    booleans for StartTimestamp and EndTimestamp are refused with AWS's error and reason, never
    a server error, and create or change nothing.
  * Loops: an organization cannot, directly or through a chain, come to hold its own
    responsibility; an invitation to oneself (by id or by email) is refused; and an organization
    cannot be deleted from under a transfer under way.
  * Expiry: the invitation closes a day before the transfer starts, even within its 15 days;
    past that it cannot be accepted.
"""
import datetime
import hashlib
import itertools
import json
import threading
import types
import warnings

from botocore.exceptions import ClientError

from clock_helpers import MovableClock
from gatehouse_fixture import GatehouseTestCase
from raw_sigv4 import send, sign

UTC = datetime.timezone.utc
DAY = datetime.timedelta(days=1)
TARGET_PREFIX = "AWSOrganizationsV20161128."
BILLING = {"Type": "BILLING"}
QUOTA = 3


def add_months(moment, months):
    """00:00:00 UTC on the first day of the month `months` after `moment`'s."""
    index = moment.year * 12 + moment.month - 1 + months
    return datetime.datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def transfer_start():
    """The first valid start: the first of a month, at least three days ahead."""
    now = datetime.datetime.now(UTC)
    start = add_months(now, 1)
    return start if start - now >= 3 * DAY else add_months(now, 2)


def epoch(moment):
    return moment.timestamp()


def code_of(result):
    return result.response["Error"]["Code"] if isinstance(result, ClientError) else None


def run_together(calls):
    """Runs each call in its own thread, all released at once by a barrier; returns the value or
    the ClientError of each, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i):
        barrier.wait()
        try:
            results[i] = calls[i]()
        except ClientError as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


class ResponsibilityTransferAttacksTest(MovableClock, GatehouseTestCase):
    extra_args = ["--threads", "8", "--max-inbound-transfers", str(QUOTA)]
    names = itertools.count()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start = transfer_start()

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    # Helpers.

    @classmethod
    def unique(cls, name):
        return "%s-%d" % (name, next(cls.names))

    def standalone(self, name, email=None):
        """A standalone account: namespace(account_id, email, key, orgs)."""
        name = self.unique(name)
        email = email or "%s@example.com" % name
        account = self.create_account(name, email=email)
        key = (account["access_key_id"], account["secret_access_key"])
        return types.SimpleNamespace(account_id=account["account_id"], email=email, key=key,
                                     orgs=self.client("organizations", *key))

    def management(self, name, email=None):
        """A standalone account that made an organization (ALL features) of its own."""
        party = self.standalone(name, email)
        party.org = party.orgs.create_organization(FeatureSet="ALL")["Organization"]
        return party

    def member_of(self, owner, name):
        """A standalone account invited into `owner`'s organization, which it joins."""
        member = self.standalone(name)
        h = owner.orgs.invite_account_to_organization(
            Target={"Id": member.account_id, "Type": "ACCOUNT"})["Handshake"]
        member.orgs.accept_handshake(HandshakeId=h["Id"])
        return member

    def invite(self, inviter, target_id, target_type="ACCOUNT", client=None, **kwargs):
        """`inviter` invites `target_id` to transfer its responsibility: (handshake, transfer
        id)."""
        kwargs.setdefault("StartTimestamp", self.start)
        kwargs.setdefault("SourceName", "transfer")
        h = (client or inviter.orgs).invite_organization_to_transfer_responsibility(
            Type="BILLING", Target={"Id": target_id, "Type": target_type}, **kwargs)["Handshake"]
        return h, h["Resources"][0]["Value"]

    def transfer(self, party, transfer_id):
        answer = party.orgs.describe_responsibility_transfer(Id=transfer_id)
        return answer["ResponsibilityTransfer"]

    def status(self, party, transfer_id):
        return self.transfer(party, transfer_id)["Status"]

    def handshake_state(self, party, handshake_id):
        return party.orgs.describe_handshake(HandshakeId=handshake_id)["Handshake"]["State"]

    def inbound(self, party):
        answer = party.orgs.list_inbound_responsibility_transfers(**BILLING)
        return answer["ResponsibilityTransfers"]

    def outbound(self, party):
        return party.orgs.list_outbound_responsibility_transfers(
            **BILLING)["ResponsibilityTransfers"]

    def raw(self, party, operation, body):
        """Sends `body` (bytes, as given) to Organizations' `operation`, signed with `party`'s
        key: (HTTP status, parsed JSON answer or the text)."""
        headers = {"Host": "127.0.0.1:%d" % self.port,
                   "Content-Type": "application/x-amz-json-1.1",
                   "X-Amz-Target": TARGET_PREFIX + operation,
                   "X-Amz-Content-Sha256": hashlib.sha256(body).hexdigest()}
        target, signed = sign("POST", "/", [], headers, body, party.key, "organizations")
        status, text = send(self.port, "POST", target, signed, body)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def outcome(self, call):
        """None when `call` succeeds, else the error code it is answered with."""
        try:
            call()
            return None
        except ClientError as e:
            return code_of(e)

    def assert_still_serving(self, party):
        party.orgs.describe_organization()

    # 1. Strangers.

    def test_strangers_cannot_read_rename_end_or_list_a_transfer(self):
        a, b, c = self.management("st-a"), self.management("st-b"), self.management("st-c")
        a_member, b_member = self.member_of(a, "st-a-member"), self.member_of(b, "st-b-member")
        loner = self.standalone("st-loner")
        h, tid = self.invite(a, b.account_id, SourceName="secret-deal")

        # Another organization's management account: the transfer does not exist for it.
        for call, kwargs in ((c.orgs.describe_responsibility_transfer, {}),
                             (c.orgs.update_responsibility_transfer, {"Name": "hijacked"}),
                             (c.orgs.terminate_responsibility_transfer, {}),
                             (c.orgs.list_inbound_responsibility_transfers, BILLING)):
            self.assertOrgError(call, "ResponsibilityTransferNotFoundException", Id=tid, **kwargs)
        self.assertEqual(self.inbound(c), [])
        self.assertEqual(self.outbound(c), [])
        for call in (c.orgs.describe_handshake, c.orgs.accept_handshake,
                     c.orgs.decline_handshake, c.orgs.cancel_handshake):
            self.assertOrgError(call, "HandshakeNotFoundException", HandshakeId=h["Id"])

        # Member accounts of either organization, and an account in no organization.
        for who, code in ((a_member, "AccessDeniedException"), (b_member, "AccessDeniedException"),
                          (loner, "AWSOrganizationsNotInUseException")):
            for call, kwargs in ((who.orgs.describe_responsibility_transfer, {"Id": tid}),
                                 (who.orgs.update_responsibility_transfer,
                                  {"Id": tid, "Name": "hijacked"}),
                                 (who.orgs.terminate_responsibility_transfer, {"Id": tid}),
                                 (who.orgs.list_inbound_responsibility_transfers, BILLING),
                                 (who.orgs.list_outbound_responsibility_transfers, BILLING)):
                self.assertOrgError(call, code, **kwargs)

        # A member of B's organization cannot answer the invitation sent to B's management
        # account: to it, as to any account it is not addressed to, the handshake does not exist.
        for call in (b_member.orgs.accept_handshake, b_member.orgs.decline_handshake):
            self.assertOrgError(call, "HandshakeNotFoundException", HandshakeId=h["Id"])
        # The invited management account itself cannot cancel it (only the inviter can).
        self.assertOrgError(b.orgs.cancel_handshake, "AccessDeniedException", HandshakeId=h["Id"])

        # An invitation addressed to a member account: the member is the invited party, but
        # only a management account may give its organization's responsibility away.
        to_member, member_tid = self.invite(a, b_member.account_id)
        self.assertOrgError(b_member.orgs.accept_handshake, "AccessDeniedException",
                            HandshakeId=to_member["Id"])
        self.assertEqual(self.status(a, member_tid), "REQUESTED")
        self.assertEqual(self.handshake_state(a, to_member["Id"]), "OPEN")
        # Addressed to an account in no organization: it has no responsibility to give.
        to_loner, loner_tid = self.invite(a, loner.account_id)
        self.assertOrgError(loner.orgs.accept_handshake, "AWSOrganizationsNotInUseException",
                            HandshakeId=to_loner["Id"])
        self.assertEqual(self.status(a, loner_tid), "REQUESTED")
        self.assertEqual(self.handshake_state(a, to_loner["Id"]), "OPEN")

        # Nothing of it changed, on either side.
        for party, side in ((a, "inbound"), (b, "outbound")):
            seen = self.transfer(party, tid)
            self.assertEqual(seen["Status"], "REQUESTED")
            self.assertEqual(seen["Name"], "secret-deal")
            self.assertNotIn("EndTimestamp", seen)
            self.assertEqual(seen["Arn"], "arn:aws:organizations::%s:transfer/%s/billing/%s/%s"
                             % (party.account_id, party.org["Id"], side, tid))
        self.assertEqual(self.handshake_state(b, h["Id"]), "OPEN")

    # 2. Privacy.

    def test_an_invitation_by_id_does_not_reveal_the_email(self):
        a, b, decliner = (self.management("pi-a"), self.management("pi-b"),
                          self.management("pi-decliner"))
        h, tid = self.invite(a, b.account_id)
        declined, declined_tid = self.invite(a, decliner.account_id)
        decliner.orgs.decline_handshake(HandshakeId=declined["Id"])

        for party, transfer_id, handshake_id in ((b, tid, h["Id"]),
                                                 (decliner, declined_tid, declined["Id"])):
            seen = self.transfer(a, transfer_id)
            self.assertEqual(seen["Source"], {"ManagementAccountId": party.account_id}, seen)
            listed = [t for t in self.inbound(a) if t["Id"] == transfer_id]
            self.assertEqual(len(listed), 1)
            self.assertEqual(listed[0]["Source"], {"ManagementAccountId": party.account_id})
            handshake = a.orgs.describe_handshake(HandshakeId=handshake_id)["Handshake"]
            for_org = a.orgs.list_handshakes_for_organization()["Handshakes"]
            for view in (seen, listed, handshake, for_org):
                self.assertNotIn(party.email.lower(), json.dumps(view, default=str).lower())
        # The invited side sees itself whole.
        self.assertEqual(self.transfer(b, tid)["Source"],
                         {"ManagementAccountId": b.account_id, "ManagementAccountEmail": b.email})
        self.assertEqual(self.transfer(b, tid)["Target"],
                         {"ManagementAccountId": a.account_id, "ManagementAccountEmail": a.email})

        b.orgs.accept_handshake(HandshakeId=h["Id"])
        seen = self.transfer(a, tid)
        self.assertEqual(seen["Status"], "ACCEPTED")
        self.assertEqual(seen["Source"],
                         {"ManagementAccountId": b.account_id, "ManagementAccountEmail": b.email})
        # Declined is not accepted: still nothing more.
        self.assertEqual(self.transfer(a, declined_tid)["Source"],
                         {"ManagementAccountId": decliner.account_id})

    def test_an_invitation_by_email_does_not_reveal_the_account_id(self):
        a = self.management("pe-a")
        name = self.unique("Pe.Owner")
        b = self.management("pe-b", email="%s@Example.com" % name)
        typed = "%s@EXAMPLE.com" % name.lower()
        h, tid = self.invite(a, typed, "EMAIL")

        seen = self.transfer(a, tid)
        self.assertEqual(seen["Source"], {"ManagementAccountEmail": typed}, seen)
        listed = [t for t in self.inbound(a) if t["Id"] == tid]
        self.assertEqual(len(listed), 1)
        self.assertNotIn("ManagementAccountId", listed[0]["Source"])
        handshake = a.orgs.describe_handshake(HandshakeId=h["Id"])["Handshake"]
        for_org = a.orgs.list_handshakes_for_organization()["Handshakes"]
        for view in (h, seen, listed, handshake, for_org):
            self.assertNotIn(b.account_id, json.dumps(view, default=str))

        # B, found by its address, sees it and accepts; then A learns who it is.
        self.assertEqual(self.transfer(b, tid)["Source"]["ManagementAccountId"], b.account_id)
        b.orgs.accept_handshake(HandshakeId=h["Id"])
        source = self.transfer(a, tid)["Source"]
        self.assertEqual(source["ManagementAccountId"], b.account_id)
        self.assertEqual(source["ManagementAccountEmail"].lower(), b.email.lower())

    def test_the_duplicate_check_does_not_link_an_id_to_an_email(self):
        """A second invitation to the same organization is refused as a duplicate. If that
        check resolves an email to its account, the refusal confirms a guess: invite B by id,
        then invite a guessed address — refused as a duplicate exactly when it is B's. The
        answer must be the one an unrelated address gets. The same the other way round."""
        a, b = self.management("pd-a"), self.management("pd-b")
        self.invite(a, b.account_id)
        control = self.outcome(
            lambda: self.invite(a, "%s@example.com" % self.unique("nobody"), "EMAIL"))
        probe = self.outcome(lambda: self.invite(a, b.email.upper(), "EMAIL"))
        self.assertEqual(probe, control,
                         "after inviting %s by account id, inviting the guessed email %s is "
                         "answered %s while an unrelated address is answered %s: the inviter "
                         "learns whose address it is before any acceptance"
                         % (b.account_id, b.email.upper(), probe, control))

        c, d, stranger = (self.management("pd-c"), self.management("pd-d"),
                          self.standalone("pd-stranger"))
        self.invite(c, d.email, "EMAIL")
        control = self.outcome(lambda: self.invite(c, stranger.account_id))
        probe = self.outcome(lambda: self.invite(c, d.account_id))
        self.assertEqual(probe, control,
                         "after inviting %s by email, inviting the guessed account %s is "
                         "answered %s while an unrelated account is answered %s: the inviter "
                         "learns the address's account id before any acceptance"
                         % (d.email, d.account_id, probe, control))

    # 3. Races.

    def test_concurrent_invitations_respect_the_inbound_quota(self):
        a = self.management("rq-a")
        targets = [self.management("rq-t%d" % i) for i in range(8)]
        clients = [self.client("organizations", *a.key) for _ in targets]
        results = run_together([
            lambda t=t, c=c: self.invite(a, t.account_id, client=c)
            for t, c in zip(targets, clients)])
        sent = [r for r in results if not isinstance(r, ClientError)]
        refused = [r for r in results if isinstance(r, ClientError)]
        self.assertEqual(len(sent), QUOTA, [code_of(r) for r in results])
        for r in refused:
            if code_of(r) != "ConcurrentModificationException":
                self.assertEqual(code_of(r), "ConstraintViolationException", r.response)
                self.assertEqual(r.response.get("Reason"),
                                 "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION")
        listed = self.inbound(a)
        self.assertEqual(sorted(t["Id"] for t in listed), sorted(tid for _, tid in sent))
        self.assertTrue(all(t["Status"] == "REQUESTED" for t in listed))
        handshakes = a.orgs.list_handshakes_for_organization(
            Filter={"ActionType": "TRANSFER_RESPONSIBILITY"})["Handshakes"]
        self.assertEqual(sorted(x["Id"] for x in handshakes), sorted(h["Id"] for h, _ in sent))
        # The refused ones left nothing on the invited side either.
        invited = {t.account_id for t in targets}
        answered = {h["Parties"][1]["Id"] for h, _ in sent}
        for t in targets:
            if t.account_id not in answered:
                self.assertEqual(self.outbound(t), [])
        self.assertEqual(len(answered & invited), QUOTA)
        # And the quota still holds afterwards.
        spare = [t for t in targets if t.account_id not in answered][0]
        self.assertOrgError(a.orgs.invite_organization_to_transfer_responsibility,
                            "ConstraintViolationException",
                            "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION",
                            Type="BILLING", Target={"Id": spare.account_id, "Type": "ACCOUNT"},
                            StartTimestamp=self.start, SourceName="one-more")

    def test_accepting_two_invitations_at_once_binds_one(self):
        for attempt in range(3):
            b = self.management("ra-b%d" % attempt)
            x, y = self.management("ra-x%d" % attempt), self.management("ra-y%d" % attempt)
            hx, tx = self.invite(x, b.account_id)
            hy, ty = self.invite(y, b.account_id)
            first, second = (self.client("organizations", *b.key) for _ in range(2))
            results = run_together([lambda: first.accept_handshake(HandshakeId=hx["Id"]),
                                    lambda: second.accept_handshake(HandshakeId=hy["Id"])])
            accepted = [r for r in results if not isinstance(r, ClientError)]
            self.assertEqual(len(accepted), 1, [code_of(r) for r in results])
            loser = [r for r in results if isinstance(r, ClientError)][0]
            if code_of(loser) != "ConcurrentModificationException":
                self.assertEqual(code_of(loser), "ConstraintViolationException", loser.response)
                self.assertEqual(loser.response.get("Reason"),
                                 "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION")
            statuses = {t["Id"]: t["Status"] for t in self.outbound(b)}
            self.assertEqual(sorted(statuses.values()), ["ACCEPTED", "REQUESTED"], statuses)
            won = tx if statuses[tx] == "ACCEPTED" else ty
            self.assertEqual(accepted[0]["Handshake"]["Id"], hx["Id"] if won == tx else hy["Id"])
            # Each inviter sees the same outcome; the loser's invitation is still open.
            self.assertEqual(self.status(x, tx), statuses[tx])
            self.assertEqual(self.status(y, ty), statuses[ty])
            self.assertEqual(self.handshake_state(x, hx["Id"]),
                             "ACCEPTED" if won == tx else "OPEN")
            self.assertEqual(self.handshake_state(y, hy["Id"]),
                             "ACCEPTED" if won == ty else "OPEN")
            # Accepting the other one later is refused too.
            other = hy["Id"] if won == tx else hx["Id"]
            self.assertOrgError(b.orgs.accept_handshake, "ConstraintViolationException",
                                "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION",
                                HandshakeId=other)

    def test_accept_racing_cancel_leaves_handshake_and_transfer_agreeing(self):
        outcomes = set()
        for attempt in range(4):
            a, b = self.management("rc-a%d" % attempt), self.management("rc-b%d" % attempt)
            h, tid = self.invite(a, b.account_id)
            accepter = self.client("organizations", *b.key)
            canceler = self.client("organizations", *a.key)
            results = run_together([lambda: accepter.accept_handshake(HandshakeId=h["Id"]),
                                    lambda: canceler.cancel_handshake(HandshakeId=h["Id"])])
            succeeded = [r for r in results if not isinstance(r, ClientError)]
            self.assertEqual(len(succeeded), 1, [code_of(r) for r in results])
            for r in results:
                if isinstance(r, ClientError):
                    self.assertIn(code_of(r), {"InvalidHandshakeTransitionException",
                                               "HandshakeAlreadyInStateException",
                                               "ConcurrentModificationException"}, r.response)
            state = succeeded[0]["Handshake"]["State"]
            self.assertIn(state, {"ACCEPTED", "CANCELED"})
            outcomes.add(state)
            for party in (a, b):
                self.assertEqual(self.handshake_state(party, h["Id"]), state)
                self.assertEqual(self.status(party, tid), state)
            # Whoever won, B's responsibility is held exactly when the handshake says so.
            if state == "CANCELED":
                self.assertOrgError(b.orgs.accept_handshake,
                                    "InvalidHandshakeTransitionException", HandshakeId=h["Id"])
                b.orgs.delete_organization()  # nothing under way any more
            else:
                self.assertOrgError(b.orgs.delete_organization, "ConstraintViolationException",
                                    "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")

    def test_an_invitation_racing_the_organizations_deletion_never_outlives_it(self):
        a, b = self.standalone("rd-a"), self.management("rd-b")
        for attempt in range(4):
            org = a.orgs.create_organization(FeatureSet="ALL")["Organization"]
            inviter = self.client("organizations", *a.key)
            deleter = self.client("organizations", *a.key)
            invited, deleted = run_together([
                lambda: self.invite(a, b.account_id, client=inviter),
                lambda: deleter.delete_organization()])
            if isinstance(invited, ClientError):
                self.assertIsNone(code_of(deleted), deleted)
                self.assertIn(code_of(invited), {"AWSOrganizationsNotInUseException",
                                                 "ConcurrentModificationException"},
                              invited.response)
                # No invitation reached B from an organization that no longer exists.
                self.assertEqual([t for t in self.outbound(b) if t["Status"] == "REQUESTED"], [])
                self.assertEqual([x for x in b.orgs.list_handshakes_for_account()["Handshakes"]
                                  if x["State"] == "OPEN"], [])
            else:
                self.assertIsInstance(deleted, ClientError, "both the invitation and the "
                                      "deletion of its organization succeeded")
                self.assertEqual(code_of(deleted), "ConstraintViolationException")
                self.assertEqual(deleted.response.get("Reason"),
                                 "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")
                h, tid = invited
                self.assertEqual(a.orgs.describe_organization()["Organization"]["Id"], org["Id"])
                self.assertEqual(self.status(b, tid), "REQUESTED")
                a.orgs.cancel_handshake(HandshakeId=h["Id"])
                a.orgs.delete_organization()

    # 4. Renaming.

    def test_each_side_renames_only_its_own_view(self):
        a, b = self.management("rn-a"), self.management("rn-b")
        h, tid = self.invite(a, b.account_id, SourceName="from-a")
        b.orgs.accept_handshake(HandshakeId=h["Id"])
        renamed = b.orgs.update_responsibility_transfer(Id=tid, Name="b-books")
        self.assertEqual(renamed["ResponsibilityTransfer"]["Name"], "b-books")
        self.assertIn("/billing/outbound/", renamed["ResponsibilityTransfer"]["Arn"])
        self.assertEqual(self.transfer(a, tid)["Name"], "from-a")
        self.assertEqual(self.transfer(b, tid)["Name"], "b-books")

        renamed = a.orgs.update_responsibility_transfer(Id=tid, Name="a-books")
        self.assertEqual(renamed["ResponsibilityTransfer"]["Name"], "a-books")
        self.assertIn("/billing/inbound/", renamed["ResponsibilityTransfer"]["Arn"])
        self.assertEqual(self.transfer(b, tid)["Name"], "b-books")
        self.assertEqual(self.transfer(a, tid)["Name"], "a-books")
        self.assertEqual([t["Name"] for t in self.inbound(a) if t["Id"] == tid], ["a-books"])
        self.assertEqual([t["Name"] for t in self.outbound(b) if t["Id"] == tid], ["b-books"])
        # Renaming changed nothing else.
        for party in (a, b):
            self.assertEqual(self.status(party, tid), "ACCEPTED")

    def test_renames_racing_answers_and_terminations_lose_nothing(self):
        """A rename rewrites the transfer: one that read it before a concurrent accept or
        termination must not write the old status back (a withdrawn transfer revived, an
        accepted one reverted while its handshake says ACCEPTED), nor lose the other side's
        rename."""
        for attempt in range(3):
            a, b = self.management("rr-a%d" % attempt), self.management("rr-b%d" % attempt)
            h, tid = self.invite(a, b.account_id, SourceName="start")
            a1, a2, b1, b2 = (self.client("organizations", *key)
                              for key in (a.key, a.key, b.key, b.key))
            results = run_together([
                lambda: b1.accept_handshake(HandshakeId=h["Id"]),
                lambda: a1.update_responsibility_transfer(Id=tid, Name="a-%d" % attempt),
                lambda: b2.update_responsibility_transfer(Id=tid, Name="b-%d" % attempt)])
            self.assertEqual([code_of(r) for r in results], [None] * 3,
                             [getattr(r, "response", None) for r in results])
            self.assertEqual(self.handshake_state(a, h["Id"]), "ACCEPTED")
            for party, name in ((a, "a-%d" % attempt), (b, "b-%d" % attempt)):
                seen = self.transfer(party, tid)
                self.assertEqual((seen["Status"], seen["Name"]), ("ACCEPTED", name))

            results = run_together([
                lambda: a1.terminate_responsibility_transfer(Id=tid),
                lambda: a2.update_responsibility_transfer(Id=tid, Name="a2-%d" % attempt),
                lambda: b1.update_responsibility_transfer(Id=tid, Name="b2-%d" % attempt)])
            self.assertEqual([code_of(r) for r in results], [None] * 3,
                             [getattr(r, "response", None) for r in results])
            for party, name in ((a, "a2-%d" % attempt), (b, "b2-%d" % attempt)):
                seen = self.transfer(party, tid)
                self.assertEqual((seen["Status"], seen["Name"]), ("WITHDRAWN", name))
                self.assertIn("EndTimestamp", seen)

    # 5. Hostile timestamps.

    def test_hostile_start_timestamps_are_refused_with_a_reason(self):
        a, b = self.management("ts-a"), self.management("ts-b")
        start = epoch(self.start)
        now = datetime.datetime.now(UTC)
        cases = [
            ("1e300", "InvalidInputException", "INVALID_START_DATE"),
            ("-1e300", "InvalidInputException", "INVALID_START_DATE"),
            ("-2592000", "InvalidInputException", "INVALID_START_DATE"),
            ("1" + "0" * 40, "InvalidInputException", "INVALID_START_DATE"),
            (repr(start + 0.5), "InvalidInputException", "START_DATE_NOT_BEGINNING_OF_DAY"),
            (repr(start + 3600), "InvalidInputException", "START_DATE_NOT_BEGINNING_OF_DAY"),
            (repr(start + 86400), "InvalidInputException", "START_DATE_NOT_BEGINNING_OF_MONTH"),
            (repr(epoch(add_months(now, 0))), "InvalidInputException", "START_DATE_TOO_EARLY"),
            (repr(epoch(add_months(now, 14))), "InvalidInputException", "START_DATE_TOO_LATE"),
            ("1e400", "SerializationException", None),  # beyond a double: not JSON we can read
            ('"%s"' % self.start.strftime("%Y-%m-%dT%H:%M:%SZ"), "SerializationException", None),
            ("true", "SerializationException", None),
            ("{}", "SerializationException", None),
        ]
        for literal, code, reason in cases:
            body = ('{"Type":"BILLING","Target":{"Id":"%s","Type":"ACCOUNT"},'
                    '"SourceName":"hostile","StartTimestamp":%s}' % (b.account_id, literal))
            status, answer = self.raw(a, "InviteOrganizationToTransferResponsibility",
                                      body.encode())
            self.assertEqual(status, 400, (literal, answer))
            self.assertIsInstance(answer, dict, (literal, answer))
            self.assertEqual(answer.get("__type"), code, (literal, answer))
            if reason is not None:
                self.assertEqual(answer.get("Reason"), reason, (literal, answer))
        # Nothing was made of any of them, and the server still answers.
        self.assertEqual(self.inbound(a), [])
        self.assertEqual(self.outbound(b), [])
        self.assert_still_serving(a)
        # The same start, valid, is accepted.
        status, answer = self.raw(a, "InviteOrganizationToTransferResponsibility", (
            '{"Type":"BILLING","Target":{"Id":"%s","Type":"ACCOUNT"},"SourceName":"fine",'
            '"StartTimestamp":%d}' % (b.account_id, int(start))).encode())
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["Handshake"]["Action"], "TRANSFER_RESPONSIBILITY")

    def test_hostile_end_timestamps_are_refused_with_a_reason(self):
        a, b = self.management("te-a"), self.management("te-b")
        h, tid = self.invite(a, b.account_id)
        # Not accepted yet: nothing to end, whatever the end.
        self.assertOrgError(a.orgs.terminate_responsibility_transfer,
                            "InvalidResponsibilityTransferTransitionException", Id=tid)
        b.orgs.accept_handshake(HandshakeId=h["Id"])
        month_end = epoch(add_months(self.start, 1)) - 1  # 23:59:59 on the start month's last day
        end_reasons = {"INVALID_END_DATE", "END_DATE_NOT_END_OF_MONTH"}
        cases = [
            ("1e300", end_reasons),
            ("-1e300", end_reasons),
            ("-1", end_reasons),
            ("1" + "0" * 40, end_reasons),
            (repr(month_end - 86400 * 10), {"END_DATE_NOT_END_OF_MONTH"}),
            (repr(month_end - 1.5), {"END_DATE_NOT_END_OF_MONTH"}),
            (repr(epoch(self.start) - 1), {"END_DATE_TOO_EARLY"}),  # before the start
        ]
        for party in (a, b):
            for literal, reasons in cases:
                body = '{"Id":"%s","EndTimestamp":%s}' % (tid, literal)
                status, answer = self.raw(party, "TerminateResponsibilityTransfer", body.encode())
                self.assertEqual(status, 400, (literal, answer))
                self.assertIsInstance(answer, dict, (literal, answer))
                self.assertEqual(answer.get("__type"), "InvalidInputException", (literal, answer))
                self.assertIn(answer.get("Reason"), reasons, (literal, answer))
            for literal in ("1e400", '"soon"', "[]"):
                status, answer = self.raw(party, "TerminateResponsibilityTransfer",
                                          ('{"Id":"%s","EndTimestamp":%s}'
                                           % (tid, literal)).encode())
                self.assertEqual(status, 400, (literal, answer))
                self.assertEqual(answer.get("__type"), "SerializationException",
                                 (literal, answer))
        for party in (a, b):
            seen = self.transfer(party, tid)
            self.assertEqual(seen["Status"], "ACCEPTED")
            self.assertNotIn("EndTimestamp", seen)
        # A true end of month ends it; ending it again is refused.
        ended = b.orgs.terminate_responsibility_transfer(
            Id=tid, EndTimestamp=datetime.datetime.fromtimestamp(month_end, UTC))
        self.assertEqual(ended["ResponsibilityTransfer"]["Status"], "WITHDRAWN")
        # The end is that month's last second (to its last millisecond, as the server keeps it).
        end = epoch(ended["ResponsibilityTransfer"]["EndTimestamp"])
        self.assertTrue(month_end <= end < month_end + 1, (end, month_end))
        self.assertEqual(self.status(a, tid), "WITHDRAWN")
        for party in (a, b):
            self.assertOrgError(party.orgs.terminate_responsibility_transfer,
                                "ResponsibilityTransferAlreadyInStatusException", Id=tid)

    # 6. Loops, oneself, and deleting an organization under a transfer.

    def test_no_organization_comes_to_hold_its_own_responsibility(self):
        a, b, c = self.management("lp-a"), self.management("lp-b"), self.management("lp-c")
        # Inviting oneself, by id or by one's own email in another case.
        for target, kind in ((a.account_id, "ACCOUNT"), (a.email.upper(), "EMAIL")):
            self.assertOrgError(a.orgs.invite_organization_to_transfer_responsibility,
                                "HandshakeConstraintViolationException",
                                "SOURCE_AND_TARGET_CANNOT_MATCH", Type="BILLING",
                                Target={"Id": target, "Type": kind},
                                StartTimestamp=self.start, SourceName="me")
        self.assertEqual(self.inbound(a), [])

        # A holds B's responsibility; B inviting A back and A accepting would close a loop.
        h, tid = self.invite(a, b.account_id)
        b.orgs.accept_handshake(HandshakeId=h["Id"])
        back, back_tid = self.invite(b, a.account_id)
        self.assertOrgError(a.orgs.accept_handshake, "ConstraintViolationException",
                            "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION", HandshakeId=back["Id"])
        self.assertEqual(self.status(a, back_tid), "REQUESTED")
        self.assertEqual(self.handshake_state(b, back["Id"]), "OPEN")

        # Through a chain: B holds C's, so C inviting A and A accepting would close C→B→A→C.
        hc, ctid = self.invite(b, c.account_id)
        c.orgs.accept_handshake(HandshakeId=hc["Id"])
        around, around_tid = self.invite(c, a.account_id)
        self.assertOrgError(a.orgs.accept_handshake, "ConstraintViolationException",
                            "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION",
                            HandshakeId=around["Id"])
        self.assertEqual(self.status(c, around_tid), "REQUESTED")
        self.assertEqual([t["Status"] for t in self.outbound(a)], ["REQUESTED", "REQUESTED"])
        self.assertEqual(self.status(a, tid), "ACCEPTED")
        self.assertEqual(self.status(c, ctid), "ACCEPTED")

    def test_an_organization_under_a_transfer_cannot_be_deleted(self):
        a, b = self.management("dl-a"), self.management("dl-b")
        h, tid = self.invite(a, b.account_id)
        for party in (a, b):  # an open invitation, either way
            self.assertOrgError(party.orgs.delete_organization, "ConstraintViolationException",
                                "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")
        b.orgs.decline_handshake(HandshakeId=h["Id"])
        self.assertEqual(self.status(a, tid), "DECLINED")
        for party in (a, b):
            party.orgs.delete_organization()
            self.assertOrgError(party.orgs.describe_organization,
                                "AWSOrganizationsNotInUseException")

        # Accepted: neither side may go.
        c, d = self.management("dl-c"), self.management("dl-d")
        h, tid = self.invite(c, d.account_id)
        d.orgs.accept_handshake(HandshakeId=h["Id"])
        for party in (c, d):
            self.assertOrgError(party.orgs.delete_organization, "ConstraintViolationException",
                                "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")
            self.assertEqual(party.orgs.describe_organization()["Organization"]["Id"],
                             party.org["Id"])

    # Expiry.

    def test_an_invitation_cannot_be_accepted_after_its_deadline(self):
        a, b = self.management("ex-a"), self.management("ex-b")
        now = datetime.datetime.now(UTC)
        start = add_months(now, 2)
        # Ten days before the start the invitation is sent: it closes a day before the start,
        # sooner than its 15 days.
        sent_at = start - 10 * DAY
        with self.clock_moved(int((sent_at - now).total_seconds())):
            h, tid = self.invite(a, b.account_id, StartTimestamp=start)
        self.assertEqual(h["ExpirationTimestamp"], start - DAY)
        with self.clock_moved(int((start - DAY - now).total_seconds()) - 3600):
            self.assertEqual(self.status(a, tid), "REQUESTED")
        with self.clock_moved(int((start - DAY - now).total_seconds()) + 3600):
            self.assertEqual(self.status(a, tid), "EXPIRED")
            self.assertEqual(self.status(b, tid), "EXPIRED")
            self.assertOrgError(b.orgs.accept_handshake, "InvalidHandshakeTransitionException",
                                HandshakeId=h["Id"])
            self.assertEqual(self.status(a, tid), "EXPIRED")
            self.assertOrgError(a.orgs.terminate_responsibility_transfer,
                                "InvalidResponsibilityTransferTransitionException", Id=tid)
            self.assertEqual(self.handshake_state(a, h["Id"]), "EXPIRED")


if __name__ == "__main__":
    import unittest
    unittest.main()
