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


def retry(call, timeout=10, retry_on=(Exception,), give_up_on=()):
    """call() until it stops raising (a server still starting), for at most `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        try:
            return call()
        except give_up_on:
            raise
        except retry_on:
            if time.time() > deadline:
                raise
            time.sleep(0.05)


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

    def test_threads_are_named_after_their_work(self):
        # What top -H, perf and bench/audit_bench.sh tell apart.
        self.assertEqual(self.get("/healthz")[0], 200)
        task = "/proc/%d/task" % self.proc.pid
        names = []
        for tid in os.listdir(task):
            try:
                with open(os.path.join(task, tid, "comm")) as f:
                    names.append(f.read().strip())
            except FileNotFoundError:  # a thread that ended meanwhile
                pass
        self.assertIn("http", names)
        self.assertIn("audit-recorder", names)
        self.assertIn("password-hash", names)

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

    def bootstrap_profile(self):
        creds = open(os.path.join(self.data.name, "aws", "credentials")).read()
        fields = dict(line.split(" = ") for line in creds.splitlines() if " = " in line)
        return fields["aws_access_key_id"], fields["aws_secret_access_key"]

    def test_bootstrap_profile_identifies_admin(self):
        key_id, secret = self.bootstrap_profile()
        self.assertTrue(key_id.startswith("AKIA") and len(key_id) == 20)
        self.assertEqual(len(secret), 40)
        for name in ("credentials", "config"):
            mode = os.stat(os.path.join(self.data.name, "aws", name)).st_mode & 0o777
            self.assertEqual(mode, 0o600, name)
        config = open(os.path.join(self.data.name, "aws", "config")).read()
        self.assertIn("endpoint_url = http://127.0.0.1:%d" % self.port, config)
        sts = boto3.client("sts", endpoint_url="http://127.0.0.1:%d" % self.port,
                           region_name="us-east-1", aws_access_key_id=key_id,
                           aws_secret_access_key=secret)
        identity = sts.get_caller_identity()
        self.assertRegex(identity["Account"], r"^[0-9]{12}$")
        self.assertEqual(identity["Arn"], "arn:aws:iam::%s:user/admin" % identity["Account"])
        self.assertTrue(identity["UserId"].startswith("AIDA"))
        # A wrong secret for the same key is refused.
        bad = boto3.client("sts", endpoint_url="http://127.0.0.1:%d" % self.port,
                           region_name="us-east-1", aws_access_key_id=key_id,
                           aws_secret_access_key="x" * 40)
        with self.assertRaises(ClientError) as e:
            bad.get_caller_identity()
        self.assertEqual(e.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        # Operations without a handler say so; they never fake success.
        orgs = boto3.client("organizations", endpoint_url="http://127.0.0.1:%d" % self.port,
                            region_name="us-east-1", aws_access_key_id=key_id,
                            aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))
        with self.assertRaises(ClientError) as e:
            orgs.list_accounts_with_invalid_effective_policy(PolicyType="TAG_POLICY")
        self.assertEqual(e.exception.response["Error"]["Code"], "NotImplemented")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 501)

    def admin_client(self, service):
        key_id, secret = self.bootstrap_profile()
        return boto3.client(service, endpoint_url="http://127.0.0.1:%d" % self.port,
                            region_name="us-east-1", aws_access_key_id=key_id,
                            aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))

    def test_new_user_is_denied_until_a_policy_allows(self):
        iam = self.admin_client("iam")
        user = iam.create_user(UserName="carol", Path="/eng/")["User"]
        self.assertEqual(user["Arn"].split(":user")[1], "/eng/carol")
        self.assertTrue(user["UserId"].startswith("AIDA"))
        with self.assertRaises(ClientError) as e:
            iam.create_user(UserName="CAROL")
        self.assertEqual(e.exception.response["Error"]["Code"], "EntityAlreadyExists")
        key = iam.create_access_key(UserName="carol")["AccessKey"]
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        carol = boto3.client("iam", endpoint_url="http://127.0.0.1:%d" % self.port,
                             region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                             aws_secret_access_key=key["SecretAccessKey"],
                             config=Config(retries={"max_attempts": 1}))
        with self.assertRaises(ClientError) as e:
            carol.list_users()
        err = e.exception.response["Error"]
        self.assertEqual(err["Code"], "AccessDenied")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertIn("User: %s is not authorized to perform: iam:ListUsers on resource: "
                      % user["Arn"], err["Message"])
        self.assertIn("because no identity-based policy allows the iam:ListUsers action",
                      err["Message"])
        document = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                    '"Action":["iam:ListUsers","iam:GetUser"],"Resource":"*"}]}')
        iam.put_user_policy(UserName="carol", PolicyName="ReadUsers", PolicyDocument=document)
        names = [u["UserName"] for u in carol.list_users()["Users"]]
        self.assertIn("carol", names)
        self.assertIn("admin", names)
        got = iam.get_user_policy(UserName="carol", PolicyName="ReadUsers")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"],
                         ["iam:ListUsers", "iam:GetUser"])
        with self.assertRaises(ClientError) as e:
            carol.create_user(UserName="mallory")
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        with self.assertRaises(ClientError) as e:
            iam.put_user_policy(UserName="carol", PolicyName="Bad", PolicyDocument='{"Statement":[]}')
        self.assertEqual(e.exception.response["Error"]["Code"], "MalformedPolicyDocument")
        # Deleting a user with keys or policies is a conflict, as in AWS.
        with self.assertRaises(ClientError) as e:
            iam.delete_user(UserName="carol")
        self.assertEqual(e.exception.response["Error"]["Code"], "DeleteConflict")
        # A deactivated key is refused like an unknown one; reactivated, it works again.
        iam.update_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        with self.assertRaises(ClientError) as e:
            carol.list_users()
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidClientTokenId")
        self.assertEqual(iam.list_access_keys(UserName="carol")["AccessKeyMetadata"][0]["Status"],
                         "Inactive")
        iam.update_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"], Status="Active")
        carol.list_users()
        iam.delete_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"])
        iam.delete_user_policy(UserName="carol", PolicyName="ReadUsers")
        iam.delete_user(UserName="carol")
        with self.assertRaises(ClientError) as e:
            iam.get_user(UserName="carol")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchEntity")
        attached = iam.list_attached_user_policies(UserName="admin")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "AdministratorAccess",
                                     "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}])

    def test_tags_rename_and_principal_tags_in_conditions(self):
        iam = self.admin_client("iam")
        iam.create_user(UserName="dave", Tags=[{"Key": "team", "Value": "blue"}])
        iam.tag_user(UserName="dave", Tags=[{"Key": "TEAM", "Value": "red"},
                                            {"Key": "cost", "Value": "42"}])
        self.assertEqual(iam.list_user_tags(UserName="dave")["Tags"],
                         [{"Key": "TEAM", "Value": "red"}, {"Key": "cost", "Value": "42"}])
        iam.untag_user(UserName="dave", TagKeys=["Cost"])
        self.assertEqual(iam.get_user(UserName="dave")["User"]["Tags"],
                         [{"Key": "TEAM", "Value": "red"}])
        with self.assertRaises(ClientError) as e:
            iam.tag_user(UserName="dave", Tags=[{"Key": "aws:x", "Value": "y"}])
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidInput")
        # ABAC: dave may list users only while his team tag says red.
        iam.put_user_policy(UserName="dave", PolicyName="RedTeam", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:ListUsers",'
            '"Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}}'))
        key = iam.create_access_key(UserName="dave")["AccessKey"]
        dave = boto3.client("iam", endpoint_url="http://127.0.0.1:%d" % self.port,
                            region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"],
                            config=Config(retries={"max_attempts": 1}))
        dave.list_users()
        iam.tag_user(UserName="dave", Tags=[{"Key": "team", "Value": "blue"}])
        with self.assertRaises(ClientError) as e:
            dave.list_users()
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        # A rename carries the user's keys and policies.
        iam.update_user(UserName="dave", NewUserName="david", NewPath="/ops/")
        self.assertEqual(iam.get_user(UserName="david")["User"]["Arn"].split(":user")[1],
                         "/ops/david")
        self.assertEqual(iam.list_user_policies(UserName="david")["PolicyNames"], ["RedTeam"])
        self.assertEqual(len(iam.list_access_keys(UserName="david")["AccessKeyMetadata"]), 1)
        with self.assertRaises(ClientError) as e:
            iam.get_user(UserName="dave")
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchEntity")

    def test_clock_skew_expiry_and_validation_wording(self):
        import datetime
        import types
        from unittest import mock
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
        sts = self.admin_client("sts")

        # A request signed 20 minutes ago, beyond the 15 minutes of clock skew AWS allows.
        past = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - \
            datetime.timedelta(minutes=20)

        class Past(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return past
        # The signer's clock: get_current_datetime in current botocore, datetime before.
        clock = (mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: past)
                 if hasattr(botocore.auth, "get_current_datetime") else
                 mock.patch.object(botocore.auth, "datetime", types.SimpleNamespace(datetime=Past)))
        key_id, secret = self.bootstrap_profile()
        request = botocore.awsrequest.AWSRequest(
            method="POST", url="http://127.0.0.1:%d/" % self.port,
            data="Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        with clock:
            botocore.auth.SigV4Auth(botocore.credentials.Credentials(key_id, secret), "sts",
                                    "us-east-1").add_auth(request)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request("POST", "/", body=request.body, headers=dict(request.headers))
        r = conn.getresponse()
        body = r.read().decode()
        self.assertEqual(r.status, 403)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", body)
        self.assertRegex(body, r"<Message>Signature expired: \d{8}T\d{6}Z is now earlier than "
                               r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)</Message>")

        url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=1, HttpMethod="GET")
        time.sleep(2.1)
        body = subprocess.run(["curl", "-s", url], capture_output=True, text=True,
                              timeout=10).stdout
        self.assertIn("<Code>RequestExpired</Code>", body)

        with self.assertRaises(ClientError) as e:
            sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/Admin", RoleSessionName="a:b")
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationError")
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "1 validation error detected: Value 'a:b' at 'roleSessionName' failed "
                         "to satisfy constraint: Member must satisfy regular expression pattern: "
                         "[\\w+=,.@-]*")

    def test_access_key_last_used(self):
        iam = self.admin_client("iam")
        iam.create_user(UserName="erin")
        key = iam.create_access_key(UserName="erin")["AccessKey"]
        fresh = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        self.assertEqual(fresh["UserName"], "erin")
        self.assertEqual(fresh["AccessKeyLastUsed"], {"ServiceName": "N/A", "Region": "N/A"})
        erin = boto3.client("sts", endpoint_url="http://127.0.0.1:%d" % self.port,
                            region_name="eu-west-1", aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"])
        erin.get_caller_identity()
        used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        self.assertEqual((used["ServiceName"], used["Region"]), ("sts", "eu-west-1"))
        self.assertIn("LastUsedDate", used)
        admin_key = self.bootstrap_profile()[0]
        mine = iam.get_access_key_last_used(AccessKeyId=admin_key)
        self.assertEqual(mine["UserName"], "admin")
        self.assertEqual(mine["AccessKeyLastUsed"]["ServiceName"], "iam")

    def test_aws_cli_with_the_bootstrap_profile(self):
        env = dict(os.environ,
                   AWS_CONFIG_FILE=os.path.join(self.data.name, "aws", "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.data.name, "aws", "credentials"),
                   AWS_PROFILE="gatehouse")
        out = subprocess.run(["aws", "iam", "create-user", "--user-name", "alice",
                              "--endpoint-url", "http://127.0.0.1:%d" % self.port],
                             capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn('"UserName": "alice"', out.stdout)

    def test_presigned_get_caller_identity(self):
        key_id, secret = self.bootstrap_profile()
        sts = boto3.client("sts", endpoint_url="http://127.0.0.1:%d" % self.port,
                           region_name="us-east-1", aws_access_key_id=key_id,
                           aws_secret_access_key=secret)
        # As aws-iam-authenticator and Vault use it: a URL signed for GET, fetched with curl.
        url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=900, HttpMethod="GET")
        body = subprocess.run(["curl", "-s", url], capture_output=True, text=True,
                              timeout=10).stdout
        self.assertIn("<Arn>arn:aws:iam::", body)
        # botocore signs for the operation's own method (POST) by default.
        url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=900)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request("POST", url.split(str(self.port), 1)[1])
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertIn("<GetCallerIdentityResult>", r.read().decode())
        # Fetched with another method than it was signed for, it does not match.
        status, body = self.get(url.split(str(self.port), 1)[1])
        self.assertEqual(status, 403)
        self.assertIn("SignatureDoesNotMatch", body)

    def test_zz_sigterm_stops_and_log_has_no_secret(self):
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=10), 0)
        self.log.seek(0)
        log = self.log.read()
        self.assertIn("InvalidClientTokenId", log)
        self.assertIn("stopped", log)
        self.assertNotIn(SECRET, log)
        self.assertNotIn(self.bootstrap_profile()[1], log.split("AWS_PROFILE=gatehouse", 1)[1])
        # Restarting on the same data directory keeps the account and creates nothing new.
        key_id, secret = self.bootstrap_profile()
        port = free_port()
        restarted = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % port, "--data", self.data.name],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            sts = boto3.client("sts", endpoint_url="http://127.0.0.1:%d" % port,
                               region_name="us-east-1", aws_access_key_id=key_id,
                               aws_secret_access_key=secret)
            identity = retry(sts.get_caller_identity)
            self.assertTrue(identity["Arn"].endswith(":user/admin"))
            # Last-used times were flushed at the SIGTERM and survive the restart.
            iam = boto3.client("iam", endpoint_url="http://127.0.0.1:%d" % port,
                               region_name="us-east-1", aws_access_key_id=key_id,
                               aws_secret_access_key=secret)
            # erin's key (test_access_key_last_used) has not been used since the restart.
            erin_key = iam.list_access_keys(UserName="erin")["AccessKeyMetadata"][0]
            used = iam.get_access_key_last_used(
                AccessKeyId=erin_key["AccessKeyId"])["AccessKeyLastUsed"]
            self.assertEqual((used["ServiceName"], used["Region"]), ("sts", "eu-west-1"))
        finally:
            restarted.send_signal(signal.SIGTERM)
            out, _ = restarted.communicate(timeout=10)
        self.assertNotIn("Created the management account", out)

    def test_zzz_kill_9_after_create_user_loses_nothing(self):
        key_id, secret = self.bootstrap_profile()
        port = free_port()
        proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % port, "--data", self.data.name],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        def client():
            return boto3.client("iam", endpoint_url="http://127.0.0.1:%d" % port,
                                region_name="us-east-1", aws_access_key_id=key_id,
                                aws_secret_access_key=secret,
                                config=Config(retries={"max_attempts": 1}))
        try:
            retry(lambda: client().create_user(UserName="durable"))
        finally:
            proc.kill()  # SIGKILL right after the acknowledged write
            proc.wait()
        proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % port, "--data", self.data.name],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            user = retry(lambda: client().get_user(UserName="durable")["User"],
                         give_up_on=ClientError)
            self.assertEqual(user["UserName"], "durable")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)


if __name__ == "__main__":
    unittest.main()


class ConfigFileTest(unittest.TestCase):
    def test_settings_from_toml_and_flags_win(self):
        with tempfile.TemporaryDirectory() as data:
            port, other = free_port(), free_port()
            config = os.path.join(data, "gatehouse.toml")
            with open(config, "w") as f:
                f.write('listen = "127.0.0.1:%d"\ndata = "%s"\nlog-format = "json"\n'
                        % (port, os.path.join(data, "d")))
            proc = subprocess.Popen([BIN, "serve", "--config", config,
                                     "--listen", "127.0.0.1:%d" % other],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            try:
                def health():
                    conn = http.client.HTTPConnection("127.0.0.1", other, timeout=2)
                    conn.request("GET", "/healthz")
                    return conn.getresponse().status
                self.assertEqual(retry(health, retry_on=OSError), 200)
                self.assertTrue(os.path.exists(os.path.join(data, "d", "gatehouse.db")))
            finally:
                proc.send_signal(signal.SIGTERM)
                out, _ = proc.communicate(timeout=10)
            self.assertIn("listening on http://127.0.0.1:%d" % other, out)  # the flag won
            with open(config, "a") as f:
                f.write("bogus = 1\n")
            bad = subprocess.run([BIN, "serve", "--config", config], capture_output=True,
                                 text=True, timeout=10)
            self.assertEqual(bad.returncode, 2)
            self.assertIn("unknown setting bogus", bad.stderr)


class TlsTest(unittest.TestCase):
    def test_https_and_secure_transport(self):
        with tempfile.TemporaryDirectory() as data:
            cert, key = os.path.join(data, "cert.pem"), os.path.join(data, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                            "-days", "1", "-keyout", key,
                            "-out", cert], check=True, capture_output=True, timeout=60)
            port = free_port()
            proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % port,
                                     "--data", os.path.join(data, "d"),
                                     "--tls-cert", cert, "--tls-key", key],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                creds_file = os.path.join(data, "d", "aws", "credentials")
                config_file = os.path.join(data, "d", "aws", "config")
                deadline = time.time() + 10
                while not os.path.exists(config_file):
                    self.assertLess(time.time(), deadline)
                    time.sleep(0.05)
                self.assertIn("endpoint_url = https://127.0.0.1:%d" % port,
                              open(config_file).read())
                fields = dict(l.split(" = ") for l in open(creds_file).read().splitlines()
                              if " = " in l)
                def client(service):
                    return boto3.client(service, endpoint_url="https://127.0.0.1:%d" % port,
                                        region_name="us-east-1", verify=cert,
                                        aws_access_key_id=fields["aws_access_key_id"],
                                        aws_secret_access_key=fields["aws_secret_access_key"],
                                        config=Config(retries={"max_attempts": 1}))
                identity = retry(lambda: client("sts").get_caller_identity())
                self.assertTrue(identity["Arn"].endswith(":user/admin"))
                # aws:SecureTransport is true over TLS: a deny on insecure transport spares it.
                iam = client("iam")
                iam.put_user_policy(UserName="admin", PolicyName="TlsOnly", PolicyDocument=(
                    '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*",'
                    '"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}'))
                self.assertIn("Users", iam.list_users())
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=10)


class MasterKeyFromEnvironmentTest(unittest.TestCase):
    def test_master_key_outside_the_data_directory(self):
        with tempfile.TemporaryDirectory() as data:
            port = free_port()
            env = dict(os.environ, GATEHOUSE_MASTER_KEY="ab" * 32)
            proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % port,
                                     "--data", data], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            try:
                creds = os.path.join(data, "aws", "credentials")
                retry(lambda: open(creds).read())
                fields = dict(l.split(" = ") for l in open(creds).read().splitlines()
                              if " = " in l)
                sts = boto3.client("sts", endpoint_url="http://127.0.0.1:%d" % port,
                                   region_name="us-east-1",
                                   aws_access_key_id=fields["aws_access_key_id"],
                                   aws_secret_access_key=fields["aws_secret_access_key"])
                self.assertTrue(retry(sts.get_caller_identity)["Arn"].endswith(":user/admin"))
                self.assertFalse(os.path.exists(os.path.join(data, "master.key")))
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=10)
            bad = subprocess.run([BIN, "serve", "--data", data],
                                 env=dict(os.environ, GATEHOUSE_MASTER_KEY="xyz"),
                                 capture_output=True, text=True, timeout=10)
            self.assertEqual(bad.returncode, 1)
            self.assertIn("64 hex digits", bad.stderr)


class ProxySettingsTest(unittest.TestCase):
    """--trusted-proxy and --public-url as flags, variables and config keys; bad values refuse
    to start."""

    def serve(self, args, env=None):
        """Starts `serve` on a fresh data directory; returns (process, port, data)."""
        data = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", data]))
        port = free_port()
        proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % port, "--data", data]
                                + args, env=dict(os.environ, **(env or {})),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        def stop():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            return proc.communicate(timeout=10)[0]
        self.stop = stop

        def health():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status
        self.assertEqual(retry(health, retry_on=OSError), 200)
        return proc, port, data

    def forwarded_request(self, port, forwarded_for):
        """An unsigned request (refused, and logged) that claims to come from `forwarded_for`."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", "/", body="Action=GetCallerIdentity&Version=2011-06-15",
                     headers={"X-Forwarded-For": forwarded_for,
                              "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(conn.getresponse().status, 403)
        conn.close()

    def test_bad_values_refuse_to_start(self):
        for args, env, message in (
                (["--trusted-proxy", "10.0.0.0/33"], {}, "10.0.0.0/33 is not an IP address"),
                (["--trusted-proxy", "proxy.example.com"], {}, "proxy.example.com"),
                ([], {"GATEHOUSE_TRUSTED_PROXIES": "10.0.0.1,nope"}, "nope"),
                (["--public-url", "https://iam.example.com/console"], {}, "--public-url"),
                (["--public-url", "ftp://iam.example.com"], {}, "--public-url"),
                ([], {"GATEHOUSE_PUBLIC_URL": "https://user@iam.example.com"}, "--public-url")):
            with tempfile.TemporaryDirectory() as data:
                bad = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:%d" % free_port(),
                                      "--data", data] + args, env=dict(os.environ, **env),
                                     capture_output=True, text=True, timeout=20)
            self.assertEqual(bad.returncode, 2, (args, env, bad.stderr))
            self.assertIn(message, bad.stderr)
        with tempfile.TemporaryDirectory() as data:
            config = os.path.join(data, "gatehouse.toml")
            with open(config, "w") as f:
                f.write("trusted-proxy = 5\n")
            bad = subprocess.run([BIN, "serve", "--config", config, "--data", data],
                                 capture_output=True, text=True, timeout=20)
            self.assertEqual(bad.returncode, 2)
            self.assertIn("trusted-proxy must be a string or an array of strings", bad.stderr)
            with open(config, "w") as f:
                f.write("max-inbound-transfers = -1\n")
            bad = subprocess.run([BIN, "serve", "--config", config, "--data", data],
                                 capture_output=True, text=True, timeout=20)
            self.assertEqual(bad.returncode, 2)
            self.assertIn("max-inbound-transfers must be a non-negative integer", bad.stderr)

    def test_config_file_keys(self):
        with tempfile.TemporaryDirectory() as home:
            config = os.path.join(home, "gatehouse.toml")
            with open(config, "w") as f:
                f.write('trusted-proxy = ["10.0.0.0/8", "127.0.0.1"]\n'
                        'public-url = "https://IAM.example.com/"\n')
            proc, port, data = self.serve(["--config", config])
            self.forwarded_request(port, "203.0.113.50")
            out = self.stop()
        self.assertIn("links in mail and on the terminal name https://iam.example.com\n", out)
        self.assertIn("  https://iam.example.com/reset-password?token=", out)
        self.assertRegex(out, r" 203\.0\.113\.50 - - 403 ")
        with open(os.path.join(data, "aws", "config")) as f:
            self.assertIn("endpoint_url = https://iam.example.com\n", f.read())

    def test_flags_given_twice_and_the_default(self):
        _, port, _ = self.serve(["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy",
                                 "127.0.0.1/32"])
        self.forwarded_request(port, "203.0.113.51")
        self.assertRegex(self.stop(), r" 203\.0\.113\.51 - - 403 ")
        # Without --trusted-proxy the header is not read; links name the listen address.
        _, port, _ = self.serve([])
        self.forwarded_request(port, "203.0.113.52")
        out = self.stop()
        self.assertNotIn("203.0.113.52", out)
        self.assertRegex(out, r" 127\.0\.0\.1 - - 403 ")
        self.assertIn("  http://127.0.0.1:%d/reset-password?token=" % port, out)
