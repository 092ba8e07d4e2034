"""The deployment of docs/deployment.md, as written: three `gatehouse serve --database
postgresql://…` instances on one database of ctest's `postgres` cluster, behind Debian's nginx
running docs/examples/nginx-gatehouse.conf itself (only the instances' ports and the listening
port changed). The AWS CLI and boto3 work through it: a caller reads its own writes at once (its
requests stay on one instance), callers are spread over the instances (nginx's access log names
the instance of each) and each instance reads the others' writes; presigned URLs, the console
page and console sign-in pass; the operator's endpoint does not; a caller whose instance stops
moves to another.
"""
import http.client
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

import boto3
from botocore.config import Config

from console_client import ConsoleClient
from test_postgres_serve import Instance, fresh_database, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "..", "..", "docs", "examples", "nginx-gatehouse.conf")
DOC_UPSTREAMS = ("127.0.0.1:4571", "127.0.0.1:4572", "127.0.0.1:4573")
DOC_LISTEN = "listen 4566;"
PASSWORD = "Str0ng-Console-Pass!"
READ_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}]}


def nginx_binary():
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(found):
        raise AssertionError("no nginx: scripts/install-deps installs Debian's")
    return found


def render(upstreams, listen_port):
    """The documented file with the instances' ports and nginx's port put in."""
    with open(CONFIG) as f:
        text = f.read()
    for documented in DOC_UPSTREAMS:
        assert text.count("server %s " % documented) == 2, documented
    assert text.count(DOC_LISTEN) == 1
    for documented, actual in zip(DOC_UPSTREAMS, upstreams):
        text = text.replace("server %s " % documented, "server %s " % actual)
    return text.replace(DOC_LISTEN, "listen 127.0.0.1:%d;" % listen_port)


class Nginx:
    """nginx in the foreground on a private prefix: the main file only sets paths and includes
    the rendered documented file in its http context, as Debian's conf.d does."""

    def __init__(self, upstreams):
        self.prefix = tempfile.mkdtemp(prefix="nginx-")
        os.chmod(self.prefix, 0o755)  # the workers run as nobody when started by root
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        site = os.path.join(self.prefix, "gatehouse.conf")
        with open(site, "w") as f:
            f.write(render(upstreams, self.port))
        self.access_log = os.path.join(self.prefix, "access.log")
        main = os.path.join(self.prefix, "nginx.conf")
        with open(main, "w") as f:
            f.write("""worker_processes 1;
daemon off;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {p}/client_body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    include {site};
    # Who called (the documented file's caller key) and which instances nginx tried.
    log_format upstream '$gatehouse_caller $status $upstream_addr';
    access_log {p}/access.log upstream;
}}
""".format(p=self.prefix, site=site))
        subprocess.run([nginx_binary(), "-t", "-p", self.prefix, "-c", main, "-e",
                        os.path.join(self.prefix, "error.log")], check=True, capture_output=True)
        self.proc = subprocess.Popen(
            [nginx_binary(), "-p", self.prefix, "-c", main, "-e",
             os.path.join(self.prefix, "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                raise AssertionError("nginx did not start:\n" + self.errors())
            time.sleep(0.05)

    def errors(self):
        path = os.path.join(self.prefix, "error.log")
        return open(path).read() if os.path.exists(path) else ""

    def served(self, caller):
        """The instances that answered `caller`'s requests so far, in order (the last one nginx
        tried for each request). nginx logs a request just after answering it: the log is read
        once it has stopped growing."""
        size = -1
        while size != os.path.getsize(self.access_log):
            size = os.path.getsize(self.access_log)
            time.sleep(0.05)
        with open(self.access_log) as f:
            entries = [line.split(" ", 2) for line in f.read().splitlines()]
        return [e[2].split(",")[-1].strip() for e in entries if e[0] == caller]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        shutil.rmtree(self.prefix, ignore_errors=True)


class NginxDeploymentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        database, key = fresh_database("nginx"), secrets.token_hex(32)
        cls.instances = []
        with mock.patch.dict(os.environ, {"GATEHOUSE_MAX_CONNECTIONS_PER_CLIENT": "0"}):
            for _ in range(3):
                cls.instances.append(Instance(database, key))
        for instance in cls.instances:
            instance.wait_ready()
        creators = [i for i in cls.instances if "Created the management account" in i.output()]
        assert len(creators) == 1, [i.output() for i in cls.instances]
        cls.admin_key = creators[0].admin_key()
        cls.upstreams = ["127.0.0.1:%d" % i.port for i in cls.instances]
        cls.nginx = Nginx(cls.upstreams)

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        for instance in cls.instances:
            instance.stop()

    def client(self, service, key=None, token=None):
        key = key or self.admin_key
        return boto3.client(service, endpoint_url=self.nginx.endpoint, region_name="us-east-1",
                            aws_access_key_id=key[0], aws_secret_access_key=key[1],
                            aws_session_token=token,
                            config=Config(retries={"max_attempts": 1}))

    def aws(self, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.admin_key[0],
                   AWS_SECRET_ACCESS_KEY=self.admin_key[1], AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        env.pop("AWS_PROFILE", None)
        p = subprocess.run(["aws", "--endpoint-url", self.nginx.endpoint, "--output", "json"]
                           + list(args), env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout) if p.stdout.strip() else None

    def eventually(self, call, timeout=3):
        """call()'s value once it stops raising (another instance sees a write within the
        propagation bound), within timeout seconds."""
        deadline = time.time() + timeout
        while True:
            try:
                return call()
            except Exception:  # noqa: BLE001 - any failure means "not there yet"
                if time.time() > deadline:
                    raise
                time.sleep(0.01)

    def account(self):
        return self.client("sts").get_caller_identity()["Account"]

    def test_a_caller_reads_its_own_writes_at_once(self):
        # Requests signed with one key go to one instance: each write is seen by the next
        # request, with no wait, from the AWS CLI and from boto3.
        arn = self.aws("iam", "create-user", "--user-name", "cli-user")["User"]["Arn"]
        self.assertEqual(arn, "arn:aws:iam::%s:user/cli-user" % self.account())
        self.aws("iam", "create-access-key", "--user-name", "cli-user")
        self.assertEqual(self.aws("iam", "get-user", "--user-name", "cli-user")["User"]["Arn"], arn)
        iam = self.client("iam")
        for i in range(10):
            iam.create_user(UserName="script-%d" % i)
            iam.create_access_key(UserName="script-%d" % i)
            iam.put_user_policy(UserName="script-%d" % i, PolicyName="p",
                                PolicyDocument=json.dumps(READ_ONLY))
            iam.get_user_policy(UserName="script-%d" % i, PolicyName="p")

    def test_callers_are_spread_over_the_instances_and_every_one_reads_the_writes(self):
        iam = self.client("iam")
        iam.create_user(UserName="written-once")
        account = self.account()
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::%s:root" % account}}]}
        self.aws("iam", "create-role", "--role-name", "reader",
                 "--assume-role-policy-document", json.dumps(trust))
        self.aws("iam", "put-role-policy", "--role-name", "reader", "--policy-name", "read",
                 "--policy-document", json.dumps(READ_ONLY))
        sts = self.client("sts")
        role_arn = "arn:aws:iam::%s:role/reader" % account
        # Each role session is a caller of its own (a new access key id): nginx spreads them.
        served = set()
        for n in range(60):
            creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="s%d" % n)["Credentials"]
            token = (creds["AccessKeyId"], creds["SecretAccessKey"]), creds["SessionToken"]
            caller = self.client("sts", *token).get_caller_identity
            # The first session on a new database is sealed with the key ring's first key, which
            # the other instances see within the propagation bound; later ones at once.
            who = (self.eventually(caller) if n == 0 else caller())["Arn"]
            self.assertEqual(who, "arn:aws:sts::%s:assumed-role/reader/s%d" % (account, n))
            user = self.eventually(lambda: self.client("iam", *token).get_user(
                UserName="written-once"))["User"]
            self.assertEqual(user["UserName"], "written-once")
            served.update(self.nginx.served(creds["AccessKeyId"]))
            if served == set(self.upstreams):
                break
        self.assertEqual(served, set(self.upstreams))

    def test_a_presigned_url_passes_unchanged(self):
        # A presigned URL signs Host and the query string: both must reach the instance as sent.
        url = self.client("sts").generate_presigned_url("get_caller_identity", ExpiresIn=300,
                                                        HttpMethod="GET")
        with urllib.request.urlopen(url, timeout=10) as r:
            self.assertIn(b":user/admin</Arn>", r.read())
        with self.assertRaises(urllib.error.HTTPError) as altered:
            urllib.request.urlopen(url.replace("X-Amz-Expires=300", "X-Amz-Expires=299"),
                                   timeout=10)
        self.assertEqual(altered.exception.code, 403)

    def test_the_console_loads_and_signs_in_through_nginx(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.nginx.port, timeout=10)
        conn.request("GET", "/")
        page = conn.getresponse()
        self.assertEqual(page.status, 200)
        self.assertIn("text/html", page.getheader("Content-Type"))
        self.assertIn(b"gatehouse", page.read().lower())

        iam = self.client("iam")
        iam.create_user(UserName="console-user")
        iam.create_login_profile(UserName="console-user", Password=PASSWORD)
        iam.put_user_policy(UserName="console-user", PolicyName="read",
                            PolicyDocument=json.dumps(READ_ONLY))
        account = self.account()
        console = ConsoleClient(self.nginx.port)
        # The Origin a browser sends names nginx's address: the console compares it with the
        # Host header, which nginx passes on as the browser sent it.
        origin = {"Origin": self.nginx.endpoint}
        status, _, doc = self.eventually(lambda: self.signed_in(console, account, origin))
        self.assertEqual(status, 200, doc)
        console.session()
        for _ in range(4):
            status, doc = console.api("iam", "GetUser", {"UserName": "console-user"})
            self.assertEqual(status, 200, doc)
        cross = ConsoleClient(self.nginx.port).post(
            "/console/signin", {"account": account, "userName": "console-user",
                                "password": PASSWORD},
            headers={"Origin": "http://evil.example"})
        self.assertEqual(cross[0], 403, cross)

    @staticmethod
    def signed_in(console, account, headers):
        result = console.post("/console/signin", {"account": account, "userName": "console-user",
                                                  "password": PASSWORD}, headers=headers)
        if result[0] != 200 or not result[2].get("signedIn"):
            raise AssertionError(result)
        return result

    def test_the_operator_endpoint_is_not_exposed(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.nginx.port, timeout=10)
        conn.request("POST", "/_gatehouse/admin/accounts", body="{}")
        self.assertEqual(conn.getresponse().status, 404)

    def test_z_the_instance_of_a_caller_stopped_the_caller_moves_to_another(self):
        # Runs last (unittest orders by name): it stops an instance for good.
        iam = self.client("iam")
        iam.create_group(GroupName="before-the-stop")
        iam.get_group(GroupName="before-the-stop")
        before = self.nginx.served(self.admin_key[0])
        [home] = set(before)
        stopped = self.instances[self.upstreams.index(home)]
        stopped.proc.terminate()
        stopped.proc.wait(10)
        for i in range(6):
            self.eventually(lambda: iam.get_group(GroupName="before-the-stop"))
            iam.create_group(GroupName="after-the-stop-%d" % i)
            iam.get_group(GroupName="after-the-stop-%d" % i)
        answered = set(self.nginx.served(self.admin_key[0])[len(before):])
        self.assertEqual(len(answered), 1, answered)
        self.assertNotIn(home, answered)


if __name__ == "__main__":
    unittest.main()
