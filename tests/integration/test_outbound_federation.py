"""Outbound identity federation, driven with boto3 and the AWS CLI against `gatehouse serve`:
IAM's switch (Enable/Disable/GetOutboundWebIdentityFederationInfo), STS GetWebIdentityToken,
and the issuer's discovery document and key set, fetched as an external service fetches them.
Every token's signature is checked with the openssl command against the published keys.
"""
import json
import time
import urllib.error
import urllib.request
import warnings

import boto3
from botocore.config import Config

from gatehouse_fixture import GatehouseTestCase
from jwt_verify import verified_claims

AWS = "https://sts.amazonaws.com/"


def allow(actions, condition=None):
    statement = {"Effect": "Allow", "Action": actions, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, json.loads(response.read())


class OutboundFederationCase(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)

    def enabled_issuer(self):
        iam = self.admin("iam")
        info = None
        try:
            info = iam.get_outbound_web_identity_federation_info()
        except iam.exceptions.FeatureDisabledException:
            pass
        if info is None or not info["JwtVendingEnabled"]:
            return iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
        return info["IssuerIdentifier"]

    def keys(self, issuer):
        status, _, document = fetch_json(issuer + "/.well-known/openid-configuration")
        self.assertEqual(status, 200)
        return fetch_json(document["jwks_uri"])[2]["keys"]

    def token_claims(self, sts, issuer, **kwargs):
        kwargs.setdefault("Audience", ["https://api.example.com"])
        kwargs.setdefault("SigningAlgorithm", "ES384")
        answer = sts.get_web_identity_token(**kwargs)
        header, claims = verified_claims(answer["WebIdentityToken"], self.keys(issuer))
        return answer, header, claims


class SwitchTest(OutboundFederationCase):
    def test_the_feature_is_off_until_enabled_and_keeps_its_issuer(self):
        iam = self.admin("iam")
        sts = self.admin("sts")
        self.assertAwsError(iam.get_outbound_web_identity_federation_info, "FeatureDisabled", 404)
        self.assertAwsError(iam.disable_outbound_web_identity_federation, "FeatureDisabled", 404)
        self.assertAwsError(sts.get_web_identity_token,
                            "OutboundWebIdentityFederationDisabledException", 403,
                            Audience=["a"], SigningAlgorithm="RS256")

        issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
        self.assertRegex(issuer, r"^%s/outbound-federation/[0-9a-f-]{36}$" % self.endpoint)
        self.assertAwsError(iam.enable_outbound_web_identity_federation, "FeatureEnabled", 409)
        info = iam.get_outbound_web_identity_federation_info()
        self.assertEqual((info["IssuerIdentifier"], info["JwtVendingEnabled"]), (issuer, True))
        earlier = sts.get_web_identity_token(Audience=["a"], SigningAlgorithm="RS256")

        iam.disable_outbound_web_identity_federation()
        info = iam.get_outbound_web_identity_federation_info()
        self.assertEqual((info["IssuerIdentifier"], info["JwtVendingEnabled"]), (issuer, False))
        self.assertAwsError(iam.disable_outbound_web_identity_federation, "FeatureDisabled", 404)
        self.assertAwsError(sts.get_web_identity_token,
                            "OutboundWebIdentityFederationDisabledException", 403,
                            Audience=["a"], SigningAlgorithm="RS256")
        # Tokens issued before still verify: the issuer keeps publishing its keys.
        verified_claims(earlier["WebIdentityToken"], self.keys(issuer))

        self.assertEqual(
            iam.enable_outbound_web_identity_federation()["IssuerIdentifier"], issuer)


class AccountsTest(OutboundFederationCase):
    def test_each_account_has_its_own_issuer_and_keys(self):
        issuer = self.enabled_issuer()
        other = self.create_account("outbound-other")
        other_iam = self.client("iam", other["access_key_id"], other["secret_access_key"])
        self.assertAwsError(other_iam.get_outbound_web_identity_federation_info,
                            "FeatureDisabled", 404)
        other_issuer = other_iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
        self.assertNotEqual(other_issuer, issuer)
        other_sts = self.client("sts", other["access_key_id"], other["secret_access_key"])
        token = other_sts.get_web_identity_token(Audience=["a"], SigningAlgorithm="ES384")
        _, claims = verified_claims(token["WebIdentityToken"], self.keys(other_issuer))
        self.assertEqual(claims["iss"], other_issuer)
        self.assertEqual(claims[AWS]["aws_account"], other["account_id"])
        with self.assertRaises(AssertionError):
            verified_claims(token["WebIdentityToken"], self.keys(issuer))


class TokenTest(OutboundFederationCase):
    def test_a_users_token_and_its_claims(self):
        issuer = self.enabled_issuer()
        iam = self.admin("iam")
        iam.create_user(UserName="builder", Path="/ci/",
                        Tags=[{"Key": "team", "Value": "data"}])
        iam.put_user_policy(UserName="builder", PolicyName="p",
                            PolicyDocument=allow(["sts:GetWebIdentityToken",
                                                  "sts:TagGetWebIdentityToken"]))
        key = iam.create_access_key(UserName="builder")["AccessKey"]
        sts = self.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        before = int(time.time())
        answer, header, claims = self.token_claims(
            sts, issuer, DurationSeconds=900, SigningAlgorithm="RS256",
            Tags=[{"Key": "job", "Value": "nightly"}])
        self.assertEqual((header["alg"], header["typ"]), ("RS256", "JWT"))
        self.assertEqual(claims["iss"], issuer)
        self.assertEqual(claims["aud"], "https://api.example.com")
        self.assertEqual(claims["sub"], "arn:aws:iam::%s:user/ci/builder" % self.account)
        self.assertEqual(claims["exp"] - claims["iat"], 900)
        self.assertLessEqual(abs(claims["iat"] - before), 5)
        self.assertRegex(claims["jti"], r"^[0-9a-f-]{36}$")
        self.assertEqual(claims[AWS]["aws_account"], self.account)
        # The Region of the STS endpoint that issued it: the one the server answers for.
        self.assertEqual(claims[AWS]["source_region"], "us-east-1")
        self.assertEqual(claims[AWS]["principal_tags"], {"team": "data"})
        self.assertEqual(claims[AWS]["request_tags"], {"job": "nightly"})
        self.assertNotIn("org_id", claims[AWS])
        self.assertEqual(int(answer["Expiration"].timestamp()), claims["exp"])

    def test_several_audiences_default_duration_and_fresh_token_ids(self):
        issuer = self.enabled_issuer()
        sts = self.admin("sts")
        _, header, claims = self.token_claims(sts, issuer, Audience=["a", "b"])
        self.assertEqual(header["alg"], "ES384")
        self.assertEqual(claims["aud"], ["a", "b"])
        self.assertEqual(claims["exp"] - claims["iat"], 300)
        _, _, again = self.token_claims(sts, issuer, Audience=["a", "b"])
        self.assertNotEqual(claims["jti"], again["jti"])

    def test_a_role_sessions_token_names_the_role_and_stays_within_the_session(self):
        issuer = self.enabled_issuer()
        iam = self.admin("iam")
        iam.create_role(RoleName="Pipeline", Path="/deploy/",
                        AssumeRolePolicyDocument=json.dumps({
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow",
                                           "Principal": {"AWS": "arn:aws:iam::%s:root"
                                                         % self.account},
                                           "Action": ["sts:AssumeRole", "sts:TagSession"]}]}),
                        Tags=[{"Key": "env", "Value": "prod"}])
        iam.put_role_policy(RoleName="Pipeline", PolicyName="p",
                            PolicyDocument=allow("sts:GetWebIdentityToken"))
        creds = self.admin("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/deploy/Pipeline" % self.account,
            RoleSessionName="run-7", DurationSeconds=900,
            Tags=[{"Key": "run", "Value": "7"}])["Credentials"]
        sts = self.session_client("sts", creds)
        _, _, claims = self.token_claims(sts, issuer, DurationSeconds=600)
        self.assertEqual(claims["sub"], "arn:aws:iam::%s:role/deploy/Pipeline" % self.account)
        self.assertEqual(claims[AWS]["principal_tags"], {"env": "prod", "run": "7"})
        self.assertAwsError(sts.get_web_identity_token, "SessionDurationEscalationException",
                            403, Audience=["a"], SigningAlgorithm="ES384", DurationSeconds=3600)

    def test_the_organization_and_the_accounts_path_in_it(self):
        issuer = self.enabled_issuer()
        orgs = self.admin("organizations")
        org = orgs.create_organization(FeatureSet="ALL")["Organization"]
        try:
            root = orgs.list_roots()["Roots"][0]["Id"]
            _, _, claims = self.token_claims(self.admin("sts"), issuer)
            self.assertEqual(claims[AWS]["org_id"], org["Id"])
            self.assertEqual(claims[AWS]["ou_path"], "%s/%s/" % (org["Id"], root))
        finally:
            self.dissolve_organization()

    def test_input_is_checked_as_aws_checks_it(self):
        self.enabled_issuer()
        sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                           aws_access_key_id=self.admin_key[0],
                           aws_secret_access_key=self.admin_key[1],
                           config=Config(retries={"max_attempts": 1},
                                         parameter_validation=False))
        self.assertAwsError(sts.get_web_identity_token, "ValidationError", 400,
                            Audience=["a"] * 11, SigningAlgorithm="RS256")
        self.assertAwsError(sts.get_web_identity_token, "ValidationError", 400,
                            Audience=["a"], SigningAlgorithm="RS256", DurationSeconds=59)
        self.assertAwsError(sts.get_web_identity_token, "ValidationError", 400,
                            Audience=["a"], SigningAlgorithm="RS256", DurationSeconds=3601)
        self.assertAwsError(sts.get_web_identity_token, "ValidationError", 400,
                            Audience=["a"], SigningAlgorithm="HS256")
        self.assertAwsError(sts.get_web_identity_token, "InvalidParameterValue", 400,
                            Audience=["a"], SigningAlgorithm="RS256",
                            Tags=[{"Key": "Job", "Value": "1"}, {"Key": "job", "Value": "2"}])

    def test_a_payload_too_large_is_refused(self):
        self.enabled_issuer()
        tags = [{"Key": "k%02d" % i + "x" * 125, "Value": "v" * 256} for i in range(50)]
        self.assertAwsError(self.admin("sts").get_web_identity_token,
                            "JWTPayloadSizeExceededException", 400, Audience=["a"],
                            SigningAlgorithm="RS256", Tags=tags)

    def test_the_aws_cli_works_unchanged(self):
        issuer = self.enabled_issuer()
        # (An audience that is a URL would be fetched by the CLI: its paramfile feature.)
        code, out, err = self.aws_cli("sts", "get-web-identity-token", "--audience",
                                      "x.example", "--signing-algorithm", "ES384",
                                      "--duration-seconds", "120")
        self.assertEqual(code, 0, err)
        _, claims = verified_claims(json.loads(out)["WebIdentityToken"], self.keys(issuer))
        self.assertEqual(claims["exp"] - claims["iat"], 120)
        code, out, err = self.aws_cli("iam", "get-outbound-web-identity-federation-info")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["IssuerIdentifier"], issuer)


class PermissionTest(OutboundFederationCase):
    def test_the_condition_keys_and_the_tag_permission(self):
        self.enabled_issuer()
        sts = self.new_user_client("sts", "limited", allow(
            "sts:GetWebIdentityToken",
            {"ForAllValues:StringEquals": {"sts:IdentityTokenAudience": ["https://ok.example"]},
             "NumericLessThanEquals": {"sts:DurationSeconds": "600"},
             "StringEquals": {"sts:SigningAlgorithm": "ES384"}}))
        ok = dict(Audience=["https://ok.example"], SigningAlgorithm="ES384", DurationSeconds=600)
        sts.get_web_identity_token(**ok)
        for change in ({"Audience": ["https://ok.example", "https://other.example"]},
                       {"DurationSeconds": 900}, {"SigningAlgorithm": "RS256"},
                       {"Tags": [{"Key": "k", "Value": "v"}]}):
            message = self.assertAwsError(sts.get_web_identity_token, "AccessDenied", 403,
                                          **dict(ok, **change))
            action = "sts:TagGetWebIdentityToken" if "Tags" in change else \
                "sts:GetWebIdentityToken"
            self.assertIn("is not authorized to perform: " + action, message)
        none = self.new_user_client("sts", "nobody")
        self.assertAwsError(none.get_web_identity_token, "AccessDenied", 403, **ok)

    def test_the_iam_operations_are_authorized(self):
        iam = self.new_user_client("iam", "reader", allow(
            "iam:GetOutboundWebIdentityFederationInfo"))
        self.enabled_issuer()
        iam.get_outbound_web_identity_federation_info()
        self.assertAwsError(iam.disable_outbound_web_identity_federation, "AccessDenied", 403)
        self.assertAwsError(iam.enable_outbound_web_identity_federation, "AccessDenied", 403)


class IssuerEndpointTest(OutboundFederationCase):
    def test_the_discovery_document_and_key_set(self):
        issuer = self.enabled_issuer()
        status, headers, document = fetch_json(issuer + "/.well-known/openid-configuration")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(document["issuer"], issuer)
        self.assertEqual(document["jwks_uri"], issuer + "/.well-known/jwks.json")
        keys = fetch_json(document["jwks_uri"])[2]["keys"]
        self.assertEqual(sorted((k["kty"], k["alg"], k["use"]) for k in keys),
                         [("EC", "ES384", "sig"), ("RSA", "RS256", "sig")])
        for key in keys:
            self.assertNotIn("d", key)

    def test_unknown_issuers_are_not_found(self):
        self.enabled_issuer()
        for path in ("/outbound-federation/00000000-0000-4000-8000-000000000000"
                     "/.well-known/jwks.json", "/outbound-federation/x"):
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(self.endpoint + path, timeout=10)
            self.assertEqual(e.exception.code, 404)
