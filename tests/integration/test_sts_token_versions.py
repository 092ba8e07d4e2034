"""The session tokens of STS's global endpoint and SetSecurityTokenServicePreferences, driven with
boto3 against `gatehouse serve`: a server answering for us-east-1 is the global endpoint, whose
tokens are version 1 by default — refused in the Regions an account must opt in to — or version
2 once the account prefers it; a server answering for another region is a regional endpoint,
whose tokens are version 2 whatever the preference.
"""
import warnings

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase


class TokenVersionCase(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    def signed_for(self, region, creds):
        """An STS client signing with `creds` for `region`."""
        return boto3.client("sts", endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"],
                            config=Config(retries={"max_attempts": 1}))

    def session(self):
        return self.admin("sts").get_session_token()["Credentials"]

    def assertRefusedIn(self, region, creds):
        with self.assertRaises(ClientError) as e:
            self.signed_for(region, creds).get_caller_identity()
        err = e.exception.response
        self.assertEqual(err["Error"]["Code"], "InvalidClientTokenId")
        self.assertEqual(err["Error"]["Message"],
                         "The security token included in the request is invalid.")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)

    def assertValidIn(self, region, creds):
        self.assertIn(":user/", self.signed_for(region, creds).get_caller_identity()["Arn"])


class GlobalEndpointTest(TokenVersionCase):
    def tearDown(self):
        self.admin("iam").set_security_token_service_preferences(
            GlobalEndpointTokenVersion="v1Token")

    def test_version_1_tokens_stay_in_the_default_regions(self):
        v1 = self.session()
        self.assertValidIn("us-east-1", v1)
        self.assertValidIn("eu-west-1", v1)
        self.assertRefusedIn("af-south-1", v1)
        self.assertRefusedIn("ap-east-1", v1)

    def test_version_2_once_the_account_prefers_it(self):
        v1 = self.session()
        self.admin("iam").set_security_token_service_preferences(
            GlobalEndpointTokenVersion="v2Token")
        v2 = self.session()
        self.assertValidIn("af-south-1", v2)
        self.assertValidIn("us-east-1", v2)
        # A token keeps the version it was issued with.
        self.assertRefusedIn("af-south-1", v1)


class RegionalEndpointTest(TokenVersionCase):
    extra_args = ["--region", "eu-west-1"]

    def test_a_regional_endpoint_issues_version_2(self):
        self.assertEqual(self.admin("iam").get_account_summary()["SummaryMap"][
            "GlobalEndpointTokenVersion"], 1)
        self.assertValidIn("af-south-1", self.session())
