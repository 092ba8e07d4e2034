"""Attacks on a user's SSH public keys, signing certificates and service-specific credentials:
another account's administrator reaching them by id, racing uploads past the quotas and the
uniqueness rules, a namesake inheriting a renamed or deleted user's credentials, and a
credential's secret showing up anywhere after the one answer that hands it out.

The server runs with several I/O threads so that racing requests really overlap.
"""
import base64
import json
import os
import warnings

from botocore.exceptions import ClientError

from gatehouse_fixture import GatehouseTestCase
import test_lost_updates as races

KEYS_DIR = os.path.join(os.path.dirname(__file__), "..", "keys")
with open(os.path.join(KEYS_DIR, "ssh_public_keys.json")) as f:
    ED_LINE = json.load(f)["ed25519"]["canonical"]
with open(os.path.join(KEYS_DIR, "certificates.json")) as f:
    CERTS = json.load(f)


def ed_key(n):
    """A distinct Ed25519 public key per n (the fixture's key with its last bytes changed)."""
    wire = bytearray(base64.b64decode(ED_LINE.split()[1]))
    wire[-2:] = n.to_bytes(2, "big")
    return "ssh-ed25519 " + base64.b64encode(bytes(wire)).decode()


class UserCredentialAttacksTest(GatehouseTestCase):
    extra_args = ["--threads", "8"]

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets
        self.iam = self.admin("iam")

    def assertCode(self, call, code, **kwargs):
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        self.assertEqual(e.exception.response["Error"]["Code"], code)

    def test_another_account_cannot_reach_credentials_by_id(self):
        self.iam.create_user(UserName="victim")
        key_id = self.iam.upload_ssh_public_key(
            UserName="victim", SSHPublicKeyBody=ed_key(1))["SSHPublicKey"]["SSHPublicKeyId"]
        cred_id = self.iam.create_service_specific_credential(
            UserName="victim", ServiceName="codecommit.amazonaws.com"
        )["ServiceSpecificCredential"]["ServiceSpecificCredentialId"]
        cert_id = self.iam.upload_signing_certificate(
            UserName="victim", CertificateBody=CERTS["ec"]["cert"])["Certificate"]["CertificateId"]

        other = self.create_account("credential-attacker")
        attacker = self.client("iam", other["access_key_id"], other["secret_access_key"])
        attacker.create_user(UserName="victim")  # a namesake in the attacker's own account
        self.assertCode(attacker.get_ssh_public_key, "NoSuchEntity", UserName="victim",
                        SSHPublicKeyId=key_id, Encoding="SSH")
        self.assertCode(attacker.delete_ssh_public_key, "NoSuchEntity", UserName="victim",
                        SSHPublicKeyId=key_id)
        self.assertCode(attacker.reset_service_specific_credential, "NoSuchEntity",
                        UserName="victim", ServiceSpecificCredentialId=cred_id)
        self.assertCode(attacker.update_signing_certificate, "NoSuchEntity", UserName="victim",
                        CertificateId=cert_id, Status="Inactive")
        self.assertEqual(attacker.list_ssh_public_keys(UserName="victim")["SSHPublicKeys"], [])
        self.assertEqual(attacker.list_service_specific_credentials(
            AllUsers=True)["ServiceSpecificCredentials"], [])
        # The same certificate is unique per account, not across accounts: the attacker learns
        # nothing from uploading it.
        attacker.upload_signing_certificate(UserName="victim", CertificateBody=CERTS["ec"]["cert"])
        # Nothing of the victim's changed.
        self.assertEqual(self.iam.get_ssh_public_key(
            UserName="victim", SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]["Status"],
            "Active")
        self.assertEqual(self.iam.list_signing_certificates(
            UserName="victim")["Certificates"][0]["Status"], "Active")

    def test_racing_uploads_keep_the_quotas_and_uniqueness(self):
        self.iam.create_user(UserName="raced")
        clients = [self.admin("iam") for _ in range(10)]
        results = races.run_together([
            lambda c=c, n=n: c.upload_ssh_public_key(UserName="raced", SSHPublicKeyBody=ed_key(n))
            for n, c in enumerate(clients)])
        won = [r for r in results if not isinstance(r, ClientError)]
        for r in results:
            if isinstance(r, ClientError):
                self.assertIn(races.error_code(r), {"LimitExceeded", "ConcurrentModification"})
        keys = self.iam.list_ssh_public_keys(UserName="raced")["SSHPublicKeys"]
        self.assertEqual(len(keys), len(won))
        self.assertLessEqual(len(keys), 5)

        # The same key from every client at once: exactly one upload wins.
        self.iam.create_user(UserName="raced-same")
        results = races.run_together([
            lambda c=c: c.upload_ssh_public_key(UserName="raced-same",
                                                SSHPublicKeyBody=ed_key(99))
            for c in clients])
        self.assertEqual(len([r for r in results if not isinstance(r, ClientError)]), 1)
        self.assertEqual(len(self.iam.list_ssh_public_keys(
            UserName="raced-same")["SSHPublicKeys"]), 1)

        # Service-specific credentials: two per user and service.
        results = races.run_together([
            lambda c=c: c.create_service_specific_credential(
                UserName="raced", ServiceName="cassandra.amazonaws.com") for c in clients])
        creds = self.iam.list_service_specific_credentials(
            UserName="raced")["ServiceSpecificCredentials"]
        self.assertEqual(len(creds), len([r for r in results if not isinstance(r, ClientError)]))
        self.assertLessEqual(len(creds), 2)

    def test_a_namesake_inherits_nothing(self):
        """Credentials follow their user through a rename, whatever races it; a new user of the
        old name starts with none."""
        self.iam.create_user(UserName="renamed-one")
        uploader, renamer = self.admin("iam"), self.admin("iam")
        results = races.run_together(
            [lambda: renamer.update_user(UserName="renamed-one", NewUserName="renamed-two")] +
            [lambda n=n: uploader.upload_ssh_public_key(UserName="renamed-one",
                                                        SSHPublicKeyBody=ed_key(200 + n))
             for n in range(4)])
        uploaded = [r["SSHPublicKey"]["SSHPublicKeyId"] for r in results[1:]
                    if not isinstance(r, ClientError)]
        self.assertNotIsInstance(results[0], ClientError)
        self.iam.create_user(UserName="renamed-one")
        self.assertEqual(self.iam.list_ssh_public_keys(UserName="renamed-one")["SSHPublicKeys"],
                         [])
        moved = self.iam.list_ssh_public_keys(UserName="renamed-two")["SSHPublicKeys"]
        self.assertEqual(sorted(k["SSHPublicKeyId"] for k in moved), sorted(uploaded))
        for k in moved:
            self.assertEqual(k["UserName"], "renamed-two")

    def test_a_password_is_shown_once_and_never_recorded(self):
        self.iam.create_user(UserName="secretive")
        created = self.iam.create_service_specific_credential(
            UserName="secretive", ServiceName="bedrock.amazonaws.com")["ServiceSpecificCredential"]
        secret = created["ServiceCredentialSecret"]
        reset = self.iam.reset_service_specific_credential(
            UserName="secretive",
            ServiceSpecificCredentialId=created["ServiceSpecificCredentialId"],
        )["ServiceSpecificCredential"]["ServiceCredentialSecret"]
        trail = self.admin("cloudtrail")
        events = trail.lookup_events(LookupAttributes=[{
            "AttributeKey": "Username", "AttributeValue": "admin"}])["Events"]
        recorded = json.dumps([e["CloudTrailEvent"] for e in events])
        self.assertIn("ResetServiceSpecificCredential", recorded)
        listed = json.dumps(self.iam.list_service_specific_credentials(
            UserName="secretive"), default=str)
        for value in (secret, reset):
            self.assertNotIn(value, recorded)
            self.assertNotIn(value, listed)
            for root, _, files in os.walk(self.data.name):
                for name in files:
                    with open(os.path.join(root, name), "rb") as f:
                        self.assertNotIn(value.encode(), f.read(), name)
