"""STS AssumeRoleWithSAML against a test SAML identity provider (saml_idp.py): boto3's call
(unsigned, as the SDK sends it) and `aws sts assume-role-with-saml`, the Role attribute's
role and provider pairs, the trust policy's Federated principal and saml:* condition keys,
session tags from PrincipalTag attributes, one use per assertion, and AWS's errors.
"""
import datetime
import json
import os
import tempfile
import warnings

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase
from saml_idp import SamlIdp, encode


class SamlTestCase(GatehouseTestCase):
    """A server with the IdP registered as provider Corp, and role Engineers trusting it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idp = SamlIdp()
        iam = cls.admin("iam")
        cls.provider = cls.idp.register(iam)
        cls.role = iam.create_role(RoleName="Engineers", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Federated": cls.provider},
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                "Condition": {"StringEquals": {
                    "saml:aud": "https://signin.aws.amazon.com/saml"}}}]}))["Role"]["Arn"]
        cls.pair = (cls.role, cls.provider)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.idp.close()

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)
        self.sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                                config=Config(signature_version=UNSIGNED,
                                              retries={"max_attempts": 1}))

    def assume(self, assertion, role=None, provider=None, **kwargs):
        return self.sts.assume_role_with_saml(
            RoleArn=role or self.role, PrincipalArn=provider or self.provider,
            SAMLAssertion=assertion, **kwargs)

    def refused(self, assertion, code, message=None, **kwargs):
        with self.assertRaises(ClientError) as e:
            self.assume(assertion, **kwargs)
        error = e.exception.response["Error"]
        self.assertEqual(error["Code"], code, error)
        if message is not None:
            self.assertEqual(error["Message"], message)
        return error


class AssumeRoleWithSamlTest(SamlTestCase):
    def test_credentials_for_a_signed_assertion(self):
        for sign in ("assertion", "response"):
            with self.subTest(sign=sign):
                answer = self.assume(self.idp.response([self.pair], sign=sign,
                                                       session_name="alice"))
                self.assertEqual(answer["AssumedRoleUser"]["Arn"],
                                 "arn:aws:sts::%s:assumed-role/Engineers/alice" % self.account)
                self.assertEqual(answer["Subject"], "alice@example.com")
                self.assertEqual(answer["SubjectType"], "persistent")
                self.assertEqual(answer["Issuer"], self.idp.entity_id)
                self.assertEqual(answer["Audience"], "https://signin.aws.amazon.com/saml")
                self.assertTrue(answer["NameQualifier"])
                me = self.session_client("sts", answer["Credentials"]).get_caller_identity()
                self.assertEqual(me["Arn"], answer["AssumedRoleUser"]["Arn"])

    def test_an_assertion_is_exchanged_once(self):
        assertion = self.idp.response([self.pair])
        self.assume(assertion)
        self.refused(assertion, "InvalidIdentityToken")

    def test_the_role_attribute_must_name_the_pair(self):
        other = "arn:aws:iam::%s:role/Other" % self.account
        self.refused(self.idp.response([(other, self.provider)]), "AccessDenied",
                     "Not authorized to perform sts:AssumeRoleWithSAML")
        # Either order of the pair is AWS's.
        reversed_pair = self.idp.response([(self.provider, self.role)])
        self.assume(reversed_pair)

    def test_session_tags_from_principal_tag_attributes(self):
        answer = self.assume(self.idp.response(
            [self.pair], attributes={"PrincipalTag:team": ["blue"],
                                     "TransitiveTagKeys": ["team"]}))
        self.assertIn("PackedPolicySize", answer)
        # The tag is the session's: a policy conditioned on it applies.
        iam = self.admin("iam")
        iam.put_role_policy(RoleName="Engineers", PolicyName="by-tag", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}))
        try:
            self.session_client("iam", answer["Credentials"]).list_roles()
            untagged = self.assume(self.idp.response([self.pair]))["Credentials"]
            with self.assertRaises(ClientError) as e:
                self.session_client("iam", untagged).list_roles()
            self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        finally:
            iam.delete_role_policy(RoleName="Engineers", PolicyName="by-tag")
        # Tags the provider may not set: AWS's reserved prefix, a key outside the tag pattern,
        # a value too long, more than 50.
        for bad in ({"PrincipalTag:aws:team": ["blue"]}, {"PrincipalTag:bad#key": ["blue"]},
                    {"PrincipalTag:team": ["v" * 257]},
                    {"PrincipalTag:k%d" % i: ["v"] for i in range(51)}):
            with self.subTest(tags=list(bad)[:2]):
                self.refused(self.idp.response([self.pair], attributes=bad),
                             "InvalidIdentityToken")

    def test_a_trust_condition_on_the_subject(self):
        iam = self.admin("iam")
        arn = iam.create_role(RoleName="OnlyAlice", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Federated": self.provider},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {"StringEquals": {"saml:sub": "alice@example.com",
                                               "saml:sub_type": "persistent",
                                               "saml:iss": self.idp.entity_id}}}]}))["Role"]["Arn"]
        self.assume(self.idp.response([(arn, self.provider)]), role=arn)
        self.refused(self.idp.response([(arn, self.provider)], subject="mallory@example.com"),
                     "AccessDenied", role=arn)

    def test_session_ends_by_session_not_on_or_after_or_duration(self):
        answer = self.assume(self.idp.response([self.pair]), DurationSeconds=900)
        left = (answer["Credentials"]["Expiration"]
                - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(850 < left <= 905, left)
        # The provider's SessionNotOnOrAfter ends the session sooner than DurationSeconds.
        answer = self.assume(self.idp.response([self.pair], session_not_on_or_after=1200),
                             DurationSeconds=3600)
        left = (answer["Credentials"]["Expiration"]
                - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertTrue(1100 < left <= 1205, left)

    def test_aws_errors(self):
        unsigned = self.idp.response([self.pair], sign=None)
        self.refused(unsigned, "InvalidIdentityToken")
        missing = "arn:aws:iam::%s:saml-provider/Nobody" % self.account
        self.refused(self.idp.response([self.pair]), "InvalidIdentityToken",
                     "Specified provider doesn't exist", provider=missing)
        self.refused(self.idp.response([self.pair], audience="https://elsewhere.example.com"),
                     "InvalidIdentityToken")
        self.refused(self.idp.response([self.pair], session_name=None), "InvalidIdentityToken")

    def test_aws_cli(self):
        path = os.path.join(tempfile.mkdtemp(), "assertion.b64")
        with open(path, "w") as f:
            f.write(self.idp.response([self.pair], session_name="cli-user"))
        code, out, err = self.aws_cli(
            "sts", "assume-role-with-saml", "--role-arn", self.role, "--principal-arn",
            self.provider, "--saml-assertion", "file://" + path)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/Engineers/cli-user" % self.account)
