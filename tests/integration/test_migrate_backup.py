"""Operations on a deployment's database, against real servers and ctest's PostgreSQL cluster
(fixture `postgres`): `gatehouse migrate` moves an SQLite deployment to PostgreSQL (and back),
verified by counts and checksums, and refuses a target that holds data or a source a server still
writes; `gatehouse backup` copies the SQLite database while the server runs and the copy serves;
for PostgreSQL it names pg_dump; `gatehouse account create` and `root-reset-link` work against a
PostgreSQL deployment whose instances run, and every instance serves what they made.
"""
import configparser
import os
import re
import secrets
import subprocess
import tempfile
import threading
import time
import types
import unittest
import warnings

import boto3
from botocore.config import Config

import mfa_helpers
from console_client import ConsoleClient
from gatehouse_fixture import BIN, GatehouseTestCase
from test_postgres_serve import Instance, eventually, fresh_database

SHA = re.compile(r"^sha256 (source|target) ([0-9a-f]{64})$", re.M)
LINK = re.compile(r"^root password-reset link \(one-time, valid 24 hours\): \S+token=(\w+)$", re.M)
ROOT_PASSWORD = "Migrated-Root-1"


def gatehouse(*args, env=None):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=120,
                          env=env)


def without_master_key():
    env = dict(os.environ)
    env.pop("GATEHOUSE_MASTER_KEY", None)
    env.pop("GATEHOUSE_DATABASE", None)
    return env


def with_master_key(key_hex):
    return dict(without_master_key(), GATEHOUSE_MASTER_KEY=key_hex)


def checksums(output):
    sums = dict(SHA.findall(output))
    return sums.get("source"), sums.get("target")


def client(endpoint, service, key_id, secret, token=None):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        aws_session_token=token, config=Config(retries={"max_attempts": 1}))


class MigrateToPostgresTest(unittest.TestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)
        self.tmp = tempfile.TemporaryDirectory()
        self.instances = []

    def tearDown(self):
        for instance in self.instances:
            instance.stop()
        self.tmp.cleanup()

    def start(self, database, master_key):
        instance = Instance(database, master_key)
        self.instances.append(instance)
        return instance.wait_ready()

    def populate(self, server):
        """Users, keys, groups, roles, an alias, an MFA device and an organization with an
        account in an OU, on `server`."""
        d = types.SimpleNamespace()  # what to look for after the move
        d.admin = admin = server.admin_key()
        iam, orgs = server.client("iam", admin), server.client("organizations", admin)
        sts = server.client("sts", admin)
        d.account = sts.get_caller_identity()["Account"]
        d.tags = [{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "7"}]
        iam.create_user(UserName="alice", Path="/staff/", Tags=d.tags)
        iam.put_user_policy(UserName="alice", PolicyName="inline", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*",'
            '"Resource":"*"}]}'))
        iam.attach_user_policy(UserName="alice",
                               PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        d.alice_key = iam.create_access_key(UserName="alice")["AccessKey"]
        iam.create_group(GroupName="ops")
        iam.add_user_to_group(GroupName="ops", UserName="alice")
        policy = iam.create_policy(PolicyName="deploy", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*",'
            '"Resource":"*"}]}'))["Policy"]
        iam.attach_group_policy(GroupName="ops", PolicyArn=policy["Arn"])
        trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
                 '{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}' % d.account)
        iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=trust)
        iam.create_account_alias(AccountAlias="acme-prod")
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")
        d.mfa_serial = device["VirtualMFADevice"]["SerialNumber"]
        seed = device["VirtualMFADevice"]["Base32StringSeed"].decode()
        step = mfa_helpers.now_step()
        iam.enable_mfa_device(UserName="alice", SerialNumber=d.mfa_serial,
                              AuthenticationCode1=mfa_helpers.totp(seed, step - 1),
                              AuthenticationCode2=mfa_helpers.totp(seed, step))
        # A role session made before the move: its token must verify after it.
        d.session = sts.assume_role(RoleArn="arn:aws:iam::%s:role/deployer" % d.account,
                                    RoleSessionName="before")["Credentials"]

        orgs.create_organization(FeatureSet="ALL")
        request = orgs.create_account(AccountName="Workloads",
                                      Email="workloads@example.com")["CreateAccountStatus"]
        deadline = time.time() + 20
        while request["State"] == "IN_PROGRESS" and time.time() < deadline:
            time.sleep(0.1)
            request = orgs.describe_create_account_status(
                CreateAccountRequestId=request["Id"])["CreateAccountStatus"]
        self.assertEqual(request["State"], "SUCCEEDED", request)
        d.member = request["AccountId"]
        root = orgs.list_roots()["Roots"][0]["Id"]
        d.ou = orgs.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]
        orgs.move_account(AccountId=d.member, SourceParentId=root, DestinationParentId=d.ou["Id"])
        return d

    def check(self, server, d):
        """Everything populate() made is served by `server`, and the old credentials sign."""
        admin = d.admin
        iam, orgs = server.client("iam", admin), server.client("organizations", admin)
        self.assertEqual(server.client("sts", admin).get_caller_identity()["Account"], d.account)
        alice = iam.get_user(UserName="alice")["User"]
        self.assertEqual(alice["Arn"], "arn:aws:iam::%s:user/staff/alice" % d.account)
        self.assertEqual(alice["Tags"], d.tags)
        self.assertEqual(iam.list_user_policies(UserName="alice")["PolicyNames"], ["inline"])
        self.assertEqual([p["PolicyName"] for p in
                          iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]],
                         ["IAMReadOnlyAccess"])
        self.assertEqual([g["GroupName"] for g in
                          iam.list_groups_for_user(UserName="alice")["Groups"]], ["ops"])
        self.assertEqual([p["PolicyName"] for p in
                          iam.list_attached_group_policies(GroupName="ops")["AttachedPolicies"]],
                         ["deploy"])
        iam.get_role(RoleName="deployer")
        self.assertEqual(iam.list_account_aliases()["AccountAliases"], ["acme-prod"])
        self.assertEqual([m["SerialNumber"] for m in
                          iam.list_mfa_devices(UserName="alice")["MFADevices"]], [d.mfa_serial])
        self.assertEqual(orgs.describe_organization()["Organization"]["MasterAccountId"],
                         d.account)
        in_ou = orgs.list_accounts_for_parent(ParentId=d.ou["Id"])["Accounts"]
        self.assertEqual([(a["Id"], a["Name"], a["Status"]) for a in in_ou],
                         [(d.member, "Workloads", "ACTIVE")])

        # alice's secret was sealed before the move and opens after it (same master key).
        alice_sts = client(server.endpoint, "sts", d.alice_key["AccessKeyId"],
                           d.alice_key["SecretAccessKey"])
        self.assertEqual(alice_sts.get_caller_identity()["Arn"], alice["Arn"])
        # So does the session key ring: a role session of the old server verifies.
        session = client(server.endpoint, "sts", d.session["AccessKeyId"],
                         d.session["SecretAccessKey"], d.session["SessionToken"])
        self.assertEqual(session.get_caller_identity()["Arn"],
                         "arn:aws:sts::%s:assumed-role/deployer/before" % d.account)
        # The member account's access role is there too.
        member = server.client("sts", admin).assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % d.member,
            RoleSessionName="ops")["Credentials"]
        member_sts = client(server.endpoint, "sts", member["AccessKeyId"],
                            member["SecretAccessKey"], member["SessionToken"])
        self.assertEqual(member_sts.get_caller_identity()["Account"], d.member)

    def test_an_sqlite_deployment_moves_to_postgres_and_back(self):
        sqlite_path = os.path.join(self.tmp.name, "gatehouse.db")
        # A single server as it runs by default: its master key in DATA/master.key.
        source = self.start("sqlite:" + sqlite_path, None)
        made = self.populate(source)
        source.proc.terminate()
        self.assertEqual(source.proc.wait(10), 0)
        with open(os.path.join(source.data.name, "master.key"), "rb") as f:
            key = f.read().hex()

        target = fresh_database("migrate")
        p = gatehouse("migrate", "--from", "sqlite:" + sqlite_path, "--to", target,
                      env=without_master_key())
        self.assertEqual(p.returncode, 0, p.stderr)
        before, after = checksums(p.stdout)
        self.assertIsNotNone(before, p.stdout)
        self.assertEqual(before, after)
        self.assertRegex(p.stdout, r"(?m)^account +2 +2$")  # the management one and the member
        self.assertRegex(p.stdout, r"(?m)^mfa_device +1 +1$")
        self.assertIn("verified", p.stdout)

        # Two instances on the copy, with the key the SQLite server had: nothing bootstrapped
        # again, everything there on both, the old credentials sign.
        first = self.start(target, key)
        second = self.start(target, key)
        for server in (first, second):
            self.assertNotIn("Created the management account", server.output())
            self.check(server, made)

        # A target that holds data is refused, and left as it was.
        again = gatehouse("migrate", "--from", "sqlite:" + sqlite_path, "--to", target,
                          env=without_master_key())
        self.assertEqual(again.returncode, 1)
        self.assertIn("already holds data", again.stderr)
        self.check(first, made)

        # And back to SQLite, from the running deployment's database: the same checksums.
        back = os.path.join(self.tmp.name, "back.db")
        p = gatehouse("migrate", "--from", target, "--to", "sqlite:" + back,
                      env=without_master_key())
        self.assertEqual(p.returncode, 0, p.stderr)
        there, here = checksums(p.stdout)
        self.assertEqual(there, here)

    def test_a_source_that_is_not_there_is_refused_and_not_created(self):
        missing = os.path.join(self.tmp.name, "missing.db")
        p = gatehouse("migrate", "--from", "sqlite:" + missing, "--to",
                      "sqlite:" + os.path.join(self.tmp.name, "to.db"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("no gatehouse database at " + missing, p.stderr)
        self.assertEqual(os.listdir(self.tmp.name), [])
        p = gatehouse("migrate", "--from", "mysql://x", "--to", "sqlite:x.db")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--from", p.stderr)


class AccountCommandsOnPostgresTest(unittest.TestCase):
    """`gatehouse account …` against a PostgreSQL deployment with two instances running."""

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)
        self.key = secrets.token_hex(32)
        self.database = fresh_database("accounts")
        self.instances = [Instance(self.database, self.key) for _ in range(2)]
        for instance in self.instances:
            instance.wait_ready()
        self.cli_data = tempfile.TemporaryDirectory()

    def tearDown(self):
        for instance in self.instances:
            instance.stop()
        self.cli_data.cleanup()

    def account(self, *args, key=None):
        env = with_master_key(key or self.key)
        return gatehouse("account", *args, "--database", self.database,
                         "--data", self.cli_data.name, env=env)

    def test_create_and_reset_link_through_the_store(self):
        a, b = self.instances
        p = self.account("create", "--email", "dev@example.com", "--name", "dev",
                         "--endpoint-url", b.endpoint)
        self.assertEqual(p.returncode, 0, p.stderr)
        account_id = re.search(r"^account: (\d{12})$", p.stdout, re.M).group(1)
        self.assertIn("profile: dev ", p.stdout)
        credentials = configparser.ConfigParser(interpolation=None)
        credentials.read(os.path.join(self.cli_data.name, "aws", "credentials"))
        dev = (credentials["dev"]["aws_access_key_id"], credentials["dev"]["aws_secret_access_key"])

        # Both running instances take the account from the change feed; its admin's key,
        # sealed by the command, opens on each, and writes through either.
        for instance in (a, b):
            identity = eventually(lambda: instance.client("sts", dev).get_caller_identity())
            self.assertEqual(identity["Arn"], "arn:aws:iam::%s:user/admin" % account_id)
        a.client("iam", dev).create_user(UserName="made-on-a")
        eventually(lambda: b.client("iam", dev).get_user(UserName="made-on-a"))

        # The email is the database's to keep unique.
        taken = self.account("create", "--email", "DEV@example.com", "--name", "again",
                             "--no-admin-user")
        self.assertEqual(taken.returncode, 1)
        self.assertIn("dev@example.com", taken.stderr.lower())

        # A reset link made through the store: spent on one instance, the root signs in on the
        # other.
        p = self.account("root-reset-link", "--email", "dev@example.com",
                         "--endpoint-url", a.endpoint)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("account: %s\n" % account_id, p.stdout)
        token = LINK.search(p.stdout).group(1)

        def reset():
            status, _, doc = ConsoleClient(b.port).post(
                "/console/reset-password", {"token": token, "password": ROOT_PASSWORD})
            assert status == 200, doc
            return doc
        self.assertEqual(eventually(reset)["accountId"], account_id)
        console = ConsoleClient(a.port)
        status, doc = eventually(lambda: self.signed_in(console, "dev@example.com"))
        self.assertEqual((status, doc), (200, {"signedIn": True}))

    @staticmethod
    def signed_in(console, email):
        status, doc = console.sign_in_root(email, ROOT_PASSWORD)
        assert status == 200, doc
        return status, doc

    def test_the_deployments_master_key_is_required_and_checked(self):
        p = gatehouse("account", "create", "--database", self.database, "--data",
                      self.cli_data.name, "--email", "nokey@example.com", "--name", "nokey",
                      env=without_master_key())
        self.assertEqual(p.returncode, 1)
        self.assertIn("GATEHOUSE_MASTER_KEY or --master-key-file", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.cli_data.name, "master.key")))

        wrong = self.account("create", "--email", "wrong@example.com", "--name", "wrong",
                             key=secrets.token_hex(32))
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("does not open this database's key check", wrong.stderr)

        # From a file, as --master-key-file gives it; nothing was made by the refused ones.
        key_file = os.path.join(self.cli_data.name, "key")
        with open(key_file, "w") as f:
            f.write(self.key + "\n")
        p = gatehouse("account", "create", "--database", self.database, "--data",
                      self.cli_data.name, "--master-key-file", key_file,
                      "--email", "wrong@example.com", "--name", "filed", "--no-admin-user",
                      env=without_master_key())
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.account("root-reset-link", "--email", "nokey@example.com")
        self.assertEqual(p.returncode, 1)


class BackupTest(GatehouseTestCase):
    """`gatehouse backup` of the class's SQLite server, while it runs."""

    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_a_backup_taken_under_writes_serves(self):
        iam = self.admin("iam")
        iam.create_user(UserName="kept", Tags=[{"Key": "k", "Value": "v"}])
        kept_key = iam.create_access_key(UserName="kept")["AccessKey"]
        stop = threading.Event()
        written = []

        def write():
            writer = self.admin("iam")
            while not stop.is_set():
                name = "w%d" % len(written)
                writer.create_user(UserName=name)
                written.append(name)
        thread = threading.Thread(target=write)
        thread.start()
        try:
            while len(written) < 5:
                time.sleep(0.01)
            backup = os.path.join(self.tmp.name, "backup.db")
            p = gatehouse("backup", "--data", self.data.name, "--to", backup)
        finally:
            stop.set()
            thread.join()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("integrity_check ok", p.stdout)
        self.assertEqual(os.listdir(self.tmp.name), ["backup.db"])  # one file, nothing beside

        # A server on the copy, with the running server's key: what was acknowledged before the
        # backup began is there, and the old keys sign.
        with open(os.path.join(self.data.name, "master.key"), "rb") as f:
            key = f.read().hex()
        restored = Instance("sqlite:" + backup, key)
        try:
            restored.wait_ready()
            self.assertNotIn("Created the management account", restored.output())
            r_iam = client(restored.endpoint, "iam", *self.admin_key)
            self.assertEqual(r_iam.get_user(UserName="kept")["User"]["Tags"],
                             [{"Key": "k", "Value": "v"}])
            names = {u["UserName"] for u in r_iam.list_users()["Users"]}
            self.assertTrue({"w0", "w1", "w2", "w3"} <= names, names)
            kept = client(restored.endpoint, "sts", kept_key["AccessKeyId"],
                          kept_key["SecretAccessKey"])
            self.assertTrue(kept.get_caller_identity()["Arn"].endswith(":user/kept"))
        finally:
            restored.stop()

        # A copy of the copy through migrate (SQLite to SQLite) verifies as well.
        p = gatehouse("migrate", "--from", "sqlite:" + backup,
                      "--to", "sqlite:" + os.path.join(self.tmp.name, "copy.db"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(*checksums(p.stdout))

    def test_a_backup_never_overwrites_a_file(self):
        existing = os.path.join(self.tmp.name, "existing.db")
        with open(existing, "w") as f:
            f.write("precious")
        p = gatehouse("backup", "--data", self.data.name, "--to", existing)
        self.assertEqual(p.returncode, 1)
        self.assertIn("never overwrites", p.stderr)
        with open(existing) as f:
            self.assertEqual(f.read(), "precious")

    def test_postgres_is_backed_up_with_pg_dump(self):
        p = gatehouse("backup", "--database", "postgresql://db.internal/gatehouse",
                      "--to", "/tmp/gatehouse.dump")
        self.assertEqual(p.returncode, 2)
        self.assertIn("pg_dump --format=custom --file=/tmp/gatehouse.dump "
                      "'postgresql://db.internal/gatehouse'", p.stderr)
        self.assertIn("pg_restore", p.stderr)

    def test_migrate_refuses_a_database_its_server_still_writes(self):
        target = os.path.join(self.tmp.name, "target.db")
        p = gatehouse("migrate", "--from", "sqlite:" + os.path.join(self.data.name, "gatehouse.db"),
                      "--to", "sqlite:" + target)
        self.assertEqual(p.returncode, 1)
        self.assertIn("server.lock is held): stop it first", p.stderr)
        self.assertFalse(os.path.exists(target))


if __name__ == "__main__":
    unittest.main()
