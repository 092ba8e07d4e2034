"""Attacks on access advisor: reading a report someone else generated (another account's, or
another user's of the same account) by its job id; slipping past a policy that guards an
entity's reports by spelling its ARN another way (another path, another case, another account);
a namesake made again inheriting a deleted role's history; and flooding the store with reports.
"""
import json
import warnings

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

ADVISOR = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:GenerateServiceLastAccessedDetails",
                                   "iam:GetServiceLastAccessedDetails",
                                   "iam:GetServiceLastAccessedDetailsWithEntities",
                                   "iam:ListPoliciesGrantingServiceAccess", "sts:*"],
     "Resource": "*"},
    {"Effect": "Deny", "Action": ["iam:GenerateServiceLastAccessedDetails",
                                  "iam:ListPoliciesGrantingServiceAccess"],
     "Resource": "arn:aws:iam::*:user/admins/*"}]})
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Principal": {"AWS": "arn:aws:iam::%s:root"}}]}


class AccessAdvisorAttacksTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.admin("iam")
        iam.create_user(UserName="boss", Path="/admins/")
        iam.put_user_policy(UserName="boss", PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.iam = self.admin("iam")

    def assertCode(self, call, code, **kwargs):
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        self.assertEqual(e.exception.response["Error"]["Code"], code, e.exception.response)

    def test_a_report_is_its_generators_alone(self):
        job = self.iam.generate_service_last_accessed_details(
            Arn="arn:aws:iam::%s:user/admins/boss" % self.account)["JobId"]
        # Another user of the account, allowed every advisor action, cannot read it.
        snoop = self.new_user_client("iam", "snoop", ADVISOR)
        self.assertCode(snoop.get_service_last_accessed_details, "NoSuchEntity", JobId=job)
        self.assertCode(snoop.get_service_last_accessed_details_with_entities, "NoSuchEntity",
                        JobId=job, ServiceNamespace="iam")
        # Nor can another account's administrator.
        other = self.create_account("advisor-attacker")
        attacker = self.client("iam", other["access_key_id"], other["secret_access_key"])
        self.assertCode(attacker.get_service_last_accessed_details, "NoSuchEntity", JobId=job)
        # The generator can.
        self.assertEqual(self.iam.get_service_last_accessed_details(JobId=job)["JobStatus"],
                         "COMPLETED")

    def test_a_role_sessions_report_is_that_sessions(self):
        self.iam.create_role(RoleName="Auditor",
                             AssumeRolePolicyDocument=json.dumps(TRUST) % self.account)
        self.iam.put_role_policy(RoleName="Auditor", PolicyName="advisor",
                                 PolicyDocument=ADVISOR)
        sts = self.admin("sts")
        arn = "arn:aws:iam::%s:role/Auditor" % self.account
        one = self.session_client("iam", sts.assume_role(RoleArn=arn, RoleSessionName="one")[
            "Credentials"])
        two = self.session_client("iam", sts.assume_role(RoleArn=arn, RoleSessionName="two")[
            "Credentials"])
        job = one.generate_service_last_accessed_details(Arn=arn)["JobId"]
        self.assertEqual(one.get_service_last_accessed_details(JobId=job)["JobStatus"],
                         "COMPLETED")
        self.assertCode(two.get_service_last_accessed_details, "NoSuchEntity", JobId=job)

    def test_the_guarded_entity_is_not_reached_by_another_spelling(self):
        caller = self.new_user_client("iam", "prober", ADVISOR)
        guarded = "arn:aws:iam::%s:user/admins/boss" % self.account
        self.assertCode(caller.generate_service_last_accessed_details, "AccessDenied",
                        Arn=guarded)
        self.assertCode(caller.list_policies_granting_service_access, "AccessDenied",
                        Arn=guarded, ServiceNamespaces=["iam"])
        # Another case of the name is still under the guarded path.
        self.assertCode(caller.generate_service_last_accessed_details, "AccessDenied",
                        Arn="arn:aws:iam::%s:user/admins/BOSS" % self.account)
        # The same user by another path, another case of it or another account is no user at
        # all: the request names the entity exactly as stored, or nothing.
        for spelling in ("arn:aws:iam::%s:user/boss" % self.account,
                         "arn:aws:iam::%s:user/other/boss" % self.account,
                         "arn:aws:iam::%s:user/Admins/boss" % self.account):
            self.assertCode(caller.generate_service_last_accessed_details, "NoSuchEntity",
                            Arn=spelling)
            self.assertCode(caller.list_policies_granting_service_access, "NoSuchEntity",
                            Arn=spelling, ServiceNamespaces=["iam"])
        # Another account's entity is another account's resource, which no resource policy
        # opens: refused before anything is looked up.
        self.assertCode(caller.generate_service_last_accessed_details, "AccessDenied",
                        Arn="arn:aws:iam::000000000000:user/boss")

    def test_a_namesake_inherits_no_history(self):
        self.iam.create_role(RoleName="Phoenix",
                             AssumeRolePolicyDocument=json.dumps(TRUST) % self.account)
        self.iam.put_role_policy(RoleName="Phoenix", PolicyName="advisor", PolicyDocument=ADVISOR)
        arn = "arn:aws:iam::%s:role/Phoenix" % self.account
        creds = self.admin("sts").assume_role(RoleArn=arn, RoleSessionName="ss")["Credentials"]
        self.session_client("sts", creds).get_caller_identity()
        self.assertIn("LastUsedDate",
                      self.iam.get_role(RoleName="Phoenix")["Role"]["RoleLastUsed"])
        self.iam.delete_role_policy(RoleName="Phoenix", PolicyName="advisor")
        self.iam.delete_role(RoleName="Phoenix")
        self.iam.create_role(RoleName="Phoenix",
                             AssumeRolePolicyDocument=json.dumps(TRUST) % self.account)
        self.iam.put_role_policy(RoleName="Phoenix", PolicyName="advisor", PolicyDocument=ADVISOR)
        self.assertEqual(self.iam.get_role(RoleName="Phoenix")["Role"]["RoleLastUsed"], {})
        job = self.iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
        for service in self.iam.get_service_last_accessed_details(JobId=job)[
                "ServicesLastAccessed"]:
            self.assertEqual(service["TotalAuthenticatedEntities"], 0, service)

    def test_reports_do_not_pile_up(self):
        arn = "arn:aws:iam::%s:user/admins/boss" % self.account
        jobs = [self.iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
                for _ in range(101)]
        # An account keeps its latest 100 reports: the first is forgotten.
        self.assertCode(self.iam.get_service_last_accessed_details, "NoSuchEntity", JobId=jobs[0])
        self.assertEqual(
            self.iam.get_service_last_accessed_details(JobId=jobs[-1], MaxItems=1)["JobStatus"],
            "COMPLETED")

    def test_too_many_namespaces_are_refused(self):
        arn = "arn:aws:iam::%s:user/admins/boss" % self.account
        many = ["svc%d" % i for i in range(201)]
        self.assertCode(self.iam.list_policies_granting_service_access, "ValidationError",
                        Arn=arn, ServiceNamespaces=many)
        got = self.iam.list_policies_granting_service_access(Arn=arn, ServiceNamespaces=many[:200])
        self.assertEqual(len(got["PoliciesGrantingServiceAccess"]), 200)
