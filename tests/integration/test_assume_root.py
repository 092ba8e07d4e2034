"""Centralized root access, the privileged tasks, with boto3 and the AWS CLI: sts:AssumeRoot from
the management account into a member account, scoped by AWS's root-task policies; the root
session's audit (GetLoginProfile, ListAccessKeys, ListMFADevices, GetUser without UserName);
deleting the root password (its recovery links die with it) and allowing its recovery again
(IAMCreateRootUserPassword); new member accounts created without root credentials while root
credentials management is on; the eligibility checks (management account, member target,
features, task policy, duration) and the caller's own authorization (sts:TaskPolicyArn).

Run: python3 -m unittest test_assume_root (from tests/integration), GATEHOUSE_BIN set (ctest sets
it).
"""
import base64
import datetime
import json
import re
import unittest

from botocore.exceptions import ClientError

from console_client import ConsoleClient
from gatehouse_fixture import GatehouseTestCase
from mfa_helpers import now_step, totp

IAM_PRINCIPAL = "iam.amazonaws.com"
TASK = "arn:aws:iam::aws:policy/root-task/"
AUDIT = TASK + "IAMAuditRootUserCredentials"
CREATE_PASSWORD = TASK + "IAMCreateRootUserPassword"
DELETE = TASK + "IAMDeleteRootUserCredentials"
S3_UNLOCK = TASK + "S3UnlockBucketPolicy"
NEW_PASSWORD = "Recovered-Pa55word!"


class AssumeRootTestCase(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.admin("organizations")
        org.create_organization(FeatureSet="ALL")
        org.enable_aws_service_access(ServicePrincipal=IAM_PRINCIPAL)
        # Made before root credentials management: its root user has a password.
        cls.legacy = cls.created_account("legacy@example.com", "Legacy")
        iam = cls.admin("iam")
        iam.enable_organizations_root_credentials_management()
        iam.enable_organizations_root_sessions()
        # Made after: its root user has none and may not recover one.
        cls.bare = cls.created_account("bare@example.com", "Bare")

    def root_session(self, service, target, task, **kwargs):
        creds = self.admin("sts").assume_root(
            TargetPrincipal=target, TaskPolicyArn={"arn": task}, **kwargs)["Credentials"]
        return self.session_client(service, creds)

    def assertError(self, call, code, message=None):
        with self.assertRaises(ClientError) as e:
            call()
        error = e.exception.response["Error"]
        self.assertEqual(error["Code"], code, error)
        if message is not None:
            self.assertIn(message, error["Message"])
        return error

    def member_with_root_password(self, email, name):
        """A member made while root credentials management is off, whose root user then set
        NEW_PASSWORD through a recovery link; returns its id."""
        iam = self.admin("iam")
        iam.disable_organizations_root_credentials_management()
        try:
            member = self.created_account(email, name)
        finally:
            iam.enable_organizations_root_credentials_management()
        token = re.search(r"reset-password\?token=(\w+)", self.reset_link(email).stdout).group(1)
        status, _, doc = ConsoleClient(self.port).post(
            "/console/reset-password", {"token": token, "password": NEW_PASSWORD})
        self.assertEqual(status, 200, doc)
        return member

    def reset_link(self, email):
        return self.gatehouse("account", "root-reset-link", "--data", self.data.name,
                              "--email", email)


class RootSessionTest(AssumeRootTestCase):
    def test_the_session_is_the_member_root_user_for_fifteen_minutes(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        answer = self.admin("sts").assume_root(TargetPrincipal=self.legacy,
                                               TaskPolicyArn={"arn": AUDIT})
        creds = answer["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        lifetime = (creds["Expiration"] - before).total_seconds()
        self.assertTrue(890 <= lifetime <= 905, lifetime)
        me = self.session_client("sts", creds).get_caller_identity()
        self.assertEqual((me["Account"], me["UserId"], me["Arn"]),
                         (self.legacy, self.legacy, "arn:aws:iam::%s:root" % self.legacy))
        # The root user's ARN names the target as well; a shorter session on request.
        short = self.admin("sts").assume_root(
            TargetPrincipal="arn:aws:iam::%s:root" % self.legacy, TaskPolicyArn={"arn": AUDIT},
            DurationSeconds=60)["Credentials"]
        lifetime = (short["Expiration"] - before).total_seconds()
        self.assertTrue(55 <= lifetime <= 65, lifetime)

    def test_audit_reads_the_root_credentials_and_nothing_else(self):
        iam = self.root_session("iam", self.legacy, AUDIT)
        profile = iam.get_login_profile()["LoginProfile"]
        self.assertEqual(profile["UserName"], self.legacy)
        self.assertEqual(iam.list_access_keys()["AccessKeyMetadata"], [])
        self.assertEqual(iam.list_mfa_devices()["MFADevices"], [])
        self.assertEqual(iam.get_user()["User"]["Arn"], "arn:aws:iam::%s:root" % self.legacy)
        iam.get_account_summary()
        # The task policy denies everything else, and the credentials of anyone but root.
        for call in (iam.list_users, iam.list_roles, iam.delete_login_profile,
                     lambda: iam.create_user(UserName="intruder"),
                     lambda: iam.get_login_profile(UserName="anyone"),
                     lambda: iam.create_access_key()):
            self.assertError(call, "AccessDenied", "explicit deny in a session policy")
        self.assertError(
            lambda: iam.get_role(RoleName="OrganizationAccountAccessRole"), "AccessDenied")
        bare = self.root_session("iam", self.bare, AUDIT)
        self.assertError(bare.get_login_profile, "NoSuchEntity",
                         "Login Profile for User %s cannot be found." % self.bare)

    def test_the_cli_assumes_root(self):
        code, out, err = self.aws_cli("sts", "assume-root", "--target-principal", self.legacy,
                                      "--task-policy-arn", "arn=" + AUDIT,
                                      "--duration-seconds", "300")
        self.assertEqual(code, 0, err)
        self.assertTrue(json.loads(out)["Credentials"]["SessionToken"])


class RootPasswordTest(AssumeRootTestCase):
    def test_new_members_have_no_root_credentials_until_recovery_is_allowed(self):
        link = self.reset_link("bare@example.com")
        self.assertNotEqual(link.returncode, 0)
        self.assertIn("must allow password recovery", link.stderr)

        iam = self.root_session("iam", self.bare, CREATE_PASSWORD)
        self.assertError(lambda: iam.create_login_profile(Password="Some-Pa55word!"),
                         "ValidationError", "must be omitted")
        created = iam.create_login_profile()["LoginProfile"]
        self.assertEqual(created["UserName"], self.bare)
        self.assertEqual(iam.get_login_profile()["LoginProfile"]["UserName"], self.bare)
        self.assertError(iam.create_login_profile, "EntityAlreadyExists")
        self.assertError(iam.delete_login_profile, "AccessDenied")

        # Recovery works now: a link, a new password, a sign-in.
        link = self.reset_link("bare@example.com")
        self.assertEqual(link.returncode, 0, link.stderr)
        token = re.search(r"reset-password\?token=(\w+)", link.stdout).group(1)
        console = ConsoleClient(self.port)
        status, _, doc = console.post("/console/reset-password",
                                      {"token": token, "password": NEW_PASSWORD})
        self.assertEqual(status, 200, doc)
        status, doc = ConsoleClient(self.port).sign_in_root("bare@example.com", NEW_PASSWORD)
        self.assertEqual(status, 200, doc)
        self.assertTrue(doc.get("signedIn"), doc)

    def test_deleting_the_password_ends_sign_in_and_recovery(self):
        email = "doomed@example.com"
        doomed = self.member_with_root_password(email, "Doomed")
        signed_in = ConsoleClient(self.port)
        self.assertTrue(signed_in.sign_in_root(email, NEW_PASSWORD)[1].get("signedIn"))
        # A link issued before the deletion, not used yet.
        pending = re.search(r"reset-password\?token=(\w+)", self.reset_link(email).stdout)

        root = self.root_session("iam", doomed, DELETE)
        root.delete_login_profile()
        self.assertError(root.delete_login_profile, "NoSuchEntity")
        self.assertError(root.get_login_profile, "NoSuchEntity")
        status, _, doc = ConsoleClient(self.port).post(
            "/console/reset-password", {"token": pending.group(1), "password": "Another-Pa55!"})
        self.assertEqual(status, 400, doc)
        status, doc = ConsoleClient(self.port).sign_in_root(email, NEW_PASSWORD)
        self.assertFalse(doc.get("signedIn"), doc)
        # The console session signed in before is over.
        status, _, doc = signed_in.request("GET", "/console/session")
        self.assertFalse(doc.get("signedIn"), doc)
        self.assertNotEqual(self.reset_link(email).returncode, 0)


class RootCredentialsJourneyTest(AssumeRootTestCase):
    def test_audit_then_delete_the_password_and_the_mfa_device(self):
        """A member's root user with a password and an MFA device, audited and then stripped of
        both from the management account."""
        email = "journey@example.com"
        member = self.member_with_root_password(email, "Journey")
        console = ConsoleClient(self.port)
        self.assertTrue(console.sign_in_root(email, NEW_PASSWORD)[1].get("signedIn"))
        status, out = console.api("iam", "CreateVirtualMFADevice", {"VirtualMFADeviceName": "root"})
        self.assertEqual(status, 200, out)
        seed = base64.b64decode(out["VirtualMFADevice"]["Base32StringSeed"]).decode()
        serial = out["VirtualMFADevice"]["SerialNumber"]
        step = now_step()
        status, _, out = console.post("/console/root-mfa/enable", {
            "serialNumber": serial, "authenticationCode1": totp(seed, step - 1),
            "authenticationCode2": totp(seed, step)})
        self.assertEqual(status, 200, out)

        audit = self.root_session("iam", member, AUDIT)
        self.assertIn("CreateDate", audit.get_login_profile()["LoginProfile"])
        self.assertEqual([d["SerialNumber"] for d in audit.list_mfa_devices()["MFADevices"]],
                         [serial])
        self.assertEqual(audit.list_access_keys()["AccessKeyMetadata"], [])
        self.assertError(lambda: audit.deactivate_mfa_device(SerialNumber=serial), "AccessDenied")

        delete = self.root_session("iam", member, DELETE)
        delete.deactivate_mfa_device(SerialNumber=serial)
        delete.delete_login_profile()
        audit = self.root_session("iam", member, AUDIT)
        self.assertEqual(audit.list_mfa_devices()["MFADevices"], [])
        self.assertError(audit.get_login_profile, "NoSuchEntity")
        status, _, doc = console.request("GET", "/console/session")
        self.assertFalse(doc.get("signedIn"), doc)
        status, doc = ConsoleClient(self.port).sign_in_root(email, NEW_PASSWORD)
        self.assertFalse(doc.get("signedIn"), doc)


class EligibilityTest(AssumeRootTestCase):
    def test_targets_outside_the_organization_are_refused_alike(self):
        sts = self.admin("sts")
        outsider = self.create_account("Outsider", admin_user=False)["account_id"]
        messages = set()
        for target in (self.account, outsider, "999999999999"):
            error = self.assertError(
                lambda: sts.assume_root(TargetPrincipal=target, TaskPolicyArn={"arn": AUDIT}),
                "AccessDenied")
            messages.add(error["Message"])
        self.assertEqual(len(messages), 1, messages)

    def test_bad_inputs(self):
        sts = self.admin("sts")
        for target in ("arn:aws:iam::%s:user/admin" % self.legacy, "not-an-account",
                       "arn:aws:sts::%s:root" % self.legacy):
            self.assertError(
                lambda: sts.assume_root(TargetPrincipal=target, TaskPolicyArn={"arn": AUDIT}),
                "ValidationError", "TargetPrincipal")
        for task in ("arn:aws:iam::aws:policy/AdministratorAccess",
                     "arn:aws:iam::aws:policy/root-task/iamauditrootusercredentials",
                     "arn:aws:iam::%s:policy/root-task/IAMAuditRootUserCredentials" % self.account):
            self.assertError(
                lambda: sts.assume_root(TargetPrincipal=self.legacy, TaskPolicyArn={"arn": task}),
                "ValidationError", "TaskPolicyArn")
        self.assertError(
            lambda: sts.assume_root(TargetPrincipal=self.legacy, TaskPolicyArn={"arn": AUDIT},
                                    DurationSeconds=901), "ValidationError")

    def test_each_task_needs_its_feature(self):
        iam = self.admin("iam")
        sts = self.admin("sts")
        iam.disable_organizations_root_sessions()
        try:
            self.assertError(
                lambda: sts.assume_root(TargetPrincipal=self.legacy,
                                        TaskPolicyArn={"arn": S3_UNLOCK}),
                "AccessDenied", "RootSessions")
            sts.assume_root(TargetPrincipal=self.legacy, TaskPolicyArn={"arn": AUDIT})
        finally:
            iam.enable_organizations_root_sessions()
        iam.disable_organizations_root_credentials_management()
        try:
            self.assertError(
                lambda: sts.assume_root(TargetPrincipal=self.legacy,
                                        TaskPolicyArn={"arn": AUDIT}),
                "AccessDenied", "RootCredentialsManagement")
            sts.assume_root(TargetPrincipal=self.legacy, TaskPolicyArn={"arn": S3_UNLOCK})
        finally:
            iam.enable_organizations_root_credentials_management()

    def test_the_callers_policy_decides_per_task(self):
        sts = self.new_user_client("sts", "auditor", json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "arn:aws:iam::*:root",
                "Condition": {"StringEquals": {"sts:TaskPolicyArn": AUDIT}}}]}))
        sts.assume_root(TargetPrincipal=self.legacy, TaskPolicyArn={"arn": AUDIT})
        self.assertError(
            lambda: sts.assume_root(TargetPrincipal=self.legacy, TaskPolicyArn={"arn": DELETE}),
            "AccessDenied",
            "is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::%s:root"
            % self.legacy)

    def test_root_task_policies_are_listed_but_never_attachable(self):
        iam = self.admin("iam")
        policy = iam.get_policy(PolicyArn=AUDIT)["Policy"]
        self.assertEqual((policy["Path"], policy["IsAttachable"]), ("/root-task/", False))
        iam.create_user(UserName="task-holder")
        for call in (lambda: iam.attach_user_policy(UserName="task-holder", PolicyArn=DELETE),
                     lambda: iam.put_user_permissions_boundary(UserName="task-holder",
                                                               PermissionsBoundary=DELETE)):
            self.assertError(call, "NoSuchEntity", "does not exist or is not attachable")


if __name__ == "__main__":
    unittest.main()
