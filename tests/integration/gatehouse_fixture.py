"""A `gatehouse serve` started for one test class, with clients for its bootstrap admin.

    class MyTest(GatehouseTestCase):
        def test_x(self):
            iam = self.admin("iam")              # boto3 client signed by the bootstrap admin
            other = self.client("iam", key, secret)
            dev = self.create_account("dev")     # a second account with its own admin
            dev_iam = self.client("iam", dev["access_key_id"], dev["secret_access_key"])

GATEHOUSE_BIN points at the binary (ctest sets it). Each class gets a fresh data directory.
"""
import configparser
import http.client
import os
import re
import socket
import subprocess
import tempfile
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

BIN = os.environ.get("GATEHOUSE_BIN", "build/gatehouse")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GatehouseTestCase(unittest.TestCase):
    extra_args = []

    @classmethod
    def before_serve(cls):
        """Runs once the data directory and port are chosen, before `serve` starts."""

    @classmethod
    def setUpClass(cls):
        cls.data = tempfile.TemporaryDirectory()
        cls.port = free_port()
        cls.endpoint = "http://127.0.0.1:%d" % cls.port
        cls.before_serve()
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
        bootstrap = cls.aws_file("credentials")["gatehouse"]
        cls.admin_key = (bootstrap["aws_access_key_id"], bootstrap["aws_secret_access_key"])
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
    def aws_file(cls, name):
        """DATA/aws/<name> ("config" or "credentials"), parsed."""
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(os.path.join(cls.data.name, "aws", name))
        return parser

    @classmethod
    def gatehouse(cls, *args):
        """Runs the gatehouse binary; returns the CompletedProcess (text output)."""
        return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60)

    @classmethod
    def create_account(cls, name, email=None, admin_user=True):
        """Creates a standalone account with `gatehouse account create` against the class's
        server. Returns {"account_id", "access_key_id", "secret_access_key", "profile"}: the key
        of the account's IAM user admin (AdministratorAccess) and the profile written for it in
        DATA/aws/, or None for those three with admin_user=False. The email defaults to
        <name>@example.com."""
        profile = re.sub(r"[^A-Za-z0-9._-]", "-", name)[:64]
        args = ["account", "create", "--data", cls.data.name, "--name", name,
                "--email", email or "%s@example.com" % profile.lower()]
        args += ["--profile", profile] if admin_user else ["--no-admin-user"]
        p = cls.gatehouse(*args)
        if p.returncode != 0:
            raise RuntimeError("gatehouse account create failed (exit %d): %s"
                               % (p.returncode, p.stderr.strip()))
        account = {"account_id": re.search(r"^account: (\d{12})$", p.stdout, re.M).group(1),
                   "access_key_id": None, "secret_access_key": None, "profile": None}
        if admin_user:
            key = cls.aws_file("credentials")[profile]
            account.update(access_key_id=key["aws_access_key_id"],
                           secret_access_key=key["aws_secret_access_key"], profile=profile)
        return account

    @classmethod
    def client(cls, service, key_id, secret):
        return boto3.client(service, endpoint_url=cls.endpoint, region_name="us-east-1",
                            aws_access_key_id=key_id, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))

    @classmethod
    def admin(cls, service):
        return cls.client(service, *cls.admin_key)

    @classmethod
    def session_client(cls, service, creds):
        """A client signed with temporary credentials (an STS answer's Credentials)."""
        return boto3.client(service, endpoint_url=cls.endpoint, region_name="us-east-1",
                            aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"],
                            config=Config(retries={"max_attempts": 1}))

    @classmethod
    def created_account(cls, email, name):
        """Creates a member account with the bootstrap admin's CreateAccount (the caller's
        organization must exist) and waits for it; returns its id."""
        org = cls.admin("organizations")
        status = org.create_account(Email=email, AccountName=name)["CreateAccountStatus"]
        deadline = time.time() + 30
        while status["State"] == "IN_PROGRESS" and time.time() < deadline:
            time.sleep(0.05)
            status = org.describe_create_account_status(
                CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
        assert status["State"] == "SUCCEEDED", status
        return status["AccountId"]

    def new_user_client(self, service, user_name, policy_document=None):
        """Creates user_name with an access key (and an inline policy) and returns a client."""
        iam = self.admin("iam")
        iam.create_user(UserName=user_name)
        if policy_document is not None:
            iam.put_user_policy(UserName=user_name, PolicyName="inline",
                                PolicyDocument=policy_document)
        key = iam.create_access_key(UserName=user_name)["AccessKey"]
        return self.client(service, key["AccessKeyId"], key["SecretAccessKey"])

    def assertAwsError(self, call, code, status, message=None, **kwargs):
        """Calls call(**kwargs), which must fail with AWS error `code`, HTTP `status` and (when
        given) `message`; returns the message."""
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        err = e.exception.response
        self.assertEqual(err["Error"]["Code"], code)
        if message is not None:
            self.assertEqual(err["Error"]["Message"], message)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)
        return err["Error"]["Message"]

    def assertOrgError(self, call, code, reason=None, **kwargs):
        """Calls call(**kwargs), which must fail as Organizations fails: error `code`, HTTP 400
        and (when given) the `reason`; returns the response."""
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        response = e.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        if reason is not None:
            self.assertEqual(response.get("Reason"), reason, response)
        return response

    def dissolve_organization(self):
        """Ends the bootstrap admin's organization: its other members removed, its open
        handshakes canceled (an ENABLE_ALL_FEATURES request takes its approvals with it), then
        the organization deleted."""
        orgs = self.admin("organizations")
        for account in orgs.list_accounts()["Accounts"]:
            if account["Id"] != self.account:
                orgs.remove_account_from_organization(AccountId=account["Id"])
        for h in orgs.list_handshakes_for_organization()["Handshakes"]:
            if h["State"] in ("OPEN", "REQUESTED") and h["Action"] != "APPROVE_ALL_FEATURES":
                orgs.cancel_handshake(HandshakeId=h["Id"])
        orgs.delete_organization()

    def aws_cli(self, *args):
        """Runs the AWS CLI as the bootstrap admin; returns (exit code, stdout, stderr)."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.admin_key[0],
                   AWS_SECRET_ACCESS_KEY=self.admin_key[1], AWS_DEFAULT_REGION="us-east-1")
        env.pop("AWS_PROFILE", None)
        p = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json"]
                           + list(args), env=env, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr
