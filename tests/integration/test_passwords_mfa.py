"""Console passwords (login profiles, ChangePassword), the account password policy and virtual
MFA devices, driven with boto3 and the AWS CLI. TOTP codes are computed here from the seed the
server returns (RFC 6238 with the standard library), and the server log is checked never to
hold a password or a seed.
"""
import base64
import datetime
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from xml.etree import ElementTree

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase
from mfa_helpers import PNG_SIGNATURE, looks_like_qr_code, now_step, totp, wrong

VIOLATION = "Password does not conform to the account password policy."
REUSE = "Policy constraint violation with password reuse prevention during password change."
STRONG = "Str0ng!Passw0rd"


class PasswordsAndMfaTest(GatehouseTestCase):
    secrets = []  # every password and seed used: none may reach the log

    def setUp(self):
        self.iam = self.admin("iam")

    def tearDown(self):
        try:
            self.iam.delete_account_password_policy()
        except ClientError:
            pass

    def assertError(self, call, code, message, status, **kwargs):
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        err = e.exception.response
        self.assertEqual(err["Error"]["Code"], code)
        self.assertEqual(err["Error"]["Message"], message)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)

    def user_with_password(self, name, password=STRONG, policy=None, **kwargs):
        """Creates user `name` with a login profile and returns an IAM client for it."""
        self.secrets.append(password)
        client = self.new_user_client("iam", name, policy)
        self.iam.create_login_profile(UserName=name, Password=password, **kwargs)
        return client

    def new_device(self, name, **kwargs):
        device = self.iam.create_virtual_mfa_device(VirtualMFADeviceName=name,
                                                    **kwargs)["VirtualMFADevice"]
        seed = device["Base32StringSeed"].decode()
        self.secrets.append(seed)
        return device["SerialNumber"], seed, device

    def enable(self, user, serial, seed):
        step = now_step()
        self.iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                                   AuthenticationCode1=totp(seed, step - 1),
                                   AuthenticationCode2=totp(seed, step))
        return step

    # --- login profiles -------------------------------------------------------------------

    def test_login_profile_lifecycle(self):
        self.iam.create_user(UserName="Lana")
        self.secrets.append(STRONG)
        before = time.time()
        profile = self.iam.create_login_profile(UserName="lana", Password=STRONG,
                                                PasswordResetRequired=True)["LoginProfile"]
        self.assertEqual(profile["UserName"], "Lana")
        self.assertTrue(profile["PasswordResetRequired"])
        self.assertLess(abs(profile["CreateDate"].timestamp() - before), 5)
        self.assertError(self.iam.create_login_profile, "EntityAlreadyExists",
                         "Login Profile for user Lana already exists.", 409,
                         UserName="Lana", Password=STRONG)
        got = self.iam.get_login_profile(UserName="LANA")["LoginProfile"]
        self.assertEqual(got["UserName"], "Lana")
        self.assertEqual(got["CreateDate"], profile["CreateDate"])
        self.assertTrue(got["PasswordResetRequired"])

        self.iam.update_login_profile(UserName="Lana", PasswordResetRequired=False)
        self.assertFalse(self.iam.get_login_profile(UserName="Lana")["LoginProfile"]
                         ["PasswordResetRequired"])
        self.secrets.append("An0ther!Secret")
        self.iam.update_login_profile(UserName="Lana", Password="An0ther!Secret")
        got = self.iam.get_login_profile(UserName="Lana")["LoginProfile"]
        self.assertEqual(got["CreateDate"], profile["CreateDate"])
        self.assertFalse(got["PasswordResetRequired"])

        self.assertError(self.iam.delete_user, "DeleteConflict",
                         "Cannot delete entity, must delete login profile first.", 409,
                         UserName="Lana")
        self.iam.delete_login_profile(UserName="Lana")
        for call in (self.iam.get_login_profile, self.iam.delete_login_profile):
            self.assertError(call, "NoSuchEntity", "Login Profile for User Lana cannot be found.",
                             404, UserName="Lana")
        self.assertError(self.iam.update_login_profile, "NoSuchEntity",
                         "Login Profile for User Lana cannot be found.", 404,
                         UserName="Lana", PasswordResetRequired=True)
        self.iam.delete_user(UserName="Lana")
        for call in (self.iam.get_login_profile, self.iam.delete_login_profile):
            self.assertError(call, "NoSuchEntity", "The user with name Lana cannot be found.",
                             404, UserName="Lana")
        self.assertError(self.iam.create_login_profile, "NoSuchEntity",
                         "The user with name Lana cannot be found.", 404,
                         UserName="Lana", Password=STRONG)

    def test_login_profile_calls_without_a_user_name(self):
        # The current model makes UserName (and CreateLoginProfile's Password) optional, for
        # the root user's own profile through an AssumeRoot session. An IAM user without one
        # reaches its own profile; a role must name the user; a password stays required.
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["iam:GetLoginProfile", "iam:DeleteLoginProfile",
                                            "sts:AssumeRole"],
             "Resource": "*"}]})
        self_client = self.user_with_password("Selma", policy=policy)
        self.assertEqual(self_client.get_login_profile()["LoginProfile"]["UserName"], "Selma")
        self.iam.create_user(UserName="Nopass")
        self.assertError(self.iam.create_login_profile, "ValidationError",
                         "1 validation error detected: Value null at 'password' failed to "
                         "satisfy constraint: Member must not be null", 400, UserName="Nopass")
        self.assertError(self.iam.get_login_profile, "NoSuchEntity",
                         "Login Profile for User Nopass cannot be found.", 404, UserName="Nopass")

        account = self.admin("sts").get_caller_identity()["Account"]
        self.iam.create_role(RoleName="ProfileReader", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % account},
                "Action": "sts:AssumeRole"}]}))
        self.iam.put_role_policy(RoleName="ProfileReader", PolicyName="p", PolicyDocument=policy)
        creds = self.client("sts", *self.admin_key).assume_role(
            RoleArn="arn:aws:iam::%s:role/ProfileReader" % account,
            RoleSessionName="reader")["Credentials"]
        role_iam = boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                                aws_access_key_id=creds["AccessKeyId"],
                                aws_secret_access_key=creds["SecretAccessKey"],
                                aws_session_token=creds["SessionToken"])
        for call in (role_iam.get_login_profile, role_iam.delete_login_profile):
            self.assertError(call, "ValidationError",
                             "Must specify userName when calling with non-User credentials", 400)
        self.assertEqual(role_iam.get_login_profile(UserName="Selma")["LoginProfile"]["UserName"],
                         "Selma")

    def test_login_profile_with_the_cli(self):
        self.iam.create_user(UserName="cli-user")
        self.secrets.append("Cl1-Passw0rd!")
        code, out, err = self.aws_cli("iam", "create-login-profile", "--user-name", "cli-user",
                                      "--password", "Cl1-Passw0rd!",
                                      "--password-reset-required")
        self.assertEqual(code, 0, err)
        profile = json.loads(out)["LoginProfile"]
        self.assertEqual(profile["UserName"], "cli-user")
        self.assertTrue(profile["PasswordResetRequired"])
        self.iam.create_user(UserName="cli-weak")
        code, out, err = self.aws_cli("iam", "create-login-profile", "--user-name", "cli-weak",
                                      "--password", "short")
        self.assertNotEqual(code, 0)
        self.assertIn("(PasswordPolicyViolation)", err)
        self.assertIn(VIOLATION, err)

    def test_default_rules_apply_without_a_policy(self):
        self.iam.create_user(UserName="dora")
        for password in ("Sh0rt!x", "alllowercase1", "ALLUPPER!!!", "12345678!"):
            self.assertError(self.iam.create_login_profile, "PasswordPolicyViolation", VIOLATION,
                             400, UserName="dora", Password=password)
        for password in ("Abcdefg1", "abcdefg1!", "ABCDEFG'x"):
            self.secrets.append(password)
            self.iam.create_login_profile(UserName="dora", Password=password)
            self.iam.delete_login_profile(UserName="dora")

    # --- the account password policy ------------------------------------------------------

    def test_password_policy_lifecycle(self):
        self.assertError(self.iam.get_account_password_policy, "NoSuchEntity",
                         "The Password Policy with domain name %s cannot be found." % self.account,
                         404)
        self.assertError(self.iam.delete_account_password_policy, "NoSuchEntity",
                         "The account policy with name PasswordPolicy cannot be found.", 404)
        self.iam.update_account_password_policy(
            MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True,
            RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
            AllowUsersToChangePassword=True, MaxPasswordAge=90, PasswordReusePrevention=5,
            HardExpiry=True)
        self.assertEqual(self.iam.get_account_password_policy()["PasswordPolicy"], {
            "MinimumPasswordLength": 12, "RequireSymbols": True, "RequireNumbers": True,
            "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 90,
            "PasswordReusePrevention": 5, "HardExpiry": True})
        # A field left out returns to its default.
        self.iam.update_account_password_policy(RequireNumbers=True)
        self.assertEqual(self.iam.get_account_password_policy()["PasswordPolicy"], {
            "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": True,
            "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
            "AllowUsersToChangePassword": False, "ExpirePasswords": False})
        code, out, err = self.aws_cli("iam", "get-account-password-policy")
        self.assertEqual(code, 0, err)
        self.assertTrue(json.loads(out)["PasswordPolicy"]["RequireNumbers"])
        # Out-of-range values, past the SDK's own checks, are the server's ValidationError.
        unchecked = boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                                 aws_access_key_id=self.admin_key[0],
                                 aws_secret_access_key=self.admin_key[1],
                                 config=Config(parameter_validation=False,
                                               retries={"max_attempts": 1}))
        for field, value, constraint in (
                ("MinimumPasswordLength", 5, "greater than or equal to 6"),
                ("PasswordReusePrevention", 25, "less than or equal to 24"),
                ("MaxPasswordAge", 1096, "less than or equal to 1095")):
            camel = field[0].lower() + field[1:]
            self.assertError(unchecked.update_account_password_policy, "ValidationError",
                             "1 validation error detected: Value '%d' at '%s' failed to satisfy "
                             "constraint: Member must have value %s" % (value, camel, constraint),
                             400, **{field: value})
        self.iam.delete_account_password_policy()
        self.assertError(self.iam.get_account_password_policy, "NoSuchEntity",
                         "The Password Policy with domain name %s cannot be found." % self.account,
                         404)

    def test_each_policy_rule(self):
        self.iam.create_user(UserName="rita")
        cases = [
            (dict(MinimumPasswordLength=10), "abcdefghi", "abcdefghij"),
            (dict(RequireUppercaseCharacters=True), "lowercase", "lowerCase"),
            (dict(RequireLowercaseCharacters=True), "UPPERCASE", "UPPERCASe"),
            (dict(RequireNumbers=True), "noNumbers", "n0Numbers"),
            (dict(RequireSymbols=True), "noSymbols~", "noSymbols|"),
        ]
        for policy, bad, good in cases:
            self.iam.update_account_password_policy(**policy)
            self.assertError(self.iam.create_login_profile, "PasswordPolicyViolation", VIOLATION,
                             400, UserName="rita", Password=bad)
            self.secrets.append(good)
            self.iam.create_login_profile(UserName="rita", Password=good)
            self.assertError(self.iam.update_login_profile, "PasswordPolicyViolation", VIOLATION,
                             400, UserName="rita", Password=bad)
            self.iam.delete_login_profile(UserName="rita")
        # A policy replaces the default rules: 6 characters of one type now do.
        self.iam.update_account_password_policy()
        self.secrets.append("simple")
        self.iam.create_login_profile(UserName="rita", Password="simple")
        self.iam.delete_login_profile(UserName="rita")
        self.iam.delete_user(UserName="rita")

    def test_password_reuse_prevention(self):
        self.iam.update_account_password_policy(PasswordReusePrevention=2)
        first, second, third = "Reuse-One1", "Reuse-Two2", "Reuse-Three3"
        self.secrets.extend([first, second, third])
        self.iam.create_user(UserName="reuser")
        self.iam.create_login_profile(UserName="reuser", Password=first)
        self.assertError(self.iam.update_login_profile, "PasswordPolicyViolation", REUSE, 400,
                         UserName="reuser", Password=first)
        self.iam.update_login_profile(UserName="reuser", Password=second)
        self.assertError(self.iam.update_login_profile, "PasswordPolicyViolation", REUSE, 400,
                         UserName="reuser", Password=first)
        self.iam.update_login_profile(UserName="reuser", Password=third)
        # Two passwords are remembered: the current one and the one before.
        self.assertError(self.iam.update_login_profile, "PasswordPolicyViolation", REUSE, 400,
                         UserName="reuser", Password=second)
        self.iam.update_login_profile(UserName="reuser", Password=first)

    def test_change_password(self):
        me = self.user_with_password("chang", policy=json.dumps({
            "Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:GetUser",
                                                   "Resource": "*"}}),
            PasswordResetRequired=True)
        new = "N3w-Secret!pw"
        self.secrets.append(new)
        # Neither a policy nor the account allows it yet.
        with self.assertRaises(ClientError) as e:
            me.change_password(OldPassword=STRONG, NewPassword=new)
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        self.assertIn("iam:ChangePassword", e.exception.response["Error"]["Message"])

        self.iam.update_account_password_policy(AllowUsersToChangePassword=True,
                                                MinimumPasswordLength=8, RequireNumbers=True)
        self.assertTrue(me.get_account_password_policy()["PasswordPolicy"]
                        ["AllowUsersToChangePassword"])
        self.assertError(me.change_password, "AccessDenied", "The old password was incorrect.",
                         403, OldPassword="Wr0ng!Password", NewPassword=new)
        self.assertError(me.change_password, "PasswordPolicyViolation", VIOLATION, 400,
                         OldPassword=STRONG, NewPassword="nonumbers!")
        self.assertError(me.change_password, "PasswordPolicyViolation", REUSE, 400,
                         OldPassword=STRONG, NewPassword=STRONG)
        me.change_password(OldPassword=STRONG, NewPassword=new)
        profile = self.iam.get_login_profile(UserName="chang")["LoginProfile"]
        self.assertFalse(profile["PasswordResetRequired"])
        self.assertError(me.change_password, "AccessDenied", "The old password was incorrect.",
                         403, OldPassword=STRONG, NewPassword="Y3t-Another!pw")
        # The admin has no console password to change.
        self.assertError(self.iam.change_password, "NoSuchEntity",
                         "Login Profile for User admin cannot be found.", 404,
                         OldPassword=STRONG, NewPassword=new)

    # --- virtual MFA devices --------------------------------------------------------------

    def test_a_devices_path_is_part_of_its_identity(self):
        blue, blue_seed, _ = self.new_device("pager", Path="/blue/")
        red, _, _ = self.new_device("pager", Path="/red/")
        plain, _, _ = self.new_device("pager")
        self.assertEqual([blue, red, plain],
                         ["arn:aws:iam::%s:mfa/%s" % (self.account, p)
                          for p in ("blue/pager", "red/pager", "pager")])
        self.assertError(self.iam.create_virtual_mfa_device, "EntityAlreadyExists",
                         "MFADevice entity at the same path and name already exists.", 409,
                         VirtualMFADeviceName="PAGER", Path="/red/")
        listed = {d["SerialNumber"] for d in
                  self.iam.list_virtual_mfa_devices()["VirtualMFADevices"]}
        self.assertLessEqual({blue, red, plain}, listed)

        # Each serial number names its own device: enabling one leaves the others free.
        self.iam.create_user(UserName="pathy")
        self.enable("pathy", blue, blue_seed)
        by_serial = {d["SerialNumber"]: d for d in self.iam.list_virtual_mfa_devices(
            AssignmentStatus="Assigned")["VirtualMFADevices"]}
        self.assertIn(blue, by_serial)
        self.assertNotIn(red, by_serial)
        self.assertEqual(
            [d["SerialNumber"] for d in self.iam.list_mfa_devices(UserName="pathy")["MFADevices"]],
            [blue])
        # A serial number whose path differs names no device.
        self.assertError(self.iam.delete_virtual_mfa_device, "NoSuchEntity",
                         "VirtualMFADevice with serial number arn:aws:iam::%s:mfa/green/pager "
                         "does not exist." % self.account, 404,
                         SerialNumber="arn:aws:iam::%s:mfa/green/pager" % self.account)
        self.iam.delete_virtual_mfa_device(SerialNumber=red)
        self.iam.delete_virtual_mfa_device(SerialNumber=plain)
        listed = {d["SerialNumber"] for d in
                  self.iam.list_virtual_mfa_devices()["VirtualMFADevices"]}
        self.assertIn(blue, listed)
        self.assertNotIn(red, listed)
        self.iam.deactivate_mfa_device(UserName="pathy", SerialNumber=blue)
        self.iam.delete_virtual_mfa_device(SerialNumber=blue)
        self.iam.delete_user(UserName="pathy")

    def test_create_virtual_mfa_device(self):
        serial, seed, device = self.new_device("phone", Path="/team/",
                                               Tags=[{"Key": "owner", "Value": "ops"}])
        self.assertEqual(serial, "arn:aws:iam::%s:mfa/team/phone" % self.account)
        self.assertEqual(len(seed), 64)
        self.assertTrue(set(seed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), seed)
        self.assertEqual(device["Tags"], [{"Key": "owner", "Value": "ops"}])
        png = device["QRCodePNG"]
        self.assertEqual(png[:8], PNG_SIGNATURE)
        self.assertTrue(looks_like_qr_code(png))
        if shutil.which("zbarimg"):
            with tempfile.NamedTemporaryFile(suffix=".png") as f:
                f.write(png)
                f.flush()
                out = subprocess.run(["zbarimg", "-q", "--raw", f.name], capture_output=True,
                                     text=True).stdout.strip()
            self.assertEqual(out, "otpauth://totp/Amazon%%20Web%%20Services:phone@%s?secret=%s"
                             "&issuer=Amazon%%20Web%%20Services" % (self.account, seed))

        self.assertError(self.iam.create_virtual_mfa_device, "EntityAlreadyExists",
                         "MFADevice entity at the same path and name already exists.", 409,
                         VirtualMFADeviceName="Phone", Path="/team/")
        # Never returned again: listing shows the serial number only.
        listed = [d for d in self.iam.list_virtual_mfa_devices()["VirtualMFADevices"]
                  if d["SerialNumber"] == serial]
        self.assertEqual(listed, [{"SerialNumber": serial}])
        self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertError(self.iam.delete_virtual_mfa_device, "NoSuchEntity",
                         "VirtualMFADevice with serial number %s does not exist." % serial, 404,
                         SerialNumber=serial)

    def test_create_virtual_mfa_device_with_the_cli(self):
        with tempfile.TemporaryDirectory() as d:
            for method, name in (("QRCodePNG", "cli-qr"), ("Base32StringSeed", "cli-seed")):
                path = os.path.join(d, name)
                code, out, err = self.aws_cli("iam", "create-virtual-mfa-device",
                                              "--virtual-mfa-device-name", name,
                                              "--outfile", path, "--bootstrap-method", method)
                self.assertEqual(code, 0, err)
                serial = json.loads(out)["VirtualMFADevice"]["SerialNumber"]
                self.assertEqual(serial, "arn:aws:iam::%s:mfa/%s" % (self.account, name))
                with open(path, "rb") as f:
                    content = f.read()
                if method == "QRCodePNG":
                    self.assertTrue(looks_like_qr_code(content))
                else:
                    self.secrets.append(content.decode())
                    self.assertEqual(len(content), 64)
                    base64.b32decode(content)
                self.iam.delete_virtual_mfa_device(SerialNumber=serial)

    def test_enable_resync_deactivate(self):
        self.iam.create_user(UserName="mia")
        serial, seed, _ = self.new_device("mia-phone")
        step = now_step()
        c1, c2 = totp(seed, step - 1), totp(seed, step)
        for a, b in ((wrong(c1), c2), (c1, wrong(c2)), (c2, c1), (c1, c1)):
            self.assertError(self.iam.enable_mfa_device, "InvalidAuthenticationCode",
                             "Authentication code for device is not valid.", 403,
                             UserName="mia", SerialNumber=serial, AuthenticationCode1=a,
                             AuthenticationCode2=b)
        self.assertError(self.iam.enable_mfa_device, "NoSuchEntity",
                         "The user with name nobody cannot be found.", 404, UserName="nobody",
                         SerialNumber=serial, AuthenticationCode1=c1, AuthenticationCode2=c2)
        missing = "arn:aws:iam::%s:mfa/missing" % self.account
        self.assertError(self.iam.enable_mfa_device, "NoSuchEntity",
                         "VirtualMFADevice with serial number %s does not exist." % missing, 404,
                         UserName="mia", SerialNumber=missing, AuthenticationCode1=c1,
                         AuthenticationCode2=c2)
        before = time.time()
        step = self.enable("mia", serial, seed)

        devices = self.iam.list_mfa_devices(UserName="MIA")["MFADevices"]
        self.assertEqual(len(devices), 1)
        self.assertEqual(devices[0]["UserName"], "mia")
        self.assertEqual(devices[0]["SerialNumber"], serial)
        self.assertLess(abs(devices[0]["EnableDate"].timestamp() - before), 5)
        assigned = [d for d in self.iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")
                    ["VirtualMFADevices"] if d["SerialNumber"] == serial][0]
        self.assertEqual(assigned["User"]["UserName"], "mia")
        self.assertEqual(assigned["User"]["Arn"], "arn:aws:iam::%s:user/mia" % self.account)
        self.assertIn("EnableDate", assigned)

        self.iam.create_user(UserName="other")
        self.assertError(self.iam.enable_mfa_device, "EntityAlreadyExists",
                         "MFA Device is already in use.", 409, UserName="other",
                         SerialNumber=serial, AuthenticationCode1=totp(seed, step),
                         AuthenticationCode2=totp(seed, step + 1))
        self.assertError(self.iam.deactivate_mfa_device, "NoSuchEntity",
                         "MFA Device invalid for user.", 404, UserName="other",
                         SerialNumber=serial)
        self.assertError(self.iam.resync_mfa_device, "NoSuchEntity",
                         "MFA Device invalid for user.", 404, UserName="other",
                         SerialNumber=serial, AuthenticationCode1=totp(seed, step + 1),
                         AuthenticationCode2=totp(seed, step + 2))
        self.assertError(self.iam.delete_virtual_mfa_device, "DeleteConflict",
                         "MFA VirtualDevice in use. Must deactivate first.", 409,
                         SerialNumber=serial)
        self.assertError(self.iam.delete_user, "DeleteConflict",
                         "Cannot delete entity, must delete MFA device first.", 409,
                         UserName="mia")

        # Codes already accepted are refused; newer ones resynchronize the device.
        for a, b in ((step - 1, step), (step, step + 1)):
            self.assertError(self.iam.resync_mfa_device, "InvalidAuthenticationCode",
                             "Authentication code for device is not valid.", 403,
                             UserName="mia", SerialNumber=serial,
                             AuthenticationCode1=totp(seed, a), AuthenticationCode2=totp(seed, b))
        self.iam.resync_mfa_device(UserName="mia", SerialNumber=serial,
                                   AuthenticationCode1=totp(seed, step + 1),
                                   AuthenticationCode2=totp(seed, step + 2))
        self.assertError(self.iam.resync_mfa_device, "InvalidAuthenticationCode",
                         "Authentication code for device is not valid.", 403, UserName="mia",
                         SerialNumber=serial, AuthenticationCode1=totp(seed, step + 1),
                         AuthenticationCode2=totp(seed, step + 2))

        self.iam.deactivate_mfa_device(UserName="mia", SerialNumber=serial)
        self.assertEqual(self.iam.list_mfa_devices(UserName="mia")["MFADevices"], [])
        # Enabling again with codes it accepted before does not work either.
        self.assertError(self.iam.enable_mfa_device, "InvalidAuthenticationCode",
                         "Authentication code for device is not valid.", 403, UserName="mia",
                         SerialNumber=serial, AuthenticationCode1=totp(seed, step - 1),
                         AuthenticationCode2=totp(seed, step))
        self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.iam.delete_user(UserName="mia")
        self.iam.delete_user(UserName="other")

    def test_list_virtual_mfa_devices_by_status_and_page(self):
        self.iam.create_user(UserName="lister")
        serials = {}
        for name in ("lv-a", "lv-b", "lv-c", "lv-d"):
            serials[name], seed, _ = self.new_device(name)
            if name in ("lv-b", "lv-d"):
                self.enable("lister", serials[name], seed)
        mine = set(serials.values())

        def listed(status, page_size):
            seen, kwargs, pages = [], {"MaxItems": page_size}, 0
            if status:
                kwargs["AssignmentStatus"] = status
            while True:
                page = self.iam.list_virtual_mfa_devices(**kwargs)
                pages += 1
                seen += [d for d in page["VirtualMFADevices"] if d["SerialNumber"] in mine]
                if not page["IsTruncated"]:
                    return seen, pages
                kwargs["Marker"] = page["Marker"]

        everything, pages = listed(None, 1)
        self.assertEqual([d["SerialNumber"] for d in everything],
                         [serials[n] for n in ("lv-a", "lv-b", "lv-c", "lv-d")])
        self.assertGreaterEqual(pages, 4)
        assigned, _ = listed("Assigned", 1)
        self.assertEqual([d["SerialNumber"] for d in assigned], [serials["lv-b"], serials["lv-d"]])
        self.assertTrue(all(d["User"]["UserName"] == "lister" for d in assigned))
        unassigned, _ = listed("Unassigned", 2)
        self.assertEqual(unassigned, [{"SerialNumber": serials["lv-a"]},
                                      {"SerialNumber": serials["lv-c"]}])
        self.assertEqual(len(listed("Any", 3)[0]), 4)

        page = self.iam.list_mfa_devices(UserName="lister", MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        self.assertEqual(page["MFADevices"][0]["SerialNumber"], serials["lv-b"])
        page = self.iam.list_mfa_devices(UserName="lister", Marker=page["Marker"])
        self.assertFalse(page["IsTruncated"])
        self.assertEqual([d["SerialNumber"] for d in page["MFADevices"]], [serials["lv-d"]])

        for name in ("lv-b", "lv-d"):
            self.iam.deactivate_mfa_device(UserName="lister", SerialNumber=serials[name])
        for serial in serials.values():
            self.iam.delete_virtual_mfa_device(SerialNumber=serial)

    def test_a_user_lists_its_own_devices(self):
        me = self.new_user_client("iam", "selfie", json.dumps({
            "Version": "2012-10-17", "Statement": {"Effect": "Allow",
                                                   "Action": "iam:ListMFADevices",
                                                   "Resource": "*"}}))
        serial, seed, _ = self.new_device("selfie-phone")
        self.enable("selfie", serial, seed)
        devices = me.list_mfa_devices()["MFADevices"]
        self.assertEqual([(d["UserName"], d["SerialNumber"]) for d in devices],
                         [("selfie", serial)])

    def get_mfa_device(self, client, **params):
        """GetMFADevice signed with `client`'s credentials, sent raw: the botocore release the
        tests may run with predates the operation. Returns (HTTP status, {field: text})."""
        import botocore.auth
        import botocore.awsrequest
        query = urllib.parse.urlencode(dict(params, Action="GetMFADevice", Version="2010-05-08"))
        request = botocore.awsrequest.AWSRequest(
            method="POST", url=self.endpoint + "/", data=query,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        botocore.auth.SigV4Auth(client._request_signer._credentials, "iam",
                                "us-east-1").add_auth(request)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", "/", body=request.body, headers=dict(request.headers))
        r = conn.getresponse()
        root = ElementTree.fromstring(r.read())
        fields = {el.tag.split("}")[-1]: el.text for el in root.iter()}
        conn.close()
        return r.status, fields

    def test_get_mfa_device(self):
        me = self.new_user_client("iam", "getter", json.dumps({
            "Version": "2012-10-17", "Statement": {"Effect": "Allow",
                                                   "Action": "iam:GetMFADevice",
                                                   "Resource": "*"}}))
        self.iam.create_user(UserName="bystander")
        serial, seed, _ = self.new_device("getter-phone")
        not_enabled = "MFA device with serial number %s does not exist for user getter." % serial

        def expect_error(client, code, message, status, **params):
            got_status, fields = self.get_mfa_device(client, **params)
            self.assertEqual((got_status, fields["Code"], fields["Message"]),
                             (status, code, message))

        expect_error(self.iam, "NoSuchEntity", not_enabled, 404, UserName="getter",
                     SerialNumber=serial)
        before = time.time()
        self.enable("getter", serial, seed)

        status, got = self.get_mfa_device(self.iam, UserName="getter", SerialNumber=serial)
        self.assertEqual(status, 200)
        self.assertEqual((got["UserName"], got["SerialNumber"]), ("getter", serial))
        enabled = datetime.datetime.fromisoformat(got["EnableDate"].replace("Z", "+00:00"))
        self.assertLess(abs(enabled.timestamp() - before), 5)
        self.assertNotIn("Certifications", got)
        status, got = self.get_mfa_device(me, SerialNumber=serial)  # the caller's own
        self.assertEqual((status, got["UserName"]), (200, "getter"))

        expect_error(self.iam, "NoSuchEntity",
                     "MFA device with serial number %s does not exist for user bystander."
                     % serial, 404, UserName="bystander", SerialNumber=serial)
        missing = "arn:aws:iam::%s:mfa/missing" % self.account
        expect_error(self.iam, "NoSuchEntity",
                     "VirtualMFADevice with serial number %s does not exist." % missing, 404,
                     UserName="getter", SerialNumber=missing)
        expect_error(self.iam, "NoSuchEntity", "The user with name nobody cannot be found.", 404,
                     UserName="nobody", SerialNumber=serial)
        self.iam.deactivate_mfa_device(UserName="getter", SerialNumber=serial)
        expect_error(self.iam, "NoSuchEntity", not_enabled, 404, UserName="getter",
                     SerialNumber=serial)

    def test_eight_devices_per_user(self):
        self.iam.create_user(UserName="collector")
        for i in range(8):
            serial, seed, _ = self.new_device("col-%d" % i)
            self.enable("collector", serial, seed)
        serial, seed, _ = self.new_device("col-8")
        step = now_step()
        self.assertError(self.iam.enable_mfa_device, "LimitExceeded",
                         "Cannot exceed quota for MFADevicesPerUser: 8", 409,
                         UserName="collector", SerialNumber=serial,
                         AuthenticationCode1=totp(seed, step - 1),
                         AuthenticationCode2=totp(seed, step))
        self.assertEqual(len(self.iam.list_mfa_devices(UserName="collector")["MFADevices"]), 8)

    def test_mfa_device_tags(self):
        serial, _, _ = self.new_device("tagged", Tags=[{"Key": "a", "Value": "1"}])
        self.iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "B", "Value": "2"},
                                                           {"Key": "A", "Value": "3"}])
        self.assertEqual(self.iam.list_mfa_device_tags(SerialNumber=serial)["Tags"],
                         [{"Key": "A", "Value": "3"}, {"Key": "B", "Value": "2"}])
        page = self.iam.list_mfa_device_tags(SerialNumber=serial, MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_mfa_device_tags(SerialNumber=serial, Marker=page["Marker"])
        self.assertEqual(page["Tags"] + rest["Tags"],
                         [{"Key": "A", "Value": "3"}, {"Key": "B", "Value": "2"}])
        self.iam.untag_mfa_device(SerialNumber=serial, TagKeys=["a"])
        self.assertEqual(self.iam.list_mfa_device_tags(SerialNumber=serial)["Tags"],
                         [{"Key": "B", "Value": "2"}])
        self.assertError(self.iam.tag_mfa_device, "InvalidInput",
                         "Tag keys starting with 'aws:' are reserved for AWS use.", 400,
                         SerialNumber=serial, Tags=[{"Key": "aws:x", "Value": "y"}])
        missing = "arn:aws:iam::%s:mfa/nothing" % self.account
        for call, kwargs in ((self.iam.tag_mfa_device, {"Tags": [{"Key": "k", "Value": "v"}]}),
                             (self.iam.untag_mfa_device, {"TagKeys": ["k"]}),
                             (self.iam.list_mfa_device_tags, {})):
            self.assertError(call, "NoSuchEntity",
                             "VirtualMFADevice with serial number %s does not exist." % missing,
                             404, SerialNumber=missing, **kwargs)
        self.iam.delete_virtual_mfa_device(SerialNumber=serial)

    def test_zz_log_holds_no_password_or_seed(self):
        # Runs last (unittest orders by name), after every secret above went through the server.
        self.assertTrue(self.secrets)
        with open(os.path.join(self.data.name, "serve.log"), errors="replace") as f:
            log = f.read()
        for secret in self.secrets:
            self.assertNotIn(secret, log)
            self.assertNotIn(base64.b64encode(secret.encode()).decode(), log)
