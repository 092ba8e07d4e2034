"""STS driven with boto3 and the AWS CLI against `gatehouse serve`, across accounts: the
management account (the bootstrap admin's) administers a member account through a role that
trusts it; trust policies with external ids and MFA; role chaining and session durations;
session policies, permissions boundaries and explicit denies bounding a role session; session
tags and source identities; GetSessionToken, GetFederationToken, GetAccessKeyInfo; expired and
altered session tokens; and the AWS CLI's own role switching (role_arn, source_profile,
mfa_serial) from a config file.

The server's clock is moved with serve's hidden --clock-offset-file; requests are then signed
with the same shifted time, since SigV4 allows 15 minutes of skew only.

The root user's refusal to assume roles is tested in tests/unit/services/
sts_root_caller_test.cc: gatehouse makes no access keys for root users to sign with here.

Run: python3 -m unittest test_sts (from tests/integration, GATEHOUSE_BIN set by ctest).
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import warnings

from botocore.exceptions import ClientError

from clock_helpers import MovableClock
from gatehouse_fixture import GatehouseTestCase
from mfa_helpers import now_step, totp, wrong

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
IAM_READ_ONLY_ARN = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
CHAINED_LIMIT = ("The requested DurationSeconds exceeds the 1 hour session limit for roles "
                 "assumed by role chaining.")
ROLE_LIMIT = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", condition=None):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def deny(action, resource="*"):
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def trust(principal, action="sts:AssumeRole", condition=None):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def not_authorized(caller, action, resource, reason=""):
    """AWS's AccessDenied wording; `reason` is what follows the resource, if anything."""
    message = "User: %s is not authorized to perform: %s on resource: %s" % (
        caller, action, resource)
    return message + (" " + reason if reason else "")


def no_policy_allows(layer, action):
    return "because no %s allows the %s action" % (layer, action)


class StsTestCase(GatehouseTestCase):
    """Clients for temporary credentials, users with MFA devices, AWS's errors."""

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    @classmethod
    def key_client(cls, service, key):
        return cls.client(service, key["AccessKeyId"], key["SecretAccessKey"])

    @classmethod
    def make_user(cls, iam, name, *statements, groups=()):
        """User `name` of iam's account with an inline policy of `statements` (if any), in
        `groups`; returns its access key."""
        iam.create_user(UserName=name)
        if statements:
            iam.put_user_policy(UserName=name, PolicyName="inline",
                                PolicyDocument=policy(*statements))
        for group in groups:
            iam.add_user_to_group(GroupName=group, UserName=name)
        return iam.create_access_key(UserName=name)["AccessKey"]

    @classmethod
    def enable_mfa(cls, iam, user_name):
        """A virtual MFA device enabled for `user_name`: (serial number, a code not used yet).
        Enabling takes the codes of steps now-1 and now, which are then spent, so the code of
        step now+1 is the one the server accepts next (one step of clock drift allowed)."""
        device = iam.create_virtual_mfa_device(
            VirtualMFADeviceName=user_name + "-mfa")["VirtualMFADevice"]
        seed = device["Base32StringSeed"].decode()
        step = now_step()
        iam.enable_mfa_device(UserName=user_name, SerialNumber=device["SerialNumber"],
                              AuthenticationCode1=totp(seed, step - 1),
                              AuthenticationCode2=totp(seed, step))
        return device["SerialNumber"], totp(seed, step + 1)

    def assert_error(self, ctx, code, message, status):
        error = ctx.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["Error"]["Message"], message)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)

    def assert_denied(self, call, message, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            call(**kwargs)
        self.assert_error(ctx, "AccessDenied", message, 403)

    def assert_expires_in(self, credentials, seconds):
        left = credentials["Expiration"].timestamp() - time.time()
        self.assertLessEqual(left, seconds + 2)
        self.assertGreater(left, seconds - 10)


class AcrossAccountsTest(MovableClock, StsTestCase):
    """The management account administers a member account through the member's
    OrganizationAccountAccessRole, which trusts the management account."""

    ROLE = "OrganizationAccountAccessRole"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.create_account("member")
        cls.third = cls.create_account("third")
        cls.member_iam = cls.client("iam", cls.member["access_key_id"],
                                    cls.member["secret_access_key"])
        cls.role_arn = "arn:aws:iam::%s:role/%s" % (cls.member["account_id"], cls.ROLE)
        cls.role = cls.member_iam.create_role(
            RoleName=cls.ROLE,
            AssumeRolePolicyDocument=trust("arn:aws:iam::%s:root" % cls.account))["Role"]
        cls.member_iam.attach_role_policy(RoleName=cls.ROLE, PolicyArn=ADMIN_ARN)

        iam = cls.admin("iam")
        iam.create_group(GroupName="member-admins")
        iam.put_group_policy(GroupName="member-admins", PolicyName="assume-member",
                             PolicyDocument=policy(allow("sts:AssumeRole", cls.role_arn)))
        cls.alice_key = cls.make_user(iam, "alice", groups=["member-admins"])
        cls.alice_arn = "arn:aws:iam::%s:user/alice" % cls.account

    def assume_as_alice(self, session="alice-session", **kwargs):
        return self.key_client("sts", self.alice_key).assume_role(
            RoleArn=self.role_arn, RoleSessionName=session, **kwargs)


    def test_member_account_administered_through_its_role(self):
        got = self.assume_as_alice(session="alice-session")
        credentials = got["Credentials"]
        self.assertRegex(credentials["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assertEqual(got["AssumedRoleUser"], {
            "AssumedRoleId": self.role["RoleId"] + ":alice-session",
            "Arn": "arn:aws:sts::%s:assumed-role/%s/alice-session" % (
                self.member["account_id"], self.ROLE)})
        self.assertRegex(got["AssumedRoleUser"]["AssumedRoleId"],
                         r"^AROA[A-Z2-7]{17}:alice-session$")
        self.assertNotIn("PackedPolicySize", got)
        self.assert_expires_in(credentials, 3600)

        identity = self.session_client("sts", credentials).get_caller_identity()
        self.assertEqual(identity["Account"], self.member["account_id"])
        self.assertEqual(identity["Arn"], got["AssumedRoleUser"]["Arn"])
        self.assertEqual(identity["UserId"], got["AssumedRoleUser"]["AssumedRoleId"])

        # The session administers the member account, not the management account.
        iam = self.session_client("iam", credentials)
        created = iam.create_user(UserName="made-from-management")["User"]
        self.assertEqual(created["Arn"], "arn:aws:iam::%s:user/made-from-management"
                         % self.member["account_id"])
        names = {u["UserName"] for u in iam.list_users()["Users"]}
        self.assertEqual(names, {"admin", "made-from-management"})
        self.assertEqual(self.member_iam.get_user(UserName="made-from-management")["User"]
                         ["UserId"], created["UserId"])
        with self.assertRaises(ClientError) as ctx:
            self.admin("iam").get_user(UserName="made-from-management")
        self.assert_error(ctx, "NoSuchEntity",
                          "The user with name made-from-management cannot be found.", 404)
        roles = [r["Arn"] for r in iam.list_roles()["Roles"]]
        self.assertIn(self.role_arn, roles)

    def test_a_role_session_must_name_the_user(self):
        iam = self.session_client("iam", self.assume_as_alice()["Credentials"])
        for call in (iam.get_user, iam.list_access_keys, iam.list_mfa_devices,
                     iam.create_access_key):
            with self.subTest(call=call.__name__):
                with self.assertRaises(ClientError) as ctx:
                    call()
                self.assert_error(ctx, "ValidationError",
                                  "Must specify userName when calling with non-User credentials",
                                  400)
        self.assertEqual(iam.get_user(UserName="admin")["User"]["Arn"],
                         "arn:aws:iam::%s:user/admin" % self.member["account_id"])
        self.assertEqual(iam.list_access_keys(UserName="admin")["AccessKeyMetadata"][0]
                         ["AccessKeyId"], self.member["access_key_id"])

    def test_the_aws_cli_with_the_assumed_credentials(self):
        credentials = self.assume_as_alice(session="cli-session")["Credentials"]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=credentials["AccessKeyId"],
                   AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
                   AWS_SESSION_TOKEN=credentials["SessionToken"], AWS_DEFAULT_REGION="us-east-1")
        env.pop("AWS_PROFILE", None)
        p = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json", "sts",
                            "get-caller-identity"], env=env, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["Arn"], "arn:aws:sts::%s:assumed-role/%s/"
                         "cli-session" % (self.member["account_id"], self.ROLE))

    def test_a_user_without_the_group_policy_is_denied(self):
        iam = self.admin("iam")
        key = self.make_user(iam, "bob")
        sts = self.key_client("sts", key)
        bob = "arn:aws:iam::%s:user/bob" % self.account
        # Who one is needs no permission.
        self.assertEqual(sts.get_caller_identity()["Arn"], bob)
        refused = not_authorized(bob, "sts:AssumeRole", self.role_arn,
                                 no_policy_allows("identity-based policy", "sts:AssumeRole"))
        self.assert_denied(sts.assume_role, refused, RoleArn=self.role_arn,
                           RoleSessionName="bob")
        iam.add_user_to_group(GroupName="member-admins", UserName="bob")
        got = sts.assume_role(RoleArn=self.role_arn, RoleSessionName="bob")
        self.assertEqual(got["AssumedRoleUser"]["Arn"], "arn:aws:sts::%s:assumed-role/%s/bob"
                         % (self.member["account_id"], self.ROLE))
        iam.remove_user_from_group(GroupName="member-admins", UserName="bob")
        self.assert_denied(sts.assume_role, refused, RoleArn=self.role_arn,
                           RoleSessionName="bob")

    def test_another_account_is_refused_by_the_trust_policy(self):
        # The third account's admin may do anything its own account allows; the role's trust
        # policy names only the management account.
        sts = self.client("sts", self.third["access_key_id"], self.third["secret_access_key"])
        caller = "arn:aws:iam::%s:user/admin" % self.third["account_id"]
        self.assert_denied(sts.assume_role, not_authorized(caller, "sts:AssumeRole",
                                                           self.role_arn),
                           RoleArn=self.role_arn, RoleSessionName="intruder")

    def test_a_missing_role_is_refused_like_an_untrusting_one(self):
        sts = self.admin("sts")
        admin = "arn:aws:iam::%s:user/admin" % self.account
        for arn in ("arn:aws:iam::%s:role/NoSuchRole" % self.member["account_id"],
                    "arn:aws:iam::%s:role/NoSuchRole" % self.account,
                    "arn:aws:iam::%s:role/other/%s" % (self.member["account_id"], self.ROLE)):
            with self.subTest(arn=arn):
                self.assert_denied(sts.assume_role,
                                   not_authorized(admin, "sts:AssumeRole", arn),
                                   RoleArn=arn, RoleSessionName="nobody")

    def test_credentials_refused_after_they_expire(self):
        credentials = self.assume_as_alice(DurationSeconds=900)["Credentials"]
        self.assert_expires_in(credentials, 900)
        sts = self.session_client("sts", credentials)
        iam = self.session_client("iam", credentials)
        self.assertEqual(sts.get_caller_identity()["Account"], self.member["account_id"])
        with self.clock_moved(840):
            self.assertEqual(sts.get_caller_identity()["Account"], self.member["account_id"])
            iam.list_users()
        with self.clock_moved(960):
            for call in (sts.get_caller_identity, iam.list_users):
                with self.assertRaises(ClientError) as ctx:
                    call()
                self.assert_error(ctx, "ExpiredToken", EXPIRED_TOKEN, 403)
            # Long-term keys are not affected.
            self.assertEqual(self.key_client("sts", self.alice_key).get_caller_identity()
                             ["Arn"], self.alice_arn)
        self.assertEqual(sts.get_caller_identity()["Account"], self.member["account_id"])

    def test_an_altered_token_is_invalid(self):
        credentials = self.assume_as_alice()["Credentials"]
        token = credentials["SessionToken"]
        middle = len(token) // 2
        altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
        other = self.assume_as_alice(session="other")["Credentials"]
        for changed in (dict(credentials, SessionToken=altered),
                        dict(credentials, SessionToken=token[:-4]),
                        # A valid token of another session, with this session's key.
                        dict(credentials, SessionToken=other["SessionToken"])):
            for service in ("sts", "iam"):
                client = self.session_client(service, changed)
                call = client.get_caller_identity if service == "sts" else client.list_users
                with self.assertRaises(ClientError) as ctx:
                    call()
                self.assert_error(ctx, "InvalidClientTokenId", INVALID_TOKEN, 403)
        # Without its token, a temporary key is unknown.
        with self.assertRaises(ClientError) as ctx:
            self.client("sts", credentials["AccessKeyId"],
                        credentials["SecretAccessKey"]).get_caller_identity()
        self.assert_error(ctx, "InvalidClientTokenId", INVALID_TOKEN, 403)


class TrustConditionsTest(StsTestCase):
    """Trust policies of member roles that require an external id or MFA, role chaining and
    session durations, and what bounds a role session."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.create_account("member")
        cls.member_id = cls.member["account_id"]
        cls.member_iam = cls.client("iam", cls.member["access_key_id"],
                                    cls.member["secret_access_key"])
        cls.management_root = "arn:aws:iam::%s:root" % cls.account
        cls.admin_arn = "arn:aws:iam::%s:user/admin" % cls.account

    def member_role(self, name, trust_policy=None, managed=(ADMIN_ARN,), inline=None, **kwargs):
        role = self.member_iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=trust_policy or trust(self.management_root),
            **kwargs)["Role"]
        for arn in managed:
            self.member_iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        if inline:
            self.member_iam.put_role_policy(RoleName=name, PolicyName="inline",
                                            PolicyDocument=inline)
        return role

    def session_arn(self, role, session):
        return "arn:aws:sts::%s:assumed-role/%s/%s" % (self.member_id, role, session)

    def assume(self, sts, role_arn, session="session", **kwargs):
        return sts.assume_role(RoleArn=role_arn, RoleSessionName=session, **kwargs)

    def test_external_id(self):
        role = self.member_role("vendor-role", trust(
            self.management_root, condition={"StringEquals": {"sts:ExternalId": "ext-7781"}}))
        sts = self.admin("sts")
        refused = not_authorized(self.admin_arn, "sts:AssumeRole", role["Arn"])
        self.assert_denied(self.assume, refused, sts=sts, role_arn=role["Arn"])
        self.assert_denied(self.assume, refused, sts=sts, role_arn=role["Arn"],
                           ExternalId="ext-7780")
        got = self.assume(sts, role["Arn"], session="vendor", ExternalId="ext-7781")
        self.assertEqual(got["AssumedRoleUser"]["Arn"], self.session_arn("vendor-role",
                                                                         "vendor"))

    def test_a_trust_policy_naming_the_user(self):
        # In the role's own account, a trust policy that names the user is enough.
        local_key = self.make_user(self.member_iam, "local-user")
        local = "arn:aws:iam::%s:user/local-user" % self.member_id
        role = self.member_role("names-local", trust(local))
        got = self.assume(self.key_client("sts", local_key), role["Arn"], session="local")
        self.assertEqual(got["AssumedRoleUser"]["Arn"], self.session_arn("names-local", "local"))
        # From another account, the user's own policies must allow it too.
        iam = self.admin("iam")
        remote_key = self.make_user(iam, "remote-user")
        remote = "arn:aws:iam::%s:user/remote-user" % self.account
        role = self.member_role("names-remote", trust(remote))
        self.assert_denied(self.assume, not_authorized(
            remote, "sts:AssumeRole", role["Arn"],
            no_policy_allows("identity-based policy", "sts:AssumeRole")),
            sts=self.key_client("sts", remote_key), role_arn=role["Arn"])
        iam.put_user_policy(UserName="remote-user", PolicyName="assume",
                            PolicyDocument=policy(allow("sts:AssumeRole", role["Arn"])))
        self.assume(self.key_client("sts", remote_key), role["Arn"])

    def test_mfa_required_by_the_trust_policy(self):
        role = self.member_role(
            "mfa-role", trust(self.management_root,
                              condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
            managed=(), inline=policy(allow(
                "iam:ListRoles", condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})))
        iam = self.admin("iam")
        key = self.make_user(iam, "mfa-carol", allow("sts:AssumeRole"))
        serial, code = self.enable_mfa(iam, "mfa-carol")
        sts = self.key_client("sts", key)
        carol = "arn:aws:iam::%s:user/mfa-carol" % self.account
        self.assert_denied(self.assume, not_authorized(carol, "sts:AssumeRole", role["Arn"]),
                           sts=sts, role_arn=role["Arn"])
        self.assert_denied(self.assume, MFA_FAILED, sts=sts, role_arn=role["Arn"],
                           SerialNumber=serial, TokenCode=wrong(code))
        self.assert_denied(self.assume, MFA_FAILED, sts=sts, role_arn=role["Arn"],
                           SerialNumber=serial + "x", TokenCode=code)
        got = self.assume(sts, role["Arn"], session="carol", SerialNumber=serial,
                          TokenCode=code)
        self.assertEqual(got["AssumedRoleUser"]["Arn"], self.session_arn("mfa-role", "carol"))
        # The session carries aws:MultiFactorAuthPresent to the role's own policies.
        listed = self.session_client("iam", got["Credentials"]).list_roles()["Roles"]
        self.assertIn(role["Arn"], [r["Arn"] for r in listed])
        # A code is accepted once.
        self.assert_denied(self.assume, MFA_FAILED, sts=sts, role_arn=role["Arn"],
                           SerialNumber=serial, TokenCode=code)

    def test_mfa_device_of_another_user_is_refused(self):
        role = self.member_role("mfa-role-2", trust(
            self.management_root, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
        iam = self.admin("iam")
        key = self.make_user(iam, "mfa-dave", allow("sts:AssumeRole"))
        self.make_user(iam, "mfa-erin")
        serial, code = self.enable_mfa(iam, "mfa-erin")
        self.assert_denied(self.assume, MFA_FAILED, sts=self.key_client("sts", key),
                           role_arn=role["Arn"], SerialNumber=serial, TokenCode=code)

    def test_role_chaining_is_limited_to_one_hour(self):
        # A role's path is in its ARN, not in its sessions' ARNs.
        first = self.member_role("chain-first", managed=(), Path="/team/",
                                 inline=policy(allow("sts:AssumeRole")))
        second = self.member_role("chain-second", trust(first["Arn"]), managed=(),
                                  inline=policy(allow("iam:ListRoles")), MaxSessionDuration=43200)
        got = self.assume(self.admin("sts"), first["Arn"], session="hop1")
        self.assertEqual(got["AssumedRoleUser"]["Arn"], self.session_arn("chain-first", "hop1"))
        credentials = got["Credentials"]
        sts = self.session_client("sts", credentials)
        for seconds in (7200, 3601):
            with self.assertRaises(ClientError) as ctx:
                self.assume(sts, second["Arn"], session="hop2", DurationSeconds=seconds)
            self.assert_error(ctx, "ValidationError", CHAINED_LIMIT, 400)
        got = self.assume(sts, second["Arn"], session="hop2", DurationSeconds=3600)
        self.assertEqual(got["AssumedRoleUser"]["Arn"], self.session_arn("chain-second", "hop2"))
        self.assert_expires_in(got["Credentials"], 3600)
        identity = self.session_client("sts", got["Credentials"]).get_caller_identity()
        self.assertEqual(identity["Arn"], self.session_arn("chain-second", "hop2"))
        self.assertEqual(identity["UserId"], second["RoleId"] + ":hop2")
        # The chained session has the second role's permissions only.
        chained_iam = self.session_client("iam", got["Credentials"])
        chained_iam.list_roles()
        self.assert_denied(chained_iam.list_users, not_authorized(
            self.session_arn("chain-second", "hop2"), "iam:ListUsers",
            "arn:aws:iam::%s:user/" % self.member_id,
            no_policy_allows("identity-based policy", "iam:ListUsers")))
        # The default duration of a chained session is an hour.
        self.assert_expires_in(self.assume(sts, second["Arn"])["Credentials"], 3600)
        # The second role trusts the first one only.
        self.assert_denied(self.assume, not_authorized(self.admin_arn, "sts:AssumeRole",
                                                       second["Arn"]),
                           sts=self.admin("sts"), role_arn=second["Arn"])

    def test_duration_within_the_role_maximum(self):
        short = self.member_role("short-role")
        long = self.member_role("long-role", MaxSessionDuration=7200)
        sts = self.admin("sts")
        for arn, seconds in ((short["Arn"], 3601), (short["Arn"], 7200), (long["Arn"], 7201)):
            with self.subTest(arn=arn, seconds=seconds):
                with self.assertRaises(ClientError) as ctx:
                    self.assume(sts, arn, DurationSeconds=seconds)
                self.assert_error(ctx, "ValidationError", ROLE_LIMIT, 400)
        self.assert_expires_in(self.assume(sts, long["Arn"], DurationSeconds=7200)
                               ["Credentials"], 7200)
        self.assert_expires_in(self.assume(sts, short["Arn"], DurationSeconds=900)
                               ["Credentials"], 900)
        self.assert_expires_in(self.assume(sts, long["Arn"])["Credentials"], 3600)

    def test_session_policy_narrows_the_role(self):
        role = self.member_role("session-bounded")
        sts = self.admin("sts")
        got = self.assume(sts, role["Arn"], session="narrow",
                          Policy=policy(allow("iam:ListRoles")))
        self.assertIsInstance(got["PackedPolicySize"], int)
        self.assertGreater(got["PackedPolicySize"], 0)
        self.assertLessEqual(got["PackedPolicySize"], 100)
        iam = self.session_client("iam", got["Credentials"])
        iam.list_roles()
        caller = self.session_arn("session-bounded", "narrow")
        self.assert_denied(iam.list_users, not_authorized(
            caller, "iam:ListUsers", "arn:aws:iam::%s:user/" % self.member_id,
            no_policy_allows("session policy", "iam:ListUsers")))

        # A managed policy as the session policy.
        got = self.assume(sts, role["Arn"], session="read-only", PolicyArns=[
            {"arn": IAM_READ_ONLY_ARN}])
        self.assertIn("PackedPolicySize", got)
        iam = self.session_client("iam", got["Credentials"])
        self.assertIn("admin", [u["UserName"] for u in iam.list_users()["Users"]])
        self.assert_denied(iam.create_user, not_authorized(
            self.session_arn("session-bounded", "read-only"), "iam:CreateUser",
            "arn:aws:iam::%s:user/nope" % self.member_id,
            no_policy_allows("session policy", "iam:CreateUser")), UserName="nope")

        # A session policy grants nothing the role does not have.
        reader = self.member_role("session-reader", managed=(IAM_READ_ONLY_ARN,))
        got = self.assume(sts, reader["Arn"], session="wide", Policy=policy(allow("*")))
        self.assert_denied(self.session_client("iam", got["Credentials"]).create_user,
                           not_authorized(self.session_arn("session-reader", "wide"),
                                          "iam:CreateUser",
                                          "arn:aws:iam::%s:user/nope" % self.member_id,
                                          no_policy_allows("identity-based policy",
                                                           "iam:CreateUser")),
                           UserName="nope")

    def test_permissions_boundary_narrows_the_role(self):
        role = self.member_role("boundary-bounded", PermissionsBoundary=IAM_READ_ONLY_ARN)
        got = self.assume(self.admin("sts"), role["Arn"], session="bounded")
        iam = self.session_client("iam", got["Credentials"])
        self.assertIn("admin", [u["UserName"] for u in iam.list_users()["Users"]])
        self.assert_denied(iam.create_user, not_authorized(
            self.session_arn("boundary-bounded", "bounded"), "iam:CreateUser",
            "arn:aws:iam::%s:user/nope" % self.member_id,
            no_policy_allows("permissions boundary", "iam:CreateUser")), UserName="nope")

    def test_an_explicit_deny_wins(self):
        role = self.member_role("deny-list-users",
                                inline=policy(deny("iam:ListUsers")))
        sts = self.admin("sts")
        got = self.assume(sts, role["Arn"], session="denied")
        iam = self.session_client("iam", got["Credentials"])
        iam.list_roles()
        caller = self.session_arn("deny-list-users", "denied")
        users = "arn:aws:iam::%s:user/" % self.member_id
        self.assert_denied(iam.list_users, not_authorized(
            caller, "iam:ListUsers", users, "with an explicit deny in an identity-based policy"))
        # In a session policy, over a role that allows everything.
        admin_role = self.member_role("deny-in-session")
        got = self.assume(sts, admin_role["Arn"], session="denied",
                          Policy=policy(allow("*"), deny("iam:ListRoles")))
        iam = self.session_client("iam", got["Credentials"])
        iam.list_users()
        self.assert_denied(iam.list_roles, not_authorized(
            self.session_arn("deny-in-session", "denied"), "iam:ListRoles",
            "arn:aws:iam::%s:role/" % self.member_id,
            "with an explicit deny in a session policy"))
        # On the caller's side: a deny of sts:AssumeRole in the caller's own policy.
        key = self.make_user(self.admin("iam"), "denied-assumer", allow("*"),
                             deny("sts:AssumeRole", admin_role["Arn"]))
        caller = "arn:aws:iam::%s:user/denied-assumer" % self.account
        self.assert_denied(self.assume, not_authorized(
            caller, "sts:AssumeRole", admin_role["Arn"],
            "with an explicit deny in an identity-based policy"),
            sts=self.key_client("sts", key), role_arn=admin_role["Arn"])

    def test_session_tags(self):
        tag_trust = trust(self.management_root, action=["sts:AssumeRole", "sts:TagSession"])
        blue_only = allow("iam:ListRoles", condition={"StringEquals": {"aws:PrincipalTag/team":
                                                                       "blue"}})
        tagged = self.member_role("tagged-role", tag_trust, managed=(), inline=policy(
            blue_only, allow(["sts:AssumeRole", "sts:TagSession"])))
        untagged = self.member_role("untagged-role")
        # A role of team green, trusting the tagged role: a transitive tag overrides its tag.
        green = self.member_role("green-role", trust(tagged["Arn"], action=[
            "sts:AssumeRole", "sts:TagSession"]), managed=(), inline=policy(blue_only),
            Tags=[{"Key": "team", "Value": "green"}])
        iam = self.admin("iam")
        sts = self.key_client("sts", self.make_user(iam, "tagger", allow(
            ["sts:AssumeRole", "sts:TagSession"])))
        tagger = "arn:aws:iam::%s:user/tagger" % self.account

        blue = self.assume(sts, tagged["Arn"], session="blue",
                           Tags=[{"Key": "team", "Value": "blue"}], TransitiveTagKeys=["team"])
        self.assertIn("PackedPolicySize", blue)
        blue_iam = self.session_client("iam", blue["Credentials"])
        blue_iam.list_roles()
        red = self.assume(sts, tagged["Arn"], session="red",
                          Tags=[{"Key": "team", "Value": "red"}])
        self.assert_denied(self.session_client("iam", red["Credentials"]).list_roles,
                           not_authorized(self.session_arn("tagged-role", "red"),
                                          "iam:ListRoles",
                                          "arn:aws:iam::%s:role/" % self.member_id,
                                          no_policy_allows("identity-based policy",
                                                           "iam:ListRoles")))

        # The transitive tag goes with the chain and overrides the next role's own tag.
        chained = self.assume(self.session_client("sts", blue["Credentials"]), green["Arn"],
                              session="chained")
        self.session_client("iam", chained["Credentials"]).list_roles()
        # Without it, the next role's own tag holds.
        plain = self.assume(sts, tagged["Arn"], session="plain",
                            Tags=[{"Key": "team", "Value": "blue"}])
        chained = self.assume(self.session_client("sts", plain["Credentials"]), green["Arn"],
                              session="chained")
        self.assert_denied(self.session_client("iam", chained["Credentials"]).list_roles,
                           not_authorized(self.session_arn("green-role", "chained"),
                                          "iam:ListRoles",
                                          "arn:aws:iam::%s:role/" % self.member_id,
                                          no_policy_allows("identity-based policy",
                                                           "iam:ListRoles")))

        # Tagging needs sts:TagSession in the trust policy and on the caller's side.
        self.assert_denied(self.assume, not_authorized(tagger, "sts:TagSession",
                                                       untagged["Arn"]),
                           sts=sts, role_arn=untagged["Arn"],
                           Tags=[{"Key": "team", "Value": "blue"}])
        self.assume(sts, untagged["Arn"])
        no_tagging = self.key_client("sts", self.make_user(iam, "no-tagger",
                                                           allow("sts:AssumeRole")))
        self.assert_denied(self.assume, not_authorized(
            "arn:aws:iam::%s:user/no-tagger" % self.account, "sts:TagSession", tagged["Arn"],
            no_policy_allows("identity-based policy", "sts:TagSession")),
            sts=no_tagging, role_arn=tagged["Arn"], Tags=[{"Key": "team", "Value": "blue"}])

    def test_source_identity(self):
        source_trust = trust(self.management_root,
                             action=["sts:AssumeRole", "sts:SetSourceIdentity"])
        role = self.member_role("source-role", source_trust, managed=(), inline=policy(
            allow("iam:ListRoles", condition={"StringEquals": {"aws:SourceIdentity": "alice"}}),
            allow(["sts:AssumeRole", "sts:SetSourceIdentity"])))
        next_role = self.member_role("source-next", trust(role["Arn"], action=[
            "sts:AssumeRole", "sts:SetSourceIdentity"]), managed=(), inline=policy(allow(
                "iam:ListRoles", condition={"StringEquals": {"aws:SourceIdentity": "alice"}})))
        plain = self.member_role("no-source-role")
        iam = self.admin("iam")
        sts = self.key_client("sts", self.make_user(iam, "identifier", allow(
            ["sts:AssumeRole", "sts:SetSourceIdentity"])))

        got = self.assume(sts, role["Arn"], session="alice", SourceIdentity="alice")
        self.assertEqual(got["SourceIdentity"], "alice")
        self.session_client("iam", got["Credentials"]).list_roles()
        bob = self.assume(sts, role["Arn"], session="bob", SourceIdentity="bob")
        self.assert_denied(self.session_client("iam", bob["Credentials"]).list_roles,
                           not_authorized(self.session_arn("source-role", "bob"),
                                          "iam:ListRoles",
                                          "arn:aws:iam::%s:role/" % self.member_id,
                                          no_policy_allows("identity-based policy",
                                                           "iam:ListRoles")))
        self.assertNotIn("SourceIdentity", self.assume(sts, role["Arn"]))

        # It stays through role chaining.
        chained = self.assume(self.session_client("sts", got["Credentials"]), next_role["Arn"],
                              session="chained")
        self.assertEqual(chained["SourceIdentity"], "alice")
        self.session_client("iam", chained["Credentials"]).list_roles()

        # Setting it needs sts:SetSourceIdentity in the trust policy and on the caller's side.
        self.assert_denied(self.assume, not_authorized(
            "arn:aws:iam::%s:user/identifier" % self.account, "sts:SetSourceIdentity",
            plain["Arn"]), sts=sts, role_arn=plain["Arn"], SourceIdentity="alice")
        unidentified = self.key_client("sts", self.make_user(iam, "unidentified",
                                                             allow("sts:AssumeRole")))
        self.assert_denied(self.assume, not_authorized(
            "arn:aws:iam::%s:user/unidentified" % self.account, "sts:SetSourceIdentity",
            role["Arn"], no_policy_allows("identity-based policy", "sts:SetSourceIdentity")),
            sts=unidentified, role_arn=role["Arn"], SourceIdentity="alice")


class SessionTokensTest(StsTestCase):
    """GetSessionToken, GetFederationToken and GetAccessKeyInfo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.create_account("member")

    def user_arn(self, name):
        return "arn:aws:iam::%s:user/%s" % (self.account, name)

    def test_session_token_without_mfa(self):
        iam = self.admin("iam")
        key = self.make_user(iam, "plain-paul", allow("*"))
        got = self.key_client("sts", key).get_session_token(DurationSeconds=900)
        credentials = got["Credentials"]
        self.assertRegex(credentials["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assert_expires_in(credentials, 900)
        sts = self.session_client("sts", credentials)
        identity = sts.get_caller_identity()
        self.assertEqual(identity["Arn"], self.user_arn("plain-paul"))
        self.assertEqual(identity["UserId"],
                         iam.get_user(UserName="plain-paul")["User"]["UserId"])
        self.assertEqual(identity["Account"], self.account)
        # Without MFA, the credentials are not valid for IAM at all.
        session_iam = self.session_client("iam", credentials)
        for call in (session_iam.list_users, session_iam.get_user):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assert_error(ctx, "InvalidClientTokenId", INVALID_TOKEN, 403)
        self.assert_denied(sts.get_session_token,
                           "Cannot call GetSessionToken with session credentials")
        self.assert_denied(sts.get_federation_token,
                           "Cannot call GetFederationToken with session credentials",
                           Name="fed")
        # Twelve hours unless asked otherwise.
        self.assert_expires_in(self.key_client("sts", key).get_session_token()["Credentials"],
                               43200)

    def test_session_token_with_mfa(self):
        iam = self.admin("iam")
        mfa_only = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        key = self.make_user(iam, "mfa-maria", allow("iam:ListRoles", condition=mfa_only),
                             allow("iam:ListUsers", condition={
                                 "NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}))
        serial, code = self.enable_mfa(iam, "mfa-maria")
        maria = self.user_arn("mfa-maria")
        long_term = self.key_client("iam", key)
        self.assert_denied(long_term.list_roles, not_authorized(
            maria, "iam:ListRoles", "arn:aws:iam::%s:role/" % self.account,
            no_policy_allows("identity-based policy", "iam:ListRoles")))
        sts = self.key_client("sts", key)
        self.assert_denied(sts.get_session_token, MFA_FAILED, SerialNumber=serial,
                           TokenCode=wrong(code))
        credentials = sts.get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"]
        session_iam = self.session_client("iam", credentials)
        session_iam.list_roles()
        session_iam.list_users()
        self.assert_denied(session_iam.list_groups, not_authorized(
            maria, "iam:ListGroups", "arn:aws:iam::%s:group/" % self.account,
            no_policy_allows("identity-based policy", "iam:ListGroups")))
        self.assertEqual(self.session_client("sts", credentials).get_caller_identity()["Arn"],
                         maria)
        # The code is spent.
        self.assert_denied(sts.get_session_token, MFA_FAILED, SerialNumber=serial,
                           TokenCode=code)
        # Even with MFA, session credentials cannot make more session credentials.
        self.assert_denied(self.session_client("sts", credentials).get_session_token,
                           "Cannot call GetSessionToken with session credentials")

    def test_session_token_credentials_may_assume_roles(self):
        iam = self.admin("iam")
        role = iam.create_role(RoleName="from-session", AssumeRolePolicyDocument=trust(
            "arn:aws:iam::%s:root" % self.account))["Role"]
        key = self.make_user(iam, "session-sam", allow("sts:AssumeRole"))
        credentials = self.key_client("sts", key).get_session_token()["Credentials"]
        got = self.session_client("sts", credentials).assume_role(RoleArn=role["Arn"],
                                                                  RoleSessionName="sam")
        self.assertEqual(got["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/from-session/sam" % self.account)

    def test_federation_token(self):
        iam = self.admin("iam")
        key = self.make_user(iam, "broker", allow("sts:GetFederationToken"),
                             allow("iam:ListRoles"))
        session_policy = policy(allow(["iam:ListRoles", "iam:ListUsers"]))
        got = self.key_client("sts", key).get_federation_token(Name="fed-bob",
                                                               Policy=session_policy,
                                                               DurationSeconds=1800)
        federated = "arn:aws:sts::%s:federated-user/fed-bob" % self.account
        self.assertEqual(got["FederatedUser"], {"FederatedUserId": self.account + ":fed-bob",
                                                "Arn": federated})
        self.assertIsInstance(got["PackedPolicySize"], int)
        self.assertGreater(got["PackedPolicySize"], 0)
        credentials = got["Credentials"]
        self.assertRegex(credentials["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assert_expires_in(credentials, 1800)
        sts = self.session_client("sts", credentials)
        identity = sts.get_caller_identity()
        self.assertEqual((identity["UserId"], identity["Account"], identity["Arn"]),
                         (self.account + ":fed-bob", self.account, federated))
        # A federated user cannot call IAM, nor make more session credentials.
        with self.assertRaises(ClientError) as ctx:
            self.session_client("iam", credentials).list_roles()
        self.assert_error(ctx, "InvalidClientTokenId", INVALID_TOKEN, 403)
        self.assert_denied(sts.get_federation_token,
                           "Cannot call GetFederationToken with session credentials",
                           Name="again")
        self.assert_denied(sts.get_session_token,
                           "Cannot call GetSessionToken with session credentials")

        # The user's own policies must allow sts:GetFederationToken.
        other = self.key_client("sts", self.make_user(iam, "not-a-broker", allow(
            "iam:ListRoles")))
        self.assert_denied(other.get_federation_token, not_authorized(
            self.user_arn("not-a-broker"), "sts:GetFederationToken",
            "arn:aws:sts::%s:federated-user/fed-eve" % self.account,
            no_policy_allows("identity-based policy", "sts:GetFederationToken")),
            Name="fed-eve", Policy=session_policy)

    def test_access_key_info(self):
        sts = self.admin("sts")
        member_key = self.member["access_key_id"]
        self.assertEqual(sts.get_access_key_info(AccessKeyId=member_key)["Account"],
                         self.member["account_id"])
        self.assertEqual(sts.get_access_key_info(AccessKeyId=self.admin_key[0])["Account"],
                         self.account)
        member_iam = self.client("iam", member_key, self.member["secret_access_key"])
        role = member_iam.create_role(RoleName="info-role", AssumeRolePolicyDocument=trust(
            "arn:aws:iam::%s:root" % self.account))["Role"]
        member_iam.attach_role_policy(RoleName="info-role", PolicyArn=ADMIN_ARN)
        credentials = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="info")[
            "Credentials"]
        self.assertTrue(credentials["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(sts.get_access_key_info(AccessKeyId=credentials["AccessKeyId"])
                         ["Account"], self.member["account_id"])
        # A session key of the management account, asked from the member account.
        own = sts.get_session_token()["Credentials"]["AccessKeyId"]
        self.assertEqual(self.session_client("sts", credentials).get_access_key_info(
            AccessKeyId=own)["Account"], self.account)


def installed_clis():
    """Each AWS CLI on PATH once (the first of the names that lead to the same file), with its
    version: [(path, (major, minor, patch))]."""
    found, seen = [], set()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        path = os.path.join(directory, "aws")
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        p = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        version = re.search(r"aws-cli/(\d+)\.(\d+)\.(\d+)", p.stdout + p.stderr)
        if p.returncode == 0 and version:
            found.append((path, tuple(int(n) for n in version.groups())))
    return found


class CliRoleSwitchTest(StsTestCase):
    """The AWS CLI's own role switching: a profile with role_arn and source_profile (and
    mfa_serial, whose code the CLI asks for) assumes the member account's role itself."""

    ROLE = "OrganizationAccountAccessRole"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clis = installed_clis()
        cls.member = cls.create_account("member")
        cls.member_id = cls.member["account_id"]
        member_iam = cls.client("iam", cls.member["access_key_id"],
                                cls.member["secret_access_key"])
        management = "arn:aws:iam::%s:root" % cls.account
        cls.role_arn = member_iam.create_role(
            RoleName=cls.ROLE, AssumeRolePolicyDocument=trust(management))["Role"]["Arn"]
        member_iam.attach_role_policy(RoleName=cls.ROLE, PolicyArn=ADMIN_ARN)
        cls.mfa_role_arn = member_iam.create_role(
            RoleName="mfa-admin", AssumeRolePolicyDocument=trust(
                management, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))[
            "Role"]["Arn"]
        member_iam.attach_role_policy(RoleName="mfa-admin", PolicyArn=IAM_READ_ONLY_ARN)

    def setUp(self):
        super().setUp()
        if not self.clis:
            self.skipTest("no AWS CLI on PATH")
        self.homes = []

    def tearDown(self):
        for home in self.homes:
            shutil.rmtree(home, ignore_errors=True)

    def cli_home(self, cli, key, profiles):
        """A HOME with ~/.aws/config and credentials: profile `source` holding `key`, and
        `profiles` ({name: {setting: value}}), all with this server's endpoint_url. CLIs that do
        not read endpoint_url from the config get the plugin that does."""
        home = tempfile.mkdtemp(prefix="aws-cli-home-")
        self.homes.append(home)
        os.makedirs(os.path.join(home, ".aws"))
        sections = {"profile source": {}}
        sections.update({"profile " + name: settings for name, settings in profiles.items()})
        lines = []
        for section, settings in sections.items():
            lines.append("[%s]" % section)
            settings = dict(settings, region="us-east-1", endpoint_url=self.endpoint)
            lines += ["%s = %s" % item for item in settings.items()]
        path, version = cli
        if version[0] == 2 and version < (2, 13, 0):
            lines += ["[plugins]",
                      "cli_legacy_plugin_path = %s" % os.path.dirname(os.path.abspath(__file__)),
                      "profile_endpoint = legacy_cli_endpoint"]
        with open(os.path.join(home, ".aws", "config"), "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(home, ".aws", "credentials"), "w") as f:
            f.write("[source]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    % (key["AccessKeyId"], key["SecretAccessKey"]))
        return home

    def run_cli(self, cli, home, *args, stdin=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(HOME=home, AWS_CONFIG_FILE=os.path.join(home, ".aws", "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, ".aws", "credentials"),
                   AWS_PAGER="")
        # A new session has no controlling terminal: the MFA prompt then reads stdin.
        p = subprocess.run([cli[0], "--output", "json"] + list(args), env=env,
                           input=stdin if stdin is not None else "", capture_output=True,
                           text=True, timeout=60, start_new_session=True)
        return p.returncode, p.stdout, p.stderr

    def test_profile_with_role_arn(self):
        for n, cli in enumerate(self.clis):
            with self.subTest(cli="%s %d.%d.%d" % ((cli[0],) + cli[1])):
                user = "switcher-%d" % n
                key = self.make_user(self.admin("iam"), user, allow("sts:AssumeRole"))
                home = self.cli_home(cli, key, {"member": {
                    "role_arn": self.role_arn, "source_profile": "source",
                    "role_session_name": user}})
                code, out, err = self.run_cli(cli, home, "--profile", "member", "iam",
                                              "list-roles")
                self.assertEqual(code, 0, err)
                self.assertIn(self.role_arn, [r["Arn"] for r in json.loads(out)["Roles"]])
                code, out, err = self.run_cli(cli, home, "--profile", "member", "sts",
                                              "get-caller-identity")
                self.assertEqual(code, 0, err)
                identity = json.loads(out)
                self.assertEqual(identity["Account"], self.member_id)
                self.assertEqual(identity["Arn"], "arn:aws:sts::%s:assumed-role/%s/%s"
                                 % (self.member_id, self.ROLE, user))
                self.assertRegex(identity["UserId"], r"^AROA[A-Z2-7]{17}:%s$" % user)

    def test_profile_with_mfa_serial(self):
        for n, cli in enumerate(self.clis):
            with self.subTest(cli="%s %d.%d.%d" % ((cli[0],) + cli[1])):
                iam = self.admin("iam")
                user = "mfa-switcher-%d" % n
                key = self.make_user(iam, user, allow("sts:AssumeRole"))
                serial, code = self.enable_mfa(iam, user)
                home = self.cli_home(cli, key, {
                    "member-mfa": {"role_arn": self.mfa_role_arn, "source_profile": "source",
                                   "mfa_serial": serial, "role_session_name": user},
                    "member-no-mfa": {"role_arn": self.mfa_role_arn,
                                      "source_profile": "source"}})
                prompt = "Enter MFA code for %s: " % serial

                status, out, err = self.run_cli(cli, home, "--profile", "member-no-mfa",
                                                "sts", "get-caller-identity")
                self.assertNotEqual(status, 0)
                self.assertIn("An error occurred (AccessDenied) when calling the AssumeRole "
                              "operation: " + not_authorized(
                                  "arn:aws:iam::%s:user/%s" % (self.account, user),
                                  "sts:AssumeRole", self.mfa_role_arn), err)

                status, out, err = self.run_cli(cli, home, "--profile", "member-mfa", "sts",
                                                "get-caller-identity", stdin=wrong(code) + "\n")
                self.assertNotEqual(status, 0)
                self.assertIn(prompt, err)
                self.assertIn("An error occurred (AccessDenied) when calling the AssumeRole "
                              "operation: " + MFA_FAILED, err)

                status, out, err = self.run_cli(cli, home, "--profile", "member-mfa", "sts",
                                                "get-caller-identity", stdin=code + "\n")
                self.assertEqual(status, 0, err)
                self.assertIn(prompt, err)
                self.assertEqual(json.loads(out)["Arn"], "arn:aws:sts::%s:assumed-role/"
                                 "mfa-admin/%s" % (self.member_id, user))
                # The CLI keeps the role's credentials: no second prompt.
                status, out, err = self.run_cli(cli, home, "--profile", "member-mfa", "iam",
                                                "list-roles")
                self.assertEqual(status, 0, err)
                self.assertNotIn(prompt, err)
                self.assertIn(self.mfa_role_arn, [r["Arn"] for r in json.loads(out)["Roles"]])
