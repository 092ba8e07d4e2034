"""A user's SSH public keys, signing certificates and service-specific credentials, driven with boto3 and the AWS CLI
against `gatehouse serve`: upload in either encoding and the fingerprint ssh-keygen gives, AWS's
limits and errors (code, message, HTTP status), status changes, a secret shown once and never
again, credentials that follow a renamed user and keep a user from being deleted, and each call
authorized on the user it names.
"""
import json
import os
import warnings

from gatehouse_fixture import GatehouseTestCase

with open(os.path.join(os.path.dirname(__file__), "..", "keys", "ssh_public_keys.json")) as f:
    KEYS = json.load(f)
with open(os.path.join(os.path.dirname(__file__), "..", "keys", "certificates.json")) as f:
    CERTS = json.load(f)
RSA = KEYS["rsa2048"]
ED = KEYS["ed25519"]


class UserCredentialsTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.iam = self.admin("iam")
        self.user = "cred-%s" % self._testMethodName[5:20].replace("_", "-")
        self.iam.create_user(UserName=self.user)

    def tearDown(self):
        for name in [u["UserName"] for u in self.iam.list_users()["Users"]]:
            if not name.startswith("cred-"):
                continue
            for k in self.iam.list_ssh_public_keys(UserName=name)["SSHPublicKeys"]:
                self.iam.delete_ssh_public_key(UserName=name, SSHPublicKeyId=k["SSHPublicKeyId"])
            for c in self.iam.list_signing_certificates(UserName=name)["Certificates"]:
                self.iam.delete_signing_certificate(UserName=name,
                                                    CertificateId=c["CertificateId"])
            for c in self.iam.list_service_specific_credentials(
                    UserName=name)["ServiceSpecificCredentials"]:
                self.iam.delete_service_specific_credential(
                    UserName=name, ServiceSpecificCredentialId=c["ServiceSpecificCredentialId"])
            for p in self.iam.list_user_policies(UserName=name)["PolicyNames"]:
                self.iam.delete_user_policy(UserName=name, PolicyName=p)
            for k in self.iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
                self.iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
            self.iam.delete_user(UserName=name)

    def upload(self, body, user=None):
        return self.iam.upload_ssh_public_key(UserName=user or self.user,
                                              SSHPublicKeyBody=body)["SSHPublicKey"]

    def test_ssh_key_upload_get_list_update_delete(self):
        key = self.upload(RSA["line"])
        self.assertEqual(key["UserName"], self.user)
        self.assertRegex(key["SSHPublicKeyId"], r"^APKA[A-Z2-7]{16}$")
        self.assertEqual(key["Fingerprint"], RSA["fingerprint"])
        self.assertEqual(key["SSHPublicKeyBody"], RSA["canonical"])
        self.assertEqual(key["Status"], "Active")
        key_id = key["SSHPublicKeyId"]

        got = self.iam.get_ssh_public_key(UserName=self.user, SSHPublicKeyId=key_id,
                                          Encoding="PEM")["SSHPublicKey"]
        self.assertEqual(got["SSHPublicKeyBody"], RSA["pem"])
        self.assertEqual(got["Fingerprint"], RSA["fingerprint"])
        got = self.iam.get_ssh_public_key(UserName=self.user, SSHPublicKeyId=key_id,
                                          Encoding="SSH")["SSHPublicKey"]
        self.assertEqual(got["SSHPublicKeyBody"], RSA["canonical"])

        listed = self.iam.list_ssh_public_keys(UserName=self.user)
        self.assertEqual([k["SSHPublicKeyId"] for k in listed["SSHPublicKeys"]], [key_id])
        self.assertFalse(listed["IsTruncated"])

        self.iam.update_ssh_public_key(UserName=self.user, SSHPublicKeyId=key_id,
                                       Status="Inactive")
        got = self.iam.get_ssh_public_key(UserName=self.user, SSHPublicKeyId=key_id,
                                          Encoding="SSH")["SSHPublicKey"]
        self.assertEqual(got["Status"], "Inactive")

        self.iam.delete_ssh_public_key(UserName=self.user, SSHPublicKeyId=key_id)
        self.assertAwsError(self.iam.get_ssh_public_key, "NoSuchEntity", 404,
                         "The Public Key with id %s cannot be found." % key_id,
                         UserName=self.user, SSHPublicKeyId=key_id, Encoding="SSH")
        self.assertAwsError(self.iam.delete_ssh_public_key, "NoSuchEntity", 404,
                         UserName=self.user, SSHPublicKeyId=key_id)

    def test_ssh_key_in_pem_is_the_same_key(self):
        key = self.upload(ED["pem"])
        self.assertEqual(key["Fingerprint"], ED["fingerprint"])
        self.assertEqual(key["SSHPublicKeyBody"], ED["canonical"])
        # The same key again, in either encoding, is a duplicate for this user only.
        for body in (ED["line"], ED["pem"]):
            self.assertAwsError(self.upload, "DuplicateSSHPublicKey", 400, body=body)
        self.iam.create_user(UserName=self.user + "-2")
        self.assertEqual(self.upload(ED["line"], self.user + "-2")["Fingerprint"],
                         ED["fingerprint"])
        self.assertEqual(self.upload(RSA["pkcs1"])["Fingerprint"], RSA["fingerprint"])

    def test_ssh_keys_refused(self):
        self.assertAwsError(self.upload, "UnrecognizedPublicKeyEncoding", 400,
                         "The public key encoding format is unsupported or unrecognized.",
                         body=KEYS["ecdsa"]["line"])
        message = self.assertAwsError(self.upload, "InvalidPublicKey", 400,
                                   body=KEYS["rsa1024"]["line"])
        self.assertIn("2048", message)
        self.assertAwsError(self.upload, "InvalidPublicKey", 400, body="ssh-rsa AAAA")
        self.assertAwsError(self.upload, "NoSuchEntity", 404,
                         "The user with name nobody cannot be found.", body=RSA["line"],
                         user="nobody")
        self.assertAwsError(self.iam.update_ssh_public_key, "NoSuchEntity", 404,
                         UserName=self.user, SSHPublicKeyId="APKA" + "A" * 16, Status="Active")

    def test_ssh_key_limit(self):
        # Five keys per user; distinct keys made by changing the Ed25519 key's last byte.
        import base64
        wire = bytearray(base64.b64decode(ED["canonical"].split()[1]))
        for i in range(5):
            wire[-1] = i
            self.upload("ssh-ed25519 " + base64.b64encode(bytes(wire)).decode())
        wire[-1] = 9
        self.assertAwsError(self.upload, "LimitExceeded", 409,
                         "Cannot exceed quota for SSHPublicKeysPerUser: 5",
                         body="ssh-ed25519 " + base64.b64encode(bytes(wire)).decode())
        page = self.iam.list_ssh_public_keys(UserName=self.user, MaxItems=3)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_ssh_public_keys(UserName=self.user, Marker=page["Marker"])
        self.assertEqual(len(page["SSHPublicKeys"]) + len(rest["SSHPublicKeys"]), 5)

    def upload_certificate(self, name, user=None):
        return self.iam.upload_signing_certificate(
            UserName=user or self.user, CertificateBody=CERTS[name]["cert"])["Certificate"]

    def test_signing_certificate_upload_list_update_delete(self):
        cert = self.upload_certificate("leaf")
        self.assertEqual(cert["UserName"], self.user)
        self.assertRegex(cert["CertificateId"], r"^[A-Z0-9]{28}$")
        self.assertEqual(cert["CertificateBody"], CERTS["leaf"]["cert"])
        self.assertEqual(cert["Status"], "Active")
        cert_id = cert["CertificateId"]
        listed = self.iam.list_signing_certificates(UserName=self.user)
        self.assertEqual([c["CertificateId"] for c in listed["Certificates"]], [cert_id])
        self.assertFalse(listed["IsTruncated"])

        self.iam.update_signing_certificate(UserName=self.user, CertificateId=cert_id,
                                            Status="Inactive")
        self.assertEqual(self.iam.list_signing_certificates(
            UserName=self.user)["Certificates"][0]["Status"], "Inactive")
        self.assertAwsError(self.iam.delete_user, "DeleteConflict", 409,
                         "Cannot delete entity, must delete signing certificates first.",
                         UserName=self.user)
        self.iam.delete_signing_certificate(UserName=self.user, CertificateId=cert_id)
        self.assertAwsError(self.iam.delete_signing_certificate, "NoSuchEntity", 404,
                         "The Certificate with id %s cannot be found." % cert_id,
                         UserName=self.user, CertificateId=cert_id)

    def test_signing_certificates_refused(self):
        self.upload_certificate("leaf")
        # One certificate once per account, whoever holds it.
        self.iam.create_user(UserName=self.user + "-2")
        self.assertAwsError(self.upload_certificate, "DuplicateCertificate", 409, name="leaf",
                         user=self.user + "-2")
        self.upload_certificate("ec")
        self.assertAwsError(self.upload_certificate, "LimitExceeded", 409,
                         "Cannot exceed quota for SigningCertificatesPerUser: 2", name="third")
        self.assertAwsError(self.iam.upload_signing_certificate, "MalformedCertificate", 400,
                         "Unable to parse certificate. Please ensure the certificate is in PEM "
                         "format.", UserName=self.user + "-2", CertificateBody="garbage")
        for body in (CERTS["leaf"]["key"], CERTS["third"]["cert"] + CERTS["ca"]["cert"]):
            self.assertAwsError(self.iam.upload_signing_certificate, "MalformedCertificate", 400,
                             UserName=self.user + "-2", CertificateBody=body)
        self.assertAwsError(self.upload_certificate, "MalformedCertificate", 400,
                         "The certificate has expired.", name="expired", user=self.user + "-2")
        self.assertAwsError(self.upload_certificate, "InvalidCertificate", 400,
                         "The certificate is not yet valid.", name="future",
                         user=self.user + "-2")

    def test_credential_report_shows_signing_certificates(self):
        cert = self.upload_certificate("third")
        self.iam.generate_credential_report()  # synchronous: complete when it answers
        csv = self.iam.get_credential_report()["Content"].decode().splitlines()
        header = csv[0].split(",")
        row = dict(zip(header, next(line for line in csv
                                    if line.startswith(self.user + ",")).split(",")))
        self.assertEqual(row["cert_1_active"], "true")
        self.assertEqual(row["cert_1_last_rotated"][:10], cert["UploadDate"].strftime("%Y-%m-%d"))
        self.assertEqual(row["cert_2_active"], "false")
        self.assertEqual(row["cert_2_last_rotated"], "N/A")

    def create_credential(self, service, **kwargs):
        return self.iam.create_service_specific_credential(
            UserName=self.user, ServiceName=service, **kwargs)["ServiceSpecificCredential"]

    def test_service_credential_password_shown_once(self):
        cred = self.create_credential("codecommit.amazonaws.com")
        self.assertEqual(cred["ServiceUserName"], "%s-at-%s" % (self.user, self.account))
        self.assertEqual(len(cred["ServicePassword"]), 44)
        self.assertRegex(cred["ServiceSpecificCredentialId"], r"^ACCA[A-Z2-7]{17}$")
        self.assertEqual(cred["Status"], "Active")
        cred_id = cred["ServiceSpecificCredentialId"]

        listed = self.iam.list_service_specific_credentials(
            UserName=self.user)["ServiceSpecificCredentials"]
        self.assertEqual([c["ServiceSpecificCredentialId"] for c in listed], [cred_id])
        self.assertNotIn("ServicePassword", listed[0])

        reset = self.iam.reset_service_specific_credential(
            UserName=self.user, ServiceSpecificCredentialId=cred_id)["ServiceSpecificCredential"]
        self.assertNotEqual(reset["ServicePassword"], cred["ServicePassword"])
        self.assertEqual(reset["ServiceUserName"], cred["ServiceUserName"])

        # Neither password is anywhere in the server's data directory.
        for root, _, files in os.walk(self.data.name):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
                for secret in (cred["ServicePassword"], reset["ServicePassword"]):
                    self.assertNotIn(secret.encode(), data, name)

        self.iam.update_service_specific_credential(
            UserName=self.user, ServiceSpecificCredentialId=cred_id, Status="Inactive")
        listed = self.iam.list_service_specific_credentials(
            UserName=self.user)["ServiceSpecificCredentials"]
        self.assertEqual(listed[0]["Status"], "Inactive")
        self.iam.delete_service_specific_credential(UserName=self.user,
                                                    ServiceSpecificCredentialId=cred_id)
        self.assertAwsError(self.iam.delete_service_specific_credential, "NoSuchEntity", 404,
                         UserName=self.user, ServiceSpecificCredentialId=cred_id)

    def test_service_credential_api_key_and_limits(self):
        key = self.create_credential("bedrock.amazonaws.com", CredentialAgeDays=30)
        self.assertRegex(key["ServiceCredentialAlias"],
                         r"^BedrockAPIKey-[a-z0-9]{4}-at-%s$" % self.account)
        self.assertIn("ServiceCredentialSecret", key)
        self.assertNotIn("ServicePassword", key)
        days = (key["ExpirationDate"] - key["CreateDate"]).total_seconds() / 86400
        self.assertAlmostEqual(days, 30, places=3)
        self.create_credential("bedrock.amazonaws.com")
        self.assertAwsError(self.create_credential, "LimitExceeded", 409,
                         service="bedrock.amazonaws.com")
        # The quota is per service.
        self.create_credential("cassandra.amazonaws.com")
        self.assertAwsError(self.create_credential, "InvalidInput", 400,
                         service="codecommit.amazonaws.com", CredentialAgeDays=5)
        self.assertAwsError(self.create_credential, "NotSupportedService", 404,
                         service="s3.amazonaws.com")
        only = self.iam.list_service_specific_credentials(
            UserName=self.user, ServiceName="cassandra.amazonaws.com")
        self.assertEqual([c["ServiceName"] for c in only["ServiceSpecificCredentials"]],
                         ["cassandra.amazonaws.com"])
        self.iam.create_user(UserName=self.user + "-2")
        self.iam.create_service_specific_credential(UserName=self.user + "-2",
                                                    ServiceName="codecommit.amazonaws.com")
        self.assertAwsError(self.iam.list_service_specific_credentials, "InvalidInput", 400,
                         UserName=self.user, AllUsers=True)
        everyone = self.iam.list_service_specific_credentials(AllUsers=True)
        self.assertEqual(len([c for c in everyone["ServiceSpecificCredentials"]
                              if c["UserName"].startswith(self.user)]), 4)

    def test_credentials_follow_a_renamed_user_and_block_its_deletion(self):
        key_id = self.upload(RSA["line"])["SSHPublicKeyId"]
        cred_id = self.create_credential("codecommit.amazonaws.com")["ServiceSpecificCredentialId"]
        self.assertAwsError(self.iam.delete_user, "DeleteConflict", 409,
                         "Cannot delete entity, must delete SSH public keys first.",
                         UserName=self.user)
        renamed = self.user + "-new"
        self.iam.update_user(UserName=self.user, NewUserName=renamed)
        got = self.iam.get_ssh_public_key(UserName=renamed, SSHPublicKeyId=key_id,
                                          Encoding="SSH")["SSHPublicKey"]
        self.assertEqual(got["UserName"], renamed)
        self.assertAwsError(self.iam.get_ssh_public_key, "NoSuchEntity", 404, UserName=self.user,
                         SSHPublicKeyId=key_id, Encoding="SSH")
        creds = self.iam.list_service_specific_credentials(
            UserName=renamed)["ServiceSpecificCredentials"]
        self.assertEqual([c["ServiceSpecificCredentialId"] for c in creds], [cred_id])
        self.iam.delete_ssh_public_key(UserName=renamed, SSHPublicKeyId=key_id)
        self.assertAwsError(self.iam.delete_user, "DeleteConflict", 409,
                         "Cannot delete entity, must delete service-specific credentials first.",
                         UserName=renamed)
        self.iam.delete_service_specific_credential(UserName=renamed,
                                                    ServiceSpecificCredentialId=cred_id)
        self.iam.delete_user(UserName=renamed)

    def test_calls_are_authorized_on_the_user_named(self):
        own_only = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Action": ["iam:UploadSSHPublicKey", "iam:ListSSHPublicKeys",
                       "iam:CreateServiceSpecificCredential"],
            "Resource": "arn:aws:iam::*:user/${aws:username}"}]})
        me = self.user + "-me"
        client = self.new_user_client("iam", me, own_only)
        client.upload_ssh_public_key(UserName=me, SSHPublicKeyBody=ED["line"])
        self.assertEqual(len(client.list_ssh_public_keys()["SSHPublicKeys"]), 1)
        self.assertAwsError(client.upload_ssh_public_key, "AccessDenied", 403, UserName=self.user,
                         SSHPublicKeyBody=ED["line"])
        self.assertAwsError(client.create_service_specific_credential, "AccessDenied", 403,
                         UserName=self.user, ServiceName="codecommit.amazonaws.com")
        self.assertAwsError(client.delete_ssh_public_key, "AccessDenied", 403, UserName=me,
                         SSHPublicKeyId="APKA" + "A" * 16)
        self.assertEqual(self.iam.list_ssh_public_keys(UserName=self.user)["SSHPublicKeys"], [])

    def test_aws_cli(self):
        code, out, err = self.aws_cli("iam", "upload-ssh-public-key", "--user-name", self.user,
                                      "--ssh-public-key-body", RSA["line"])
        self.assertEqual(code, 0, err)
        key_id = json.loads(out)["SSHPublicKey"]["SSHPublicKeyId"]
        code, out, err = self.aws_cli("iam", "get-ssh-public-key", "--user-name", self.user,
                                      "--ssh-public-key-id", key_id, "--encoding", "PEM")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["SSHPublicKey"]["SSHPublicKeyBody"], RSA["pem"])
        code, out, err = self.aws_cli("iam", "create-service-specific-credential",
                                      "--user-name", self.user,
                                      "--service-name", "codecommit.amazonaws.com")
        self.assertEqual(code, 0, err)
        self.assertIn("ServicePassword", json.loads(out)["ServiceSpecificCredential"])
        code, out, err = self.aws_cli("iam", "list-service-specific-credentials",
                                      "--user-name", self.user)
        self.assertEqual(code, 0, err)
        self.assertEqual(len(json.loads(out)["ServiceSpecificCredentials"]), 1)
