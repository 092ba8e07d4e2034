"""`gatehouse serve --database postgresql://…` on the private cluster of ctest's `postgres`
fixture (tests/support/postgres_cluster.sh): the state lives in PostgreSQL, so an instance on
another data directory serves it; the master key must come from outside the data directory and
match the database's key check; a URI with a password, or a database that cannot be reached, is
refused at start. The mail outbox is shared: any instance with an SMTP server sends any mail,
each once."""
import configparser
import datetime
import http.client
import os
import secrets
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import boto3
from botocore.config import Config

import mfa_helpers
from test_console_mail import start_smtp

BIN = os.environ.get("GATEHOUSE_BIN", "build/gatehouse")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cluster_uri():
    path = os.environ.get("GATEHOUSE_TEST_POSTGRES_URI_FILE")
    if not path or not os.path.exists(path):
        raise AssertionError("no PostgreSQL test cluster: run through ctest (fixture postgres)")
    with open(path) as f:
        return f.read().strip()


def fresh_database(name):
    """A new, empty database of the cluster; returns its URI."""
    base = cluster_uri()
    db = "%s_%d" % (name, os.getpid())
    for sql in ("DROP DATABASE IF EXISTS %s" % db, "CREATE DATABASE %s" % db):
        subprocess.run(["psql", base, "-q", "-c", sql], check=True, capture_output=True)
    return base.rsplit("/", 1)[0] + "/" + db


def eventually(call, timeout=3):
    """call()'s value once it stops raising, within timeout seconds."""
    deadline = time.time() + timeout
    while True:
        try:
            return call()
        except Exception:  # noqa: BLE001 - any client error means "not there yet"
            if time.time() > deadline:
                raise
            time.sleep(0.01)


class Instance:
    """One `gatehouse serve` on its own data directory and port."""

    def __init__(self, database, master_key, extra_args=()):
        self.data = tempfile.TemporaryDirectory()
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        env = dict(os.environ, GATEHOUSE_DATABASE=database)
        env.pop("GATEHOUSE_MASTER_KEY", None)
        if master_key is not None:
            env["GATEHOUSE_MASTER_KEY"] = master_key
        self.log = open(os.path.join(self.data.name, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data", self.data.name,
             *extra_args],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self):
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("gatehouse exited %d:\n%s"
                                     % (self.proc.returncode, self.output()))
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("gatehouse did not start:\n" + self.output())

    def exit_code(self, timeout=20):
        return self.proc.wait(timeout)

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def admin_key(self):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(os.path.join(self.data.name, "aws", "credentials"))
        section = parser["gatehouse"]
        return section["aws_access_key_id"], section["aws_secret_access_key"]

    def client(self, service, key):
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=key[0], aws_secret_access_key=key[1],
                            config=Config(retries={"max_attempts": 1}))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        if not self.log.closed:
            self.log.close()
        self.data.cleanup()


class PostgresServeTest(unittest.TestCase):
    def setUp(self):
        self.instances = []

    def tearDown(self):
        for instance in self.instances:
            instance.stop()

    def start(self, database, master_key, extra_args=()):
        instance = Instance(database, master_key, extra_args)
        self.instances.append(instance)
        return instance

    def test_mail_queued_on_one_instance_is_sent_once_by_any_with_an_smtp_server(self):
        # The outbox is in the database: a mail queued on an instance without an SMTP server is
        # sent by the others, each mail by one of them only.
        database, key = fresh_database("mail"), secrets.token_hex(32)
        smtp_port = free_port()
        inbox, controller = start_smtp(smtp_port)
        self.addCleanup(controller.stop)
        a = self.start(database, key).wait_ready()
        smtp = ["--smtp-url", "smtp://127.0.0.1:%d" % smtp_port]
        b = self.start(database, key, smtp).wait_ready()
        c = self.start(database, key, smtp).wait_ready()
        for _ in range(3):
            conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
            conn.request("POST", "/console/forgot-password", '{"email":"root@gatehouse.local"}',
                         {"Content-Type": "application/json"})
            answer = conn.getresponse()
            self.assertEqual(answer.status, 200, answer.read())
            conn.close()
        messages = inbox.wait_for(3, timeout=30)
        time.sleep(1.5)  # any second delivery would arrive meanwhile
        self.assertEqual(len(inbox.messages), 3)
        self.assertEqual(len({m[2]["Message-ID"] for m in messages}), 3)
        tokens = [t for m in messages
                  for t in [m[2].get_content().split("token=")[1][:64]]]
        logs = b.output() + c.output()
        self.assertEqual(logs.count("delivered mail"), 3, logs)
        self.assertNotIn("delivered mail", a.output())
        for token in tokens:
            self.assertNotIn(token, logs + a.output())
        # a left its copies in its DATA/outbox; the store's queue is empty, as the command line
        # sees it against the PostgreSQL deployment.
        self.assertEqual(len(os.listdir(os.path.join(a.data.name, "outbox"))), 3)
        env = dict(os.environ, GATEHOUSE_DATABASE=database)
        with tempfile.TemporaryDirectory() as data:
            listing = eventually(lambda: self.listed_nothing(env, data), timeout=5)
        self.assertEqual(listing, "")

    def test_the_reset_mail_limit_per_address_holds_across_instances(self):
        # 30 reset mails per client address, then waits: 30 in all through two instances, not
        # 30 each; the 31st is refused by both.
        database, key = fresh_database("limits"), secrets.token_hex(32)
        a = self.start(database, key).wait_ready()
        b = self.start(database, key).wait_ready()
        for i in range(30):
            status, body = self.forgot_password(a if i % 2 == 0 else b)
            self.assertEqual(status, 200, body)
        time.sleep(1)  # both follow the feed (milliseconds; a poll every 500 ms at worst)
        for instance in (a, b):
            status, body = self.forgot_password(instance)
            self.assertEqual(status, 429, body)

    @staticmethod
    def forgot_password(instance):
        conn = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=10)
        conn.request("POST", "/console/forgot-password", '{"email":"nobody@example.com"}',
                     {"Content-Type": "application/json"})
        answer = conn.getresponse()
        status, body = answer.status, answer.read()
        conn.close()
        return status, body

    def listed_nothing(self, env, data):
        p = subprocess.run([BIN, "mail", "list", "--data", data], env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "")
        return p.stdout

    def test_the_state_lives_in_postgres_and_serves_from_another_data_directory(self):
        database, key = fresh_database("serve"), secrets.token_hex(32)
        first = self.start(database, key).wait_ready()
        self.assertIn("Created the management account", first.output())
        admin = first.admin_key()
        iam = first.client("iam", admin)
        iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"}])
        iam.create_group(GroupName="ops")
        iam.add_user_to_group(GroupName="ops", UserName="alice")
        alice_key = iam.create_access_key(UserName="alice")["AccessKey"]
        account = first.client("sts", admin).get_caller_identity()["Account"]
        first.proc.terminate()
        first.proc.wait(10)

        # Another instance, another data directory: nothing bootstrapped again, all there.
        second = self.start(database, key).wait_ready()
        self.assertNotIn("Created the management account", second.output())
        iam = second.client("iam", admin)
        user = iam.get_user(UserName="ALICE")["User"]
        self.assertEqual(user["Arn"], "arn:aws:iam::%s:user/alice" % account)
        self.assertEqual(user["Tags"], [{"Key": "team", "Value": "blue"}])
        groups = iam.list_groups_for_user(UserName="alice")["Groups"]
        self.assertEqual([g["GroupName"] for g in groups], ["ops"])
        # alice's secret was sealed by the first instance and opens on the second.
        alice = second.client("sts", (alice_key["AccessKeyId"], alice_key["SecretAccessKey"]))
        self.assertTrue(alice.get_caller_identity()["Arn"].endswith(":user/alice"))
        with self.assertRaises(iam.exceptions.EntityAlreadyExistsException):
            iam.create_user(UserName="Alice")

    def test_instances_on_one_database_follow_each_others_writes(self):
        database, key = fresh_database("follow"), secrets.token_hex(32)
        a = self.start(database, key).wait_ready()
        b = self.start(database, key).wait_ready()
        admin = a.admin_key()
        iam_a, iam_b = a.client("iam", admin), b.client("iam", admin)

        # A write on one is seen on the other within the bound (the follower wakes on NOTIFY).
        delays = []
        for i in range(20):
            iam_a.create_group(GroupName="team%d" % i)
            started = time.time()
            while True:
                try:
                    iam_b.get_group(GroupName="team%d" % i)
                    break
                except iam_b.exceptions.NoSuchEntityException:
                    self.assertLess(time.time() - started, 2, "team%d never reached b" % i)
                    time.sleep(0.005)
            delays.append(time.time() - started)
        self.assertLess(sorted(delays)[-1], 2)
        print("propagation a→b over %d writes: median %.1f ms, max %.1f ms"
              % (len(delays), 1000 * sorted(delays)[len(delays) // 2], 1000 * max(delays)))

        # Racing creates of one name on the two instances: exactly one wins.
        for i in range(5):
            name = "racer%d" % i
            results = []
            threads = [threading.Thread(target=lambda c=c, n=n: results.append(self.create(c, n)))
                       for c, n in ((iam_a, name), (iam_b, name.upper()))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(results), ["EntityAlreadyExists", "created"], name)

        # A write that rests on a stale directory is decided again on the store's state: b
        # deletes a group a has just given a member.
        iam_b.create_group(GroupName="doomed")
        iam_a.create_user(UserName="member")
        self.eventually(lambda: iam_a.get_group(GroupName="doomed"))
        iam_a.add_user_to_group(GroupName="doomed", UserName="member")
        with self.assertRaises(iam_b.exceptions.DeleteConflictException):
            iam_b.delete_group(GroupName="doomed")

        # A role session made on one instance is accepted by the other.
        sts_a = a.client("sts", admin)
        account = sts_a.get_caller_identity()["Account"]
        trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
                 '{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}' % account)
        iam_a.create_role(RoleName="shared", AssumeRolePolicyDocument=trust)
        self.eventually(lambda: iam_b.get_role(RoleName="shared"))
        creds = sts_a.assume_role(RoleArn="arn:aws:iam::%s:role/shared" % account,
                                  RoleSessionName="across")["Credentials"]
        session_b = boto3.client("sts", endpoint_url=b.endpoint, region_name="us-east-1",
                                 aws_access_key_id=creds["AccessKeyId"],
                                 aws_secret_access_key=creds["SecretAccessKey"],
                                 aws_session_token=creds["SessionToken"])
        arn = self.eventually(lambda: session_b.get_caller_identity()["Arn"])
        self.assertEqual(arn, "arn:aws:sts::%s:assumed-role/shared/across" % account)

    def management_account(self, instance, database, key, name):
        """A standalone account made in the shared database, with its own organization: its
        admin's key."""
        env = dict(os.environ, GATEHOUSE_DATABASE=database, GATEHOUSE_MASTER_KEY=key)
        p = subprocess.run([BIN, "account", "create", "--data", instance.data.name, "--name", name,
                            "--email", "%s@example.com" % name.lower()],
                           env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(os.path.join(instance.data.name, "aws", "credentials"))
        key_pair = (parser[name]["aws_access_key_id"], parser[name]["aws_secret_access_key"])
        self.eventually(lambda: instance.client("organizations", key_pair)
                        .create_organization(FeatureSet="ALL"))
        return key_pair

    def test_transfer_quota_and_acceptance_hold_across_instances(self):
        # Invitations sent at once through two instances count against one quota, kept in
        # PostgreSQL; an invitation sent through one is accepted through the other.
        database, key = fresh_database("transfers"), secrets.token_hex(32)
        a = self.start(database, key, ["--max-inbound-transfers", "2"]).wait_ready()
        b = self.start(database, key, ["--max-inbound-transfers", "2"]).wait_ready()
        payer = self.management_account(a, database, key, "Payer")
        sources = [self.management_account(a, database, key, "Source%d" % i) for i in range(4)]
        today = datetime.datetime.now(datetime.timezone.utc)
        index = today.year * 12 + today.month + 1
        start = datetime.datetime(index // 12, index % 12 + 1, 1,
                                  tzinfo=datetime.timezone.utc)
        source_ids = [self.eventually(lambda k=k: b.client("sts", k).get_caller_identity())
                      ["Account"] for k in sources]
        results = []

        def invite(instance, target):
            orgs = instance.client("organizations", payer)
            try:
                orgs.invite_organization_to_transfer_responsibility(
                    Type="BILLING", Target={"Id": target, "Type": "ACCOUNT"},
                    StartTimestamp=start, SourceName="shared quota")
                results.append("sent")
            except Exception as e:  # noqa: BLE001 - the refusal's code is the result
                error = e.response
                results.append(error["Error"].get("Code") + "/" + error.get("Reason", ""))

        threads = [threading.Thread(target=invite, args=(a if i % 2 else b, t))
                   for i, t in enumerate(source_ids)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results.count("sent"), 2, results)
        for r in results:
            self.assertIn(r, ("sent", "ConstraintViolationException/"
                                      "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION",
                              "ConcurrentModificationException/"), results)
        inbound = self.eventually(lambda: b.client("organizations", payer)
                                  .list_inbound_responsibility_transfers(Type="BILLING"))
        self.assertEqual(len(inbound["ResponsibilityTransfers"]), 2)

        # The invited organization accepts through the instance that did not send it.
        invited = [k for k, i in zip(sources, source_ids) if any(
            t["Source"].get("ManagementAccountId") == i
            for t in inbound["ResponsibilityTransfers"])][0]
        handshake = b.client("organizations", invited).list_handshakes_for_account()[
            "Handshakes"][0]
        b.client("organizations", invited).accept_handshake(HandshakeId=handshake["Id"])
        rt = handshake["Resources"][0]["Value"]
        status = self.eventually(lambda: self.accepted(a, payer, rt))
        self.assertEqual(status, "ACCEPTED")

    def accepted(self, instance, key, transfer_id):
        status = instance.client("organizations", key).describe_responsibility_transfer(
            Id=transfer_id)["ResponsibilityTransfer"]["Status"]
        assert status == "ACCEPTED", status
        return status

    def test_a_totp_code_used_on_one_instance_is_refused_on_another(self):
        database, key = fresh_database("totp"), secrets.token_hex(32)
        a = self.start(database, key).wait_ready()
        b = self.start(database, key).wait_ready()
        admin = a.admin_key()
        iam_a, sts_a = a.client("iam", admin), a.client("sts", admin)
        account = sts_a.get_caller_identity()["Account"]
        device = iam_a.create_virtual_mfa_device(VirtualMFADeviceName="admin-mfa")
        serial = device["VirtualMFADevice"]["SerialNumber"]
        seed = device["VirtualMFADevice"]["Base32StringSeed"].decode()
        step = mfa_helpers.now_step()
        iam_a.enable_mfa_device(UserName="admin", SerialNumber=serial,
                                AuthenticationCode1=mfa_helpers.totp(seed, step - 1),
                                AuthenticationCode2=mfa_helpers.totp(seed, step))
        trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
                 '{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole",'
                 '"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}' % account)
        iam_a.create_role(RoleName="guarded", AssumeRolePolicyDocument=trust)
        arn = "arn:aws:iam::%s:role/guarded" % account
        sts_b = b.client("sts", admin)
        self.eventually(lambda: b.client("iam", admin).get_role(RoleName="guarded"))
        # Wait for a fresh time step, so the code below has not been used by the enabling.
        while mfa_helpers.now_step() == step:
            time.sleep(0.2)
        code = mfa_helpers.totp(seed, mfa_helpers.now_step())
        sts_a.assume_role(RoleArn=arn, RoleSessionName="first", SerialNumber=serial,
                          TokenCode=code)
        with self.assertRaises(sts_b.exceptions.ClientError) as refused:
            sts_b.assume_role(RoleArn=arn, RoleSessionName="again", SerialNumber=serial,
                              TokenCode=code)
        self.assertEqual(refused.exception.response["Error"]["Code"], "AccessDenied")

    @staticmethod
    def create(iam, name):
        try:
            iam.create_user(UserName=name)
            return "created"
        except iam.exceptions.EntityAlreadyExistsException:
            return "EntityAlreadyExists"

    eventually = staticmethod(eventually)

    def test_instances_starting_together_on_an_empty_database_bootstrap_once(self):
        database, key = fresh_database("together"), secrets.token_hex(32)
        instances = [self.start(database, key) for _ in range(3)]
        for instance in instances:
            instance.wait_ready()
        created = [i for i in instances if "Created the management account" in i.output()]
        self.assertEqual(len(created), 1, [i.output() for i in instances])
        admin = created[0].admin_key()
        accounts = {i.client("sts", admin).get_caller_identity()["Account"] for i in instances}
        self.assertEqual(len(accounts), 1)

    def test_an_instance_with_another_master_key_refuses_to_start(self):
        database = fresh_database("keycheck")
        first = self.start(database, secrets.token_hex(32)).wait_ready()
        first.proc.terminate()
        first.proc.wait(10)
        other = self.start(database, secrets.token_hex(32))
        self.assertEqual(other.exit_code(), 1)
        self.assertIn("does not open this database's key check", other.output())

    def test_postgres_needs_a_master_key_from_outside_the_data_directory(self):
        instance = self.start(fresh_database("nokey"), None)
        self.assertEqual(instance.exit_code(), 1)
        self.assertIn("GATEHOUSE_MASTER_KEY or --master-key-file", instance.output())
        self.assertFalse(os.path.exists(os.path.join(instance.data.name, "master.key")))

    def test_a_password_in_the_uri_is_refused(self):
        uri = cluster_uri().replace("gatehouse@", "gatehouse:s3cret@")
        instance = self.start(uri, secrets.token_hex(32))
        self.assertEqual(instance.exit_code(), 2)
        self.assertIn("PGPASSWORD", instance.output())
        self.assertNotIn("s3cret", instance.output())

    def test_an_unreachable_database_fails_the_start_at_once(self):
        started = time.time()
        instance = self.start("postgresql://gatehouse@127.0.0.1:%d/none?connect_timeout=3"
                              % free_port(), secrets.token_hex(32))
        self.assertEqual(instance.exit_code(), 1)
        self.assertIn("cannot connect to PostgreSQL", instance.output())
        self.assertLess(time.time() - started, 10)


if __name__ == "__main__":
    unittest.main()
