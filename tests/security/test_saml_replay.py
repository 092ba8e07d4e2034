"""One exchange per SAML assertion, whatever the path or the timing, and no provider of one
account vouching for another's role: the same assertion sent by eight clients at once gets one
set of credentials; an assertion spent through the API does not sign in to the console (nor the
reverse); and a member account's administrator, who controls an identity provider registered
in their own account, cannot reach a role of the management account with it."""
import json
import threading

from botocore.exceptions import ClientError

from console_client import ConsoleClient
from saml_idp import SamlIdp
from test_saml_federation import SamlTestCase


class SamlReplayTest(SamlTestCase):
    def test_concurrent_replays_get_one_session(self):
        assertion = self.idp.response([self.pair])
        results = []
        start = threading.Barrier(8)

        def attempt():
            start.wait()
            try:
                self.assume(assertion)
                results.append("ok")
            except ClientError as e:
                results.append(e.response["Error"]["Code"])

        threads = [threading.Thread(target=attempt) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(sorted(results), ["InvalidIdentityToken"] * 7 + ["ok"], results)

    def test_spent_through_the_api_then_posted_to_the_console(self):
        assertion = self.idp.response([self.pair])
        self.assume(assertion)
        c = ConsoleClient(self.port)
        status, headers, page = c.post_form("/saml", {"SAMLResponse": assertion})
        self.assertEqual(status, 403, page)
        self.assertNotIn("set-cookie", headers)

    def test_spent_in_the_console_then_sent_to_the_api(self):
        assertion = self.idp.response([self.pair])
        c = ConsoleClient(self.port)
        self.assertEqual(c.post_form("/saml", {"SAMLResponse": assertion})[0], 303)
        self.refused(assertion, "InvalidIdentityToken")


class SamlProviderOfAnotherAccountTest(SamlTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        member = cls.create_account("saml-member")
        cls.member_iam = cls.client("iam", member["access_key_id"], member["secret_access_key"])
        # The member's administrator runs an IdP of their own, registered in their account.
        cls.own_idp = SamlIdp(entity_id="https://idp.member.example.com/saml")
        cls.member_provider = cls.own_idp.register(cls.member_iam, "Mine")
        # And one under the management account's IdP's own entity id, with their own key.
        cls.lookalike = SamlIdp()
        cls.lookalike_provider = cls.lookalike.register(cls.member_iam)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.own_idp.close()
        cls.lookalike.close()

    def test_their_provider_does_not_reach_our_role(self):
        for idp, provider in ((self.own_idp, self.member_provider),
                              (self.lookalike, self.lookalike_provider)):
            with self.subTest(provider=provider):
                assertion = idp.response([(self.role, provider)])
                self.refused(assertion, "InvalidIdentityToken", "Specified provider doesn't exist",
                             provider=provider)
                # Nor when it names our provider: their key does not verify under our metadata.
                forged = idp.response([(self.role, self.provider)])
                self.refused(forged, "InvalidIdentityToken")

    def test_nor_through_the_console(self):
        for idp, provider in ((self.own_idp, self.member_provider),
                              (self.lookalike, self.lookalike_provider)):
            with self.subTest(provider=provider):
                c = ConsoleClient(self.port)
                status, headers, page = c.post_form(
                    "/saml", {"SAMLResponse": idp.response([(self.role, provider)])})
                self.assertEqual(status, 403, page)
                self.assertNotIn("set-cookie", headers)
                status, _, page = c.post_form("/saml", {
                    "SAMLResponse": idp.response([(self.role, provider)]),
                    "roleIndex": self.role})
                self.assertEqual(status, 403, page)

    def test_the_trust_policy_names_the_provider_not_its_account(self):
        # A role trusting "the member account" (an AWS principal) is no target for the member's
        # provider either: a Federated principal matches only its own ARN.
        iam = self.admin("iam")
        member_account = self.member_provider.split(":")[4]
        arn = iam.create_role(RoleName="TrustsMemberAccount", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % member_account},
                "Action": ["sts:AssumeRole", "sts:AssumeRoleWithSAML"]}]}))["Role"]["Arn"]
        self.refused(self.own_idp.response([(arn, self.member_provider)]), "InvalidIdentityToken",
                     role=arn, provider=self.member_provider)
