"""Attacks on outbound identity federation: a token of this server's own issuers presented to
AssumeRoleWithWebIdentity (AWS refuses them for federation into AWS, even through an OIDC
provider a member's admin registers for the issuer); enabling raced from many connections
(one issuer, one pair of keys); the signing keys and tokens kept out of the database's clear
text, the log and the audit trail; and odd requests to the public issuer endpoint, answered
404/405 with the server up."""
import concurrent.futures
import hashlib
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import warnings

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from gatehouse_fixture import BIN, GatehouseTestCase, free_port
from raw_sigv4 import send, sign


def trust_provider(provider_arn):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity"}]})


class OwnTokensIntoAwsTest(unittest.TestCase):
    """The server on HTTPS with --public-url, so that its issuer is a URL an OIDC provider can
    name and its key set can be fetched over verified TLS (the certificate's thumbprint)."""

    @classmethod
    def setUpClass(cls):
        warnings.simplefilter("ignore", ResourceWarning)
        cls.data = tempfile.TemporaryDirectory()
        d = cls.data.name
        cls.cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-days", "1", "-keyout", key, "-out", cls.cert],
                       check=True, capture_output=True, timeout=60)
        der = subprocess.run(["openssl", "x509", "-in", cls.cert, "-outform", "DER"],
                             check=True, capture_output=True, timeout=60).stdout
        cls.thumbprint = hashlib.sha1(der).hexdigest()
        port = free_port()
        cls.endpoint = "https://127.0.0.1:%d" % port
        cls.log = open(os.path.join(d, "serve.log"), "w+")
        cls.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % port, "--data", os.path.join(d, "s"),
             "--tls-cert", cls.cert, "--tls-key", key, "--public-url", cls.endpoint],
            stdout=cls.log, stderr=subprocess.STDOUT)
        credentials = os.path.join(d, "s", "aws", "credentials")
        deadline = time.time() + 10
        while True:
            try:
                fields = dict(l.split(" = ") for l in open(credentials).read().splitlines()
                              if " = " in l)
                cls.key = (fields["aws_access_key_id"], fields["aws_secret_access_key"])
                cls.client("sts").get_caller_identity()
                break
            except Exception:  # not started yet: no file, no key, no listener
                if time.time() > deadline:
                    raise
                time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)
        cls.log.close()
        cls.data.cleanup()

    @classmethod
    def client(cls, service, signed=True):
        extra = {"aws_access_key_id": cls.key[0], "aws_secret_access_key": cls.key[1],
                 "config": Config(retries={"max_attempts": 1})}
        if not signed:
            extra = {"config": Config(signature_version=UNSIGNED)}
        return boto3.client(service, endpoint_url=cls.endpoint, region_name="us-east-1",
                            verify=cls.cert, **extra)

    def test_a_token_of_the_servers_own_issuer_never_assumes_a_role(self):
        iam = self.client("iam")
        issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
        self.assertTrue(issuer.startswith(self.endpoint + "/outbound-federation/"), issuer)
        provider = iam.create_open_id_connect_provider(
            Url=issuer, ClientIDList=["sts.amazonaws.com"],
            ThumbprintList=[self.thumbprint])["OpenIDConnectProviderArn"]
        role = iam.create_role(RoleName="FromOwnIssuer",
                               AssumeRolePolicyDocument=trust_provider(provider))["Role"]["Arn"]
        for alg in ("RS256", "ES384"):
            token = self.client("sts").get_web_identity_token(
                Audience=["sts.amazonaws.com"], SigningAlgorithm=alg)["WebIdentityToken"]
            with self.assertRaises(ClientError) as e:
                self.client("sts", signed=False).assume_role_with_web_identity(
                    RoleArn=role, RoleSessionName="own-token", WebIdentityToken=token)
            error = e.exception.response["Error"]
            self.assertEqual(error["Code"], "InvalidIdentityToken")
            self.assertIn("cannot be used for federation into AWS", error["Message"])


class RacedEnableTest(GatehouseTestCase):
    """A server of its own: the first enabling, which makes the keys, is the one raced."""

    def test_enabling_raced_makes_one_issuer(self):
        warnings.simplefilter("ignore", ResourceWarning)
        iam = self.admin("iam")

        def enable(_):
            try:
                return iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
            except ClientError as e:
                return e.response["Error"]["Code"]

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(enable, range(8)))
        issuers = [a for a in answers if a.startswith("http")]
        self.assertEqual(len(issuers), 1, answers)
        self.assertEqual(sorted(set(answers) - set(issuers)), ["FeatureEnabled"])
        info = iam.get_outbound_web_identity_federation_info()
        self.assertEqual(info["IssuerIdentifier"], issuers[0])
        with urllib.request.urlopen(issuers[0] + "/.well-known/jwks.json", timeout=10) as r:
            self.assertEqual(len(json.loads(r.read())["keys"]), 2)



class IssuerAttacksTest(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)

    def test_keys_and_tokens_stay_out_of_the_database_text_and_the_log(self):
        iam = self.admin("iam")
        try:
            iam.enable_outbound_web_identity_federation()
        except ClientError:
            pass
        token = self.admin("sts").get_web_identity_token(
            Audience=["a"], SigningAlgorithm="RS256")["WebIdentityToken"]
        self.log.flush()
        time.sleep(0.2)
        with open(os.path.join(self.data.name, "serve.log")) as f:
            log = f.read()
        self.assertNotIn(token.split(".")[2], log)
        self.assertNotIn(token, log)
        for name in os.listdir(self.data.name):
            if name.startswith("gatehouse.db"):
                with open(os.path.join(self.data.name, name), "rb") as f:
                    self.assertNotIn(b"PRIVATE KEY", f.read(), name)
        # The call's event in the audit trail never holds the token.
        trail = self.admin("cloudtrail")
        deadline = time.time() + 10
        while True:
            events = trail.lookup_events(LookupAttributes=[
                {"AttributeKey": "EventName", "AttributeValue": "GetWebIdentityToken"}])["Events"]
            if events or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertTrue(events)
        # (A read's answer is not recorded at all; were it, the token's shape is sensitive.)
        elements = json.loads(events[0]["CloudTrailEvent"]).get("responseElements") or {}
        self.assertIn(elements.get("webIdentityToken"), (None, "HIDDEN_DUE_TO_SECURITY_REASONS"))
        self.assertNotIn(token.split(".")[2], events[0]["CloudTrailEvent"])
        self.assertNotIn(token.split(".")[1], events[0]["CloudTrailEvent"])

    def test_an_audience_that_is_not_utf8_is_refused_not_a_server_error(self):
        try:
            self.admin("iam").enable_outbound_web_identity_federation()
        except ClientError:
            pass
        for audience in (b"%FF%FE", b"ok%C0%AF", b"%ED%A0%80"):
            body = (b"Action=GetWebIdentityToken&Version=2011-06-15&SigningAlgorithm=ES384"
                    b"&Audience.member.1=" + audience)
            headers = {"Host": "127.0.0.1:%d" % self.port,
                       "Content-Type": "application/x-www-form-urlencoded",
                       "X-Amz-Content-Sha256": hashlib.sha256(body).hexdigest()}
            target, signed = sign("POST", "/", [], headers, body, self.admin_key, "sts")
            status, text = send(self.port, "POST", target, signed, body)
            self.assertEqual(status, 400, text)
            self.assertIn("InvalidParameterValue", text)
        self.admin("sts").get_caller_identity()  # still serving

    def test_odd_requests_to_the_issuer_endpoint(self):
        port = self.port
        targets = ["/outbound-federation/", "/outbound-federation/%2e%2e/.well-known/jwks.json",
                   "/outbound-federation/" + "a" * 60000,
                   "/outbound-federation//.well-known/jwks.json",
                   "/outbound-federation/00000000-0000-4000-8000-000000000000/.well-known/"
                   "openid-configuration?x=" + "y" * 5000]
        for target in targets:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                           % target).encode("latin-1"))
                head = s.recv(64).decode("latin-1")
                self.assertRegex(head, r"^HTTP/1\.1 (400|404|414|431) ", target[:80])
        # A control character in the request line is no HTTP: the connection is closed.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET /outbound-federation/\x01 HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(s.recv(64), b"")
        request = urllib.request.Request(
            self.endpoint + "/outbound-federation/x/.well-known/jwks.json", method="DELETE")
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(e.exception.code, 405)
        self.admin("sts").get_caller_identity()  # still serving


if __name__ == "__main__":
    unittest.main()
