"""A `gatehouse serve` started for one test class, with clients for its bootstrap admin.

    class MyTest(GatehouseTestCase):
        def test_x(self):
            iam = self.admin("iam")              # boto3 client signed by the bootstrap admin
            other = self.client("iam", key, secret)

GATEHOUSE_BIN points at the binary (ctest sets it). Each class gets a fresh data directory.
"""
import http.client
import os
import socket
import subprocess
import tempfile
import time
import unittest

import boto3
from botocore.config import Config

BIN = os.environ.get("GATEHOUSE_BIN", "build/gatehouse")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GatehouseTestCase(unittest.TestCase):
    extra_args = []

    @classmethod
    def setUpClass(cls):
        cls.data = tempfile.TemporaryDirectory()
        cls.port = free_port()
        cls.endpoint = "http://127.0.0.1:%d" % cls.port
        cls.log = open(os.path.join(cls.data.name, "serve.log"), "w+")
        cls.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % cls.port, "--data", cls.data.name]
            + cls.extra_args, stdout=cls.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", cls.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("gatehouse did not start")
                time.sleep(0.05)
        with open(os.path.join(cls.data.name, "aws", "credentials")) as f:
            fields = dict(line.split(" = ") for line in f.read().splitlines() if " = " in line)
        cls.admin_key = (fields["aws_access_key_id"], fields["aws_secret_access_key"])
        cls.account = cls.admin("sts").get_caller_identity()["Account"]

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.terminate()
            try:
                cls.proc.wait(10)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
        cls.log.close()
        cls.data.cleanup()

    @classmethod
    def client(cls, service, key_id, secret):
        return boto3.client(service, endpoint_url=cls.endpoint, region_name="us-east-1",
                            aws_access_key_id=key_id, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))

    @classmethod
    def admin(cls, service):
        return cls.client(service, *cls.admin_key)

    def new_user_client(self, service, user_name, policy_document=None):
        """Creates user_name with an access key (and an inline policy) and returns a client."""
        iam = self.admin("iam")
        iam.create_user(UserName=user_name)
        if policy_document is not None:
            iam.put_user_policy(UserName=user_name, PolicyName="inline",
                                PolicyDocument=policy_document)
        key = iam.create_access_key(UserName=user_name)["AccessKey"]
        return self.client(service, key["AccessKeyId"], key["SecretAccessKey"])

    def aws_cli(self, *args):
        """Runs the AWS CLI as the bootstrap admin; returns (exit code, stdout, stderr)."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.admin_key[0],
                   AWS_SECRET_ACCESS_KEY=self.admin_key[1], AWS_DEFAULT_REGION="us-east-1")
        env.pop("AWS_PROFILE", None)
        p = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json"]
                           + list(args), env=env, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr
