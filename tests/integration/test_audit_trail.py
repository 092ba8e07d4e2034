"""The audit trail through CloudTrail's LookupEvents: the question "who assumed
OrganizationAccountAccessRole in account X, from where, and what did they change?" answered by
boto3 and `aws cloudtrail lookup-events`; the cross-account AssumeRole in both accounts with one
sharedEventID; refused calls (denied, invalid parameters) recorded; each lookup attribute, time
bounds and paging with NextToken bound to its query; secrets never recorded; each account reading
its own history, and the management account its members' once CloudTrail has trusted access;
cloudtrail:LookupEvents authorized like any operation; an acknowledged write's event surviving
kill -9.
"""
import json
import os
import signal
import subprocess
import time

from botocore.exceptions import ClientError

from console_client import ConsoleClient
from gatehouse_fixture import BIN, GatehouseTestCase

ROLE = "OrganizationAccountAccessRole"


def lookup(client, **kwargs):
    """Every event LookupEvents pages through."""
    events, token = [], kwargs.pop("NextToken", None)
    while True:
        page = client.lookup_events(**kwargs, **({"NextToken": token} if token else {}))
        events += page["Events"]
        token = page.get("NextToken")
        if not token:
            return events


def wait_for(client, attribute, value, count=1, timeout=10, **kwargs):
    """The events with `attribute` = `value`, once at least `count` are there."""
    deadline = time.time() + timeout
    while True:
        events = lookup(client, LookupAttributes=[
            {"AttributeKey": attribute, "AttributeValue": value}], **kwargs)
        if len(events) >= count or time.time() > deadline:
            return events
        time.sleep(0.1)


def record(event):
    return json.loads(event["CloudTrailEvent"])


class AuditTrailTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.admin("organizations")
        org.create_organization(FeatureSet="ALL")
        cls.member = cls.created_account("audited@example.com", "Audited")
        iam = cls.admin("iam")
        iam.create_user(UserName="operator")
        iam.attach_user_policy(UserName="operator",
                               PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        key = iam.create_access_key(UserName="operator")["AccessKey"]
        cls.operator_key = key["AccessKeyId"]
        cls.operator = cls.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        cls.role_arn = "arn:aws:iam::%s:role/%s" % (cls.member, ROLE)
        cls.creds = cls.operator.assume_role(
            RoleArn=cls.role_arn, RoleSessionName="tuesday-change")["Credentials"]
        member_iam = cls.session_client("iam", cls.creds)
        member_iam.create_user(UserName="backdoor")
        cls.member_trail = cls.session_client("cloudtrail", cls.creds)
        cls.trail = cls.admin("cloudtrail")
        arn = cls.admin("sts").get_caller_identity()["Arn"]
        cls.admin_name = "root" if arn.endswith(":root") else arn.rsplit("/", 1)[1]

    def test_who_assumed_the_role_in_the_member_and_what_they_changed(self):
        assumed = wait_for(self.member_trail, "EventName", "AssumeRole")
        self.assertEqual(len(assumed), 1, assumed)
        r = record(assumed[0])
        self.assertEqual(r["eventVersion"], "1.09")
        self.assertEqual(r["eventSource"], "sts.amazonaws.com")
        self.assertEqual(r["eventType"], "AwsApiCall")
        self.assertEqual(r["recipientAccountId"], self.member)
        self.assertEqual(r["userIdentity"]["type"], "IAMUser")
        self.assertEqual(r["userIdentity"]["arn"], "arn:aws:iam::%s:user/operator" % self.account)
        self.assertEqual(r["userIdentity"]["accessKeyId"], self.operator_key)
        self.assertEqual(r["sourceIPAddress"], "127.0.0.1")
        self.assertIn("Boto3", r["userAgent"])
        self.assertEqual(r["requestParameters"]["roleArn"], self.role_arn)
        self.assertEqual(r["requestParameters"]["roleSessionName"], "tuesday-change")
        self.assertTrue(r["readOnly"])
        self.assertEqual(r["resources"], [
            {"accountId": self.member, "type": "AWS::IAM::Role", "ARN": self.role_arn}])
        credentials = r["responseElements"]["credentials"]
        self.assertEqual(credentials["accessKeyId"], self.creds["AccessKeyId"])
        self.assertNotIn("secretAccessKey", credentials)
        self.assertNotIn("sessionToken", credentials)

        changed = wait_for(self.member_trail, "Username", "tuesday-change")
        names = [e["EventName"] for e in changed]
        self.assertIn("CreateUser", names)
        create = record(changed[names.index("CreateUser")])
        identity = create["userIdentity"]
        self.assertEqual(identity["type"], "AssumedRole")
        self.assertEqual(identity["arn"], "arn:aws:sts::%s:assumed-role/%s/tuesday-change"
                         % (self.member, ROLE))
        self.assertEqual(identity["accessKeyId"], self.creds["AccessKeyId"])
        issuer = identity["sessionContext"]["sessionIssuer"]
        self.assertEqual(issuer["arn"], self.role_arn)
        self.assertEqual(issuer["type"], "Role")
        self.assertEqual(create["requestParameters"], {"userName": "backdoor"})
        self.assertEqual(create["responseElements"]["user"]["userName"], "backdoor")
        self.assertFalse(create["readOnly"])
        self.assertEqual(changed[names.index("CreateUser")]["Resources"],
                         [{"ResourceType": "AWS::IAM::User", "ResourceName": "backdoor"}])

    def test_cross_account_assume_role_is_in_both_histories_with_one_shared_event_id(self):
        ours = wait_for(self.trail, "ResourceName", self.role_arn)
        theirs = wait_for(self.member_trail, "ResourceName", self.role_arn)
        self.assertEqual(len(ours), 1)
        self.assertEqual(len(theirs), 1)
        a, b = record(ours[0]), record(theirs[0])
        self.assertEqual(a["recipientAccountId"], self.account)
        self.assertEqual(b["recipientAccountId"], self.member)
        self.assertEqual(a["sharedEventID"], b["sharedEventID"])
        self.assertEqual(a["eventID"], b["eventID"])
        self.assertEqual(a["requestID"], b["requestID"])

    def test_the_aws_cli_looks_up_events_unchanged(self):
        code, out, err = self.aws_cli(
            "cloudtrail", "lookup-events", "--lookup-attributes",
            "AttributeKey=EventName,AttributeValue=AssumeRole", "--max-results", "5")
        self.assertEqual(code, 0, err)
        events = json.loads(out)["Events"]
        self.assertEqual([e["EventName"] for e in events], ["AssumeRole"])
        self.assertEqual(record(events[0])["userIdentity"]["userName"], "operator")

    def test_denied_and_invalid_calls_are_recorded(self):
        iam = self.new_user_client("iam", "nobody")
        with self.assertRaises(ClientError):
            iam.create_user(UserName="not-allowed")
        denied = wait_for(self.trail, "Username", "nobody")
        create = [record(e) for e in denied if e["EventName"] == "CreateUser"]
        self.assertEqual(len(create), 1, denied)
        self.assertEqual(create[0]["errorCode"], "AccessDenied")
        self.assertIn("is not authorized to perform: iam:CreateUser", create[0]["errorMessage"])
        self.assertIsNone(create[0]["responseElements"])

        admin = self.admin("iam")
        with self.assertRaises(ClientError):
            admin.create_user(UserName="bad name with spaces")
        deadline = time.time() + 10
        while True:  # events reach the history a moment after the call, as CloudTrail's do
            invalid = [e for e in lookup(self.trail, LookupAttributes=[
                {"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])
                if record(e).get("errorCode") == "ValidationError"]
            if invalid or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(len(invalid), 1)

    def test_each_lookup_attribute_selects_its_events(self):
        admin = self.admin("iam")
        admin.create_group(GroupName="auditors")
        self.assertTrue(wait_for(self.trail, "ResourceName", "auditors"))
        cases = {"EventName": "CreateGroup", "ResourceType": "AWS::IAM::Group",
                 "EventSource": "iam.amazonaws.com", "ReadOnly": "false",
                 "Username": self.admin_name, "AccessKeyId": self.admin_key[0]}
        for key, value in cases.items():
            names = [e["EventName"] for e in wait_for(self.trail, key, value)]
            self.assertIn("CreateGroup", names, key)
        group = [e for e in wait_for(self.trail, "EventName", "CreateGroup")][0]
        by_id = wait_for(self.trail, "EventId", group["EventId"])
        self.assertEqual([e["EventId"] for e in by_id], [group["EventId"]])
        reads = wait_for(self.trail, "ReadOnly", "true")
        self.assertTrue(reads)
        self.assertTrue(all(record(e)["readOnly"] for e in reads))

    def test_paging_is_newest_first_and_a_token_serves_only_its_query(self):
        admin = self.admin("iam")
        for i in range(5):
            admin.create_policy(PolicyName="paged-%d" % i, PolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
        attribute = [{"AttributeKey": "EventName", "AttributeValue": "CreatePolicy"}]
        self.assertEqual(len(wait_for(self.trail, "EventName", "CreatePolicy", count=5)), 5)
        first = self.trail.lookup_events(LookupAttributes=attribute, MaxResults=2)
        self.assertEqual(len(first["Events"]), 2)
        pages = first["Events"] + lookup(self.trail, LookupAttributes=attribute, MaxResults=2,
                                         NextToken=first["NextToken"])
        names = [record(e)["requestParameters"]["policyName"] for e in pages]
        self.assertEqual(names, ["paged-4", "paged-3", "paged-2", "paged-1", "paged-0"])
        with self.assertRaises(ClientError) as e:
            self.trail.lookup_events(NextToken=first["NextToken"])
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidNextTokenException")
        with self.assertRaises(ClientError) as e:
            self.trail.lookup_events(NextToken="garbage")
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidNextTokenException")

    def test_time_bounds_and_parameter_errors(self):
        now = time.time()
        self.assertEqual(self.trail.lookup_events(EndTime=now - 86400)["Events"], [])
        self.assertTrue(self.trail.lookup_events(StartTime=now - 3600)["Events"])
        cases = [({"StartTime": now, "EndTime": now - 60}, "InvalidTimeRangeException"),
                 ({"LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "maybe"}]},
                  "InvalidLookupAttributesException"),
                 ({"LookupAttributes": [
                     {"AttributeKey": "EventName", "AttributeValue": "CreateUser"},
                     {"AttributeKey": "Username", "AttributeValue": "root"}]},
                  "InvalidLookupAttributesException")]
        for kwargs, code in cases:
            with self.assertRaises(ClientError) as e:
                self.trail.lookup_events(**kwargs)
            self.assertEqual(e.exception.response["Error"]["Code"], code, kwargs)
        self.assertEqual(self.trail.lookup_events(EventCategory="insight")["Events"], [])

    def test_no_secret_is_recorded(self):
        admin = self.admin("iam")
        admin.create_user(UserName="secretive")
        key = admin.create_access_key(UserName="secretive")["AccessKey"]
        admin.create_login_profile(UserName="secretive", Password="Correct-Horse-9-Battery")
        events = wait_for(self.trail, "Username", self.admin_name, count=1)
        wait_for(self.trail, "EventName", "CreateLoginProfile")
        bodies = "".join(e["CloudTrailEvent"] for e in lookup(self.trail))
        self.assertNotIn(key["SecretAccessKey"], bodies)
        self.assertNotIn("Correct-Horse-9-Battery", bodies)
        self.assertNotIn(self.creds["SecretAccessKey"], bodies)
        self.assertNotIn(self.creds["SessionToken"], bodies)
        profile = record(wait_for(self.trail, "EventName", "CreateLoginProfile")[0])
        self.assertEqual(profile["requestParameters"]["password"],
                         "HIDDEN_DUE_TO_SECURITY_REASONS")
        self.assertTrue(events)

    def test_lookup_events_is_authorized_and_each_account_reads_its_own(self):
        trail = self.new_user_client("cloudtrail", "unprivileged")
        with self.assertRaises(ClientError) as e:
            trail.lookup_events()
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn("cloudtrail:LookupEvents", e.exception.response["Error"]["Message"])
        for event in lookup(self.member_trail):
            self.assertEqual(record(event)["recipientAccountId"], self.member)
        # The operator's only events in the member's history are its AssumeRole calls there.
        theirs = wait_for(self.member_trail, "Username", "operator", timeout=0)
        self.assertEqual({e["EventName"] for e in theirs}, {"AssumeRole"})

    def test_the_management_account_reads_members_once_cloudtrail_has_trusted_access(self):
        mine = [record(e)["recipientAccountId"] for e in lookup(self.trail)]
        self.assertNotIn(self.member, mine)
        org = self.admin("organizations")
        org.enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")
        try:
            everyone = [record(e) for e in lookup(self.trail)]
            backdoor = [r for r in everyone if r["eventName"] == "CreateUser"
                        and r["requestParameters"] == {"userName": "backdoor"}]
            self.assertEqual(len(backdoor), 1)
            self.assertEqual(backdoor[0]["recipientAccountId"], self.member)
            # The member still reads only its own.
            for event in lookup(self.member_trail):
                self.assertEqual(record(event)["recipientAccountId"], self.member)
        finally:
            org.disable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")


class ConsoleEventsTest(GatehouseTestCase):
    """Console sign-ins (and their failures) and role switches, in the histories they belong to."""

    PASSWORD = "Sign-In-Audit-2026!"

    def test_sign_ins_failures_and_switch_role_are_recorded(self):
        iam = self.admin("iam")
        iam.create_user(UserName="gina")
        iam.create_login_profile(UserName="gina", Password=self.PASSWORD)
        iam.put_user_policy(UserName="gina", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["sts:AssumeRole", "cloudtrail:LookupEvents"],
                 "Resource": "*"}]}))
        iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % self.account},
                "Action": "sts:AssumeRole"}]}))
        c = ConsoleClient(self.port)
        status, _ = c.sign_in_user(self.account, "gina", "wrong-password")
        self.assertEqual(status, 401)
        status, _ = c.sign_in_user(self.account, "My-Secret-Typed-As-Name", "x")
        self.assertEqual(status, 401)
        status, doc = c.sign_in_user(self.account, "gina", self.PASSWORD)
        self.assertEqual(status, 200, doc)
        status, _, doc = c.post("/console/switch-role", {"account": self.account,
                                                         "roleName": "Reader"})
        self.assertEqual(status, 200, doc)

        trail = self.admin("cloudtrail")
        logins = [record(e) for e in wait_for(trail, "EventName", "ConsoleLogin", count=3)]
        self.assertEqual(len(logins), 3, logins)
        ok, hidden, wrong = logins  # newest first
        self.assertEqual(ok["eventType"], "AwsConsoleSignIn")
        self.assertEqual(ok["eventSource"], "signin.amazonaws.com")
        self.assertEqual(ok["responseElements"], {"ConsoleLogin": "Success"})
        self.assertEqual(ok["userIdentity"]["arn"], "arn:aws:iam::%s:user/gina" % self.account)
        self.assertEqual(ok["additionalEventData"]["MFAUsed"], "No")
        self.assertEqual(wrong["responseElements"], {"ConsoleLogin": "Failure"})
        self.assertEqual(wrong["errorMessage"], "Failed authentication")
        self.assertEqual(wrong["userIdentity"]["userName"], "gina")
        self.assertEqual(hidden["userIdentity"]["userName"], "HIDDEN_DUE_TO_SECURITY_REASONS")
        everything = "".join(e["CloudTrailEvent"] for e in lookup(trail))
        self.assertNotIn("My-Secret-Typed-As-Name", everything)
        self.assertNotIn("wrong-password", everything)
        self.assertNotIn(self.PASSWORD, everything)

        switched = [record(e) for e in wait_for(trail, "EventName", "SwitchRole")]
        self.assertEqual(len(switched), 1)
        self.assertEqual(switched[0]["responseElements"], {"SwitchRole": "Success"})
        self.assertEqual(switched[0]["additionalEventData"]["SwitchFrom"],
                         "arn:aws:iam::%s:user/gina" % self.account)
        # The switch is an AssumeRole of gina's too, as the API records it.
        assumed = [record(e) for e in wait_for(trail, "Username", "gina")
                   if e["EventName"] == "AssumeRole"]
        self.assertEqual(len(assumed), 1)
        self.assertEqual(assumed[0]["requestParameters"]["roleSessionName"], "gina")

        # The event history through the console, as the page reads it.
        status, out = c.api("cloudtrail", "LookupEvents", {"LookupAttributes": [
            {"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}]})
        self.assertEqual((status, out["error"]["code"]), (400, "AccessDeniedException"))
        c.post("/console/switch-back")
        status, out = c.api("cloudtrail", "LookupEvents", {"LookupAttributes": [
            {"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}]})
        self.assertEqual(status, 200, out)
        self.assertEqual(len(out["Events"]), 3)


class KilledServerTest(GatehouseTestCase):
    def test_an_acknowledged_write_keeps_its_event_through_kill_9(self):
        self.admin("iam").create_user(UserName="survivor")
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.seek(0, os.SEEK_END)
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data", self.data.name],
            stdout=self.log, stderr=subprocess.STDOUT)
        type(self).proc = self.proc
        trail = self.admin("cloudtrail")
        deadline = time.time() + 10
        while True:
            try:
                events = trail.lookup_events(LookupAttributes=[
                    {"AttributeKey": "ResourceName", "AttributeValue": "survivor"}])["Events"]
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.assertEqual([e["EventName"] for e in events], ["CreateUser"])
        self.assertEqual(record(events[0])["requestParameters"], {"userName": "survivor"})


if __name__ == "__main__":
    import unittest
    unittest.main()
