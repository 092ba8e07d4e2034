"""Forged web identity tokens against AssumeRoleWithWebIdentity: an unsigned token (alg none in
any spelling), HS256 keyed with the provider's public key, a payload altered under a good
signature, a token signed by a key the provider never published (with a published key's kid,
and with a made-up kid), a token whose iss names a registered provider but whose signature is
another issuer's, a token for another role's account, a replay of an expired token, and a
JWKS answer that is slow, huge or not JSON. Each is refused with AWS's error and no
credentials; the server stays up."""
import base64
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase
from oidc_issuer import OidcIssuer

SUB = "repo:example/app:ref:refs/heads/main"


class WebIdentityForgeryTest(GatehouseTestCase):
    @classmethod
    def before_serve(cls):
        cls.issuer = OidcIssuer().start()
        cls.impostor = OidcIssuer().start()
        # Providers whose key set is slow, huge or not JSON.
        cls.broken = {name: OidcIssuer().start() for name in ("slow", "huge", "nonsense")}
        cls.broken["slow"].set_delay(cls.broken["slow"].jwks_path, 8)
        cls.broken["huge"].oversize(cls.broken["huge"].jwks_path, 3 << 20)
        cls.broken["nonsense"].respond(cls.broken["nonsense"].jwks_path, body="<html>hi</html>")
        cls.all_issuers = [cls.issuer, cls.impostor] + list(cls.broken.values())
        for issuer in (cls.issuer, cls.impostor):
            for alg in ["RS256", "ES256"]:
                issuer.key(alg)
        # Both issuers' CAs are trusted: only keys and signatures tell them apart.
        bundle = cls.issuer.ca_file + ".both"
        with open(bundle, "w") as out:
            for issuer in cls.all_issuers:
                with open(issuer.ca_file) as f:
                    out.write(f.read())
        cls.extra_args = ["--federation-ca-file", bundle]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iam = cls.admin("iam")
        cls.provider_arn = iam.create_open_id_connect_provider(
            Url=cls.issuer.url, ClientIDList=["sts.amazonaws.com"])["OpenIDConnectProviderArn"]
        url = cls.issuer.url[len("https://"):]
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": cls.provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {url + ":sub": SUB}}}]})
        cls.role_arn = iam.create_role(RoleName="Target",
                                       AssumeRolePolicyDocument=policy)["Role"]["Arn"]
        cls.broken_roles = {}
        for name, issuer in cls.broken.items():
            arn = iam.create_open_id_connect_provider(
                Url=issuer.url, ClientIDList=["sts.amazonaws.com"])["OpenIDConnectProviderArn"]
            trusting = json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Federated": arn},
                "Action": "sts:AssumeRoleWithWebIdentity"}]})
            cls.broken_roles[name] = iam.create_role(
                RoleName="Broken-" + name, AssumeRolePolicyDocument=trusting)["Role"]["Arn"]

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        for issuer in cls.all_issuers:
            issuer.stop()

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)
        self.sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                                config=Config(signature_version=UNSIGNED,
                                              retries={"max_attempts": 1}))

    def assume(self, token, role_arn=None):
        return self.sts.assume_role_with_web_identity(
            RoleArn=role_arn or self.role_arn, RoleSessionName="forger", WebIdentityToken=token)

    def refused(self, token, code="InvalidIdentityToken", role_arn=None):
        with self.assertRaises(ClientError) as e:
            self.assume(token, role_arn)
        error = e.exception.response["Error"]
        self.assertEqual(error["Code"], code, error)
        return error["Message"]

    def test_the_genuine_token_works(self):
        self.assertIn("Credentials", self.assume(self.issuer.token(sub=SUB)))

    def test_unsigned_tokens(self):
        claims = self.issuer.claims(sub=SUB)
        for alg in ["none", "None", "NONE", "nOnE"]:
            with self.subTest(alg=alg):
                self.refused(self.issuer.forge_none(claims, alg=alg))
        # A good signature's header with alg changed to none.
        good = self.issuer.token(sub=SUB)
        header, payload, signature = good.split(".")
        self.refused(self.issuer.forge_none(claims) + signature)

    def test_hmac_keyed_with_the_public_key(self):
        self.refused(self.issuer.forge_hs256_with_public_key(self.issuer.claims(sub=SUB)))

    def test_altered_payload(self):
        good = self.issuer.token(sub="repo:example/other:ref:refs/heads/main")
        forged = OidcIssuer.tamper_payload(good, sub=SUB)
        message = self.refused(forged)
        self.assertNotIn("Credentials", message)
        self.refused(OidcIssuer.tamper_payload(self.issuer.token(sub=SUB), exp=int(time.time())
                                               + 10 ** 7))

    def test_keys_the_provider_never_published(self):
        rogue = self.issuer.new_key("RS256", publish=False)
        claims = self.issuer.claims(sub=SUB)
        # Signed by an unpublished key but naming a published key's kid.
        self.refused(self.issuer.mint(claims, kid=self.issuer.key("RS256").kid, sign_with=rogue))
        # Naming a kid the provider does not have: refused after one fetch of the key set.
        self.refused(self.issuer.mint(claims, sign_with=rogue))

    def test_another_issuers_signature_under_the_registered_issuer(self):
        # The impostor signs claims that name the registered issuer, with a kid of its own and
        # with the registered issuer's kid.
        claims = self.issuer.claims(sub=SUB)
        self.refused(self.impostor.mint(claims))
        self.refused(self.impostor.mint(claims, kid=self.issuer.key("RS256").kid,
                                        sign_with=self.impostor.key("RS256")))
        # Its own issuer is not registered at all.
        message = self.refused(self.impostor.token(sub=SUB))
        self.assertIn("No OpenIDConnect provider found in your account", message)

    def test_key_confusion_between_types(self):
        # An ES256 signature presented as RS256 under the RSA key's kid, and the reverse.
        claims = self.issuer.claims(sub=SUB)
        es = self.issuer.mint(claims, alg="ES256")
        header = {"alg": "RS256", "typ": "JWT", "kid": self.issuer.key("RS256").kid}
        self.refused(self.issuer.mint(claims, alg="ES256", header_overrides=header))
        rs = self.issuer.mint(claims, alg="RS256",
                              header_overrides={"alg": "ES256", "kid": self.issuer.key("ES256").kid})
        self.refused(rs)
        self.assertTrue(es)

    def test_another_accounts_role(self):
        other = self.create_account("web-identity-other")
        role = "arn:aws:iam::%s:role/Target" % other["account_id"]
        message = self.refused(self.issuer.token(sub=SUB), role_arn=role)
        self.assertIn("No OpenIDConnect provider found in your account", message)

    def test_expired_and_future_tokens(self):
        now = int(time.time())
        expired = self.issuer.mint(self.issuer.claims(sub=SUB, issued_at=now - 4000, lifetime=600))
        self.refused(expired, code="ExpiredTokenException")
        future = self.issuer.mint(self.issuer.claims(sub=SUB, issued_at=now + 3600))
        self.refused(future)
        no_exp = self.issuer.mint(self.issuer.claims(sub=SUB, exp=None))
        self.refused(no_exp)

    def raw_assume(self, token):
        """An unsigned POST with `token` as it is (the SDK would refuse to send some): the
        HTTP status and the error code of the answer."""
        body = urllib.parse.urlencode({
            "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
            "RoleArn": self.role_arn, "RoleSessionName": "forger",
            "WebIdentityToken": token}).encode()
        request = urllib.request.Request(self.endpoint + "/", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, ""
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            code = re.search(r"<Code>([^<]*)</Code>", text)
            return e.code, code.group(1) if code else text

    def test_garbage_tokens_never_crash_the_server(self):
        # A payload of 14,000 nested arrays: parsed without recursion that deep.
        deep_token = ("eyJhbGciOiJSUzI1NiJ9." +
                      base64.urlsafe_b64encode(b"[" * 14000).rstrip(b"=").decode() + ".AA")
        for token in ["", ".", "..", "a.b.c", "e30.e30.", "x" * 20001, "\u00e9.\u00e9.\u00e9",
                      "eyJhbGciOiJSUzI1NiJ9." + "W" * 5000 + ".AA",
                      "eyJhbGciOiJSUzI1NiJ9." + "WwW" * 3000 + ".AA", deep_token,
                      "eyJhbGciOiJub25lIn0\x00.e30."]:
            with self.subTest(token=token[:30]):
                status, code = self.raw_assume(token)
                self.assertEqual(status, 400, code)
                self.assertIn(code, ("InvalidIdentityToken", "ValidationError"))
        self.assertIn("Credentials", self.assume(self.issuer.token(sub=SUB)))

    def test_providers_whose_key_set_is_slow_huge_or_not_json(self):
        for name in ("slow", "huge", "nonsense"):
            with self.subTest(provider=name):
                started = time.time()
                self.refused(self.broken[name].token(), code="IDPCommunicationError",
                             role_arn=self.broken_roles[name])
                # The fetch gave up within its timeout, not the provider's delay.
                self.assertLess(time.time() - started, 7.5)
        # The server still serves the good provider.
        self.assertIn("Credentials", self.assume(self.issuer.token(sub=SUB)))
