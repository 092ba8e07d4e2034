"""Attacks on centralized root access: a member account's administrator trying AssumeRoot into
another member or the management account; a root session stepping outside its task policy
(making users or keys for itself, reading other users' credentials, assuming roles, chaining
another AssumeRoot, making its credentials long-lived); an SCP denying the task in the member;
and a root user whose credentials were deleted coming back through a recovery link."""
import json
import re
import unittest

from botocore.exceptions import ClientError

from console_client import ConsoleClient
from org_fixture import OrganizationTestCase

TASK = "arn:aws:iam::aws:policy/root-task/"
AUDIT = TASK + "IAMAuditRootUserCredentials"
DELETE = TASK + "IAMDeleteRootUserCredentials"
CREATE_PASSWORD = TASK + "IAMCreateRootUserPassword"


class AssumeRootEscapeTest(OrganizationTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin("organizations").enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
        iam = cls.admin("iam")
        iam.enable_organizations_root_credentials_management()
        iam.enable_organizations_root_sessions()
        cls.first = cls.created_account("first@example.com", "First")
        cls.second = cls.created_account("second@example.com", "Second")

    def root_session(self, service, target, task):
        creds = self.admin("sts").assume_root(TargetPrincipal=target,
                                              TaskPolicyArn={"arn": task})["Credentials"]
        return self.session_client(service, creds), creds

    def assertDenied(self, call, code="AccessDenied"):
        with self.assertRaises(ClientError) as e:
            call()
        self.assertEqual(e.exception.response["Error"]["Code"], code, e.exception.response)

    def test_a_member_administrator_cannot_assume_root_anywhere(self):
        sts = self.session_client("sts", self.member_admin(self.first))
        for target in (self.second, self.first, self.account):
            for task in (AUDIT, DELETE):
                self.assertDenied(lambda: sts.assume_root(TargetPrincipal=target,
                                                          TaskPolicyArn={"arn": task}))

    def test_a_root_session_stays_inside_its_task(self):
        iam, creds = self.root_session("iam", self.first, DELETE)
        member_iam = self.session_client("iam", self.member_admin(self.first))
        member_iam.create_user(UserName="victim")
        member_iam.create_login_profile(UserName="victim", Password="Victim-Pa55word!")
        victim_key = member_iam.create_access_key(UserName="victim")["AccessKey"]["AccessKeyId"]
        for call in (lambda: iam.create_user(UserName="backdoor"),
                     lambda: iam.create_access_key(),
                     lambda: iam.delete_login_profile(UserName="victim"),
                     lambda: iam.delete_access_key(UserName="victim", AccessKeyId=victim_key),
                     lambda: iam.list_access_keys(UserName="victim"),
                     lambda: iam.attach_role_policy(
                         RoleName="OrganizationAccountAccessRole",
                         PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"),
                     lambda: iam.update_assume_role_policy(
                         RoleName="OrganizationAccountAccessRole", PolicyDocument="{}"),
                     lambda: iam.create_virtual_mfa_device(VirtualMFADeviceName="root")):
            self.assertDenied(call)
        member_iam.get_login_profile(UserName="victim")
        sts = self.session_client("sts", creds)
        self.assertDenied(lambda: sts.assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % self.first,
            RoleSessionName="escape"))
        self.assertDenied(lambda: sts.assume_root(TargetPrincipal=self.second,
                                                  TaskPolicyArn={"arn": DELETE}))
        self.assertDenied(sts.get_session_token)
        self.assertDenied(lambda: sts.get_federation_token(Name="escape"))

    def test_an_scp_binds_the_member_root_session(self):
        policy = self.attach_scp(json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Action": "iam:DeleteLoginProfile", "Resource": "*"}]}),
            self.second, "NoPasswordDeletion")
        try:
            iam, _ = self.root_session("iam", self.second, CREATE_PASSWORD)
            iam.create_login_profile()
            iam, _ = self.root_session("iam", self.second, DELETE)
            self.assertDenied(iam.delete_login_profile)
            iam.get_login_profile()
        finally:
            org = self.admin("organizations")
            org.detach_policy(PolicyId=policy, TargetId=self.second)
            org.delete_policy(PolicyId=policy)

    def test_the_restrict_root_user_guardrail_spares_only_root_sessions(self):
        """Control Tower's AWS-GR_RESTRICT_ROOT_USER with ExemptAssumeRoot: every request of a
        member's root user is denied unless it comes from an AssumeRoot session, which alone
        carries aws:AssumedRoot. The member's root user signing in itself cannot claim it."""
        email = "guarded-root@example.com"
        member = self.created_account(email, "GuardedRoot")
        guardrail = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "GRRESTRICTROOTUSER", "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:*:iam::*:root"]},
                          "Null": {"aws:AssumedRoot": "true"}}}]})
        policy = self.attach_scp(guardrail, member, "RestrictRootUser")
        try:
            iam, _ = self.root_session("iam", member, CREATE_PASSWORD)
            iam.create_login_profile()
            link = self.gatehouse("account", "root-reset-link", "--data", self.data.name,
                                  "--email", email)
            token = re.search(r"reset-password\?token=(\w+)", link.stdout).group(1)
            password = "Guarded-R00t-pass!"
            status, _, doc = ConsoleClient(self.port).post(
                "/console/reset-password", {"token": token, "password": password})
            self.assertEqual(status, 200, doc)
            console = ConsoleClient(self.port)
            self.assertTrue(console.sign_in_root(email, password)[1].get("signedIn"))
            status, doc = console.api("iam", "GetLoginProfile", {})
            self.assertEqual(status, 403, doc)
            self.assertIn("explicit deny in a service control policy", doc["error"]["message"])
            iam, _ = self.root_session("iam", member, AUDIT)
            iam.get_login_profile()
        finally:
            org = self.admin("organizations")
            org.detach_policy(PolicyId=policy, TargetId=member)
            org.delete_policy(PolicyId=policy)

    def test_a_recovery_link_dies_with_the_credentials(self):
        email = "third@example.com"
        third = self.created_account(email, "Third")
        iam, _ = self.root_session("iam", third, CREATE_PASSWORD)
        iam.create_login_profile()
        link = self.gatehouse("account", "root-reset-link", "--data", self.data.name,
                              "--email", email)
        token = re.search(r"reset-password\?token=(\w+)", link.stdout).group(1)
        iam, _ = self.root_session("iam", third, DELETE)
        iam.delete_login_profile()
        status, _, doc = ConsoleClient(self.port).post(
            "/console/reset-password", {"token": token, "password": "Taken-Over-Pa55!"})
        self.assertEqual(status, 400, doc)
        status, doc = ConsoleClient(self.port).sign_in_root(email, "Taken-Over-Pa55!")
        self.assertFalse(doc.get("signedIn"), doc)
        # The console's "Forgot your password?" answers as always, and mails nothing usable.
        status, _, doc = ConsoleClient(self.port).post("/console/forgot-password",
                                                       {"email": email})
        self.assertEqual(status, 200, doc)


if __name__ == "__main__":
    unittest.main()
