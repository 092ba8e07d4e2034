"""IAM server certificates driven with boto3 and the AWS CLI against `gatehouse serve`: upload
with a chain and tags, the certificate checked against its private key and its chain, the key
never answered, renames and moves, AWS's limits and errors (code, message, HTTP status), and
each call authorized on the certificate's ARN (a rename on both names).
"""
import json
import os
import warnings

from gatehouse_fixture import GatehouseTestCase

with open(os.path.join(os.path.dirname(__file__), "..", "keys", "certificates.json")) as f:
    CERTS = json.load(f)


class ServerCertificatesTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.iam = self.admin("iam")

    def tearDown(self):
        for c in self.iam.list_server_certificates()["ServerCertificateMetadataList"]:
            self.iam.delete_server_certificate(ServerCertificateName=c["ServerCertificateName"])

    def upload(self, name, cert="leaf", key=None, **kwargs):
        return self.iam.upload_server_certificate(
            ServerCertificateName=name, CertificateBody=CERTS[cert]["cert"],
            PrivateKey=CERTS[key or cert]["key"], **kwargs)

    def test_upload_get_list_rename_delete(self):
        uploaded = self.upload("web", Path="/tls/", CertificateChain=CERTS["ca"]["cert"],
                               Tags=[{"Key": "team", "Value": "edge"}])
        meta = uploaded["ServerCertificateMetadata"]
        self.assertEqual(meta["Arn"], "arn:aws:iam::%s:server-certificate/tls/web" % self.account)
        self.assertRegex(meta["ServerCertificateId"], r"^ASCA[A-Z2-7]{17}$")
        self.assertEqual(meta["Expiration"].year, 2125)
        self.assertEqual(uploaded["Tags"], [{"Key": "team", "Value": "edge"}])

        got = self.iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]
        self.assertEqual(got["CertificateBody"], CERTS["leaf"]["cert"])
        self.assertEqual(got["CertificateChain"], CERTS["ca"]["cert"])
        self.assertEqual(got["ServerCertificateMetadata"]["ServerCertificateId"],
                         meta["ServerCertificateId"])
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "edge"}])
        self.assertNotIn("PrivateKey", got)

        self.upload("other", cert="ec")
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual(summary["ServerCertificates"], 2)
        listed = self.iam.list_server_certificates(PathPrefix="/tls/")
        self.assertEqual([c["ServerCertificateName"]
                          for c in listed["ServerCertificateMetadataList"]], ["web"])
        self.assertEqual(len(self.iam.list_server_certificates()[
            "ServerCertificateMetadataList"]), 2)

        self.iam.update_server_certificate(ServerCertificateName="web",
                                           NewServerCertificateName="web-2", NewPath="/edge/")
        self.assertAwsError(self.iam.get_server_certificate, "NoSuchEntity", 404,
                         "The Server Certificate with name web cannot be found.",
                         ServerCertificateName="web")
        moved = self.iam.get_server_certificate(
            ServerCertificateName="web-2")["ServerCertificate"]["ServerCertificateMetadata"]
        self.assertEqual(moved["Arn"],
                         "arn:aws:iam::%s:server-certificate/edge/web-2" % self.account)
        self.assertEqual(moved["ServerCertificateId"], meta["ServerCertificateId"])
        self.assertAwsError(self.iam.update_server_certificate, "EntityAlreadyExists", 409,
                         "The Server Certificate with name OTHER already exists.",
                         ServerCertificateName="web-2", NewServerCertificateName="OTHER")

        self.iam.tag_server_certificate(ServerCertificateName="web-2",
                                        Tags=[{"Key": "env", "Value": "prod"}])
        self.iam.untag_server_certificate(ServerCertificateName="web-2", TagKeys=["team"])
        self.assertEqual(self.iam.list_server_certificate_tags(
            ServerCertificateName="web-2")["Tags"], [{"Key": "env", "Value": "prod"}])

        self.iam.delete_server_certificate(ServerCertificateName="web-2")
        self.assertAwsError(self.iam.delete_server_certificate, "NoSuchEntity", 404,
                         ServerCertificateName="web-2")

    def test_uploads_refused(self):
        self.upload("taken")
        self.assertAwsError(self.upload, "EntityAlreadyExists", 409,
                         "The Server Certificate with name TAKEN already exists.", name="TAKEN",
                         cert="ec")
        self.assertAwsError(self.upload, "KeyPairMismatch", 400, name="mismatch", cert="leaf",
                         key="ec")
        self.assertAwsError(self.iam.upload_server_certificate, "MalformedCertificate", 400,
                         "Unable to parse certificate. Please ensure the certificate is in PEM "
                         "format.", ServerCertificateName="garbage", CertificateBody="garbage",
                         PrivateKey=CERTS["leaf"]["key"])
        self.assertAwsError(self.iam.upload_server_certificate, "MalformedCertificate", 400,
                         ServerCertificateName="not-a-key", CertificateBody=CERTS["leaf"]["cert"],
                         PrivateKey="not a key")
        # A chain whose first certificate did not issue the body.
        self.assertAwsError(self.upload, "MalformedCertificate", 400, name="bad-chain",
                         CertificateChain=CERTS["ec"]["cert"])
        self.assertAwsError(self.iam.upload_server_certificate, "MalformedCertificate", 400,
                         "The certificate has expired.", ServerCertificateName="expired",
                         CertificateBody=CERTS["expired"]["cert"], PrivateKey=CERTS["ec"]["key"])
        names = [c["ServerCertificateName"]
                 for c in self.iam.list_server_certificates()["ServerCertificateMetadataList"]]
        self.assertEqual(names, ["taken"])

    def test_limit_of_twenty(self):
        for n in range(20):
            self.upload("cert-%02d" % n, cert="third")
        self.assertAwsError(self.upload, "LimitExceeded", 409,
                         "Cannot exceed quota for ServerCertificatesPerAccount: 20",
                         name="one-too-many", cert="third")
        page = self.iam.list_server_certificates(MaxItems=15)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_server_certificates(Marker=page["Marker"])
        self.assertEqual(len(page["ServerCertificateMetadataList"]) +
                         len(rest["ServerCertificateMetadataList"]), 20)

    def test_private_key_is_sealed_at_rest(self):
        self.upload("sealed", cert="ec")
        body = "".join(CERTS["ec"]["key"].splitlines()[1:-1])
        for root, _, files in os.walk(self.data.name):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    self.assertNotIn(body[:40].encode(), f.read(), name)

    def test_authorized_on_the_certificate_arn(self):
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Action": ["iam:UploadServerCertificate", "iam:GetServerCertificate",
                       "iam:UpdateServerCertificate"],
            "Resource": "arn:aws:iam::*:server-certificate/team/*"}]})
        client = self.new_user_client("iam", "cert-manager", policy)
        client.upload_server_certificate(
            ServerCertificateName="ours", Path="/team/", CertificateBody=CERTS["ec"]["cert"],
            PrivateKey=CERTS["ec"]["key"])
        client.get_server_certificate(ServerCertificateName="ours")
        self.assertAwsError(client.upload_server_certificate, "AccessDenied", 403,
                         ServerCertificateName="theirs", Path="/other/",
                         CertificateBody=CERTS["third"]["cert"], PrivateKey=CERTS["third"]["key"])
        # A move needs the permission on the target too.
        self.assertAwsError(client.update_server_certificate, "AccessDenied", 403,
                         ServerCertificateName="ours", NewPath="/other/")
        client.update_server_certificate(ServerCertificateName="ours",
                                         NewServerCertificateName="ours-2")
        self.assertAwsError(client.delete_server_certificate, "AccessDenied", 403,
                         ServerCertificateName="ours-2")
        # Tags given on upload need iam:TagServerCertificate as well.
        self.assertAwsError(client.upload_server_certificate, "AccessDenied", 403,
                         ServerCertificateName="tagged", Path="/team/",
                         CertificateBody=CERTS["third"]["cert"], PrivateKey=CERTS["third"]["key"],
                         Tags=[{"Key": "k", "Value": "v"}])
        self.iam.delete_user_policy(UserName="cert-manager", PolicyName="inline")
        for k in self.iam.list_access_keys(UserName="cert-manager")["AccessKeyMetadata"]:
            self.iam.delete_access_key(UserName="cert-manager", AccessKeyId=k["AccessKeyId"])
        self.iam.delete_user(UserName="cert-manager")

    def test_aws_cli(self):
        code, out, err = self.aws_cli(
            "iam", "upload-server-certificate", "--server-certificate-name", "cli",
            "--certificate-body", CERTS["leaf"]["cert"], "--private-key", CERTS["leaf"]["key"],
            "--certificate-chain", CERTS["ca"]["cert"])
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["ServerCertificateMetadata"]["ServerCertificateName"],
                         "cli")
        code, out, err = self.aws_cli("iam", "list-server-certificates")
        self.assertEqual(code, 0, err)
        self.assertEqual(len(json.loads(out)["ServerCertificateMetadataList"]), 1)
