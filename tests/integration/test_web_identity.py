"""STS AssumeRoleWithWebIdentity against a test OpenID Connect issuer on loopback
(oidc_issuer.py): boto3's call (unsigned, as the SDK sends it), the web identity credential
providers of boto3 and the AWS CLI (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) unchanged, the
trust policy's Federated principal and condition keys, session tags from the token, key caching
and rotation, AWS's errors, and a provider whose certificate only its IAM thumbprint vouches for.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase
from oidc_issuer import OidcIssuer

SUB = "repo:example/app:ref:refs/heads/main"


def trust(provider_arn, url, conditions=None, actions=("sts:AssumeRoleWithWebIdentity",)):
    condition = {"StringEquals": {url + ":aud": "sts.amazonaws.com"}}
    for op, values in (conditions or {}).items():
        condition.setdefault(op, {}).update(values)
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider_arn},
        "Action": list(actions), "Condition": condition}]})


class WebIdentityTestCase(GatehouseTestCase):
    issuer_path = "/tenant-a"
    trust_ca = True

    @classmethod
    def before_serve(cls):
        cls.issuer = OidcIssuer(path=cls.issuer_path).start()
        # Every algorithm's key exists before the server first reads the key set: a key made
        # later is one the server has to fetch again for, at most once per interval.
        for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                    "ES512"]:
            cls.issuer.key(alg)
        cls.extra_args = (["--federation-ca-file", cls.issuer.ca_file] if cls.trust_ca else [])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.issuer.stop()

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.iam = self.admin("iam")
        self.sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                                config=Config(signature_version=UNSIGNED,
                                              retries={"max_attempts": 1}))

    def provider(self, thumbprints=None):
        url = self.issuer.url
        for p in self.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
            self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=p["Arn"])
        arn = self.iam.create_open_id_connect_provider(
            Url=url, ClientIDList=["sts.amazonaws.com"],
            ThumbprintList=thumbprints or [])["OpenIDConnectProviderArn"]
        return arn, url[len("https://"):]

    def role(self, name, policy):
        try:
            self.iam.delete_role(RoleName=name)
        except ClientError:
            pass
        return self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy)["Role"]

    def assume(self, role_arn, token, **kwargs):
        return self.sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName=kwargs.pop("session", "ci"),
            WebIdentityToken=token, **kwargs)

    def assertRefused(self, call, code, message=None, status=None):
        with self.assertRaises(ClientError) as e:
            call()
        err = e.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if message is not None:
            self.assertEqual(err["Error"]["Message"], message)
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)


class AssumeRoleWithWebIdentityTest(WebIdentityTestCase):
    def setUp(self):
        super().setUp()
        self.provider_arn, self.url = self.provider()
        self.role_arn = self.role("Deployer", trust(
            self.provider_arn, self.url, {"StringLike": {self.url + ":sub": "repo:example/*"}}))["Arn"]

    def test_credentials_for_a_valid_token(self):
        token = self.issuer.token(sub=SUB)
        answer = self.assume(self.role_arn, token, DurationSeconds=900)
        self.assertEqual(answer["SubjectFromWebIdentityToken"], SUB)
        self.assertEqual(answer["Provider"], self.issuer.url)
        self.assertEqual(answer["Audience"], "sts.amazonaws.com")
        user = answer["AssumedRoleUser"]
        self.assertEqual(user["Arn"],
                         "arn:aws:sts::%s:assumed-role/Deployer/ci" % self.account)
        self.assertRegex(user["AssumedRoleId"], r"^AROA[A-Z2-7]{17}:ci$")
        creds = answer["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        me = self.session_client("sts", creds).get_caller_identity()
        self.assertEqual(me["Arn"], user["Arn"])

    def test_every_signing_algorithm(self):
        for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                    "ES512"]:
            with self.subTest(alg=alg):
                self.assume(self.role_arn, self.issuer.token(sub=SUB, alg=alg))

    def test_the_trust_policy_decides(self):
        self.assertRefused(lambda: self.assume(self.role_arn,
                                               self.issuer.token(sub="repo:other/app:ref:x")),
                           "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity",
                           403)
        # A role that does not exist is refused the same way.
        missing = "arn:aws:iam::%s:role/Missing" % self.account
        self.assertRefused(lambda: self.assume(missing, self.issuer.token(sub=SUB)),
                           "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        # A trust policy naming the account (not the provider) does not admit web identities.
        account_trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % self.account},
            "Action": "sts:AssumeRoleWithWebIdentity"}]})
        other = self.role("AccountTrusting", account_trust)["Arn"]
        self.assertRefused(lambda: self.assume(other, self.issuer.token(sub=SUB)),
                           "AccessDenied")

    def test_session_tags_need_tag_session(self):
        tags = {"principal_tags": {"team": ["blue"]}, "transitive_tag_keys": ["team"]}
        token = self.issuer.token(sub=SUB, **{"https://aws.amazon.com/tags": tags})
        self.assertRefused(lambda: self.assume(self.role_arn, token), "AccessDenied")
        tagging = self.role("Tagging", trust(
            self.provider_arn, self.url,
            {"StringEquals": {"aws:RequestTag/team": "blue"}},
            actions=("sts:AssumeRoleWithWebIdentity", "sts:TagSession")))["Arn"]
        answer = self.assume(tagging, token)
        self.assertIn("PackedPolicySize", answer)
        # The tag is the session's: a policy conditioned on it applies.
        self.iam.put_role_policy(RoleName="Tagging", PolicyName="by-tag", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}))
        creds = self.assume(tagging, token)["Credentials"]
        self.session_client("iam", creds).list_roles()
        # Tags the provider may not set: AWS's reserved prefix, a key outside the tag pattern,
        # a value too long, more than 50.
        for bad in ({"aws:team": ["blue"]}, {"bad#key": ["blue"]}, {"team": ["v" * 257]},
                    {"k%d" % i: ["v"] for i in range(51)}):
            with self.subTest(tags=list(bad)[:2]):
                token = self.issuer.token(sub=SUB, **{"https://aws.amazon.com/tags": {
                    "principal_tags": bad}})
                self.assertRefused(lambda: self.assume(tagging, token), "InvalidIdentityToken")

    def test_keys_are_cached_and_refetched_for_a_new_kid(self):
        self.assume(self.role_arn, self.issuer.token(sub=SUB))
        self.issuer.reset_fetches()
        self.assume(self.role_arn, self.issuer.token(sub=SUB))
        self.assertEqual(self.issuer.fetches.get(self.issuer.jwks_path, 0), 0)
        rotated = self.issuer.rotate("RS256")
        self.assume(self.role_arn, self.issuer.token(sub=SUB))
        self.assertEqual(self.issuer.fetches.get(self.issuer.jwks_path, 0), 1, rotated.kid)

    def test_aws_errors(self):
        claims = self.issuer.claims(sub=SUB)
        self.assertRefused(lambda: self.assume(self.role_arn, "not-a-jwt"), "InvalidIdentityToken",
                           "The ID Token provided is not a valid JWT. (You may see this error if "
                           "you sent an Access Token)", 400)
        self.assertRefused(
            lambda: self.assume(self.role_arn, self.issuer.token(sub=SUB, aud="someone-else")),
            "InvalidIdentityToken", "Incorrect token audience", 400)
        expired = dict(claims, iat=int(time.time()) - 7200, nbf=int(time.time()) - 7200,
                       exp=int(time.time()) - 3600)
        with self.assertRaises(ClientError) as e:
            self.assume(self.role_arn, self.issuer.mint(expired))
        self.assertEqual(e.exception.response["Error"]["Code"], "ExpiredTokenException")
        self.assertTrue(e.exception.response["Error"]["Message"].startswith(
            "Token expired: current date/time "), e.exception.response["Error"]["Message"])
        unregistered = dict(claims, iss="https://elsewhere.example.com")
        self.assertRefused(lambda: self.assume(self.role_arn, self.issuer.mint(unregistered)),
                           "InvalidIdentityToken",
                           "No OpenIDConnect provider found in your account for "
                           "https://elsewhere.example.com", 400)
        self.assertRefused(
            lambda: self.assume(self.role_arn, self.issuer.token(sub=SUB), DurationSeconds=7200),
            "ValidationError")

    def test_the_sdks_web_identity_credential_provider(self):
        with tempfile.NamedTemporaryFile("w", suffix=".jwt", delete=False) as f:
            f.write(self.issuer.token(sub=SUB, lifetime=600))
        self.addCleanup(os.unlink, f.name)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_WEB_IDENTITY_TOKEN_FILE=f.name, AWS_ROLE_ARN=self.role_arn,
                   AWS_ROLE_SESSION_NAME="from-env", AWS_DEFAULT_REGION="us-east-1",
                   AWS_ENDPOINT_URL=self.endpoint, AWS_CONFIG_FILE=os.devnull,
                   AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        want = "arn:aws:sts::%s:assumed-role/Deployer/from-env" % self.account
        script = "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"
        p = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), want)
        p = subprocess.run(["aws", "sts", "get-caller-identity", "--output", "json"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["Arn"], want)

    def test_aws_cli_assume_role_with_web_identity(self):
        code, out, err = self.aws_cli(
            "sts", "assume-role-with-web-identity", "--role-arn", self.role_arn,
            "--role-session-name", "cli", "--web-identity-token", self.issuer.token(sub=SUB))
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/Deployer/cli" % self.account)


class ThumbprintTest(WebIdentityTestCase):
    """The server does not trust the issuer's CA: only the provider's thumbprint can."""
    trust_ca = False
    issuer_path = ""

    def test_the_thumbprint_of_the_presented_intermediate_admits_the_provider(self):
        provider_arn, url = self.provider(thumbprints=[self.issuer.thumbprint])
        role_arn = self.role("Pinned", trust(provider_arn, url))["Arn"]
        self.assume(role_arn, self.issuer.token())

    def test_a_wrong_thumbprint_is_refused(self):
        provider_arn, url = self.provider(thumbprints=["0" * 40])
        role_arn = self.role("Unpinned", trust(provider_arn, url))["Arn"]
        self.assertRefused(lambda: self.assume(role_arn, self.issuer.token()),
                           "InvalidIdentityToken",
                           "OpenIDConnect provider's HTTPS certificate doesn't match configured "
                           "thumbprint")
