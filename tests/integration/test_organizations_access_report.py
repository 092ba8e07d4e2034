"""The Organizations access report, driven with boto3 against `gatehouse serve`: for the root,
an OU, a member account and the management account, the services the SCPs on the entity's path
allow (or one SCP allows) and the latest attempt on each by any principal of the accounts under
it — the member's role used yesterday, a member never used — with the counts, the sort keys, the
pages, and who may generate one.
"""
import datetime
import json
import warnings

from clock_helpers import MovableClock
from gatehouse_fixture import GatehouseTestCase

SCP = "SERVICE_CONTROL_POLICY"
DAY = 24 * 3600


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class OrganizationsAccessReportTest(MovableClock, GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.admin("organizations")
        cls.org_id = cls.org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        cls.root = cls.org.list_roots()["Roots"][0]["Id"]
        cls.org.enable_policy_type(RootId=cls.root, PolicyType=SCP)
        cls.ou = cls.org.create_organizational_unit(ParentId=cls.root, Name="Workloads")[
            "OrganizationalUnit"]["Id"]
        cls.used = cls.created_account("used@example.com", "used")
        cls.idle = cls.created_account("idle@example.com", "idle")
        cls.org.move_account(AccountId=cls.used, SourceParentId=cls.root,
                             DestinationParentId=cls.ou)
        # The OU allows IAM and STS only.
        cls.narrow = cls.org.create_policy(
            Name="IamAndSts", Type=SCP, Description="",
            Content=document({"Effect": "Allow", "Action": ["iam:*", "sts:*"],
                              "Resource": "*"}))["Policy"]["PolicySummary"]["Id"]
        cls.org.attach_policy(PolicyId=cls.narrow, TargetId=cls.ou)
        cls.org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=cls.ou)

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def member_sts(self, account):
        creds = self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account,
            RoleSessionName="report")["Credentials"]
        return self.session_client("sts", creds)

    def report(self, path, **kwargs):
        iam = self.admin("iam")
        job = iam.generate_organizations_access_report(EntityPath=path, **kwargs)["JobId"]
        got = iam.get_organizations_access_report(JobId=job, MaxItems=1000)
        self.assertEqual(got["JobStatus"], "COMPLETED")
        self.assertFalse(got["IsTruncated"])
        return got

    def test_an_ou_with_a_member_used_yesterday(self):
        with self.clock_moved(-DAY):
            self.member_sts(self.used).get_caller_identity()
        path = "%s/%s/%s" % (self.org_id, self.root, self.ou)
        got = self.report(path)
        details = {d["ServiceNamespace"]: d for d in got["AccessDetails"]}
        self.assertEqual(sorted(details), ["iam", "sts"])
        self.assertEqual(got["NumberOfServicesAccessible"], 2)
        self.assertEqual(got["NumberOfServicesNotAccessed"], 1)
        sts = details["sts"]
        yesterday = datetime.datetime.now(datetime.timezone.utc).timestamp() - DAY
        self.assertAlmostEqual(sts["LastAuthenticatedTime"].timestamp(), yesterday, delta=120)
        self.assertEqual(sts["EntityPath"], path + "/" + self.used)
        self.assertEqual(sts["Region"], "us-east-1")
        self.assertEqual(sts["TotalAuthenticatedEntities"], 1)
        self.assertEqual(details["iam"], {"ServiceName": "AWS Identity and Access Management",
                                          "ServiceNamespace": "iam",
                                          "TotalAuthenticatedEntities": 0})
        # The same account reported alone; the idle one shows no attempt.
        alone = self.report(path + "/" + self.used)
        self.assertEqual(alone["NumberOfServicesNotAccessed"], 1)
        idle = self.report("%s/%s/%s" % (self.org_id, self.root, self.idle))
        self.assertGreater(idle["NumberOfServicesAccessible"], 300)  # FullAWSAccess
        self.assertEqual(idle["NumberOfServicesNotAccessed"], idle["NumberOfServicesAccessible"])

    def test_the_root_leaves_out_the_management_account(self):
        self.admin("sts").get_caller_identity()  # the management account's own attempt
        got = self.report("%s/%s" % (self.org_id, self.root))
        details = {d["ServiceNamespace"]: d for d in got["AccessDetails"]}
        for detail in details.values():
            if "EntityPath" in detail:
                self.assertNotIn(self.account, detail["EntityPath"])
        management = self.report("%s/%s/%s" % (self.org_id, self.root, self.account))
        self.assertGreater(management["NumberOfServicesAccessible"], 300)
        sts = [d for d in management["AccessDetails"] if d["ServiceNamespace"] == "sts"][0]
        self.assertEqual(sts["EntityPath"], "%s/%s/%s" % (self.org_id, self.root, self.account))

    def test_one_policy_and_the_sort_keys(self):
        self.member_sts(self.used).get_caller_identity()
        path = "%s/%s" % (self.org_id, self.root)
        got = self.report(path, OrganizationsPolicyId=self.narrow)
        self.assertEqual([d["ServiceNamespace"] for d in got["AccessDetails"]], ["iam", "sts"])
        iam = self.admin("iam")
        job = iam.generate_organizations_access_report(EntityPath=path,
                                                       OrganizationsPolicyId=self.narrow)["JobId"]
        by_time = iam.get_organizations_access_report(
            JobId=job, SortKey="LAST_AUTHENTICATED_TIME_DESCENDING")["AccessDetails"]
        self.assertEqual([d["ServiceNamespace"] for d in by_time], ["sts", "iam"])
        descending = iam.get_organizations_access_report(
            JobId=job, SortKey="SERVICE_NAMESPACE_DESCENDING", MaxItems=1)
        self.assertEqual(descending["AccessDetails"][0]["ServiceNamespace"], "sts")
        self.assertTrue(descending["IsTruncated"])
        rest = iam.get_organizations_access_report(
            JobId=job, SortKey="SERVICE_NAMESPACE_DESCENDING", Marker=descending["Marker"])
        self.assertEqual([d["ServiceNamespace"] for d in rest["AccessDetails"]], ["iam"])

    def test_errors(self):
        iam = self.admin("iam")
        self.assertAwsError(iam.generate_organizations_access_report, "InvalidInput", 400,
                            EntityPath="%s/%s/ou-zzzz-zzzzzzzz" % (self.org_id, self.root))
        # An account that is not under the OU named before it.
        self.assertAwsError(iam.generate_organizations_access_report, "InvalidInput", 400,
                            EntityPath="%s/%s/%s/%s" % (self.org_id, self.root, self.ou,
                                                         self.idle))
        self.assertAwsError(iam.generate_organizations_access_report, "InvalidInput", 400,
                            EntityPath="o-aaaaaaaaaa/%s" % self.root)
        self.assertAwsError(iam.generate_organizations_access_report, "InvalidInput", 400,
                            EntityPath="%s/%s" % (self.org_id, self.root),
                            OrganizationsPolicyId="p-doesnotexist")
        member = self.session_client("iam", self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.idle,
            RoleSessionName="member")["Credentials"])
        self.assertAwsError(member.generate_organizations_access_report, "AccessDenied", 403,
                            EntityPath="%s/%s" % (self.org_id, self.root))
        self.assertAwsError(iam.get_organizations_access_report, "NoSuchEntity", 404,
                            JobId="00000000-0000-4000-8000-000000000000")
        # A service report's job id is no Organizations report's.
        job = iam.generate_service_last_accessed_details(
            Arn="arn:aws:iam::%s:user/admin" % self.account)["JobId"]
        self.assertAwsError(iam.get_organizations_access_report, "NoSuchEntity", 404, JobId=job)
