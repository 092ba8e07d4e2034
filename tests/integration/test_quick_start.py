"""The README's quick start, run as written: the server started as `make run` starts it, the
lines it prints pasted into a shell, then the README's `quickstart:cli` block with Debian's AWS CLI
(/usr/bin/aws, older than profile `endpoint_url` support) and its `quickstart:boto3` block with
Debian's boto3 — and the printed root reset link used in the console."""
import http.client
import json
import os
import re
import shlex
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

BIN = os.path.abspath(os.environ.get("GATEHOUSE_BIN", "build/gatehouse"))
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LISTEN = ("127.0.0.1", 4566)  # what `make run` listens on: serve's default


def readme_block(marker):
    """The fenced code block that follows `<!-- quickstart:MARKER` in the README."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"<!-- quickstart:%s\b[^>]*-->\s*```\w*\n(.*?)```" % marker, text, re.S)
    if not match:
        raise AssertionError("README.md has no quickstart:%s block" % marker)
    return match.group(1)


def make_run_args():
    """The arguments `make run` gives the binary (the Makefile's ARGS default)."""
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
        match = re.search(r"^ARGS\s*\?=\s*(.+)$", f.read(), re.M)
    return shlex.split(match.group(1))


def port_is_free(address):
    with socket.socket() as s:
        try:
            s.bind(address)
            return True
        except OSError:
            return False


class QuickStart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not port_is_free(LISTEN):
            raise AssertionError("port %d is taken; the quick start needs it" % LISTEN[1])
        cls.cwd = tempfile.TemporaryDirectory()
        cls.home = os.path.join(cls.cwd.name, "home")
        os.mkdir(cls.home)
        cls.proc = subprocess.Popen([BIN] + make_run_args(), cwd=cls.cwd.name, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        cls.printed = cls.read_bootstrap_message()
        # The server goes on logging to the pipe: keep draining it so that it never blocks.
        cls.drain = threading.Thread(target=cls.proc.stdout.read, daemon=True)
        cls.drain.start()

    @classmethod
    def read_bootstrap_message(cls):
        lines, deadline = [], time.time() + 30
        while time.time() < deadline:
            line = cls.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "/reset-password?token=" in line:
                return "".join(lines)
        cls.proc.kill()
        raise AssertionError("no bootstrap message:\n" + "".join(lines))

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)
        cls.drain.join(10)
        cls.proc.stdout.close()
        cls.cwd.cleanup()

    def pasted_lines(self):
        """What a user pastes: the printed export and alias lines."""
        lines = [l.strip() for l in self.printed.splitlines()
                 if l.startswith("export ") or l.startswith("alias ")]
        self.assertEqual(len(lines), 4, self.printed)
        return "\n".join(lines) + "\n"

    def run_shell(self, commands):
        """Runs commands in bash after the pasted lines, with only Debian's tools on PATH."""
        env = {"PATH": "/usr/bin:/bin", "HOME": self.home, "LANG": "C.UTF-8",
               "AWS_EC2_METADATA_DISABLED": "true"}
        script = "shopt -s expand_aliases\nset -e\n" + self.pasted_lines() + commands
        p = subprocess.run(["/bin/bash", "-c", script], cwd=self.cwd.name, env=env, text=True,
                           capture_output=True, timeout=120)
        self.assertEqual(p.returncode, 0, "stdout:\n%s\nstderr:\n%s" % (p.stdout, p.stderr))
        return p.stdout

    def account(self):
        return re.search(r"management account (\d{12})", self.printed).group(1)

    def test_1_the_cli_block_with_debians_aws_cli(self):
        version = subprocess.run(["/usr/bin/aws", "--version"], capture_output=True, text=True)
        self.assertIn("aws-cli/", version.stdout + version.stderr)
        out = self.run_shell(readme_block("cli"))
        self.assertIn("arn:aws:iam::%s:user/admin" % self.account(), out)
        self.assertIn('"alice"', out)

    def test_2_the_boto3_block_with_debians_boto3(self):
        # After the CLI block (alice exists); the block is a file run by Debian's python3.
        path = os.path.join(self.cwd.name, "quickstart.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(readme_block("boto3"))
        out = self.run_shell("/usr/bin/python3 %s\n" % shlex.quote(path))
        self.assertEqual(out.strip(), "arn:aws:iam::%s:user/alice" % self.account())

    def test_the_printed_link_takes_over_the_root_user(self):
        link = re.search(r"^\s*(http://\S+/reset-password\?token=\S+)$", self.printed, re.M)
        self.assertIsNotNone(link, self.printed)
        url = urllib.parse.urlsplit(link.group(1))
        self.assertEqual((url.hostname, url.port), LISTEN)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        conn.request("GET", url.path + "?" + url.query)
        page = conn.getresponse()
        self.assertEqual(page.status, 200)
        self.assertIn("text/html", page.getheader("Content-Type"))
        page.read()
        token = urllib.parse.parse_qs(url.query)["token"][0]
        body = json.dumps({"token": token, "password": "Quick-Start-Passw0rd!"})
        conn.request("POST", "/console/reset-password", body,
                     {"Content-Type": "application/json", "Origin": "http://127.0.0.1:4566"})
        answer = conn.getresponse()
        text = answer.read()
        conn.close()
        self.assertEqual(answer.status, 200, text)
        self.assertEqual(json.loads(text)["accountId"], self.account())


if __name__ == "__main__":
    unittest.main()
