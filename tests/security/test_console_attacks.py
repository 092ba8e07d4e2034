"""Attacks on the web console from outside and inside: an old session that outlives the
password, login profile, MFA device or user it signed in with; console credentials that outlive
the session (sts:GetSessionToken, sts:GetFederationToken); keeping a user — root included —
locked out with wrong passwords from one address; ChangePassword as an unthrottled password
oracle; login CSRF (a page of another site posting the console's forms); and telling an existing
root email from an unknown one by the time the answer takes.

Clients connect from distinct loopback addresses (127.0.0.x) where the address matters: the
server sees them as different clients."""
import http.client
import json
import re
import statistics
import time

from botocore.exceptions import ClientError

from console_client import ConsoleClient
from gatehouse_fixture import GatehouseTestCase
from mfa_helpers import now_step, totp

ROOT_EMAIL = "root@gatehouse.local"
STRONG = "Str0ng-Console-Pass!"
OTHER = "An0ther-Console-Pass!"


class AddressedClient(ConsoleClient):
    """A console client whose connections come from one loopback address."""

    def __init__(self, port, address="127.0.0.1", extra_headers=None):
        super().__init__(port)
        self.address = address
        self.extra_headers = extra_headers or {}

    def request(self, method, path, body=None, headers=None, csrf=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(self.address, 0))
        h = dict(self.extra_headers)
        h.update(headers or {})
        if self.cookie:
            h["Cookie"] = "gatehouse-session=" + self.cookie
        if csrf and self.csrf and method == "POST":
            h["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        out_headers = {k.lower(): v for k, v in r.getheaders()}
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                m = re.search(r"gatehouse-session=([^;]*)", v)
                if m:
                    self.cookie = m.group(1) or None
        conn.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return r.status, out_headers, parsed


class ConsoleAttackCase(GatehouseTestCase):
    next_address = 10

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root_password = "Root-Passw0rd-one"
        cls.reset_root_password(cls.root_password)

    @classmethod
    def reset_root_password(cls, password):
        link = re.search(r"token=(\w+)", cls.gatehouse(
            "account", "root-reset-link", "--data", cls.data.name, "--email",
            ROOT_EMAIL).stdout).group(1)
        status, _, doc = AddressedClient(cls.port).post(
            "/console/reset-password", {"token": link, "password": password})
        assert status == 200, doc

    def console(self, address=None):
        """A client at a loopback address of its own, unless one is given."""
        if address is None:
            ConsoleAttackCase.next_address += 1
            address = "127.0.0.%d" % ConsoleAttackCase.next_address
        return AddressedClient(self.port, address)

    def user_with_password(self, name, password=STRONG, policy=None):
        iam = self.admin("iam")
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password=password)
        if policy:
            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))

    def signed_in_user(self, name, password=STRONG):
        c = self.console()
        status, doc = c.sign_in_user(self.account, name, password)
        self.assertEqual(status, 200, doc)
        self.assertTrue(c.session()["signedIn"])
        return c

    def assertSignedOut(self, c):
        """The session is over: the session document says so and the API answers 401."""
        self.assertFalse(c.session()["signedIn"])
        status, doc = c.api("sts", "GetCallerIdentity")
        self.assertEqual(status, 401, doc)
        self.assertEqual(doc["error"]["code"], "NotSignedIn")
        status, _, doc = c.post("/console/switch-role",
                                {"account": self.account, "roleName": "x"})
        self.assertEqual(status, 401, doc)


class OldSessionsEndTest(ConsoleAttackCase):
    """Every console session of a principal ends when its password, login profile or MFA device
    changes, or when it is deleted — the stolen or forgotten session does not outlive them."""

    def test_change_password_ends_the_other_sessions(self):
        self.user_with_password("cp-user", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "*"}})
        old = self.signed_in_user("cp-user")
        current = self.signed_in_user("cp-user")
        status, doc = current.api("iam", "ChangePassword",
                                  {"OldPassword": STRONG, "NewPassword": OTHER})
        self.assertEqual(status, 200, doc)
        self.assertSignedOut(old)
        # The session that made the change goes on.
        self.assertTrue(current.session()["signedIn"])
        self.assertEqual(current.api("sts", "GetCallerIdentity")[0], 200)

    def test_an_administrators_password_reset_ends_the_sessions(self):
        self.user_with_password("reset-user")
        old = self.signed_in_user("reset-user")
        self.admin("iam").update_login_profile(UserName="reset-user", Password=OTHER)
        self.assertSignedOut(old)
        self.signed_in_user("reset-user", OTHER)

    def test_a_new_login_profile_ends_the_sessions(self):
        self.user_with_password("recreated-profile")
        old = self.signed_in_user("recreated-profile")
        iam = self.admin("iam")
        iam.delete_login_profile(UserName="recreated-profile")
        iam.create_login_profile(UserName="recreated-profile", Password=STRONG)
        self.assertSignedOut(old)

    def test_deleting_the_login_profile_ends_the_sessions(self):
        self.user_with_password("no-more-console")
        old = self.signed_in_user("no-more-console")
        self.admin("iam").delete_login_profile(UserName="no-more-console")
        self.assertSignedOut(old)

    def test_root_password_reset_ends_the_root_sessions(self):
        old = self.console()
        self.assertEqual(old.sign_in_root(ROOT_EMAIL, self.root_password)[0], 200)
        self.assertTrue(old.session()["root"])
        self.reset_root_password("Root-Passw0rd-two")
        type(self).root_password = "Root-Passw0rd-two"
        self.assertSignedOut(old)
        self.assertEqual(self.console().sign_in_root(ROOT_EMAIL, self.root_password)[0], 200)

    def enable_mfa(self, user):
        iam = self.admin("iam")
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]
        seed = device["Base32StringSeed"].decode()
        step = now_step()
        iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                              AuthenticationCode1=totp(seed, step - 1),
                              AuthenticationCode2=totp(seed, step))
        return device["SerialNumber"], seed, step

    def test_enabling_an_mfa_device_ends_the_sessions(self):
        self.user_with_password("gets-mfa")
        old = self.signed_in_user("gets-mfa")
        self.enable_mfa("gets-mfa")
        self.assertSignedOut(old)

    def test_deactivating_the_mfa_device_ends_the_sessions(self):
        self.user_with_password("loses-mfa")
        serial, seed, step = self.enable_mfa("loses-mfa")
        c = self.console()
        status, doc = c.sign_in_user(self.account, "loses-mfa", STRONG)
        self.assertEqual((status, doc["next"]), (200, "mfa"), doc)
        # Each code works once: the next step's code is accepted already.
        status, doc = c.step("/console/signin/mfa",
                             {"challenge": doc["challenge"], "code": totp(seed, step + 1)})
        self.assertEqual(status, 200, doc)
        self.assertTrue(c.session()["mfa"])
        iam = self.admin("iam")
        iam.deactivate_mfa_device(UserName="loses-mfa", SerialNumber=serial)
        self.assertSignedOut(c)
        iam.delete_virtual_mfa_device(SerialNumber=serial)

    def test_a_deleted_user_keeps_no_session_even_when_re_created(self):
        self.user_with_password("doomed", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}})
        iam = self.admin("iam")
        iam.create_role(RoleName="doomed-target", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": {
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % self.account},
                "Action": "sts:AssumeRole"}}))
        old = self.signed_in_user("doomed")
        iam.delete_login_profile(UserName="doomed")
        iam.delete_user_policy(UserName="doomed", PolicyName="p")
        iam.delete_user(UserName="doomed")
        # A namesake with the same password is another principal.
        self.user_with_password("doomed", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}})
        self.assertSignedOut(old)
        status, _, doc = old.post("/console/switch-role",
                                  {"account": self.account, "roleName": "doomed-target"})
        self.assertEqual(status, 401, doc)

    def test_switch_role_rechecks_the_user(self):
        self.user_with_password("switcher", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}})
        iam = self.admin("iam")
        iam.create_role(RoleName="switch-target", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": {
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % self.account},
                "Action": "sts:AssumeRole"}}))
        c = self.signed_in_user("switcher")
        iam.delete_login_profile(UserName="switcher")
        iam.delete_user_policy(UserName="switcher", PolicyName="p")
        iam.delete_user(UserName="switcher")
        status, _, doc = c.post("/console/switch-role",
                                {"account": self.account, "roleName": "switch-target"})
        self.assertEqual(status, 401, doc)
        self.assertEqual(doc["error"]["code"], "NotSignedIn")


class LongLivedCredentialsTest(ConsoleAttackCase):
    """The console API hands out no credentials that outlive the console session."""

    def test_get_session_token_and_get_federation_token_are_refused(self):
        self.user_with_password("minter", policy={
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:*", "Resource": "*"}})
        c = self.signed_in_user("minter")
        for operation, body in (("GetSessionToken", {"DurationSeconds": 129600}),
                                ("GetFederationToken", {"Name": "fed", "DurationSeconds": 129600}),
                                ("getsessiontoken", {})):
            status, doc = c.api("sts", operation, body)
            self.assertEqual(status, 403, (operation, doc))
            self.assertEqual(doc["error"]["code"], "AccessDenied", doc)
            self.assertIn("outlive the console session", doc["error"]["message"])
        root = self.console()
        self.assertEqual(root.sign_in_root(ROOT_EMAIL, self.root_password)[0], 200)
        status, doc = root.api("sts", "GetSessionToken", {})
        self.assertEqual((status, doc["error"]["code"]), (403, "AccessDenied"), doc)
        # Other STS calls still work.
        self.assertEqual(c.api("sts", "GetCallerIdentity")[0], 200)


class NoLockoutTest(ConsoleAttackCase):
    """Wrong passwords from one address slow that address, never the principal elsewhere."""

    def keep_failing(self, attacker, sign_in, seconds):
        """Guesses whenever the throttle lets the attacker, for `seconds`; returns how many
        wrong passwords were checked."""
        checked = 0
        deadline = time.time() + seconds
        while time.time() < deadline:
            status, doc = sign_in(attacker)
            self.assertIn(status, (401, 429), doc)
            checked += status == 401
            time.sleep(0.2)
        return checked

    def until_throttled(self, attacker, sign_in):
        """Guesses until the throttle answers (however slow the machine makes each guess), so
        that the attacker's address is throttled right now."""
        deadline = time.time() + 60
        while sign_in(attacker)[0] != 429:
            self.assertLess(time.time(), deadline, "the guesser was never throttled")

    def test_a_guesser_cannot_keep_a_user_locked_out(self):
        self.user_with_password("victim")
        attacker = self.console()
        checked = self.keep_failing(
            attacker, lambda c: c.sign_in_user(self.account, "victim", "Wrong-pass-1"), 6)
        self.assertGreaterEqual(checked, 5)
        self.until_throttled(
            attacker, lambda c: c.sign_in_user(self.account, "victim", "Wrong-pass-1"))
        # The attacker's own address waits…
        self.assertEqual(attacker.sign_in_user(self.account, "victim", STRONG)[0], 429)
        # …the user, from elsewhere, signs in at once.
        status, doc = self.console().sign_in_user(self.account, "victim", STRONG)
        self.assertEqual(status, 200, doc)

    def test_a_guesser_cannot_keep_the_root_user_locked_out(self):
        attacker = self.console()
        self.until_throttled(attacker, lambda c: c.sign_in_root(ROOT_EMAIL, "Wrong-Root-1"))
        self.assertEqual(attacker.sign_in_root(ROOT_EMAIL, self.root_password)[0], 429)
        status, doc = self.console().sign_in_root(ROOT_EMAIL, self.root_password)
        self.assertEqual(status, 200, doc)

    def test_many_addresses_meet_a_ceiling_that_only_slows(self):
        self.user_with_password("popular")
        # 20 wrong passwords from five addresses reach the principal's ceiling; past it, one
        # address at a time gets a try.
        for bot in range(5):
            c = self.console()
            for _ in range(4):
                self.assertEqual(c.sign_in_user(self.account, "popular", "Wrong-pass-1")[0], 401)
        bot = self.console()
        self.assertEqual(bot.sign_in_user(self.account, "popular", "Wrong-pass-1")[0], 401)
        self.assertEqual(self.console().sign_in_user(self.account, "popular", "Wrong-pass-1")[0],
                         429)
        # The user, from a new address, waits at most a few seconds, as the answer says.
        c = self.console()
        started = time.time()
        status, headers, doc = c.post("/console/signin", {
            "account": self.account, "userName": "popular", "password": STRONG})
        if status == 429:
            wait = int(headers["retry-after"])
            self.assertLessEqual(wait, 5)
            time.sleep(wait)
            status, headers, doc = c.post("/console/signin", {
                "account": self.account, "userName": "popular", "password": STRONG})
        self.assertEqual(status, 200, doc)
        self.assertLess(time.time() - started, 7)

    def test_change_password_is_throttled_like_sign_in(self):
        iam = self.admin("iam")
        iam.create_user(UserName="oracle")
        iam.create_login_profile(UserName="oracle", Password=STRONG)
        iam.put_user_policy(UserName="oracle", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "*"}}))
        key = iam.create_access_key(UserName="oracle")["AccessKey"]
        stolen = self.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        codes = []
        for _ in range(8):
            try:
                stolen.change_password(OldPassword="Wrong-guess-1", NewPassword=OTHER)
                codes.append("changed")
            except ClientError as e:
                codes.append(e.response["Error"]["Code"])
        self.assertEqual(codes[:5], ["AccessDenied"] * 5)
        self.assertEqual(codes[5:], ["Throttling"] * 3)
        # Even the right old password waits: the answer tells nothing.
        with self.assertRaises(ClientError) as caught:
            stolen.change_password(OldPassword=STRONG, NewPassword=OTHER)
        self.assertEqual(caught.exception.response["Error"]["Code"], "Throttling")
        # The guesses count against console sign-in from that address too, not from others.
        self.assertEqual(self.console("127.0.0.1").sign_in_user(
            self.account, "oracle", STRONG)[0], 429)
        self.assertEqual(self.console().sign_in_user(self.account, "oracle", STRONG)[0], 200)


class LoginCsrfTest(ConsoleAttackCase):
    """A page of another site cannot post the console's forms with the victim's browser."""

    FORMS = (("/console/signin", {"email": ROOT_EMAIL, "password": "Attacker-Passw0rd"}),
             ("/console/signup", {"email": "csrf@example.com", "accountName": "csrf",
                                  "password": "Attacker-Passw0rd1"}),
             ("/console/forgot-password", {"email": ROOT_EMAIL}),
             ("/console/reset-password", {"token": "0" * 64, "password": "Attacker-Passw0rd1"}))

    def assertRefused(self, result, code="CrossSiteRequest", status=403):
        self.assertEqual(result[0], status, result)
        self.assertEqual(result[2]["error"]["code"], code, result)

    def test_cross_site_posts_are_refused(self):
        for path, body in self.FORMS:
            c = self.console()
            self.assertRefused(c.post(path, body, headers={"Origin": "https://evil.example"}))
            self.assertRefused(c.post(path, body, headers={"Origin": "null"}))
            self.assertRefused(c.post(path, body, headers={"Sec-Fetch-Site": "cross-site"}))
            self.assertRefused(c.post(path, body, headers={
                "Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:%d" % self.port}))
        # The cross-site sign-up made no account.
        status, doc = self.console().sign_in_root("csrf@example.com", "Attacker-Passw0rd1")
        self.assertEqual(status, 401, doc)
        # The console's own pages, posting from the same origin, still sign in.
        c = self.console()
        status, _, doc = c.post("/console/signin",
                                {"email": ROOT_EMAIL, "password": self.root_password},
                                headers={"Origin": "http://127.0.0.1:%d" % self.port,
                                         "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(status, 200, doc)
        self.assertTrue(c.session()["signedIn"])

    def test_a_form_cannot_smuggle_json_as_text(self):
        # <form enctype="text/plain"> posts without a preflight and no Origin check can see it
        # when the browser sends none: the JSON content type is required.
        for path, body in self.FORMS:
            self.assertRefused(
                self.console().post(path, body, headers={"Content-Type": "text/plain"}),
                "UnsupportedMediaType", 415)


class EmailTimingTest(ConsoleAttackCase):
    """The time an answer takes does not tell an existing root email from an unknown one."""

    def median_time(self, request, rounds=7):
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            request()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    def interleaved_medians(self, first, second, rounds=9):
        """The median times of two requests taken in turns, so that the machine's load falls on both
        alike."""
        first_times, second_times = [], []
        for _ in range(rounds):
            first_times.append(self.median_time(first, rounds=1))
            second_times.append(self.median_time(second, rounds=1))
        return statistics.median(first_times), statistics.median(second_times)

    def test_root_sign_in_takes_as_long_for_an_unknown_email(self):
        # A created account's root user has a server-drawn password whose hash is cheap.
        self.create_account("timing", email="timing@example.com", admin_user=False)
        # One address per guess, so that no throttle gets in the way.
        def attempt(email):
            return lambda: self.console().sign_in_root(email, "Wrong-Passw0rd-1")
        self.console().sign_in_root("warm-up@example.com", "Wrong-Passw0rd-1")
        # Without the dummy hash an unknown email answers tens of times faster; the margin is for a
        # loaded machine.
        unknown_email = "nobody-%d@example.com" % time.time_ns()
        known, unknown = self.interleaved_medians(attempt("timing@example.com"), attempt(unknown_email))
        self.assertLess(max(known, unknown) / min(known, unknown), 3.0, (known, unknown))

    def test_forgot_password_answers_before_any_work(self):
        def ask(email):
            return lambda: self.console().post("/console/forgot-password", {"email": email})
        known, unknown = self.interleaved_medians(ask(ROOT_EMAIL), ask("nobody@example.com"))
        # The known email's token write and mail happen after the answer.
        self.assertLess(known, unknown * 2 + 0.002, (known, unknown))
