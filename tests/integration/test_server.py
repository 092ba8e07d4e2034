"""Drives `gatehouse serve` with real clients (boto3, raw HTTP): the request walk answers in
AWS's envelopes for each protocol, limits hold, and SIGTERM stops the server cleanly.

Run: python3 -m unittest tests/integration/test_server.py, with GATEHOUSE_BIN pointing at the
binary (ctest sets it).
"""
import http.client
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BIN = os.environ.get("GATEHOUSE_BIN", "build/gatehouse")
SECRET = "gatehouseIntegrationSecretKeyNeverLogged0"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = tempfile.TemporaryDirectory()
        cls.port = free_port()
        cls.log = open(os.path.join(cls.data.name, "serve.log"), "w+")
        cls.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % cls.port, "--data", cls.data.name],
            stdout=cls.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if cls.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("gatehouse did not start")

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.kill()
        cls.log.close()
        cls.data.cleanup()

    @classmethod
    def get(cls, path):
        conn = http.client.HTTPConnection("127.0.0.1", cls.port, timeout=5)
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode()

    def client(self, service):
        return boto3.client(
            service, endpoint_url="http://127.0.0.1:%d" % self.port, region_name="us-east-1",
            aws_access_key_id="AKIAUNKNOWNKEY000000", aws_secret_access_key=SECRET,
            config=Config(retries={"max_attempts": 1}))

    def test_health(self):
        self.assertEqual(self.get("/healthz"), (200, "ok\n"))

    def test_unsigned_request(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request("POST", "/", body="Action=ListUsers&Version=2010-05-08",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        body = r.read().decode()
        self.assertEqual(r.status, 403)
        self.assertIn("<Code>MissingAuthenticationToken</Code>", body)
        self.assertTrue(r.getheader("x-amzn-RequestId"))

    def test_unknown_key_in_each_protocol(self):
        calls = [("sts", "get_caller_identity"), ("iam", "list_users"),
                 ("organizations", "describe_organization")]
        for service, call in calls:
            with self.subTest(service=service):
                with self.assertRaises(ClientError) as e:
                    getattr(self.client(service), call)()
                err = e.exception.response["Error"]
                self.assertEqual(err["Code"], "InvalidClientTokenId")
                self.assertEqual(err["Message"],
                                 "The security token included in the request is invalid.")
                self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_body_limit(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request("POST", "/", body=b"x" * (1024 * 1024 + 1))
        r = conn.getresponse()
        self.assertEqual(r.status, 413)
        self.assertIn("RequestEntityTooLarge", r.read().decode())

    def test_zz_sigterm_stops_and_log_has_no_secret(self):
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=10), 0)
        self.log.seek(0)
        log = self.log.read()
        self.assertIn("InvalidClientTokenId", log)
        self.assertIn("stopped", log)
        self.assertNotIn(SECRET, log)


if __name__ == "__main__":
    unittest.main()
