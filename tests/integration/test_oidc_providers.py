"""IAM OpenID Connect providers driven with boto3 and the AWS CLI against `gatehouse serve`:
creation with client ids, thumbprints and tags, the URL as IAM keeps it, client ids and
thumbprints changed later, deletion (idempotent, as AWS documents), AWS's limits and errors
(code, message, HTTP status), and authorization of each call on the provider's ARN.
"""
import json
import warnings

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase

THUMB_A = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
THUMB_B = "A" * 40


class OidcProvidersTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.iam = self.admin("iam")

    def tearDown(self):
        for p in self.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
            self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=p["Arn"])

    def assertError(self, call, code, message, status, **kwargs):
        self.assertAwsError(call, code, status, message, **kwargs)

    def arn(self, url):
        return "arn:aws:iam::%s:oidc-provider/%s" % (self.account, url)

    def test_create_get_list_delete(self):
        created = self.iam.create_open_id_connect_provider(
            Url="https://Token.Example.COM/tenant-a/", ClientIDList=["sts.amazonaws.com", "app"],
            ThumbprintList=[THUMB_A], Tags=[{"Key": "team", "Value": "ci"}])
        arn = self.arn("token.example.com/tenant-a")
        self.assertEqual(created["OpenIDConnectProviderArn"], arn)
        self.assertEqual(created["Tags"], [{"Key": "team", "Value": "ci"}])
        got = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(got["Url"], "token.example.com/tenant-a")
        self.assertEqual(got["ClientIDList"], ["sts.amazonaws.com", "app"])
        self.assertEqual(got["ThumbprintList"], [THUMB_A])
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "ci"}])
        self.assertIn("CreateDate", got)
        listed = self.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        self.assertEqual(listed, [{"Arn": arn}])

        # The same issuer again, however it is spelled, already exists.
        self.assertError(self.iam.create_open_id_connect_provider, "EntityAlreadyExists",
                         "Provider with url https://token.example.com/tenant-a already exists.",
                         409, Url="https://TOKEN.example.com/tenant-a", ThumbprintList=[THUMB_A])

        self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertError(self.iam.get_open_id_connect_provider, "NoSuchEntity",
                         "OpenIDConnect Provider not found for arn %s" % arn, 404,
                         OpenIDConnectProviderArn=arn)
        # Deleting one that does not exist succeeds.
        self.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(
            self.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"], [])

    def test_urls_iam_refuses(self):
        for url in ["http://token.example.com", "token.example.com", "https://",
                    "https://token.example.com/?x=1", "https://token.example.com/#frag",
                    "https://user@token.example.com", "https://token example.com"]:
            with self.subTest(url=url):
                with self.assertRaises(ClientError) as e:
                    self.iam.create_open_id_connect_provider(Url=url, ThumbprintList=[THUMB_A])
                err = e.exception.response["Error"]
                self.assertEqual(err["Code"], "InvalidInput")
                self.assertTrue(err["Message"].startswith(
                    "Invalid Open ID Connect Provider URL."), err["Message"])
        self.assertEqual(
            self.iam.list_open_id_connect_providers()["OpenIDConnectProviderList"], [])

    def test_client_ids_and_thumbprints_change(self):
        arn = self.iam.create_open_id_connect_provider(
            Url="https://ci.example.com", ThumbprintList=[THUMB_A])["OpenIDConnectProviderArn"]
        self.assertEqual(
            self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"],
            [])
        for _ in range(2):  # adding one it has already changes nothing
            self.iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
        self.iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn,
                                                          ClientID="second")
        got = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(got["ClientIDList"], ["sts.amazonaws.com", "second"])
        self.iam.remove_client_id_from_open_id_connect_provider(
            OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
        self.iam.remove_client_id_from_open_id_connect_provider(
            OpenIDConnectProviderArn=arn, ClientID="never-added")
        got = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(got["ClientIDList"], ["second"])

        self.iam.update_open_id_connect_provider_thumbprint(
            OpenIDConnectProviderArn=arn, ThumbprintList=[THUMB_B, THUMB_A])
        got = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(got["ThumbprintList"], [THUMB_B.lower(), THUMB_A])
        self.assertError(self.iam.update_open_id_connect_provider_thumbprint, "InvalidInput",
                         "Thumbprint list must contain fewer than 5 entries.", 400,
                         OpenIDConnectProviderArn=arn,
                         ThumbprintList=[str(i) * 40 for i in range(6)])

    def test_limits(self):
        self.assertError(self.iam.create_open_id_connect_provider, "LimitExceeded",
                         "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", 409,
                         Url="https://many.example.com", ThumbprintList=[THUMB_A],
                         ClientIDList=["client-%d" % i for i in range(101)])
        arn = self.iam.create_open_id_connect_provider(
            Url="https://many.example.com", ThumbprintList=[THUMB_A],
            ClientIDList=["client-%d" % i for i in range(100)])["OpenIDConnectProviderArn"]
        self.assertError(self.iam.add_client_id_to_open_id_connect_provider, "LimitExceeded",
                         "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", 409,
                         OpenIDConnectProviderArn=arn, ClientID="one-more")

    def test_tags(self):
        arn = self.iam.create_open_id_connect_provider(
            Url="https://tags.example.com", ThumbprintList=[THUMB_A])["OpenIDConnectProviderArn"]
        self.iam.tag_open_id_connect_provider(
            OpenIDConnectProviderArn=arn,
            Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "ci"}])
        self.iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["ENV"])
        tags = self.iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
        self.assertEqual(tags["Tags"], [{"Key": "team", "Value": "ci"}])
        self.assertFalse(tags["IsTruncated"])
        self.assertError(self.iam.tag_open_id_connect_provider, "InvalidInput", None, 400,
                         OpenIDConnectProviderArn=arn,
                         Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])

    def test_another_accounts_provider_is_out_of_reach(self):
        arn = self.iam.create_open_id_connect_provider(
            Url="https://mine.example.com", ThumbprintList=[THUMB_A])["OpenIDConnectProviderArn"]
        other = self.create_account("oidc-other")
        theirs = self.client("iam", other["access_key_id"], other["secret_access_key"])
        # Another account's administrator is refused on the provider's ARN (IAM has no
        # resource-based policies), whatever the call.
        for call, extra in [(theirs.get_open_id_connect_provider, {}),
                            (theirs.delete_open_id_connect_provider, {}),
                            (theirs.add_client_id_to_open_id_connect_provider, {"ClientID": "x"})]:
            self.assertError(call, "AccessDenied", None, 403, OpenIDConnectProviderArn=arn,
                             **extra)
        # Still there, untouched.
        self.assertEqual(
            self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"],
            [])

    def test_authorized_on_the_providers_arn(self):
        arn = self.iam.create_open_id_connect_provider(
            Url="https://guarded.example.com", ThumbprintList=[THUMB_A],
            Tags=[{"Key": "owner", "Value": "ci"}])["OpenIDConnectProviderArn"]
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:*OpenIDConnectProvider*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/owner": "ci"}}},
            {"Effect": "Allow", "Action": "iam:ListOpenIDConnectProviders", "Resource": "*"}]})
        limited = self.new_user_client("iam", "oidc-limited", policy)
        self.assertEqual(limited.get_open_id_connect_provider(
            OpenIDConnectProviderArn=arn)["Url"], "guarded.example.com")
        # A provider tagged otherwise (or not at all) is out of reach.
        with self.assertRaises(ClientError) as e:
            limited.create_open_id_connect_provider(Url="https://new.example.com",
                                                    ThumbprintList=[THUMB_A])
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        self.assertIn("iam:CreateOpenIDConnectProvider on resource: %s" % self.arn(
            "new.example.com"), e.exception.response["Error"]["Message"])
        self.iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["owner"])
        with self.assertRaises(ClientError) as e:
            limited.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        self.assertEqual(len(limited.list_open_id_connect_providers()
                             ["OpenIDConnectProviderList"]), 1)

    def test_aws_cli(self):
        code, out, err = self.aws_cli(
            "iam", "create-open-id-connect-provider", "--url", "https://cli.example.com",
            "--client-id-list", "sts.amazonaws.com", "--thumbprint-list", THUMB_A)
        self.assertEqual(code, 0, err)
        arn = json.loads(out)["OpenIDConnectProviderArn"]
        self.assertEqual(arn, self.arn("cli.example.com"))
        code, out, err = self.aws_cli("iam", "get-open-id-connect-provider",
                                      "--open-id-connect-provider-arn", arn)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["ClientIDList"], ["sts.amazonaws.com"])
        code, out, err = self.aws_cli("iam", "list-open-id-connect-providers")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["OpenIDConnectProviderList"], [{"Arn": arn}])
