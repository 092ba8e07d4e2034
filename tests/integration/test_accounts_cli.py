"""`gatehouse account create`: standalone accounts with their admin profile, made through the
running server's admin endpoint, or directly in the store before any server has started; and
`gatehouse account root-reset-link`, in the same two ways.

Run: python3 -m unittest test_accounts_cli (from tests/integration, GATEHOUSE_BIN set by ctest).
"""
import http.client
import json
import os
import re
import subprocess
import unittest
import warnings

import boto3
import botocore.session
from botocore.config import Config

from gatehouse_fixture import BIN, GatehouseTestCase

LINK = re.compile(r"^root password-reset link \(one-time, valid 24 hours\): (\S+)$", re.M)


class AccountsCliCase(GatehouseTestCase):
    def setUp(self):
        warnings.simplefilter("ignore", ResourceWarning)  # boto3 clients keep their sockets

    @classmethod
    def aws_path(cls, name):
        return os.path.join(cls.data.name, "aws", name)

    def aws_profile(self, profile, *args):
        """Runs the AWS CLI with `profile` of DATA/aws/; returns (exit code, stdout, stderr)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE=self.aws_path("config"),
                   AWS_SHARED_CREDENTIALS_FILE=self.aws_path("credentials"))
        p = subprocess.run(["aws", "--profile", profile] + list(args), env=env,
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def caller(self, profile):
        code, out, err = self.aws_profile(profile, "sts", "get-caller-identity")
        self.assertEqual(code, 0, err)
        return json.loads(out)

    def profile_client(self, profile, service):
        """boto3 with the credentials of `profile` read from DATA/aws/ (this botocore predates
        endpoint_url in config files, so the endpoint is given here)."""
        session = botocore.session.Session()
        session.set_config_variable("config_file", self.aws_path("config"))
        session.set_config_variable("credentials_file", self.aws_path("credentials"))
        return boto3.Session(botocore_session=session, profile_name=profile).client(
            service, endpoint_url=self.endpoint, config=Config(retries={"max_attempts": 1}))


class WithServerTest(AccountsCliCase):
    def test_create_then_use_the_profile(self):
        p = self.gatehouse("account", "create", "--data", self.data.name,
                           "--email", "dev@example.com", "--name", "dev")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 3, p.stdout)
        account_id = re.fullmatch(r"account: (\d{12})", lines[0]).group(1)
        self.assertNotEqual(account_id, self.account)
        link = LINK.search(p.stdout).group(1)
        self.assertRegex(link, "^" + re.escape(self.endpoint) + r"/reset-password\?token=[0-9a-f]{64}$")
        self.assertTrue(lines[2].startswith("profile: dev "), lines[2])

        # The running server knows the account at once.
        identity = self.caller("dev")
        self.assertEqual(identity["Account"], account_id)
        self.assertEqual(identity["Arn"], "arn:aws:iam::%s:user/admin" % account_id)
        iam = self.profile_client("dev", "iam")
        self.assertEqual([u["UserName"] for u in iam.list_users()["Users"]], ["admin"])
        attached = iam.list_attached_user_policies(UserName="admin")["AttachedPolicies"]
        self.assertEqual([a["PolicyName"] for a in attached], ["AdministratorAccess"])
        iam.create_user(UserName="dev-only")
        self.assertNotIn("dev-only",
                         [u["UserName"] for u in self.admin("iam").list_users()["Users"]])

        # The bootstrap profile is still there and still works.
        self.assertEqual(self.caller("gatehouse")["Account"], self.account)
        config = self.aws_file("config")
        self.assertEqual(config["profile dev"]["endpoint_url"],
                         config["profile gatehouse"]["endpoint_url"])
        self.assertEqual(config["profile dev"]["region"], "us-east-1")
        for name in ("config", "credentials"):
            self.assertEqual(os.stat(self.aws_path(name)).st_mode & 0o777, 0o600)

        # Nothing secret reaches the server's log.
        token = link.rsplit("=", 1)[1]
        secret = self.aws_file("credentials")["dev"]["aws_secret_access_key"]
        with open(os.path.join(self.data.name, "operator.secret")) as f:
            operator_secret = f.read().strip()
        with open(os.path.join(self.data.name, "serve.log")) as f:
            log = f.read()
        self.assertIn("gatehouse:CreateAccount", log)
        self.assertIn(account_id, log)
        for value in (token, secret, operator_secret):
            self.assertNotIn(value, log)

    def test_duplicate_email_fails(self):
        self.create_account("first", email="taken@example.com")
        p = self.gatehouse("account", "create", "--data", self.data.name,
                           "--email", "Taken@example.com", "--name", "second")
        self.assertEqual(p.returncode, 1)
        self.assertIn("already in use", p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertFalse(self.aws_file("credentials").has_section("second"))

    def test_no_admin_user_adds_no_profile(self):
        p = self.gatehouse("account", "create", "--data", self.data.name,
                           "--email", "bare@example.com", "--name", "bare", "--no-admin-user")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^account: \d{12}\n")
        self.assertIn("profile: none", p.stdout)
        self.assertFalse(self.aws_file("config").has_section("profile bare"))
        self.assertFalse(self.aws_file("credentials").has_section("bare"))
        account = self.create_account("bare2", admin_user=False)
        self.assertEqual(account["profile"], None)
        self.assertEqual(account["access_key_id"], None)

    def test_fixture_gives_further_accounts_with_admins(self):
        second = self.create_account("second")
        third = self.create_account("third", email="ops+third@example.com")
        self.assertEqual(second["profile"], "second")
        ids = set()
        for account in (second, third):
            sts = self.client("sts", account["access_key_id"], account["secret_access_key"])
            identity = sts.get_caller_identity()
            self.assertEqual(identity["Account"], account["account_id"])
            ids.add(identity["Account"])
        self.assertEqual(len(ids | {self.account}), 3)

    def test_profile_flags(self):
        p = self.gatehouse("account", "create", "--data", self.data.name,
                           "--email", "flags@example.com", "--name", "Flags Team",
                           "--profile", "flags", "--region", "eu-west-1")
        self.assertEqual(p.returncode, 0, p.stderr)
        config = self.aws_file("config")["profile flags"]
        self.assertEqual(config["region"], "eu-west-1")
        self.assertEqual(config["endpoint_url"], self.endpoint)
        self.assertEqual(self.caller("flags")["Arn"].split(":")[-1], "user/admin")

    def test_bad_usage_exits_2(self):
        for args in (["--name", "x"],                                   # no --email
                     ["--email", "x@example.com"],                      # no --name
                     ["--email", "not-an-email", "--name", "x"],
                     ["--email", "x@example.com", "--name", ""],
                     ["--email", "x@example.com", "--name", "has space"],  # as profile
                     ["--email", "x@example.com", "--name", "x", "--profile", "gatehouse"],
                     ["--email", "x@example.com", "--name", "x", "--endpoint-url", "nope"]):
            p = self.gatehouse("account", "create", "--data", self.data.name, *args)
            self.assertEqual(p.returncode, 2, (args, p.stdout, p.stderr))
        self.assertEqual(self.gatehouse("account").returncode, 2)

    def test_admin_endpoint_needs_the_operator_secret(self):
        body = json.dumps({"email": "intruder@example.com", "name": "intruder"})
        for headers in ({}, {"Authorization": "Bearer " + "0" * 64},
                        {"Authorization": "Bearer wrong"}):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            conn.request("POST", "/_gatehouse/admin/accounts", body=body,
                         headers=dict(headers, **{"Content-Type": "application/json"}))
            response = conn.getresponse()
            self.assertEqual(response.status, 403)
            self.assertEqual(json.loads(response.read())["code"], "AccessDenied")
            conn.close()
        # With the secret, bad input is a 400 in JSON.
        with open(os.path.join(self.data.name, "operator.secret")) as f:
            secret = f.read().strip()
        self.assertEqual(os.stat(os.path.join(self.data.name, "operator.secret")).st_mode & 0o777,
                         0o600)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", "/_gatehouse/admin/accounts", body='{"email": 1}',
                     headers={"Authorization": "Bearer " + secret})
        response = conn.getresponse()
        self.assertEqual(response.status, 400)
        self.assertEqual(json.loads(response.read())["code"], "ValidationError")
        conn.close()

    def test_server_json_names_the_endpoint(self):
        with open(os.path.join(self.data.name, "server.json")) as f:
            self.assertEqual(json.load(f), {"endpoint": self.endpoint})
        # A second server on the same data directory is refused.
        p = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0",
                            "--data", self.data.name], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("server.lock", p.stderr)


class RootResetLinkTest(AccountsCliCase):
    def reset_link(self, email):
        return self.gatehouse("account", "root-reset-link", "--data", self.data.name,
                              "--email", email)

    def test_a_new_link_each_time_through_the_server(self):
        account = self.create_account("linked", email="Linked@Example.com")
        links = []
        for email in ("linked@example.com", "LINKED@example.com"):
            p = self.reset_link(email)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("account: %s\n" % account["account_id"], p.stdout)
            link = LINK.search(p.stdout).group(1)
            self.assertRegex(link, r"/reset-password\?token=[0-9a-f]{64}$")
            links.append(link)
        self.assertNotEqual(links[0], links[1])
        # The server's log names the operation and the account, never the token.
        with open(os.path.join(self.data.name, "serve.log")) as log:
            text = log.read()
        self.assertIn("gatehouse:IssueRootResetLink", text)
        for link in links:
            self.assertNotIn(link.rsplit("=", 1)[1], text)

    def test_an_unknown_email_fails(self):
        p = self.reset_link("nobody@example.com")
        self.assertEqual(p.returncode, 1)
        self.assertIn("nobody@example.com", p.stderr)
        self.assertEqual(p.stdout, "")


class BeforeFirstStartTest(AccountsCliCase):
    """The command runs on a data directory no server has used yet; `serve` then bootstraps
    its management account beside the standalone one."""

    @classmethod
    def before_serve(cls):
        cls.offline = cls.gatehouse("account", "create", "--data", cls.data.name,
                                    "--email", "early@example.com", "--name", "early",
                                    "--endpoint-url", cls.endpoint)
        cls.offline_link = cls.gatehouse("account", "root-reset-link", "--data", cls.data.name,
                                         "--email", "early@example.com",
                                         "--endpoint-url", cls.endpoint)

    def test_reset_link_offline(self):
        self.assertEqual(self.offline_link.returncode, 0, self.offline_link.stderr)
        account_id = re.search(r"^account: (\d{12})$", self.offline.stdout, re.M).group(1)
        self.assertIn("account: %s\n" % account_id, self.offline_link.stdout)
        self.assertRegex(LINK.search(self.offline_link.stdout).group(1),
                         "^" + re.escape(self.endpoint) + r"/reset-password\?token=[0-9a-f]{64}$")

    def test_created_offline(self):
        self.assertEqual(self.offline.returncode, 0, self.offline.stderr)
        account_id = re.search(r"^account: (\d{12})$", self.offline.stdout, re.M).group(1)
        self.assertRegex(LINK.search(self.offline.stdout).group(1),
                         "^" + re.escape(self.endpoint) + r"/reset-password\?token=[0-9a-f]{64}$")
        # The server bootstrapped a management account of its own.
        self.assertNotEqual(self.account, account_id)
        self.assertEqual(self.caller("gatehouse")["Arn"],
                         "arn:aws:iam::%s:user/admin" % self.account)
        identity = self.caller("early")
        self.assertEqual(identity["Account"], account_id)
        self.assertEqual(identity["Arn"], "arn:aws:iam::%s:user/admin" % account_id)
        self.assertEqual([u["UserName"] for u in
                          self.profile_client("early", "iam").list_users()["Users"]], ["admin"])

    def test_then_online(self):
        # Once the server runs, the same command goes through it.
        later = self.create_account("later")
        sts = self.client("sts", later["access_key_id"], later["secret_access_key"])
        self.assertEqual(sts.get_caller_identity()["Account"], later["account_id"])
        self.assertEqual(self.caller("early")["Arn"].split(":")[-1], "user/admin")


if __name__ == "__main__":
    unittest.main()
