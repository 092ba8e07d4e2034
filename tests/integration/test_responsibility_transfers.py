"""Transfers of responsibility between organizations (billing transfer) driven with boto3 and the
AWS CLI against `gatehouse serve`: a management account invites another organization's
management account, by id or by email, to let it take the responsibility from the first of a
month; the invited one accepts, declines, or lets the invitation expire; either withdraws an
accepted transfer at the end of a month. Both sides see the transfer, each with its own ARN and
name; AWS's errors for bad dates, quotas, loops, strangers and members; the organization's
deletion refused while a transfer is under way; authorization by the transfer's ARN.

Run: python3 -m unittest test_responsibility_transfers (from tests/integration, GATEHOUSE_BIN
set by ctest).
"""
import datetime
import json
import os
import subprocess
import warnings

from botocore.config import Config
from botocore.exceptions import ClientError

from clock_helpers import MovableClock
from gatehouse_fixture import GatehouseTestCase

DAY = 24 * 3600
UTC = datetime.timezone.utc


def month_start(months_ahead, now=None):
    """00:00:00 UTC on the first of the month `months_ahead` after the current one."""
    now = now or datetime.datetime.now(UTC)
    index = now.year * 12 + now.month - 1 + months_ahead
    return datetime.datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def month_end(months_ahead):
    """The last second of the month `months_ahead` after the current one."""
    return month_start(months_ahead + 1) - datetime.timedelta(seconds=1)


class ManagementAccount:
    """A standalone account that made its own organization."""

    def __init__(self, case, name):
        self.account = case.create_account(name)
        self.id = self.account["account_id"]
        self.email = "%s@example.com" % name.lower()
        self.key = (self.account["access_key_id"], self.account["secret_access_key"])
        self.orgs = case.client("organizations", *self.key)
        self.org = self.orgs.create_organization(FeatureSet="ALL")["Organization"]


class TransfersTestBase(MovableClock, GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def invite(self, inviter, target_id, target_type="ACCOUNT", months=2, **kwargs):
        kwargs.setdefault("SourceName", "Billing by %s" % inviter.id)
        return inviter.orgs.invite_organization_to_transfer_responsibility(
            Type="BILLING", Target={"Id": target_id, "Type": target_type},
            StartTimestamp=month_start(months), **kwargs)["Handshake"]

    @staticmethod
    def transfer_id(handshake):
        return handshake["Resources"][0]["Value"]

    @staticmethod
    def describe(party, transfer_id):
        answer = party.orgs.describe_responsibility_transfer(Id=transfer_id)
        return answer["ResponsibilityTransfer"]


class ResponsibilityTransfersTest(TransfersTestBase):
    extra_args = ["--max-inbound-transfers", "5"]

    def test_invitation_and_acceptance_seen_from_both_sides(self):
        payer, source = ManagementAccount(self, "Payer1"), ManagementAccount(self, "Source1")
        start = month_start(2)
        h = self.invite(payer, source.id, Notes="We pay from March.", SourceName="Acme billing",
                        Tags=[{"Key": "team", "Value": "finance"}])
        self.assertEqual(h["Action"], "TRANSFER_RESPONSIBILITY")
        self.assertEqual(h["State"], "OPEN")
        self.assertEqual(h["Arn"], "arn:aws:organizations::%s:handshake/%s/"
                         "transfer_responsibility/%s" % (payer.id, payer.org["Id"], h["Id"]))
        self.assertEqual(h["Parties"], [{"Id": payer.org["Id"], "Type": "ORGANIZATION"},
                                        {"Id": source.id, "Type": "ACCOUNT"}])
        rt = h["Resources"][0]
        self.assertEqual(rt["Type"], "RESPONSIBILITY_TRANSFER")
        self.assertRegex(rt["Value"], r"^rt-[0-9a-z]{8,32}$")
        nested = {r["Type"]: r["Value"] for r in rt["Resources"]}
        self.assertEqual(nested["TRANSFER_TYPE"], "BILLING")
        self.assertEqual(nested["MANAGEMENT_ACCOUNT"], payer.id)
        self.assertEqual(nested["MANAGEMENT_EMAIL"], payer.email)
        self.assertEqual(nested["MANAGEMENT_NAME"], "Payer1")
        self.assertEqual(nested["TRANSFER_START_TIMESTAMP"],
                         start.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertEqual(h["Resources"][1:], [{"Type": "ACCOUNT", "Value": source.id},
                                              {"Type": "NOTES", "Value": "We pay from March."}])
        # Open for 15 days, or until a day before the start when that is sooner.
        expected = min(h["RequestedTimestamp"] + datetime.timedelta(days=15),
                       start - datetime.timedelta(days=1))
        self.assertEqual(h["ExpirationTimestamp"], expected)

        inbound = self.describe(payer, rt["Value"])
        self.assertEqual(inbound["Arn"], "arn:aws:organizations::%s:transfer/%s/billing/inbound/%s"
                         % (payer.id, payer.org["Id"], rt["Value"]))
        self.assertEqual(inbound["Name"], "Acme billing")
        self.assertEqual(inbound["Type"], "BILLING")
        self.assertEqual(inbound["Status"], "REQUESTED")
        self.assertEqual(inbound["StartTimestamp"], start)
        self.assertEqual(inbound["ActiveHandshakeId"], h["Id"])
        self.assertEqual(inbound["Target"], {"ManagementAccountId": payer.id,
                                             "ManagementAccountEmail": payer.email})
        # Invited by id: the inviter does not learn the invited owner's email before acceptance.
        self.assertEqual(inbound["Source"], {"ManagementAccountId": source.id})
        self.assertNotIn("EndTimestamp", inbound)

        outbound = self.describe(source, rt["Value"])
        self.assertEqual(outbound["Arn"], "arn:aws:organizations::%s:transfer/%s/billing/"
                         "outbound/%s" % (source.id, source.org["Id"], rt["Value"]))
        self.assertEqual(outbound["Source"], {"ManagementAccountId": source.id,
                                              "ManagementAccountEmail": source.email})
        listed = source.orgs.list_handshakes_for_account(
            Filter={"ActionType": "TRANSFER_RESPONSIBILITY"})["Handshakes"]
        self.assertEqual([x["Id"] for x in listed], [h["Id"]])
        self.assertEqual(source.orgs.list_outbound_responsibility_transfers(
            Type="BILLING")["ResponsibilityTransfers"], [outbound])
        self.assertEqual(payer.orgs.list_inbound_responsibility_transfers(
            Type="BILLING")["ResponsibilityTransfers"], [inbound])

        accepted = source.orgs.accept_handshake(HandshakeId=h["Id"])["Handshake"]
        self.assertEqual(accepted["State"], "ACCEPTED")
        inbound = self.describe(payer, rt["Value"])
        self.assertEqual(inbound["Status"], "ACCEPTED")
        self.assertEqual(inbound["Source"], {"ManagementAccountId": source.id,
                                             "ManagementAccountEmail": source.email})
        self.assertEqual(self.describe(source, rt["Value"])["Status"], "ACCEPTED")
        self.assertEqual(payer.orgs.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"],
                         "ACCEPTED")

    def test_invitation_by_email_reaches_the_owner_and_hides_the_account_id(self):
        payer, source = ManagementAccount(self, "Payer2"), ManagementAccount(self, "Source2")
        h = self.invite(payer, source.email.upper(), "EMAIL")
        seen = self.describe(payer, self.transfer_id(h))
        self.assertEqual(seen["Source"], {"ManagementAccountEmail": source.email.upper()})
        self.assertEqual(self.describe(source, self.transfer_id(h))["Status"], "REQUESTED")
        source.orgs.accept_handshake(HandshakeId=h["Id"])
        seen = self.describe(payer, self.transfer_id(h))
        self.assertEqual(seen["Source"], {"ManagementAccountId": source.id,
                                          "ManagementAccountEmail": source.email})

    def test_declined_canceled_and_expired_invitations(self):
        payer = ManagementAccount(self, "Payer3")
        declining = ManagementAccount(self, "Declines3")
        canceled = ManagementAccount(self, "Cancel3")
        lapsing = ManagementAccount(self, "Lapses3")
        h1 = self.invite(payer, declining.id)
        declining.orgs.decline_handshake(HandshakeId=h1["Id"])
        self.assertEqual(self.describe(payer, self.transfer_id(h1))["Status"], "DECLINED")
        h2 = self.invite(payer, canceled.id)
        self.assertOrgError(canceled.orgs.cancel_handshake, "AccessDeniedException",
                            HandshakeId=h2["Id"])
        payer.orgs.cancel_handshake(HandshakeId=h2["Id"])
        self.assertEqual(self.describe(canceled, self.transfer_id(h2))["Status"], "CANCELED")
        self.assertOrgError(canceled.orgs.accept_handshake, "InvalidHandshakeTransitionException",
                            HandshakeId=h2["Id"])
        h3 = self.invite(payer, lapsing.id)
        with self.clock_moved(16 * DAY):
            self.assertEqual(self.describe(payer, self.transfer_id(h3))["Status"], "EXPIRED")
            self.assertOrgError(lapsing.orgs.accept_handshake,
                                "InvalidHandshakeTransitionException", HandshakeId=h3["Id"])
        # An invitation that ended can be sent again.
        again = self.invite(payer, declining.id)
        self.assertNotEqual(self.transfer_id(again), self.transfer_id(h1))

    def test_duplicate_invitation_and_inviting_oneself_are_refused(self):
        payer, source = ManagementAccount(self, "Payer4"), ManagementAccount(self, "Source4")
        self.invite(payer, source.id)
        with self.assertRaises(ClientError) as e:
            self.invite(payer, source.id)
        self.assertEqual(e.exception.response["Error"]["Code"], "DuplicateHandshakeException")
        with self.assertRaises(ClientError) as e:
            self.invite(payer, payer.id)
        self.assertEqual(e.exception.response["Reason"], "SOURCE_AND_TARGET_CANNOT_MATCH")
        for target, kind, code, reason in [
                (payer.org["Id"], "ORGANIZATION", "InvalidInputException",
                 "INVALID_PARTY_TYPE_TARGET"),
                ("not-an-email", "EMAIL", "InvalidInputException", "INVALID_EMAIL_ADDRESS_TARGET"),
                ("000000000001", "ACCOUNT", "AccountNotFoundException", None)]:
            with self.assertRaises(ClientError) as e:
                self.invite(payer, target, kind)
            self.assertEqual(e.exception.response["Error"]["Code"], code, target)
            self.assertEqual(e.exception.response.get("Reason"), reason, target)

    def test_start_dates_follow_aws_rules(self):
        payer, source = ManagementAccount(self, "Payer5"), ManagementAccount(self, "Source5")
        orgs = payer.orgs
        noon = month_start(2) + datetime.timedelta(hours=12)
        cases = [
            (month_start(2) + datetime.timedelta(days=3), "START_DATE_NOT_BEGINNING_OF_MONTH"),
            (noon, "START_DATE_NOT_BEGINNING_OF_DAY"),
            (month_start(0), "START_DATE_TOO_EARLY"),
            (month_start(13), "START_DATE_TOO_LATE"),
        ]
        for start, reason in cases:
            self.assertOrgError(orgs.invite_organization_to_transfer_responsibility,
                                "InvalidInputException", reason, Type="BILLING",
                                Target={"Id": source.id, "Type": "ACCOUNT"},
                                StartTimestamp=start, SourceName="x")
        # The last month allowed is a year ahead.
        self.invite(payer, source.id, months=12)

    def test_withdrawal_ends_at_the_end_of_a_month(self):
        payer, source = ManagementAccount(self, "Payer6"), ManagementAccount(self, "Source6")
        h = self.invite(payer, source.id)
        rt = self.transfer_id(h)
        self.assertOrgError(payer.orgs.terminate_responsibility_transfer,
                            "InvalidResponsibilityTransferTransitionException", Id=rt)
        source.orgs.accept_handshake(HandshakeId=h["Id"])
        self.assertOrgError(source.orgs.terminate_responsibility_transfer,
                            "InvalidInputException", "END_DATE_NOT_END_OF_MONTH", Id=rt,
                            EndTimestamp=month_start(2) + datetime.timedelta(days=3))
        self.assertOrgError(source.orgs.terminate_responsibility_transfer,
                            "InvalidInputException", "END_DATE_TOO_EARLY", Id=rt,
                            EndTimestamp=month_end(-1))
        ended = source.orgs.terminate_responsibility_transfer(
            Id=rt, EndTimestamp=month_end(3))["ResponsibilityTransfer"]
        self.assertEqual(ended["Status"], "WITHDRAWN")
        self.assertEqual(int(ended["EndTimestamp"].timestamp()), int(month_end(3).timestamp()))
        self.assertEqual(self.describe(payer, rt)["Status"], "WITHDRAWN")
        self.assertOrgError(payer.orgs.terminate_responsibility_transfer,
                            "ResponsibilityTransferAlreadyInStatusException", Id=rt)

        # Without an end: the end of the start's month, for a transfer not started yet.
        later = ManagementAccount(self, "Source6b")
        h = self.invite(payer, later.id)
        later.orgs.accept_handshake(HandshakeId=h["Id"])
        ended = payer.orgs.terminate_responsibility_transfer(
            Id=self.transfer_id(h))["ResponsibilityTransfer"]
        self.assertEqual(int(ended["EndTimestamp"].timestamp()), int(month_end(2).timestamp()))

    def test_each_side_names_the_transfer_for_itself(self):
        payer, source = ManagementAccount(self, "Payer7"), ManagementAccount(self, "Source7")
        rt = self.transfer_id(self.invite(payer, source.id, SourceName="shared"))
        renamed = source.orgs.update_responsibility_transfer(
            Id=rt, Name="Paid by Payer7")["ResponsibilityTransfer"]
        self.assertEqual(renamed["Name"], "Paid by Payer7")
        self.assertEqual(self.describe(payer, rt)["Name"], "shared")
        payer.orgs.update_responsibility_transfer(Id=rt, Name="Source7 bills")
        self.assertEqual(self.describe(source, rt)["Name"], "Paid by Payer7")
        self.assertEqual(self.describe(payer, rt)["Name"], "Source7 bills")

    def test_one_holder_at_a_time_and_no_loops(self):
        a, b, c = (ManagementAccount(self, n) for n in ("ChainA", "ChainB", "ChainC"))
        h_ab = self.invite(a, b.id)  # A takes B's responsibility
        h_cb = self.invite(c, b.id)  # C would too
        b.orgs.accept_handshake(HandshakeId=h_ab["Id"])
        self.assertOrgError(b.orgs.accept_handshake, "ConstraintViolationException",
                            "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION",
                            HandshakeId=h_cb["Id"])
        self.assertEqual(self.describe(c, self.transfer_id(h_cb))["Status"], "REQUESTED")
        # C takes A's: a chain B → A → C is allowed; B taking C's would close a loop.
        a.orgs.accept_handshake(HandshakeId=self.invite(c, a.id)["Id"])
        h_bc = self.invite(b, c.id)
        self.assertOrgError(c.orgs.accept_handshake, "ConstraintViolationException",
                            "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION", HandshakeId=h_bc["Id"])

    def test_strangers_and_members_are_refused(self):
        payer, source = ManagementAccount(self, "Payer8"), ManagementAccount(self, "Source8")
        stranger = ManagementAccount(self, "Stranger8")
        h = self.invite(payer, source.id)
        rt = self.transfer_id(h)
        for call, kwargs in [(stranger.orgs.describe_responsibility_transfer, {"Id": rt}),
                             (stranger.orgs.update_responsibility_transfer,
                              {"Id": rt, "Name": "mine"}),
                             (stranger.orgs.terminate_responsibility_transfer, {"Id": rt}),
                             (stranger.orgs.list_inbound_responsibility_transfers,
                              {"Type": "BILLING", "Id": rt})]:
            self.assertOrgError(call, "ResponsibilityTransferNotFoundException", **kwargs)
        self.assertEqual(stranger.orgs.list_outbound_responsibility_transfers(
            Type="BILLING")["ResponsibilityTransfers"], [])
        self.assertOrgError(stranger.orgs.accept_handshake, "HandshakeNotFoundException",
                            HandshakeId=h["Id"])
        lone = self.create_account("Lone8")
        lone_orgs = self.client("organizations", lone["access_key_id"], lone["secret_access_key"])
        self.assertOrgError(lone_orgs.list_inbound_responsibility_transfers,
                            "AWSOrganizationsNotInUseException", Type="BILLING")
        # Inviting a standalone account works; it cannot accept until it manages an organization.
        h_lone = self.invite(payer, lone["account_id"])
        self.assertOrgError(lone_orgs.accept_handshake, "AWSOrganizationsNotInUseException",
                            HandshakeId=h_lone["Id"])

    def test_organization_in_a_transfer_cannot_be_deleted(self):
        payer, source = ManagementAccount(self, "Payer9"), ManagementAccount(self, "Source9")
        h = self.invite(payer, source.id)
        for party in (payer, source):
            self.assertOrgError(party.orgs.delete_organization, "ConstraintViolationException",
                                "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")
        source.orgs.decline_handshake(HandshakeId=h["Id"])
        source.orgs.delete_organization()
        payer.orgs.delete_organization()

    def test_authorization_by_the_transfers_arn(self):
        payer, source = ManagementAccount(self, "Payer10"), ManagementAccount(self, "Source10")
        rt = self.transfer_id(self.invite(payer, source.id))
        iam = self.client("iam", *payer.key)
        iam.create_user(UserName="reader")
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "organizations:DescribeResponsibilityTransfer",
             "Resource": "arn:aws:organizations::%s:transfer/%s/billing/inbound/*"
                         % (payer.id, payer.org["Id"])}]}
        iam.put_user_policy(UserName="reader", PolicyName="p", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        reader = self.client("organizations", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(reader.describe_responsibility_transfer(Id=rt)
                         ["ResponsibilityTransfer"]["Id"], rt)
        for call, kwargs in [(reader.update_responsibility_transfer, {"Id": rt, "Name": "n"}),
                             (reader.list_inbound_responsibility_transfers, {"Type": "BILLING"}),
                             (reader.invite_organization_to_transfer_responsibility,
                              {"Type": "BILLING", "SourceName": "n",
                               "Target": {"Id": source.id, "Type": "ACCOUNT"},
                               "StartTimestamp": month_start(3)})]:
            self.assertOrgError(call, "AccessDeniedException", **kwargs)

    def test_aws_cli(self):
        payer, source = ManagementAccount(self, "Payer11"), ManagementAccount(self, "Source11")

        def cli(party, *args):
            env = dict(os.environ, AWS_ACCESS_KEY_ID=party.key[0],
                       AWS_SECRET_ACCESS_KEY=party.key[1], AWS_DEFAULT_REGION="us-east-1")
            env.pop("AWS_PROFILE", None)
            p = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json",
                                "organizations"] + list(args), env=env, capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            return json.loads(p.stdout) if p.stdout.strip() else {}

        h = cli(payer, "invite-organization-to-transfer-responsibility", "--type", "BILLING",
                "--target", "Id=%s,Type=ACCOUNT" % source.id, "--source-name", "cli",
                "--start-timestamp", month_start(2).strftime("%Y-%m-%dT%H:%M:%SZ"))["Handshake"]
        rt = self.transfer_id(h)
        cli(source, "accept-handshake", "--handshake-id", h["Id"])
        listed = cli(payer, "list-inbound-responsibility-transfers", "--type", "BILLING")
        self.assertEqual([t["Id"] for t in listed["ResponsibilityTransfers"]], [rt])
        ended = cli(source, "terminate-responsibility-transfer", "--id", rt, "--end-timestamp",
                    month_end(4).strftime("%Y-%m-%dT%H:%M:%SZ"))["ResponsibilityTransfer"]
        self.assertEqual(ended["Status"], "WITHDRAWN")
        described = cli(payer, "describe-responsibility-transfer", "--id", rt)
        self.assertEqual(described["ResponsibilityTransfer"]["Status"], "WITHDRAWN")

    def test_pages_of_inbound_transfers(self):
        payer = ManagementAccount(self, "Payer12")
        ids = sorted(self.transfer_id(self.invite(payer, ManagementAccount(self, "Pg%d" % i).id))
                     for i in range(3))
        seen, token = [], None
        while True:
            kwargs = {"NextToken": token} if token else {}
            page = payer.orgs.list_inbound_responsibility_transfers(
                Type="BILLING", MaxResults=2, **kwargs)
            self.assertLessEqual(len(page["ResponsibilityTransfers"]), 2)
            seen += [t["Id"] for t in page["ResponsibilityTransfers"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(sorted(seen), ids)


class DefaultQuotaTest(TransfersTestBase):
    """AWS's default inbound quota is 0: no invitation until it is raised."""

    def test_no_invitation_under_the_default_quota(self):
        payer, source = ManagementAccount(self, "PayerQ"), ManagementAccount(self, "SourceQ")
        with self.assertRaises(ClientError) as e:
            self.invite(payer, source.id)
        self.assertEqual(e.exception.response["Error"]["Code"], "ConstraintViolationException")
        self.assertEqual(e.exception.response["Reason"],
                         "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION")
        self.assertEqual(payer.orgs.list_handshakes_for_organization()["Handshakes"], [])


class ConfigFileQuotaTest(TransfersTestBase):
    """The quota from the configuration file's max-inbound-transfers."""

    @classmethod
    def before_serve(cls):
        super().before_serve()
        config = os.path.join(cls.data.name, "gatehouse.toml")
        with open(config, "w") as f:
            f.write("max-inbound-transfers = 1\n")
        cls.extra_args = list(cls.extra_args) + ["--config", config]

    def test_the_configured_quota_holds_open_invitations(self):
        payer = ManagementAccount(self, "PayerC")
        first, second = ManagementAccount(self, "SourceC1"), ManagementAccount(self, "SourceC2")
        h = self.invite(payer, first.id)
        with self.assertRaises(ClientError) as e:
            self.invite(payer, second.id)
        self.assertEqual(e.exception.response["Reason"],
                         "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION")
        # A declined invitation gives its place back.
        first.orgs.decline_handshake(HandshakeId=h["Id"])
        self.invite(payer, second.id)
