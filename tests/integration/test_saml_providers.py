"""IAM SAML providers driven with boto3 and the AWS CLI against `gatehouse serve`: metadata
documents checked (a signing certificate, no DOCTYPE), the document and validUntil kept,
private keys for encrypted assertions sealed and listed by id only, tags, AWS's limits and
errors, and authorization on the provider's ARN.
"""
import json
import os
import subprocess
import tempfile
import warnings

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase


def openssl(*args):
    return subprocess.run(["openssl"] + list(args), check=True, capture_output=True,
                          timeout=60).stdout


def metadata(cert_b64, entity="https://idp.example.com/saml", valid_until=None, use="signing"):
    until = ' validUntil="%s"' % valid_until if valid_until else ""
    doc = ('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
           'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s"%s>'
           '<md:IDPSSODescriptor protocolSupportEnumeration='
           '"urn:oasis:names:tc:SAML:2.0:protocol">'
           '<md:KeyDescriptor use="%s"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s'
           '</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>'
           '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
           'Location="https://idp.example.com/sso"/></md:IDPSSODescriptor>'
           '</md:EntityDescriptor>' % (entity, until, use, cert_b64))
    return doc + " " * max(0, 1000 - len(doc))  # the API's minimum length


class SamlProvidersTest(GatehouseTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory()
        key, cert = os.path.join(cls.tmp.name, "k.pem"), os.path.join(cls.tmp.name, "c.pem")
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                "-days", "3650", "-subj", "/CN=idp.example.com")
        with open(cert) as f:
            cls.cert = "".join(line for line in f.read().splitlines() if "CERTIFICATE" not in line)
        with open(key) as f:
            cls.private_key = f.read()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.tmp.cleanup()

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)
        self.iam = self.admin("iam")

    def tearDown(self):
        for p in self.iam.list_saml_providers()["SAMLProviderList"]:
            self.iam.delete_saml_provider(SAMLProviderArn=p["Arn"])

    def assertError(self, call, code, message, status, **kwargs):
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        err = e.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if message is not None:
            self.assertEqual(err["Error"]["Message"], message)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)
        return err

    def test_create_get_list_update_delete(self):
        doc = metadata(self.cert, valid_until="2031-05-06T07:08:09Z")
        created = self.iam.create_saml_provider(Name="Corp", SAMLMetadataDocument=doc,
                                                Tags=[{"Key": "team", "Value": "it"}])
        arn = "arn:aws:iam::%s:saml-provider/Corp" % self.account
        self.assertEqual(created["SAMLProviderArn"], arn)
        self.assertEqual(created["Tags"], [{"Key": "team", "Value": "it"}])
        got = self.iam.get_saml_provider(SAMLProviderArn=arn)
        self.assertEqual(got["SAMLMetadataDocument"], doc)
        self.assertRegex(got["SAMLProviderUUID"], r"^[0-9a-f-]{36}$")
        self.assertEqual(got["ValidUntil"].isoformat(), "2031-05-06T07:08:09+00:00")
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "it"}])
        listed = self.iam.list_saml_providers()["SAMLProviderList"]
        self.assertEqual([p["Arn"] for p in listed], [arn])
        self.assertError(self.iam.create_saml_provider, "EntityAlreadyExists", None, 409,
                         Name="CORP", SAMLMetadataDocument=doc)

        newer = metadata(self.cert, entity="https://idp.example.com/v2")
        updated = self.iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=newer)
        self.assertEqual(updated["SAMLProviderArn"], arn)
        got = self.iam.get_saml_provider(SAMLProviderArn=arn)
        self.assertEqual(got["SAMLMetadataDocument"], newer)
        self.assertNotIn("ValidUntil", got)

        self.iam.delete_saml_provider(SAMLProviderArn=arn)
        for call in (self.iam.get_saml_provider, self.iam.delete_saml_provider):
            self.assertError(call, "NoSuchEntity", "Manifest not found for arn %s" % arn, 404,
                             SAMLProviderArn=arn)

    def test_metadata_iam_cannot_use(self):
        bad = {
            "not xml": "x" * 1000,
            "no signing certificate": metadata(self.cert, use="encryption"),
            "not a certificate": metadata("bm90IGEgY2VydGlmaWNhdGU="),
            "external entity": '<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x SYSTEM '
                               '"file:///etc/passwd">]>' + metadata(self.cert),
        }
        for why, doc in bad.items():
            with self.subTest(why):
                self.assertError(self.iam.create_saml_provider, "InvalidInput",
                                 "Could not parse metadata", 400, Name="Bad",
                                 SAMLMetadataDocument=doc)
        self.assertEqual(self.iam.list_saml_providers()["SAMLProviderList"], [])

    def test_private_keys_are_sealed_and_listed_by_id(self):
        doc = metadata(self.cert)
        self.assertError(self.iam.create_saml_provider, "InvalidInput", None, 400, Name="Enc",
                         SAMLMetadataDocument=doc, AssertionEncryptionMode="Required")
        self.assertError(self.iam.create_saml_provider, "InvalidInput", "Invalid private key.",
                         400, Name="Enc", SAMLMetadataDocument=doc,
                         AddPrivateKey=self.private_key[:300])
        arn = self.iam.create_saml_provider(
            Name="Enc", SAMLMetadataDocument=doc, AssertionEncryptionMode="Required",
            AddPrivateKey=self.private_key)["SAMLProviderArn"]
        got = self.iam.get_saml_provider(SAMLProviderArn=arn)
        self.assertEqual(got["AssertionEncryptionMode"], "Required")
        self.assertEqual(len(got["PrivateKeyList"]), 1)
        key_id = got["PrivateKeyList"][0]["KeyId"]
        self.assertNotIn("PRIVATE KEY", json.dumps(got, default=str))
        # The last key of a provider that requires encryption cannot go.
        self.assertError(self.iam.update_saml_provider, "InvalidInput", None, 400,
                         SAMLProviderArn=arn, RemovePrivateKey=key_id)
        self.iam.update_saml_provider(SAMLProviderArn=arn, AddPrivateKey=self.private_key)
        self.assertError(self.iam.update_saml_provider, "LimitExceeded", None, 409,
                         SAMLProviderArn=arn, AddPrivateKey=self.private_key)
        self.iam.update_saml_provider(SAMLProviderArn=arn, RemovePrivateKey=key_id)
        got = self.iam.get_saml_provider(SAMLProviderArn=arn)
        self.assertEqual(len(got["PrivateKeyList"]), 1)
        self.assertNotEqual(got["PrivateKeyList"][0]["KeyId"], key_id)

    def test_tags_and_authorization(self):
        doc = metadata(self.cert)
        arn = self.iam.create_saml_provider(Name="Tagged", SAMLMetadataDocument=doc,
                                            Tags=[{"Key": "owner", "Value": "it"}])[
            "SAMLProviderArn"]
        self.iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
        self.iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["ENV"])
        self.assertEqual(self.iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"],
                         [{"Key": "owner", "Value": "it"}])
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:GetSAMLProvider", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/owner": "it"}}},
            {"Effect": "Allow", "Action": "iam:CreateSAMLProvider", "Resource": "*"}]})
        limited = self.new_user_client("iam", "saml-limited", policy)
        limited.get_saml_provider(SAMLProviderArn=arn)
        # Tags on create need iam:TagSAMLProvider as well.
        err = self.assertError(limited.create_saml_provider, "AccessDenied", None, 403,
                               Name="New", SAMLMetadataDocument=doc,
                               Tags=[{"Key": "owner", "Value": "it"}])
        self.assertIn("iam:TagSAMLProvider", err["Error"]["Message"])
        limited.create_saml_provider(Name="New", SAMLMetadataDocument=doc)
        self.iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["owner"])
        self.assertError(limited.get_saml_provider, "AccessDenied", None, 403,
                         SAMLProviderArn=arn)

    def test_aws_cli(self):
        path = os.path.join(self.tmp.name, "metadata.xml")
        with open(path, "w") as f:
            f.write(metadata(self.cert))
        code, out, err = self.aws_cli("iam", "create-saml-provider", "--name", "Cli",
                                      "--saml-metadata-document", "file://" + path)
        self.assertEqual(code, 0, err)
        arn = json.loads(out)["SAMLProviderArn"]
        code, out, err = self.aws_cli("iam", "list-saml-providers")
        self.assertEqual(code, 0, err)
        self.assertEqual([p["Arn"] for p in json.loads(out)["SAMLProviderList"]], [arn])
