"""Several `gatehouse serve` instances on one PostgreSQL, under the failures a deployment meets:
a console session and a sign-in halfway through move between instances; an instance killed
with kill -9 under write load loses no acknowledged write, and a CreateAccount it started is
finished by another; PostgreSQL stopped under load gives fast ServiceUnavailable answers while
authentication and reads go on, then recovery with nothing lost (on a cluster of its own, so
the other tests' shared cluster keeps running)."""
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import boto3
from botocore.config import Config

import mfa_helpers
from console_client import ConsoleClient
from test_postgres_serve import Instance, eventually, fresh_database

SUPPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support")
PASSWORD = "Correct-Horse-9-Battery!"


def health(instance):
    conn = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=5)
    conn.request("GET", "/healthz")
    r = conn.getresponse()
    return r.status, r.read().decode()


class Writer(threading.Thread):
    """Creates users u<tag>-0, u<tag>-1 … on one instance until stopped; keeps the names each
    acknowledged with 200, and the other answers' codes and latencies."""

    def __init__(self, instance, key, tag):
        super().__init__(daemon=True)
        self.iam = instance.client("iam", key)
        self.tag = tag
        self.acknowledged = []
        self.failures = []  # (code, seconds)
        self.stopping = threading.Event()

    def run(self):
        i = 0
        while not self.stopping.is_set():
            name = "u%s-%d" % (self.tag, i)
            i += 1
            started = time.time()
            try:
                self.iam.create_user(UserName=name)
                self.acknowledged.append(name)
            except Exception as e:  # noqa: BLE001 - every refusal is recorded and checked
                code = getattr(e, "response", {}).get("Error", {}).get("Code", type(e).__name__)
                self.failures.append((code, time.time() - started))
                time.sleep(0.02)

    def stop(self):
        self.stopping.set()
        self.join(30)


class PostgresResilienceTest(unittest.TestCase):
    def setUp(self):
        self.instances = []

    def tearDown(self):
        for instance in self.instances:
            instance.stop()

    def start(self, database, key, *extra):
        instance = Instance(database, key, extra)
        self.instances.append(instance)
        return instance.wait_ready()

    def test_a_console_session_and_a_sign_in_move_between_instances(self):
        database, key = fresh_database("console"), secrets.token_hex(32)
        a = self.start(database, key)
        b = self.start(database, key)
        admin = a.admin_key()
        iam = a.client("iam", admin)
        account = a.client("sts", admin).get_caller_identity()["Account"]
        iam.create_user(UserName="carol")
        iam.create_login_profile(UserName="carol", Password=PASSWORD)
        iam.put_user_policy(UserName="carol", PolicyName="self", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser",'
            '"Resource":"*"}]}'))
        eventually(lambda: b.client("iam", admin).get_login_profile(UserName="carol"))

        # Signed in on a, the session works on b, and signing out on b ends it on a.
        on_a = ConsoleClient(a.port)
        status, doc = on_a.sign_in_user(account, "carol", PASSWORD)
        self.assertEqual((status, doc), (200, {"signedIn": True}))
        on_b = ConsoleClient(b.port)
        on_b.cookie = on_a.cookie
        session = on_b.session()
        self.assertTrue(session["signedIn"], session)
        self.assertEqual(session["csrfToken"], on_a.csrf)
        status, user = on_b.api("iam", "GetUser")
        self.assertEqual(status, 200, user)
        self.assertEqual(user["User"]["UserName"], "carol")
        status, _, _ = on_b.post("/console/signout")
        self.assertEqual(status, 200)
        eventually(lambda: self.assertFalse(on_a.session()["signedIn"]))

        # The password step on b, the MFA step on a: the challenge is the database's.
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol")["VirtualMFADevice"]
        seed = device["Base32StringSeed"].decode()
        step = mfa_helpers.now_step()
        iam.enable_mfa_device(UserName="carol", SerialNumber=device["SerialNumber"],
                              AuthenticationCode1=mfa_helpers.totp(seed, step - 1),
                              AuthenticationCode2=mfa_helpers.totp(seed, step))
        eventually(lambda: self.assertEqual(
            len(b.client("iam", admin).list_mfa_devices(UserName="carol")["MFADevices"]), 1))
        while mfa_helpers.now_step() == step:
            time.sleep(0.2)
        code = mfa_helpers.totp(seed, mfa_helpers.now_step())
        first = ConsoleClient(b.port)
        status, doc = first.sign_in_user(account, "carol", PASSWORD)
        self.assertEqual(doc.get("next"), "mfa", doc)
        second = ConsoleClient(a.port)
        status, done = second.step("/console/signin/mfa",
                                   {"challenge": doc["challenge"], "code": code})
        self.assertEqual((status, done), (200, {"signedIn": True}))
        self.assertTrue(second.session()["mfa"])
        # The challenge was used once: b refuses it now.
        status, again = first.step("/console/signin/mfa",
                                   {"challenge": doc["challenge"], "code": code})
        self.assertEqual(status, 401, again)

    def test_wrong_passwords_spread_over_instances_meet_one_throttle(self):
        database, key = fresh_database("throttle"), secrets.token_hex(32)
        a = self.start(database, key)
        b = self.start(database, key)
        admin = a.admin_key()
        iam = a.client("iam", admin)
        account = a.client("sts", admin).get_caller_identity()["Account"]
        iam.create_user(UserName="dave")
        iam.create_login_profile(UserName="dave", Password=PASSWORD)
        eventually(lambda: b.client("iam", admin).get_login_profile(UserName="dave"))

        # Five wrong passwords in all, taking turns: the counts are the database's, so the next
        # attempt waits on either instance, not after five more on each.
        for i in range(5):
            on = ConsoleClient((a if i % 2 == 0 else b).port)
            status, doc = on.sign_in_user(account, "dave", "Wrong-pass-%d" % i)
            self.assertEqual(status, 401, (i, doc))
        time.sleep(0.5)  # far beyond the propagation delay
        for instance in (a, b):
            status, doc = ConsoleClient(instance.port).sign_in_user(account, "dave", PASSWORD)
            self.assertEqual(status, 429, doc)
            self.assertEqual(doc["error"]["code"], "Throttling", doc)
        # A restart forgets nothing.
        b.stop()
        self.instances.remove(b)
        c = self.start(database, key)
        status, doc = ConsoleClient(c.port).sign_in_user(account, "dave", PASSWORD)
        self.assertEqual(status, 429, doc)

    def test_kill_9_under_write_load_loses_no_acknowledged_write(self):
        database, key = fresh_database("kill9"), secrets.token_hex(32)
        a = self.start(database, key)
        b = self.start(database, key)
        admin = a.admin_key()
        writers = [Writer(a, admin, "w%d" % i) for i in range(4)]
        for w in writers:
            w.start()
        time.sleep(1.5)
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(10)
        for w in writers:
            w.stop()
        acknowledged = [name for w in writers for name in w.acknowledged]
        self.assertGreater(len(acknowledged), 20)
        # Every acknowledged user is in the database: b has it, and so does a restart of a.
        iam_b = b.client("iam", admin)
        listed = set()
        for page in iam_b.get_paginator("list_users").paginate():
            listed.update(u["UserName"] for u in page["Users"])
        missing = set(acknowledged) - listed
        self.assertFalse(missing, "acknowledged but lost: %s" % sorted(missing)[:10])
        print("kill -9 after %d acknowledged writes: none lost" % len(acknowledged))

    def test_create_account_started_on_a_killed_instance_is_finished_by_another(self):
        database, key = fresh_database("lease"), secrets.token_hex(32)
        # a keeps the request IN_PROGRESS for a while (as AWS does for minutes), then dies.
        a = self.start(database, key, "--account-creation-delay-ms", "60000")
        b = self.start(database, key)
        admin = a.admin_key()
        org_a = a.client("organizations", admin)
        org_a.create_organization(FeatureSet="ALL")
        request = org_a.create_account(Email="orphan@example.com", AccountName="orphan")
        request_id = request["CreateAccountStatus"]["Id"]
        self.assertEqual(request["CreateAccountStatus"]["State"], "IN_PROGRESS")
        time.sleep(1.5)  # a has leased it
        org_b = b.client("organizations", admin)
        status = org_b.describe_create_account_status(CreateAccountRequestId=request_id)
        self.assertEqual(status["CreateAccountStatus"]["State"], "IN_PROGRESS")
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(10)
        started = time.time()
        deadline = started + 30
        while True:
            status = org_b.describe_create_account_status(CreateAccountRequestId=request_id)
            if status["CreateAccountStatus"]["State"] != "IN_PROGRESS" or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(status["CreateAccountStatus"]["State"], "SUCCEEDED", status)
        print("CreateAccount of a killed instance finished by another %.1f s after the kill"
              % (time.time() - started))
        account_id = status["CreateAccountStatus"]["AccountId"]
        accounts = org_b.list_accounts()["Accounts"]
        self.assertIn(account_id, [acct["Id"] for acct in accounts])
        # Exactly one account for the request.
        self.assertEqual(sum(1 for acct in accounts if acct["Email"] == "orphan@example.com"), 1)


class PostgresOutageTest(unittest.TestCase):
    """PostgreSQL stopped and started under load, on a private cluster."""

    @classmethod
    def setUpClass(cls):
        cls.cluster = tempfile.mkdtemp(prefix="gatehouse-outage-")
        subprocess.run([os.path.join(SUPPORT, "postgres_cluster.sh"), "start", cls.cluster],
                       check=True, capture_output=True)
        with open(os.path.join(cls.cluster, "uri")) as f:
            cls.uri = f.read().strip()

    @classmethod
    def tearDownClass(cls):
        subprocess.run([os.path.join(SUPPORT, "postgres_cluster.sh"), "stop", cls.cluster],
                       capture_output=True)
        shutil.rmtree(cls.cluster, ignore_errors=True)

    def pg_ctl(self, action):
        subprocess.run([os.path.join(SUPPORT, "postgres_cluster.sh"), action, self.cluster],
                       check=True, capture_output=True)

    def test_postgres_stopped_under_load_gives_fast_503s_then_recovers_with_nothing_lost(self):
        key = secrets.token_hex(32)
        a = Instance(self.uri, key).wait_ready()
        b = Instance(self.uri, key).wait_ready()
        try:
            self.run_outage(a, b, a.admin_key())
        finally:
            a.stop()
            b.stop()

    def run_outage(self, a, b, admin):
        iam_a, iam_b = a.client("iam", admin), b.client("iam", admin)
        iam_a.create_user(UserName="before")
        eventually(lambda: iam_b.get_user(UserName="before"))
        writers = [Writer(a, admin, "a"), Writer(b, admin, "b")]
        for w in writers:
            w.start()
        time.sleep(1)
        self.pg_ctl("pause")
        down_since = time.time()
        time.sleep(3)
        # Writes answer ServiceUnavailable at once; authentication and reads go on.
        for instance in (a, b):
            self.assertEqual(health(instance)[0], 200)
            self.assertIn("database is unreachable", health(instance)[1])
            iam = instance.client("iam", admin)
            started = time.time()
            with self.assertRaises(iam.exceptions.ClientError) as refused:
                iam.create_user(UserName="during")
            # A refusal, not a wait for the database: as quick as the writers' below (a busy
            # machine has taken just over a second for one).
            self.assertLess(time.time() - started, 2.0)
            self.assertEqual(refused.exception.response["Error"]["Code"], "ServiceUnavailable")
            self.assertEqual(refused.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
            self.assertEqual(iam.get_user(UserName="before")["User"]["UserName"], "before")
            self.assertTrue(instance.client("sts", admin).get_caller_identity()["Arn"])
        self.pg_ctl("resume")
        # Back: every instance reconnects and writes again.
        for iam in (iam_a, iam_b):
            eventually(lambda iam=iam: iam.create_user(UserName="after-%d" % id(iam)), timeout=20)
        recovered = time.time() - down_since
        for w in writers:
            w.stop()
        for instance in (a, b):
            self.assertEqual(health(instance), (200, "ok\n"))
        # Answers during the outage were quick refusals, never hangs.
        slow = [f for w in writers for f in w.failures if f[1] > 2]
        self.assertFalse(slow, "slow refusals: %s" % slow[:5])
        codes = {f[0] for w in writers for f in w.failures}
        self.assertLessEqual(codes, {"ServiceUnavailable", "ServiceFailure"}, codes)
        # Nothing acknowledged was lost, and each instance caught up with the other's writes.
        acknowledged = {name for w in writers for name in w.acknowledged}

        def all_there(iam):
            listed = set()
            for page in iam.get_paginator("list_users").paginate():
                listed.update(u["UserName"] for u in page["Users"])
            self.assertFalse(acknowledged - listed)

        for iam in (iam_a, iam_b):
            eventually(lambda iam=iam: all_there(iam), timeout=10)
        print("outage: %d writes acknowledged, %d refused, recovered %.1f s after the stop"
              % (len(acknowledged), sum(len(w.failures) for w in writers), recovered))


if __name__ == "__main__":
    unittest.main()
