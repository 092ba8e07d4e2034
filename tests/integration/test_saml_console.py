"""The console's SAML sign-in (POST /saml, as AWS's https://signin.aws.amazon.com/saml): an
identity provider's user signs in to the one role its assertion names, or picks one on AWS's
"Select a role" page; the session acts as that role session, switches roles from it and ends
with it. Assertions that are forged, replayed or name another role sign no one in, and
RelayState never sends the browser to another site.
"""
import html
import json
import re
import warnings

from clock_helpers import MovableClock
from console_client import ConsoleClient
from gatehouse_fixture import GatehouseTestCase
from saml_idp import SamlIdp

SELECT_A_ROLE = "Select a role:"


def trust(principal, actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": principal, "Action": actions}]})


class SamlConsoleCase(GatehouseTestCase):
    """Provider Corp; roles Engineers (may list roles and switch to Deployers) and Auditors
    trust it; Deployers trusts Engineers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idp = SamlIdp()
        iam = cls.admin("iam")
        cls.provider = cls.idp.register(iam)
        federated = {"Federated": cls.provider}
        cls.roles = {}
        for name in ("Engineers", "Auditors"):
            cls.roles[name] = iam.create_role(
                RoleName=name, AssumeRolePolicyDocument=trust(
                    federated, "sts:AssumeRoleWithSAML"))["Role"]["Arn"]
        iam.put_role_policy(RoleName="Engineers", PolicyName="work", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["iam:ListRoles", "sts:AssumeRole"],
                 "Resource": "*"}]}))
        cls.roles["Deployers"] = iam.create_role(
            RoleName="Deployers", AssumeRolePolicyDocument=trust(
                {"AWS": cls.roles["Engineers"]}, "sts:AssumeRole"))["Role"]["Arn"]

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.idp.close()

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)

    def pair(self, role):
        return (self.roles[role], self.provider)

    def post(self, client, response, **fields):
        form = {"SAMLResponse": response}
        form.update(fields)
        # From the identity provider's page: another site, as the browser says.
        return client.post_form("/saml", form, headers={"Sec-Fetch-Site": "cross-site",
                                                        "Origin": "https://idp.example.com"})

    def signed_in(self, roles=("Engineers",), **kwargs):
        c = ConsoleClient(self.port)
        status, headers, body = self.post(
            c, self.idp.response([self.pair(r) for r in roles], **kwargs))
        self.assertEqual(status, 303, body)
        return c, headers


class SamlConsoleSignInTest(SamlConsoleCase):
    def test_one_role_signs_in_at_once(self):
        c, headers = self.signed_in(session_name="alice")
        self.assertEqual(headers["location"], "/")
        self.assertIn("HttpOnly", headers["set-cookie"])
        s = c.session()
        self.assertTrue(s["signedIn"])
        self.assertTrue(s["federated"])
        self.assertFalse(s["root"])
        self.assertEqual(s["principalArn"],
                         "arn:aws:sts::%s:assumed-role/Engineers/alice" % self.account)
        self.assertEqual(s["userName"], "Engineers/alice")
        self.assertEqual(s["accountId"], self.account)
        # The console acts with the role's permissions, no more.
        status, doc = c.api("iam", "ListRoles")
        self.assertEqual(status, 200, doc)
        self.assertIn("Deployers", [r["RoleName"] for r in doc["Roles"]])
        status, doc = c.api("iam", "CreateUser", {"UserName": "nope"})
        self.assertEqual((status, doc["error"]["code"]), (403, "AccessDenied"))
        status, doc = c.api("sts", "GetCallerIdentity")
        self.assertEqual(doc["Arn"], s["principalArn"])

    def test_several_roles_show_the_chooser(self):
        c = ConsoleClient(self.port)
        response = self.idp.response([self.pair("Engineers"), self.pair("Auditors")],
                                     session_name="bob")
        status, headers, page = self.post(c, response, RelayState="/iam/roles")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertIsNone(c.cookie)  # nobody is signed in yet
        self.assertIn(SELECT_A_ROLE, page)
        self.assertIn("Account: %s" % self.account, page)
        values = [html.unescape(v) for v in re.findall(r'name="roleIndex" id="\w+" value="([^"]*)"',
                                                      page)]
        self.assertEqual(sorted(values), sorted([self.roles["Engineers"], self.roles["Auditors"]]))
        hidden = html.unescape(re.search(r'name="SAMLResponse" value="([^"]*)"', page).group(1))
        self.assertEqual(hidden, response)
        # The page posts the same response back with the chosen role, from this server's page.
        status, headers, _ = c.post_form("/saml", {
            "SAMLResponse": hidden, "RelayState": "/iam/roles",
            "roleIndex": self.roles["Auditors"]}, headers={"Sec-Fetch-Site": "same-origin"})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/iam/roles")
        self.assertEqual(c.session()["principalArn"],
                         "arn:aws:sts::%s:assumed-role/Auditors/bob" % self.account)

    def test_switch_role_from_a_saml_session_and_back(self):
        c, _ = self.signed_in(session_name="carol")
        c.session()
        status, _, doc = c.post("/console/switch-role", {
            "account": self.account, "roleName": "Deployers", "displayName": "Deploy",
            "color": "blue"})
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["principalArn"],
                         "arn:aws:sts::%s:assumed-role/Deployers/carol" % self.account)
        self.assertEqual(c.api("sts", "GetCallerIdentity")[1]["Arn"], doc["principalArn"])
        status, _, doc = c.post("/console/switch-back")
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["principalArn"],
                         "arn:aws:sts::%s:assumed-role/Engineers/carol" % self.account)
        self.assertEqual(doc["userName"], "Engineers/carol")
        # Auditors may not switch: nothing grants it sts:AssumeRole.
        a, _ = self.signed_in(roles=("Auditors",))
        a.session()
        status, _, doc = a.post("/console/switch-role", {"account": self.account,
                                                      "roleName": "Deployers"})
        self.assertEqual((status, doc["error"]["code"]), (403, "InvalidSwitchRole"))

    def test_root_only_pages_are_refused(self):
        c, _ = self.signed_in()
        c.session()
        status, _, doc = c.post("/console/root-password", {"currentPassword": "x",
                                                        "newPassword": "y"})
        self.assertEqual(status, 403, doc)

    def test_the_session_ends_with_its_role(self):
        iam = self.admin("iam")
        iam.create_role(RoleName="Temporary", AssumeRolePolicyDocument=trust(
            {"Federated": self.provider}, "sts:AssumeRoleWithSAML"))
        c = ConsoleClient(self.port)
        arn = "arn:aws:iam::%s:role/Temporary" % self.account
        self.assertEqual(self.post(c, self.idp.response([(arn, self.provider)]))[0], 303)
        self.assertTrue(c.session()["signedIn"])
        iam.delete_role(RoleName="Temporary")
        self.assertFalse(c.session()["signedIn"])

    def test_sign_out(self):
        c, _ = self.signed_in()
        c.session()
        self.assertEqual(c.post("/console/signout")[0], 200)
        self.assertFalse(c.session()["signedIn"])


class SamlConsoleRefusalTest(SamlConsoleCase):
    def refused(self, response, status=403, **fields):
        c = ConsoleClient(self.port)
        got, headers, page = self.post(c, response, **fields)
        self.assertEqual(got, status, page)
        self.assertNotIn("set-cookie", headers)
        self.assertIn("Your request included an invalid SAML response.", page)
        return page

    def test_an_assertion_signs_in_once(self):
        response = self.idp.response([self.pair("Engineers")])
        self.assertEqual(self.post(ConsoleClient(self.port), response)[0], 303)
        self.refused(response)

    def test_forged_responses(self):
        self.refused(self.idp.response([self.pair("Engineers")], sign=None))
        stranger = SamlIdp()
        try:
            # Another key under the registered issuer's name.
            self.refused(stranger.response([self.pair("Engineers")]))
            # An issuer no provider of this server has.
            other = SamlIdp(entity_id="https://other.example.com/saml")
            try:
                self.refused(other.response([self.pair("Engineers")]))
            finally:
                other.close()
        finally:
            stranger.close()
        self.refused(self.idp.response([self.pair("Engineers")], lifetime=-600))
        self.refused(self.idp.response([self.pair("Engineers")],
                                       audience="https://elsewhere.example.com"))
        self.refused("not base64 at all!")
        self.refused("PHhtbD48L3htbD4=")  # <xml></xml>

    def test_only_a_named_role_can_be_chosen(self):
        response = self.idp.response([self.pair("Engineers"), self.pair("Auditors")])
        self.refused(response, roleIndex=self.roles["Deployers"])
        # A role of a provider the response does not come from is not offered.
        page = self.refused(self.idp.response([(self.roles["Engineers"],
                                                "arn:aws:iam::%s:saml-provider/Nobody"
                                                % self.account)]))
        self.assertIn("names no role", page)

    def test_form_rules(self):
        c = ConsoleClient(self.port)
        status, _, _ = c.request("POST", "/saml", json.dumps({"SAMLResponse": "x"}),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(status, 415)
        status, _, _ = c.request(
            "POST", "/saml", "SAMLResponse=a&SAMLResponse=b",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)
        self.refused("", status=400)
        # The role chooser escapes what it shows.
        odd = "arn:aws:iam::%s:role/<script>x" % self.account
        status, _, page = self.post(c, self.idp.response([self.pair("Engineers"),
                                                          (odd, self.provider)]))
        self.assertEqual(status, 200, page)
        self.assertIn("&lt;script&gt;x", page)
        self.assertNotIn("<script>", page)

    def test_relay_state_stays_on_this_server(self):
        for relay, location in [
                ("/iam/users", "/iam/users"),
                (self.endpoint + "/iam/roles", "/iam/roles"),
                ("https://evil.example.com/", "/"),
                ("//evil.example.com/x", "/"),
                ("/\\evil.example.com", "/"),
                ("javascript:alert(1)", "/"),
                ("/a b", "/")]:
            with self.subTest(relay=relay):
                c = ConsoleClient(self.port)
                status, headers, body = self.post(
                    c, self.idp.response([self.pair("Engineers")]), RelayState=relay)
                self.assertEqual((status, headers.get("location")), (303, location), body)

    def test_the_log_holds_no_assertion_or_cookie(self):
        c = ConsoleClient(self.port)
        response = self.idp.response([self.pair("Engineers")], session_name="logged")
        self.assertEqual(self.post(c, response)[0], 303)
        self.refused(response)
        with open(self.log.name) as f:
            log = f.read()
        self.assertIn("console SAML sign-in: arn:aws:sts::%s:assumed-role/Engineers/logged"
                      % self.account, log)
        for secret in (response, response[:60], c.cookie):
            self.assertNotIn(secret, log)


class SamlConsoleDurationTest(MovableClock, SamlConsoleCase):
    def test_session_duration_attribute(self):
        c, _ = self.signed_in(attributes={"SessionDuration": ["900"]})
        with self.clock_moved(800):
            self.assertTrue(c.session()["signedIn"])
        with self.clock_moved(901):
            self.assertFalse(c.session()["signedIn"])

    def test_an_hour_without_it(self):
        c, _ = self.signed_in()
        with self.clock_moved(3500):
            self.assertTrue(c.session()["signedIn"])
        with self.clock_moved(3601):
            self.assertFalse(c.session()["signedIn"])
