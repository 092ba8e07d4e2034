"""The audit trail seen by someone inside the system who would rather not be seen, or would
read what is not theirs: a member account's administrator cannot read the management account's
history, not even with a page token the management account was given; racing writes leave one
event each, none lost and none merged; what a caller controls (user agent, session name, names
full of quotes and markup) is recorded as data, never as structure; an unsigned federation call
naming a role is recorded; the recorded identity is the stored principal, whatever the
request claims; an event id finds only its own account's event, and a forged one finds
nothing without reading the whole history; and reading the history does not make it grow by
what was read (a lookup is a read: its answer, which holds earlier records, is not recorded)."""
import json
import threading
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase
from test_audit_trail import lookup, record, wait_for


class AuditTrailAttacksTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin("organizations").create_organization(FeatureSet="ALL")
        cls.member = cls.created_account("intruder@example.com", "Intruder")
        creds = cls.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % cls.member,
            RoleSessionName="member-admin")["Credentials"]
        cls.member_creds = creds
        cls.member_trail = cls.session_client("cloudtrail", creds)
        cls.trail = cls.admin("cloudtrail")

    def test_a_member_cannot_read_the_management_history_even_with_its_token(self):
        admin = self.admin("iam")
        for i in range(3):
            admin.create_user(UserName="mgmt-%d" % i)
        wait_for(self.trail, "EventName", "CreateUser", count=3)
        page = self.trail.lookup_events(MaxResults=1)
        self.assertIn("NextToken", page)
        with self.assertRaises(ClientError) as e:
            self.member_trail.lookup_events(MaxResults=1, NextToken=page["NextToken"])
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidNextTokenException")
        for event in lookup(self.member_trail):
            self.assertEqual(record(event)["recipientAccountId"], self.member)
            self.assertNotIn("mgmt-", event["CloudTrailEvent"])

    def test_an_event_id_finds_its_own_accounts_read_alone_and_a_forged_one_finds_nothing(self):
        # A read is stored in a block, found by the time its id carries (docs/audit.md).
        self.admin("sts").get_caller_identity()
        reads = wait_for(self.trail, "EventName", "GetCallerIdentity")
        self.assertTrue(reads)
        event_id = reads[0]["EventId"]

        def by_id(trail, value):
            return lookup(trail, LookupAttributes=[
                {"AttributeKey": "EventId", "AttributeValue": value}])

        self.assertEqual([e["EventId"] for e in by_id(self.trail, event_id)], [event_id])
        self.assertEqual(by_id(self.member_trail, event_id), [])
        # Ids shaped as the server's with another time or other random bits, and ids of no
        # such shape, name no event. (That an id of another shape is never looked for in every
        # block is SqliteAudit.AReadInABlockIsFoundByTheTimeItsIdCarries.)
        forged = [event_id[:24] + "000000000000", "00000000-0000-7000-8000-000000000000",
                  "ffffffff-ffff-7fff-bfff-ffffffffffff", event_id.upper(), event_id[:-1],
                  "x" * 36, "' OR 1=1 --", "\u00e9" * 36, "0" * 2000]
        for value in forged:
            self.assertEqual(by_id(self.trail, value), [], value)

    def test_racing_writes_leave_one_event_each(self):
        iam = self.admin("iam")
        results = []
        start = threading.Barrier(8)

        def create():
            start.wait()
            try:
                iam.create_user(UserName="contested")
                results.append("ok")
            except ClientError as e:
                results.append(e.response["Error"]["Code"])

        threads = [threading.Thread(target=create) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), ["EntityAlreadyExists"] * 7 + ["ok"])
        events = [record(e) for e in wait_for(self.trail, "ResourceName", "contested", count=8)]
        self.assertEqual(len(events), 8, events)
        self.assertEqual(len({e["eventID"] for e in events}), 8)
        self.assertEqual(len({e["requestID"] for e in events}), 8)
        outcomes = sorted(e.get("errorCode", "ok") for e in events)
        self.assertEqual(outcomes, ["EntityAlreadyExists"] * 7 + ["ok"])
        created = [e for e in events if "errorCode" not in e]
        self.assertEqual(created[0]["responseElements"]["user"]["userName"], "contested")

    def test_what_a_caller_controls_is_recorded_as_data(self):
        hostile = 'x","eventName":"Forged","y":"</script><img src=x onerror=alert(1)>\u2028'
        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                           aws_access_key_id=self.admin_key[0],
                           aws_secret_access_key=self.admin_key[1],
                           config=Config(user_agent_extra=hostile.replace("\u2028", ""),
                                         retries={"max_attempts": 1}))
        iam.create_group(GroupName="quoted")
        with self.assertRaises(ClientError):
            iam.get_user(UserName='no"such</user>')
        creates = [record(e) for e in wait_for(self.trail, "EventName", "CreateGroup")]
        self.assertEqual(len(creates), 1)
        self.assertEqual(creates[0]["eventName"], "CreateGroup")
        self.assertIn('"eventName":"Forged"', creates[0]["userAgent"])
        self.assertNotIn("Forged", [json.loads(e["CloudTrailEvent"])["eventName"]
                                    for e in lookup(self.trail)])
        refused = [record(e) for e in wait_for(self.trail, "EventName", "GetUser")
                   if record(e).get("errorCode")]
        self.assertTrue(refused)

    def test_the_identity_recorded_is_the_stored_principal(self):
        # A session name chosen to look like another principal is only a session name.
        creds = self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.member,
            RoleSessionName="root")["Credentials"]
        self.session_client("iam", creds).list_users()
        events = [record(e) for e in wait_for(self.member_trail, "EventName", "ListUsers")]
        self.assertTrue(events)
        identity = events[0]["userIdentity"]
        self.assertEqual(identity["type"], "AssumedRole")
        self.assertEqual(identity["arn"], "arn:aws:sts::%s:assumed-role/"
                         "OrganizationAccountAccessRole/root" % self.member)
        self.assertEqual(identity["sessionContext"]["sessionIssuer"]["arn"],
                         "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.member)

    def test_an_unsigned_federation_call_is_recorded_in_the_roles_account(self):
        sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                           config=Config(signature_version=__import__("botocore").UNSIGNED,
                                         retries={"max_attempts": 1}))
        role = "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.member
        with self.assertRaises(ClientError):
            sts.assume_role_with_web_identity(
                RoleArn=role, RoleSessionName="probe",
                WebIdentityToken="eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V2aWwuZXhhbXBsZSIs"
                                 "InN1YiI6Im1hbGxvcnkiLCJhdWQiOiJ4In0.c2ln")
        events = [record(e) for e in wait_for(self.member_trail, "EventName",
                                               "AssumeRoleWithWebIdentity")]
        self.assertEqual(len(events), 1)
        identity = events[0]["userIdentity"]
        self.assertEqual(identity["type"], "WebIdentityUser")
        self.assertEqual(identity["identityProvider"], "evil.example")
        self.assertEqual(identity["userName"], "mallory")
        self.assertIn("errorCode", events[0])
        self.assertEqual(events[0]["requestParameters"]["webIdentityToken"],
                         "HIDDEN_DUE_TO_SECURITY_REASONS")
        # A role that does not exist puts nothing in the account's history: anyone may send
        # these calls, and no account's history is theirs to fill.
        with self.assertRaises(ClientError):
            sts.assume_role_with_web_identity(
                RoleArn="arn:aws:iam::%s:role/NoSuchRole" % self.member,
                RoleSessionName="probe", WebIdentityToken="x.y.z")
        time.sleep(1)
        events = wait_for(self.member_trail, "EventName", "AssumeRoleWithWebIdentity", count=2,
                          timeout=0)
        self.assertEqual(len(events), 1)

    def test_reading_the_history_does_not_record_what_was_read(self):
        self.admin("iam").create_user(UserName="looked-at")
        wait_for(self.trail, "EventName", "CreateUser")
        for _ in range(6):
            self.trail.lookup_events(MaxResults=50)
        lookups = wait_for(self.trail, "EventName", "LookupEvents", count=6)
        self.assertGreaterEqual(len(lookups), 6)
        for event in lookups:
            body = record(event)
            self.assertTrue(body["readOnly"])
            self.assertIsNone(body["responseElements"])
            self.assertLess(len(event["CloudTrailEvent"]), 4096)


if __name__ == "__main__":
    import unittest
    unittest.main()
