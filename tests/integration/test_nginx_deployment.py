"""The deployment of docs/deployment.md, as written: three `gatehouse serve --database
postgresql://…` instances on one database of ctest's `postgres` cluster, behind Debian's nginx
running docs/examples/nginx-gatehouse.conf, and behind Debian's HAProxy running
docs/examples/haproxy-gatehouse.cfg — the files themselves, with only the instances' ports and the
listening port changed; and with TLS end to end, docs/examples/nginx-gatehouse-tls.conf (with
certificates of the test's own). The AWS CLI and boto3 work through them: a caller reads its own writes at
once (its requests stay on one instance), callers are spread over the instances (the instance of
an answer is the one whose log has its request id) and each instance reads the others' writes;
presigned URLs, the console page and console sign-in pass; the operator's endpoint does not; a
caller whose instance stops moves to another. The instances trust the proxy (--trusted-proxy):
aws:SourceIp is the client's address, which a client cannot forge, and the links of the
server's mail name the proxy (--public-url). Apart from any proxy: a role session sealed with a
session key one instance has just made is accepted by another at once.
"""
import email
import email.policy
import glob
import http.client
import json
import os
import secrets
import shutil
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from clock_helpers import MovableClock
from console_client import ConsoleClient
from test_postgres_serve import Instance, fresh_database, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "docs", "examples")
DOC_INSTANCES = ("127.0.0.1:4571", "127.0.0.1:4572", "127.0.0.1:4573")
PASSWORD = "Str0ng-Console-Pass!"
READ_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}]}
ROOT_EMAIL = "root@gatehouse.local"  # the bootstrap's default
# The instances' environment, as docs/deployment.md starts them: they trust the proxy's address.
BEHIND_THE_PROXY = {"GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1/32"}


def binary(name):
    found = shutil.which(name) or "/usr/sbin/" + name
    if not os.path.exists(found):
        raise AssertionError("no %s: scripts/install-deps installs Debian's" % name)
    return found


def render(file_name, instances, changes):
    """The documented file with the instances' addresses put in (each is in both backends) and
    the other `changes` (documented text → actual), each of which it holds once."""
    with open(os.path.join(EXAMPLES, file_name)) as f:
        text = f.read()
    # Through placeholders: an actual address may contain a documented one (127.0.0.1:45721).
    for i, documented in enumerate(DOC_INSTANCES):
        assert text.count(documented) == 2, documented
        text = text.replace(documented, "@instance%d@" % i)
    for i, documented in enumerate(DOC_INSTANCES):
        text = text.replace("@instance%d@" % i, instances[i] if i < len(instances) else documented)
    for documented, actual in changes:
        assert text.count(documented) == 1, documented
        text = text.replace(documented, actual)
    return text


def signed_call(port, service, params, key, token=None, source=None, headers=None):
    """A query-protocol call signed with botocore's SigV4 and sent over http.client, from the
    local address `source` when given; (HTTP status, body text)."""
    body = "&".join("%s=%s" % (k, v) for k, v in params.items())
    request = AWSRequest(method="POST", url="http://127.0.0.1:%d/" % port, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(key[0], key[1], token), service, "us-east-1").add_auth(request)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                      source_address=(source, 0) if source else None)
    conn.request("POST", "/", body=body, headers=dict(request.headers.items(), **(headers or {})))
    answer = conn.getresponse()
    text = answer.read().decode()
    conn.close()
    return answer.status, text


def connection(port, context=None):
    """An HTTP connection to 127.0.0.1:port, over TLS with `context`."""
    if context is None:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)


def wait_healthy(port, context, proc, seconds, failure):
    """Returns once GET /healthz on `port` answers 200; raises failure() when `proc` exits or
    `seconds` pass first."""
    deadline = time.time() + seconds
    while True:
        try:
            conn = connection(port, context)
            conn.request("GET", "/healthz")
            ready = conn.getresponse().status == 200
            conn.close()
            if ready:
                return
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise AssertionError(failure())
        time.sleep(0.05)


class Proxy:
    """A proxy in the foreground in a private directory, running a documented file."""

    def __init__(self, port=None):
        self.dir = tempfile.mkdtemp(prefix="proxy-")
        os.chmod(self.dir, 0o755)  # nginx's workers run as nobody when started by root
        self.port = port or free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.log = os.path.join(self.dir, "proxy.log")

    def start(self, command, context=None):
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_healthy(self.port, context, self.proc, 10,
                     lambda: "%s did not start:\n%s" % (command[0], self.output()))

    def output(self):
        text = ""
        for name in ("proxy.log", "error.log"):
            path = os.path.join(self.dir, name)
            if os.path.exists(path):
                text += open(path).read()
        return text

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class Nginx(Proxy):
    """Debian's nginx: the main file only sets paths and includes the documented file in its
    http context, as Debian's conf.d does."""

    file_name = "nginx-gatehouse.conf"

    def __init__(self, instances, context=None, port=None):
        super().__init__(port)
        site = os.path.join(self.dir, "gatehouse.conf")
        with open(site, "w") as f:
            f.write(render(self.file_name, instances, self.changes()))
        main = os.path.join(self.dir, "nginx.conf")
        with open(main, "w") as f:
            f.write("""worker_processes 1;
daemon off;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {p}/client_body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    include {site};
}}
""".format(p=self.dir, site=site))
        command = [binary("nginx"), "-p", self.dir, "-c", main, "-e",
                   os.path.join(self.dir, "error.log")]
        subprocess.run(command + ["-t"], check=True, capture_output=True)
        self.start(command, context)

    def changes(self):
        return [("listen 4566;", "listen 127.0.0.1:%d;" % self.port)]


class Haproxy(Proxy):
    """Debian's HAProxy on the documented file alone."""

    def __init__(self, instances, port=None):
        super().__init__(port)
        config = os.path.join(self.dir, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(render("haproxy-gatehouse.cfg", instances,
                           [("bind :4566", "bind 127.0.0.1:%d" % self.port)]))
        subprocess.run([binary("haproxy"), "-c", "-q", "-f", config], check=True)
        self.start([binary("haproxy"), "-db", "-f", config])


class Deployment:
    """The tests, run behind each documented proxy (the subclasses below)."""

    proxy = None

    @classmethod
    def setUpClass(cls):
        database, key = fresh_database(cls.proxy.__name__.lower()), secrets.token_hex(32)
        front_port = free_port()
        cls.public_url = "http://127.0.0.1:%d" % front_port
        cls.instances = []
        with mock.patch.dict(os.environ, dict(BEHIND_THE_PROXY,
                                              GATEHOUSE_PUBLIC_URL=cls.public_url)):
            for _ in range(3):
                cls.instances.append(Instance(database, key))
                cls.addClassCleanup(cls.instances[-1].stop)
        for instance in cls.instances:
            instance.wait_ready()
        creators = [i for i in cls.instances if "Created the management account" in i.output()]
        assert len(creators) == 1, [i.output() for i in cls.instances]
        cls.creator = creators[0]
        cls.admin_key = creators[0].admin_key()
        cls.front = cls.proxy(["127.0.0.1:%d" % i.port for i in cls.instances], port=front_port)
        cls.addClassCleanup(cls.front.stop)

    def served(self, response):
        """The instance that answered a boto3 call: the one whose log has its request id."""
        request_id = response["ResponseMetadata"]["RequestId"]
        deadline = time.time() + 2
        while True:
            found = [i for i in self.instances if request_id in i.output()]
            if found or time.time() > deadline:
                self.assertEqual(len(found), 1, request_id)
                return found[0]
            time.sleep(0.02)

    def client(self, service, key=None, token=None):
        key = key or self.admin_key
        return boto3.client(service, endpoint_url=self.front.endpoint, region_name="us-east-1",
                            aws_access_key_id=key[0], aws_secret_access_key=key[1],
                            aws_session_token=token,
                            config=Config(retries={"max_attempts": 1}))

    def aws(self, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.admin_key[0],
                   AWS_SECRET_ACCESS_KEY=self.admin_key[1], AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        env.pop("AWS_PROFILE", None)
        p = subprocess.run(["aws", "--endpoint-url", self.front.endpoint, "--output", "json"]
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
        # Each role session is a caller of its own (a new access key id): the proxy spreads them.
        served = set()
        for n in range(60):
            creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="s%d" % n)["Credentials"]
            token = (creds["AccessKeyId"], creds["SecretAccessKey"]), creds["SessionToken"]
            # The first session on a new database is sealed with the key ring's first key, made
            # a moment ago by the instance of the AssumeRole: every instance opens it at once.
            answer = self.client("sts", *token).get_caller_identity()
            who = answer["Arn"]
            self.assertEqual(who, "arn:aws:sts::%s:assumed-role/reader/s%d" % (account, n))
            user = self.eventually(lambda: self.client("iam", *token).get_user(
                UserName="written-once"))["User"]
            self.assertEqual(user["UserName"], "written-once")
            served.add(self.served(answer))
            if len(served) == len(self.instances):
                break
        self.assertEqual(len(served), len(self.instances))

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

    def test_the_console_loads_and_signs_in_through_the_proxy(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.front.port, timeout=10)
        conn.request("GET", "/")
        page = conn.getresponse()
        self.assertEqual(page.status, 200)
        self.assertIn("text/html", page.getheader("Content-Type"))
        self.assertIn(b"gatehouse", page.read().lower())
        conn.close()

        iam = self.client("iam")
        iam.create_user(UserName="console-user")
        iam.create_login_profile(UserName="console-user", Password=PASSWORD)
        iam.put_user_policy(UserName="console-user", PolicyName="read",
                            PolicyDocument=json.dumps(READ_ONLY))
        account = self.account()
        console = ConsoleClient(self.front.port)
        # The Origin a browser sends names the proxy's address: the console compares it with the
        # Host header, which the proxy passes on as the browser sent it.
        origin = {"Origin": self.front.endpoint}
        status, _, doc = self.eventually(lambda: self.signed_in(console, account, origin))
        self.assertEqual(status, 200, doc)
        console.session()
        for _ in range(4):
            status, doc = console.api("iam", "GetUser", {"UserName": "console-user"})
            self.assertEqual(status, 200, doc)
        cross = ConsoleClient(self.front.port).post(
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

    def test_aws_source_ip_is_the_client_behind_the_proxy(self):
        # The proxy connects from 127.0.0.1; the clients below from 127.0.0.5 and 127.0.0.6.
        iam = self.client("iam")
        iam.create_user(UserName="office-only")
        iam.put_user_policy(UserName="office-only", PolicyName="office", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.5/32"}}}]}))
        created = iam.create_access_key(UserName="office-only")["AccessKey"]
        key = created["AccessKeyId"], created["SecretAccessKey"]
        get_user = {"Action": "GetUser", "Version": "2010-05-08", "UserName": "office-only"}

        def from_the_office():
            status, text = signed_call(self.front.port, "iam", get_user, key, source="127.0.0.5")
            if status != 200:
                raise AssertionError((status, text))
            return text

        self.assertIn("<UserName>office-only</UserName>", self.eventually(from_the_office))
        # Another client is refused, also when it names the office's address itself: the proxy
        # appends the address it saw, and only that one is believed.
        for spoof in (None, {"X-Forwarded-For": "127.0.0.5"}):
            status, text = signed_call(self.front.port, "iam", get_user, key,
                                       source="127.0.0.6", headers=spoof)
            self.assertEqual(status, 403, text)
            self.assertIn("<Code>AccessDenied</Code>", text)
        # The instance's log names the client, not the proxy.
        logs = "".join(i.output() for i in self.instances)
        self.assertRegex(logs, r" 127\.0\.0\.6 iam:GetUser .* 403 AccessDenied")

    def test_links_printed_and_mailed_name_the_public_url(self):
        printed = self.creator.output()
        self.assertIn("  %s/reset-password?token=" % self.public_url, printed)
        self.assertIn("alias aws='aws --endpoint-url %s'" % self.public_url, printed)
        # The console's "Forgot your password?" through the proxy: without --smtp-url the mail
        # stays queued, with a copy in the DATA/outbox of the instance that answered.
        conn = http.client.HTTPConnection("127.0.0.1", self.front.port, timeout=10)
        conn.request("POST", "/console/forgot-password", json.dumps({"email": ROOT_EMAIL}),
                     {"Content-Type": "application/json"})
        answer = conn.getresponse()
        self.assertEqual(answer.status, 200, answer.read())
        conn.close()

        def mailed():
            found = [path for i in self.instances
                     for path in glob.glob(os.path.join(i.data.name, "outbox", "*.eml"))]
            if not found:
                raise AssertionError("no mail in any outbox")
            with open(found[0], "rb") as f:
                return email.message_from_bytes(f.read(), policy=email.policy.default)

        message = self.eventually(mailed, timeout=10)
        self.assertEqual(message["To"], ROOT_EMAIL)
        text = message.get_content()
        self.assertRegex(text, r"%s/reset-password\?token=[0-9a-f]{64}"
                         % self.public_url.replace(".", r"\."))
        self.assertNotRegex(text, r"127\.0\.0\.1:(%s)/"
                            % "|".join(str(i.port) for i in self.instances))

    def test_the_operator_endpoint_is_not_exposed(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.front.port, timeout=10)
        conn.request("POST", "/_gatehouse/admin/accounts", body="{}")
        self.assertEqual(conn.getresponse().status, 404)
        conn.close()

    def test_z_the_instance_of_a_caller_stopped_the_caller_moves_to_another(self):
        # Runs last (unittest orders by name): it stops an instance for good.
        iam = self.client("iam")
        iam.create_group(GroupName="before-the-stop")
        home = self.served(iam.get_group(GroupName="before-the-stop"))
        stopped = home.proc
        stopped.terminate()
        stopped.wait(10)
        answered = set()
        for i in range(6):
            self.eventually(lambda: iam.get_group(GroupName="before-the-stop"))
            iam.create_group(GroupName="after-the-stop-%d" % i)
            answered.add(self.served(iam.get_group(GroupName="after-the-stop-%d" % i)))
        self.assertEqual(len(answered), 1)  # the caller's new instance, for good
        self.assertNotIn(home, answered)


class NginxDeploymentTest(Deployment, unittest.TestCase):
    proxy = Nginx


class HaproxyDeploymentTest(Deployment, unittest.TestCase):
    proxy = Haproxy


def self_signed(directory, name, subject_alt_name):
    """A self-signed certificate and its key in `directory`: (certificate path, key path)."""
    cert, key = (os.path.join(directory, name + ext) for ext in (".pem", ".key"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                    "-addext", "subjectAltName=" + subject_alt_name, "-keyout", key, "-out",
                    cert], check=True, capture_output=True)
    os.chmod(key, 0o600)
    return cert, key


class NginxTls(Nginx):
    """nginx on the TLS example: its own certificate for the clients, the instances' checked."""

    file_name = "nginx-gatehouse-tls.conf"
    edge = instances_ca = None  # (certificate, key), set by the test

    def changes(self):
        return [("listen 443 ssl;", "listen 127.0.0.1:%d ssl;" % self.port),
                ("/etc/ssl/certs/gatehouse.example.com.pem", self.edge[0]),
                ("/etc/ssl/private/gatehouse.example.com.key", self.edge[1]),
                ("/etc/gatehouse/instances-ca.pem", self.instances_ca)]


class NginxTlsDeploymentTest(unittest.TestCase):
    """TLS from the client to nginx and from nginx to the instances (their own --tls-cert):
    aws:SecureTransport holds for requests through the proxy, the console cookie is Secure, and
    a browser's https Origin passes the console's check."""

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="certs-")
        cls.addClassCleanup(shutil.rmtree, cls.certs, True)
        os.chmod(cls.certs, 0o755)
        instance_cert, instance_key = self_signed(cls.certs, "gatehouse.internal",
                                                  "DNS:gatehouse.internal")
        cls.edge = self_signed(cls.certs, "edge", "IP:127.0.0.1")
        database, key = fresh_database("nginxtls"), secrets.token_hex(32)
        cls.instances = []
        tls = dict(BEHIND_THE_PROXY, GATEHOUSE_TLS_CERT=instance_cert,
                   GATEHOUSE_TLS_KEY=instance_key)
        with mock.patch.dict(os.environ, tls):
            for _ in range(3):
                cls.instances.append(Instance(database, key))
                cls.addClassCleanup(cls.instances[-1].stop)
        unverified = ssl._create_unverified_context()  # the instances' name is not 127.0.0.1
        for instance in cls.instances:
            wait_for_https(instance, unverified)
        cls.admin_key = next(i.admin_key() for i in cls.instances
                             if "Created the management account" in i.output())
        NginxTls.edge, NginxTls.instances_ca = cls.edge, instance_cert
        cls.context = ssl.create_default_context(cafile=cls.edge[0])
        cls.front = NginxTls(["127.0.0.1:%d" % i.port for i in cls.instances], cls.context)
        cls.addClassCleanup(cls.front.stop)
        cls.endpoint = "https://127.0.0.1:%d" % cls.front.port

    def client(self, service, key=None):
        key = key or self.admin_key
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=key[0], aws_secret_access_key=key[1],
                            verify=self.edge[0], config=Config(retries={"max_attempts": 1}))

    def test_the_aws_cli_and_boto3_over_tls_with_secure_transport(self):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.admin_key[0],
                   AWS_SECRET_ACCESS_KEY=self.admin_key[1], AWS_DEFAULT_REGION="us-east-1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        env.pop("AWS_PROFILE", None)
        p = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--ca-bundle", self.edge[0],
                            "--output", "json", "iam", "create-user", "--user-name", "tls-user"],
                           env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        iam = self.client("iam")
        iam.put_user_policy(UserName="tls-user", PolicyName="tls-only", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}))
        key = iam.create_access_key(UserName="tls-user")["AccessKey"]
        user = self.client("iam", (key["AccessKeyId"], key["SecretAccessKey"]))
        got = self.eventually(lambda: user.get_user(UserName="tls-user"))
        self.assertEqual(got["User"]["UserName"], "tls-user")

    def test_the_console_over_tls_sets_a_secure_cookie(self):
        iam = self.client("iam")
        iam.create_user(UserName="tls-console")
        iam.create_login_profile(UserName="tls-console", Password=PASSWORD)
        account = self.client("sts").get_caller_identity()["Account"]

        def sign_in():
            conn = connection(self.front.port, self.context)
            conn.request("POST", "/console/signin", body=json.dumps(
                {"account": account, "userName": "tls-console", "password": PASSWORD}),
                headers={"Content-Type": "application/json", "Origin": self.endpoint})
            answer = conn.getresponse()
            answer.read()
            conn.close()
            if answer.status != 200:
                raise AssertionError(answer.status)
            return answer.getheader("Set-Cookie")

        cookie = self.eventually(sign_in)
        self.assertIn("gatehouse-session=", cookie)
        self.assertIn("; Secure", cookie)

    eventually = Deployment.eventually


def wait_for_https(instance, context):
    wait_healthy(instance.port, context, instance.proc, 20,
                 lambda: "gatehouse did not start:\n" + instance.output())


class SessionKeysAcrossInstancesTest(MovableClock, unittest.TestCase):
    """Two instances on one database, no proxy: a role session sealed with a session key that
    one instance made a moment ago (the ring's first key, then each daily rotation) is accepted
    by the other at once — the other catches up with the database for a key it does not know,
    rather than answering InvalidClientTokenId until its follower brings the key."""

    ROUNDS = 8

    @classmethod
    def setUpClass(cls):
        cls.clock_dir = tempfile.mkdtemp(prefix="clock-")
        cls.addClassCleanup(shutil.rmtree, cls.clock_dir, True)
        cls.clock_file = os.path.join(cls.clock_dir, "clock-offset")
        cls.clock_writes = 0
        database, key = fresh_database("keyring"), secrets.token_hex(32)
        with mock.patch.dict(os.environ, {"GATEHOUSE_CLOCK_OFFSET_FILE": cls.clock_file}):
            cls.a = Instance(database, key)
            cls.addClassCleanup(cls.a.stop)
            cls.a.wait_ready()
            cls.b = Instance(database, key)
            cls.addClassCleanup(cls.b.stop)
            cls.b.wait_ready()
        cls.admin_key = cls.a.admin_key()

    def test_a_session_from_one_instance_is_accepted_by_another_at_once(self):
        iam, sts = self.a.client("iam", self.admin_key), self.a.client("sts", self.admin_key)
        account = sts.get_caller_identity()["Account"]
        iam.create_role(RoleName="worker", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"AWS": "arn:aws:iam::%s:root" % account}}]}))
        identity = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}
        for n in range(self.ROUNDS):
            # Round 0 makes the database's first session key; each later one is two days on,
            # past the daily rotation, so that AssumeRole on `a` makes a new key.
            with self.clock_moved(n * 2 * 24 * 3600):
                creds = sts.assume_role(RoleArn="arn:aws:iam::%s:role/worker" % account,
                                        RoleSessionName="r%d" % n)["Credentials"]
                status, text = signed_call(
                    self.b.port, "sts", identity,
                    (creds["AccessKeyId"], creds["SecretAccessKey"]), creds["SessionToken"])
                self.assertEqual(status, 200, "round %d: %s" % (n, text))
                self.assertIn(":assumed-role/worker/r%d</Arn>" % n, text)
            time.sleep(0.02)  # each round its own catch-up: they are at most one per 10 ms


if __name__ == "__main__":
    unittest.main()
