"""The console's server side (docs/console.md) driven as a browser would, without one: pages
and their headers, root password recovery with a reset link, IAM user and root sign-in with MFA
and a forced new password, the session's CSRF token, throttling, the API through the session,
Switch role and back, and sign-up.

Run: python3 -m unittest test_console (from tests/integration, GATEHOUSE_BIN set by ctest).
"""
import base64
import json
import os
import re
import time

from clock_helpers import MovableClock
from console_client import ConsoleClient
from gatehouse_fixture import GatehouseTestCase
from mfa_helpers import now_step, totp, wrong

ROOT_EMAIL = "root@gatehouse.local"
ROOT_PASSWORD = "Root-Passw0rd-for-tests"
STRONG = "Str0ng-Console-Pass!"
TRUST_MGMT = "arn:aws:iam::%s:root"
FAILED = "Your authentication information is incorrect. Please try again."


class ConsoleTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The root user is taken over once, with a link from `gatehouse account root-reset-link`.
        link = re.search(r"(http\S+/reset-password\?token=(\w+))",
                         cls.gatehouse("account", "root-reset-link", "--data", cls.data.name,
                                       "--email", ROOT_EMAIL).stdout)
        cls.reset_token = link.group(2)
        status, _, doc = ConsoleClient(cls.port).post(
            "/console/reset-password", {"token": cls.reset_token, "password": ROOT_PASSWORD})
        assert status == 200, doc

    def console(self):
        return ConsoleClient(self.port)

    def user_with_password(self, name, password=STRONG, reset=False, policy=None):
        iam = self.admin("iam")
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password=password, PasswordResetRequired=reset)
        if policy:
            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))

    def give_mfa(self, user):
        """Assigns `user` a virtual MFA device; returns its seed and the last step accepted."""
        iam = self.admin("iam")
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]
        seed = device["Base32StringSeed"].decode()
        step = now_step()
        iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                              AuthenticationCode1=totp(seed, step - 1),
                              AuthenticationCode2=totp(seed, step))
        return seed, step

    def assertError(self, result, status, code, message=None):
        got_status, doc = result[0], result[-1]
        self.assertEqual(got_status, status, doc)
        self.assertEqual(doc["error"]["code"], code, doc)
        if message is not None:
            self.assertEqual(doc["error"]["message"], message)

    # --- pages ------------------------------------------------------------------------------

    def test_pages_static_files_and_their_headers(self):
        c = self.console()
        for path in ("/", "/signin", "/iam/roles/Admin", "/switchrole?account=1&roleName=x"):
            status, headers, body = c.request("GET", path)
            self.assertEqual(status, 200, path)
            self.assertTrue(headers["content-type"].startswith("text/html"), path)
            self.assertIn("<html", body.lower() if isinstance(body, str) else "")
            self.assertEqual(headers["x-frame-options"], "DENY")
            self.assertIn("script-src 'self'", headers["content-security-policy"])
            self.assertIn("frame-ancestors 'none'", headers["content-security-policy"])
            self.assertEqual(headers["cache-control"], "no-cache")
        status, headers, _ = c.request("GET", "/static/index.html")
        self.assertEqual(status, 200)
        self.assertEqual(headers["cache-control"], "public, max-age=3600")
        status, again, _ = c.request("GET", "/static/index.html",
                                     headers={"If-None-Match": headers["etag"]})
        self.assertEqual(status, 304)
        self.assertEqual(c.request("GET", "/static/nothing.js")[0], 404)
        # Signed requests still reach the API, and the health check its own answer.
        self.assertEqual(self.admin("sts").get_caller_identity()["Account"], self.account)
        self.assertEqual(c.request("GET", "/healthz")[0], 200)
        self.assertEqual(c.session(), {"signedIn": False, "signupEnabled": True,
                                       "mailKeptInOutbox": True})

    # --- root recovery and root sign-in -----------------------------------------------------

    def test_reset_links_work_once(self):
        status, _, doc = self.console().post(
            "/console/reset-password", {"token": self.reset_token, "password": "An0ther-Pass!"})
        self.assertError((status, doc), 400, "InvalidInput")
        link = re.search(r"token=(\w+)", self.gatehouse(
            "account", "root-reset-link", "--data", self.data.name, "--email",
            ROOT_EMAIL).stdout).group(1)
        status, _, doc = self.console().post("/console/reset-password",
                                             {"token": link, "password": "short"})
        self.assertError((status, doc), 400, "PasswordPolicyViolation")
        status, _, doc = self.console().post("/console/reset-password",
                                             {"token": link, "password": ROOT_PASSWORD})
        self.assertEqual((status, doc), (200, {"accountId": self.account}))

    def test_root_sign_in_session_and_sign_out(self):
        c = self.console()
        self.assertEqual(c.sign_in_root(ROOT_EMAIL, "wrong")[1]["error"]["message"], FAILED)
        status, doc = c.sign_in_root(ROOT_EMAIL.upper(), ROOT_PASSWORD)
        self.assertEqual((status, doc), (200, {"signedIn": True}))
        session = c.session()
        self.assertEqual(session["principalArn"], "arn:aws:iam::%s:root" % self.account)
        self.assertTrue(session["root"])
        self.assertIsNone(session["userName"])
        self.assertEqual(len(session["csrfToken"]), 64)
        status, doc = c.api("sts", "GetCallerIdentity")
        self.assertEqual(doc["Arn"], "arn:aws:iam::%s:root" % self.account)
        self.assertEqual(c.post("/console/signout")[0], 200)
        self.assertFalse(c.session()["signedIn"])

    def test_cookie_attributes(self):
        c = self.console()
        status, headers, _ = c.post("/console/signin",
                                    {"email": ROOT_EMAIL, "password": ROOT_PASSWORD})
        self.assertEqual(status, 200)
        cookie = headers["set-cookie"]
        self.assertRegex(cookie, r"^gatehouse-session=[0-9a-f]{64}; ")
        for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attribute, cookie)
        self.assertNotIn("Secure", cookie)  # plain HTTP here

    # --- CSRF ---------------------------------------------------------------------------------

    def test_changes_need_the_csrf_token(self):
        c = self.console()
        c.sign_in_root(ROOT_EMAIL, ROOT_PASSWORD)
        for path in ("/console/api/iam/CreateUser", "/console/switch-role", "/console/signout"):
            status, _, doc = c.post(path, {"UserName": "csrf-victim"}, csrf=False)
            self.assertError((status, doc), 403, "InvalidCsrfToken")
            status, _, doc = c.post(path, {"UserName": "csrf-victim"},
                                    headers={"X-CSRF-Token": "0" * 64}, csrf=False)
            self.assertError((status, doc), 403, "InvalidCsrfToken")
        self.assertNotIn("csrf-victim",
                         [u["UserName"] for u in self.admin("iam").list_users()["Users"]])
        self.assertTrue(c.session()["signedIn"])  # the sign-out was refused too
        other = self.console()  # a session's token is no other session's
        other.sign_in_root(ROOT_EMAIL, ROOT_PASSWORD)
        status, _, doc = other.post("/console/api/iam/ListUsers", {},
                                    headers={"X-CSRF-Token": c.csrf}, csrf=False)
        self.assertError((status, doc), 403, "InvalidCsrfToken")
        self.assertError(self.console().api("iam", "ListUsers"), 401, "NotSignedIn")

    # --- IAM users ------------------------------------------------------------------------------

    def test_user_sign_in_by_id_and_alias_and_the_api_as_the_user(self):
        self.user_with_password("carol", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}})
        self.admin("iam").create_account_alias(AccountAlias="console-corp")
        try:
            for account in (self.account, "console-corp", "CONSOLE-CORP"):
                c = self.console()
                self.assertEqual(c.sign_in_user(account, "carol", STRONG)[0], 200, account)
            session = c.session()
            self.assertEqual(session["userName"], "carol")
            self.assertEqual(session["accountAlias"], "console-corp")
            self.assertFalse(session["mfa"])
            status, doc = c.api("iam", "ListUsers", {"MaxItems": 1000})
            self.assertEqual(status, 200, doc)
            self.assertIn("carol", [u["UserName"] for u in doc["Users"]])
            status, doc = c.api("iam", "CreateUser", {"UserName": "not-allowed"})
            self.assertError((status, doc), 403, "AccessDenied")
            self.assertIn("user/carol is not authorized to perform: iam:CreateUser",
                          doc["error"]["message"])
            status, doc = c.api("iam", "CreateUser", {"UserName": 5})
            self.assertEqual(status, 400, doc)
            self.assertError(c.api("iam", "NoSuchOperation"), 501, "NotImplemented")
            for wrong in ((self.account, "carol", "Wrong-pass-1"), (self.account, "nobody", STRONG),
                          ("999999999999", "carol", STRONG), ("no-alias", "carol", STRONG)):
                self.assertError(self.console().sign_in_user(*wrong), 401, "SignInFailed", FAILED)
        finally:
            self.admin("iam").delete_account_alias(AccountAlias="console-corp")

    def test_password_last_used_is_recorded(self):
        self.user_with_password("dora")
        self.console().sign_in_user(self.account, "dora", STRONG)
        self.assertIn("PasswordLastUsed", self.admin("iam").get_user(UserName="dora")["User"])

    def test_forced_new_password(self):
        self.user_with_password("erin", reset=True)
        c = self.console()
        status, doc = c.sign_in_user(self.account, "erin", STRONG)
        self.assertEqual(doc["next"], "new-password")
        status, doc = c.step("/console/signin/new-password",
                             {"challenge": doc["challenge"], "newPassword": "x"})
        self.assertError((status, doc), 400, "PasswordPolicyViolation")
        status, doc = c.step("/console/signin/new-password",
                             {"challenge": doc["challenge"], "newPassword": "N3w-Pass-erin!"})
        self.assertEqual((status, doc), (200, {"signedIn": True}))
        self.assertEqual(c.session()["userName"], "erin")
        self.assertFalse(self.admin("iam").get_login_profile(UserName="erin")["LoginProfile"]
                         ["PasswordResetRequired"])
        self.assertError(self.console().sign_in_user(self.account, "erin", STRONG), 401,
                         "SignInFailed")
        self.assertEqual(self.console().sign_in_user(self.account, "erin", "N3w-Pass-erin!"),
                         (200, {"signedIn": True}))

    def test_mfa_sign_in(self):
        self.user_with_password("mfa-user")
        seed, step = self.give_mfa("mfa-user")
        c = self.console()
        status, doc = c.sign_in_user(self.account, "mfa-user", STRONG)
        self.assertEqual(doc["next"], "mfa")
        self.assertFalse(c.session()["signedIn"])
        # A spent code is refused; the error carries a new challenge for another try, and the
        # challenge used is spent.
        status, spent = c.step("/console/signin/mfa",
                               {"challenge": doc["challenge"], "code": totp(seed, step)})
        self.assertError((status, spent), 401, "SignInFailed")
        status, reused = c.step("/console/signin/mfa",
                                {"challenge": doc["challenge"], "code": totp(seed, step + 1)})
        self.assertError((status, reused), 401, "SignInFailed")
        self.assertNotIn("challenge", reused)
        status, wrong_code = c.step("/console/signin/mfa", {"challenge": spent["challenge"],
                                                            "code": wrong(totp(seed, step + 1))})
        self.assertError((status, wrong_code), 401, "SignInFailed")
        self.assertFalse(c.session()["signedIn"])
        status, doc = c.step("/console/signin/mfa",
                             {"challenge": wrong_code["challenge"], "code": totp(seed, step + 1)})
        self.assertEqual((status, doc), (200, {"signedIn": True}))
        self.assertTrue(c.session()["mfa"])

    def test_root_assigns_its_own_mfa_in_the_console_and_signs_in_with_it(self):
        # A root user of its own, so that the other tests' root sign-ins need no code.
        member = self.create_account("root-mfa", email="root-mfa@example.com", admin_user=False)
        token = re.search(r"token=(\w+)", self.gatehouse(
            "account", "root-reset-link", "--data", self.data.name, "--email",
            "root-mfa@example.com").stdout).group(1)
        self.console().post("/console/reset-password", {"token": token, "password": STRONG})
        c = self.console()
        self.assertEqual(c.sign_in_root("root-mfa@example.com", STRONG)[0], 200)
        status, out = c.api("iam", "CreateVirtualMFADevice", {"VirtualMFADeviceName": "root"})
        self.assertEqual(status, 200, out)
        seed = base64.b64decode(out["VirtualMFADevice"]["Base32StringSeed"]).decode()
        serial = out["VirtualMFADevice"]["SerialNumber"]
        self.assertEqual(serial, "arn:aws:iam::%s:mfa/root" % member["account_id"])
        step = now_step()
        # The API's EnableMFADevice needs a user name: the root user's device is the console's.
        status, out = c.api("iam", "EnableMFADevice", {
            "SerialNumber": serial, "AuthenticationCode1": totp(seed, step - 1),
            "AuthenticationCode2": totp(seed, step)})
        self.assertEqual(status, 400, out)
        status, _, out = c.post("/console/root-mfa/enable", {
            "serialNumber": serial, "authenticationCode1": totp(seed, step - 1),
            "authenticationCode2": "000000"})
        self.assertEqual((status, out["error"]["code"]), (403, "InvalidAuthenticationCode"))
        status, _, out = c.post("/console/root-mfa/enable", {
            "serialNumber": serial, "authenticationCode1": totp(seed, step - 1),
            "authenticationCode2": totp(seed, step)})
        self.assertEqual((status, out), (200, {}))
        self.assertEqual(c.api("iam", "ListMFADevices")[1]["MFADevices"][0]["SerialNumber"],
                         serial)
        c = self.console()
        status, doc = c.sign_in_root("root-mfa@example.com", STRONG)
        self.assertEqual(doc["next"], "mfa")
        status, doc = c.step("/console/signin/mfa",
                             {"challenge": doc["challenge"], "code": totp(seed, step + 1)})
        self.assertEqual(status, 200, doc)
        session = c.session()
        self.assertTrue(session["mfa"] and session["root"])
        # Signed in with MFA, the root user still acts as root.
        status, out = c.api("iam", "CreateUser", {"UserName": "made-by-root"})
        self.assertEqual(status, 200, out)
        self.assertEqual(c.api("sts", "GetCallerIdentity")[1]["Arn"],
                         "arn:aws:iam::%s:root" % member["account_id"])
        user = self.console()
        self.user_with_password("not-root")
        user.sign_in_user(self.account, "not-root", STRONG)
        status, _, out = user.post("/console/root-mfa/deactivate", {"serialNumber": serial})
        self.assertEqual((status, out["error"]["code"]), (403, "AccessDenied"))
        status, _, out = c.post("/console/root-mfa/deactivate", {"serialNumber": serial})
        self.assertEqual((status, out), (200, {}))
        self.assertEqual(self.console().sign_in_root("root-mfa@example.com", STRONG),
                         (200, {"signedIn": True}))

    def test_throttling_after_repeated_failures(self):
        self.user_with_password("frank")
        c = self.console()
        for _ in range(5):
            self.assertError(c.sign_in_user(self.account, "frank", "Wrong-pass-1"), 401,
                             "SignInFailed")
        # Now even the right password waits.
        self.assertError(c.sign_in_user(self.account, "frank", STRONG), 429, "Throttling")
        time.sleep(5.1)  # the first wait
        self.assertEqual(c.sign_in_user(self.account, "frank", STRONG)[0], 200)

    # --- switch role ------------------------------------------------------------------------

    def make_role(self, iam, name, trusted_account, condition=None, policy="ReadOnlyAccess"):
        statement = {"Effect": "Allow", "Principal": {"AWS": TRUST_MGMT % trusted_account},
                     "Action": "sts:AssumeRole"}
        if condition:
            statement["Condition"] = condition
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": statement}))
        iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/" + policy)

    def test_switch_role_act_and_back(self):
        member = self.create_account("switch-target")
        member_iam = self.client("iam", member["access_key_id"], member["secret_access_key"])
        self.make_role(member_iam, "Reader", self.account)
        self.make_role(member_iam, "WithExternalId", self.account,
                       {"StringEquals": {"sts:ExternalId": "secret-id"}})
        self.user_with_password("gina", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}})
        c = self.console()
        c.sign_in_user(self.account, "gina", STRONG)
        self.assertError(c.api("iam", "ListUsers"), 403, "AccessDenied")
        status, _, doc = c.post("/console/switch-role", {
            "account": member["account_id"], "roleName": "Reader", "displayName": "Member RO",
            "color": "green"})
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["role"], {"accountId": member["account_id"], "accountAlias": None,
                                       "roleName": "Reader",
                                       "displayName": "Member RO", "color": "green",
                                       "arn": "arn:aws:iam::%s:role/Reader" % member["account_id"]})
        self.assertEqual(doc["principalArn"],
                         "arn:aws:sts::%s:assumed-role/Reader/gina" % member["account_id"])
        self.assertEqual(doc["userName"], "gina")
        # Acting as the role: the member account's users, read-only.
        status, out = c.api("iam", "ListUsers")
        self.assertEqual(status, 200, out)
        self.assertIn("admin", [u["UserName"] for u in out["Users"]])
        self.assertError(c.api("iam", "CreateUser", {"UserName": "x"}), 403, "AccessDenied")
        self.assertEqual(c.api("sts", "GetCallerIdentity")[1]["Account"], member["account_id"])

        for bad in ({"account": member["account_id"], "roleName": "WithExternalId"},
                    {"account": member["account_id"], "roleName": "Missing"},
                    {"account": "000000000000", "roleName": "Reader"},
                    {"account": member["account_id"], "roleName": "Reader", "color": "pink"}):
            status, _, doc = c.post("/console/switch-role", bad)
            self.assertError((status, doc), 403, "InvalidSwitchRole",
                             "Invalid information in one or more fields. Check your information "
                             "or contact your administrator.")
        status, _, doc = c.post("/console/switch-back")
        self.assertEqual(status, 200)
        self.assertIsNone(doc["role"])
        self.assertEqual(doc["principalArn"], "arn:aws:iam::%s:user/gina" % self.account)
        self.assertEqual([r["roleName"] for r in doc["recentRoles"]], ["Reader"])
        self.assertError(c.api("iam", "ListUsers"), 403, "AccessDenied")

        # The root user cannot switch roles.
        root = self.console()
        root.sign_in_root(ROOT_EMAIL, ROOT_PASSWORD)
        self.assertEqual(root.post("/console/switch-role", {
            "account": member["account_id"], "roleName": "Reader"})[0], 403)

    def test_recent_roles_keep_the_last_five(self):
        member = self.create_account("many-roles")
        member_iam = self.client("iam", member["access_key_id"], member["secret_access_key"])
        for i in range(6):
            self.make_role(member_iam, "R%d" % i, self.account)
        self.user_with_password("hank", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}})
        c = self.console()
        c.sign_in_user(self.account, "hank", STRONG)
        for i in list(range(6)) + [2]:
            status, _, doc = c.post("/console/switch-role", {
                "account": member["account_id"], "roleName": "R%d" % i, "displayName": "r%d" % i,
                "color": "blue"})
            self.assertEqual(status, 200, doc)
        self.assertEqual([r["roleName"] for r in doc["recentRoles"]],
                         ["R2", "R5", "R4", "R3", "R1"])

    def test_switch_to_a_role_requiring_mfa(self):
        member = self.create_account("mfa-target")
        member_iam = self.client("iam", member["access_key_id"], member["secret_access_key"])
        self.make_role(member_iam, "NeedsMfa", self.account,
                       {"Bool": {"aws:MultiFactorAuthPresent": "true"}})
        self.user_with_password("ivy", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}})
        switch = {"account": member["account_id"], "roleName": "NeedsMfa", "color": "red"}
        c = self.console()
        c.sign_in_user(self.account, "ivy", STRONG)
        self.assertEqual(c.post("/console/switch-role", switch)[0], 403)
        seed, step = self.give_mfa("ivy")
        c = self.console()
        status, doc = c.sign_in_user(self.account, "ivy", STRONG)
        c.step("/console/signin/mfa", {"challenge": doc["challenge"], "code": totp(seed, step + 1)})
        status, _, doc = c.post("/console/switch-role", switch)
        self.assertEqual(status, 200, doc)
        # The display name defaults to the role's name (the bar adds " @ ACCOUNT").
        self.assertEqual(doc["role"]["displayName"], "NeedsMfa")
        self.assertEqual(doc["role"]["accountId"], member["account_id"])

    # --- sign-up ----------------------------------------------------------------------------

    def test_sign_up(self):
        c = self.console()
        body = {"email": "signup@example.com", "accountName": "signed-up", "password": STRONG}
        self.assertError(c.post("/console/signup", dict(body, password="weak"))[::2], 400,
                         "PasswordPolicyViolation")
        status, _, doc = c.post("/console/signup", body)
        self.assertEqual(status, 200, doc)
        self.assertRegex(doc["accountId"], r"^\d{12}$")
        self.assertNotEqual(doc["accountId"], self.account)
        self.assertError(c.post("/console/signup", body)[::2], 409, "EntityAlreadyExists")
        self.assertEqual(c.sign_in_root("signup@example.com", STRONG)[0], 200)
        self.assertEqual(c.session()["accountId"], doc["accountId"])

    def test_zz_log_holds_no_secret(self):
        with open(self.log.name) as f:
            log = f.read()
        self.assertIn("console sign-in: arn:aws:iam::%s:root" % self.account, log)
        self.assertIn("console switch-role", log)
        for secret in (ROOT_PASSWORD, STRONG, self.reset_token):
            self.assertNotIn(secret, log)


class ConsoleWithoutSignUpTest(GatehouseTestCase):
    extra_args = ["--console-signup=false"]

    def test_sign_up_is_refused(self):
        c = ConsoleClient(self.port)
        self.assertEqual(c.session(), {"signedIn": False, "signupEnabled": False,
                                       "mailKeptInOutbox": True})
        status, _, doc = c.post("/console/signup", {"email": "x@example.com",
                                                    "accountName": "x", "password": STRONG})
        self.assertEqual((status, doc["error"]["code"]), (403, "SignupDisabled"))


class ConsoleSessionTimeoutTest(MovableClock, GatehouseTestCase):
    """Sessions end after an hour without a request, and twelve hours after sign-in however
    busy; reset links from the "Forgot your password?" mail last an hour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin("iam").create_user(UserName="timed")
        cls.admin("iam").create_login_profile(UserName="timed", Password=STRONG)

    def signed_in(self):
        c = ConsoleClient(self.port)
        self.assertEqual(c.sign_in_user(self.account, "timed", STRONG)[0], 200)
        return c

    def test_idle_timeout(self):
        c = self.signed_in()
        with self.clock_moved(3500):
            self.assertTrue(c.session()["signedIn"])  # the request restarts the idle time
        with self.clock_moved(7000):
            self.assertTrue(c.session()["signedIn"])
        with self.clock_moved(10700):
            self.assertFalse(c.session()["signedIn"])
            self.assertEqual(c.api("iam", "ListUsers")[0], 401)

    def test_absolute_timeout(self):
        c = self.signed_in()
        for seconds in range(3000, 12 * 3600, 3000):
            with self.clock_moved(seconds):
                self.assertTrue(c.session()["signedIn"], seconds)
        with self.clock_moved(12 * 3600):
            self.assertFalse(c.session()["signedIn"])

    def test_forgotten_password_link_lasts_an_hour(self):
        c = ConsoleClient(self.port)
        outbox = os.path.join(self.data.name, "outbox")
        before = set(os.listdir(outbox)) if os.path.isdir(outbox) else set()
        self.assertEqual(c.post("/console/forgot-password", {"email": ROOT_EMAIL})[2],
                         {"sent": True})
        self.assertEqual(c.post("/console/forgot-password", {"email": "nobody@example.com"})[2],
                         {"sent": True})
        # The mail is queued after the answer.
        def mails():
            names = os.listdir(outbox) if os.path.isdir(outbox) else []
            return sorted(f for f in set(names) - before
                          if f.endswith(".eml") and not f.startswith("."))
        deadline = time.time() + 10
        while not mails() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # time enough for a mail to the unknown email, were there one
        new = mails()
        self.assertEqual(len(new), 1)  # none for the unknown email
        with open(os.path.join(outbox, new[0])) as f:
            mail = f.read()
        self.assertIn("To: %s" % ROOT_EMAIL, mail)
        # Quoted-printable: soft line breaks joined, "=3D" read as "=".
        body = mail.replace("=\n", "").replace("=3D", "=")
        token = re.search(r"reset-password\?token=([0-9a-f]{64})", body).group(1)
        with self.clock_moved(3601):
            status, _, doc = c.post("/console/reset-password",
                                    {"token": token, "password": ROOT_PASSWORD})
            self.assertEqual((status, doc["error"]["code"]), (400, "InvalidInput"))
