"""Access advisor, driven with boto3 and the AWS CLI against `gatehouse serve`: what
GetServiceLastAccessedDetails shows for a role used yesterday and for one never used, the
action-level report, a group's and a policy's reports with their entities, the policies granting
each service, RoleLastUsed, pagination, and AWS's errors. "Yesterday" is the server's clock moved
back a day (serve's hidden --clock-offset-file) while the role is used.
"""
import datetime
import json
import warnings

from clock_helpers import MovableClock
from gatehouse_fixture import GatehouseTestCase

DAY = 24 * 3600

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Principal": {"AWS": "arn:aws:iam::%s:root"}}]}
READER = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "sts:GetCallerIdentity"],
     "Resource": "*"}]})


def parse(value):
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class AccessAdvisorTest(MovableClock, GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.admin("iam")
        trust = json.dumps(TRUST) % cls.account
        for name in ("Used", "Idle"):
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
            iam.put_role_policy(RoleName=name, PolicyName="reader", PolicyDocument=READER)

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def report(self, arn, granularity="SERVICE_LEVEL", client=None):
        iam = client or self.admin("iam")
        job = iam.generate_service_last_accessed_details(Arn=arn, Granularity=granularity)
        self.assertRegex(job["JobId"], r"^[0-9a-f-]{36}$")
        got = iam.get_service_last_accessed_details(JobId=job["JobId"])
        self.assertEqual(got["JobStatus"], "COMPLETED")
        self.assertEqual(got["JobType"], granularity)
        self.assertFalse(got["IsTruncated"])
        return job["JobId"], {s["ServiceNamespace"]: s for s in got["ServicesLastAccessed"]}

    def role_arn(self, name):
        return "arn:aws:iam::%s:role/%s" % (self.account, name)

    def use_role_yesterday(self):
        with self.clock_moved(-DAY):
            creds = self.admin("sts").assume_role(RoleArn=self.role_arn("Used"),
                                                  RoleSessionName="yesterday")["Credentials"]
            self.session_client("sts", creds).get_caller_identity()
            self.session_client("iam", creds).get_role(RoleName="Used")
            with self.assertRaises(Exception):  # denied, yet an attempt
                self.session_client("iam", creds).create_user(UserName="nobody")

    def test_a_role_used_yesterday_and_one_never_used(self):
        self.use_role_yesterday()
        yesterday = datetime.datetime.now(datetime.timezone.utc).timestamp() - DAY
        _, used = self.report(self.role_arn("Used"))
        self.assertEqual(sorted(used), ["iam", "sts"])
        for ns in ("iam", "sts"):
            self.assertAlmostEqual(parse(used[ns]["LastAuthenticated"]), yesterday, delta=120)
            self.assertEqual(used[ns]["LastAuthenticatedEntity"], self.role_arn("Used"))
            self.assertEqual(used[ns]["LastAuthenticatedRegion"], "us-east-1")
            self.assertEqual(used[ns]["TotalAuthenticatedEntities"], 1)
        self.assertEqual(used["sts"]["ServiceName"], "AWS Security Token Service")
        _, idle = self.report(self.role_arn("Idle"))
        self.assertEqual(idle["iam"], {"ServiceName": "AWS Identity and Access Management",
                                       "ServiceNamespace": "iam",
                                       "TotalAuthenticatedEntities": 0})
        # RoleLastUsed comes from the same attempts.
        iam = self.admin("iam")
        last = iam.get_role(RoleName="Used")["Role"]["RoleLastUsed"]
        self.assertAlmostEqual(parse(last["LastUsedDate"]), yesterday, delta=120)
        self.assertEqual(last["Region"], "us-east-1")
        self.assertEqual(iam.get_role(RoleName="Idle")["Role"]["RoleLastUsed"], {})

    def test_action_level_shows_each_tracked_action(self):
        self.use_role_yesterday()
        _, used = self.report(self.role_arn("Used"), "ACTION_LEVEL")
        actions = {a["ActionName"]: a for a in used["iam"]["TrackedActionsLastAccessed"]}
        self.assertEqual(actions["GetRole"]["LastAccessedEntity"], self.role_arn("Used"))
        self.assertEqual(actions["GetRole"]["LastAccessedRegion"], "us-east-1")
        self.assertIn("LastAccessedTime", actions["GetRole"])
        self.assertEqual(actions["ListUsers"], {"ActionName": "ListUsers"})
        self.assertNotIn("CreateUser", actions)  # attempted, but not granted by the policies
        self.assertIn("GetCallerIdentity",
                      [a["ActionName"] for a in used["sts"]["TrackedActionsLastAccessed"]])

    def test_a_group_report_counts_its_members(self):
        iam = self.admin("iam")
        iam.create_group(GroupName="Devs")
        iam.put_group_policy(GroupName="Devs", PolicyName="list",
                             PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                                 {"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}]}))
        dana = self.new_user_client("iam", "dana")
        iam.create_user(UserName="eli")
        for user in ("dana", "eli"):
            iam.add_user_to_group(GroupName="Devs", UserName=user)
        dana.list_users()
        job, services = self.report("arn:aws:iam::%s:group/Devs" % self.account)
        self.assertEqual(list(services), ["iam"])
        self.assertEqual(services["iam"]["TotalAuthenticatedEntities"], 1)
        self.assertTrue(services["iam"]["LastAuthenticatedEntity"].endswith(":user/dana"))
        entities = iam.get_service_last_accessed_details_with_entities(
            JobId=job, ServiceNamespace="iam")["EntityDetailsList"]
        self.assertEqual([e["EntityInfo"]["Name"] for e in entities], ["dana", "eli"])
        self.assertEqual(entities[0]["EntityInfo"]["Type"], "USER")
        self.assertIn("LastAuthenticated", entities[0])
        self.assertNotIn("LastAuthenticated", entities[1])
        # One entity a page.
        first = iam.get_service_last_accessed_details_with_entities(
            JobId=job, ServiceNamespace="iam", MaxItems=1)
        self.assertTrue(first["IsTruncated"])
        second = iam.get_service_last_accessed_details_with_entities(
            JobId=job, ServiceNamespace="iam", MaxItems=1, Marker=first["Marker"])
        self.assertEqual(second["EntityDetailsList"][0]["EntityInfo"]["Name"], "eli")
        self.assertFalse(second["IsTruncated"])

    def test_a_policy_report_counts_whoever_it_is_attached_to(self):
        iam = self.admin("iam")
        arn = iam.create_policy(PolicyName="StsOnly", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]}))[
            "Policy"]["Arn"]
        iam.attach_role_policy(RoleName="Used", PolicyArn=arn)
        sts = self.new_user_client("sts", "fay")
        iam.attach_user_policy(UserName="fay", PolicyArn=arn)
        sts.get_caller_identity()
        job, services = self.report(arn)
        self.assertEqual(list(services), ["sts"])
        self.assertTrue(services["sts"]["LastAuthenticatedEntity"].endswith(":user/fay"))
        names = [e["EntityInfo"]["Name"] for e in iam.get_service_last_accessed_details_with_entities(
            JobId=job, ServiceNamespace="sts")["EntityDetailsList"]]
        self.assertEqual(names, ["fay", "Used"])

    def test_the_policies_granting_each_service(self):
        iam = self.admin("iam")
        iam.create_user(UserName="gus")
        iam.put_user_policy(UserName="gus", PolicyName="mine", PolicyDocument=READER)
        iam.attach_user_policy(UserName="gus",
                               PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        iam.create_group(GroupName="Ops")
        iam.put_group_policy(GroupName="Ops", PolicyName="orgs", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "organizations:Describe*", "Resource": "*"}]}))
        iam.add_user_to_group(GroupName="Ops", UserName="gus")
        got = iam.list_policies_granting_service_access(
            Arn="arn:aws:iam::%s:user/gus" % self.account,
            ServiceNamespaces=["iam", "organizations", "s3"])
        self.assertFalse(got["IsTruncated"])
        by_ns = {e["ServiceNamespace"]: e["Policies"] for e in got["PoliciesGrantingServiceAccess"]}
        self.assertEqual(by_ns["iam"], [
            {"PolicyName": "mine", "PolicyType": "INLINE", "EntityType": "USER",
             "EntityName": "gus"},
            {"PolicyName": "IAMReadOnlyAccess", "PolicyType": "MANAGED",
             "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}])
        self.assertEqual(by_ns["organizations"], [
            {"PolicyName": "orgs", "PolicyType": "INLINE", "EntityType": "GROUP",
             "EntityName": "Ops"}])
        self.assertEqual(by_ns["s3"], [])

    def test_pages_of_every_service(self):
        iam = self.admin("iam")
        arn = "arn:aws:iam::%s:user/admin" % self.account
        job = iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
        seen, marker = [], None
        while True:
            kwargs = {"JobId": job, "MaxItems": 100}
            if marker:
                kwargs["Marker"] = marker
            page = iam.get_service_last_accessed_details(**kwargs)
            seen += [s["ServiceNamespace"] for s in page["ServicesLastAccessed"]]
            if not page["IsTruncated"]:
                break
            marker = page["Marker"]
        # AdministratorAccess grants every service, each listed once, by namespace.
        self.assertGreater(len(seen), 300)
        self.assertEqual(seen, sorted(set(seen)))
        self.assertIn("organizations", seen)

    def test_errors(self):
        iam = self.admin("iam")
        self.assertAwsError(iam.generate_service_last_accessed_details, "NoSuchEntity", 404,
                            "The user with name ghost cannot be found.",
                            Arn="arn:aws:iam::%s:user/ghost" % self.account)
        self.assertAwsError(iam.generate_service_last_accessed_details, "InvalidInput", 400,
                            Arn="arn:aws:s3:::bucket/key/x")
        self.assertAwsError(iam.list_policies_granting_service_access, "InvalidInput", 400,
                            Arn="arn:aws:iam::aws:policy/ReadOnlyAccess",
                            ServiceNamespaces=["iam"])
        self.assertAwsError(iam.get_service_last_accessed_details, "NoSuchEntity", 404,
                            JobId="00000000-0000-4000-8000-000000000000")

    def test_the_aws_cli(self):
        code, out, err = self.aws_cli("iam", "generate-service-last-accessed-details", "--arn",
                                      self.role_arn("Idle"))
        self.assertEqual(code, 0, err)
        job = json.loads(out)["JobId"]
        code, out, err = self.aws_cli("iam", "get-service-last-accessed-details", "--job-id", job)
        self.assertEqual(code, 0, err)
        got = json.loads(out)
        self.assertEqual(got["JobStatus"], "COMPLETED")
        self.assertEqual([s["ServiceNamespace"] for s in got["ServicesLastAccessed"]],
                         ["iam", "sts"])
