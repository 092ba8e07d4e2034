"""Secrets given to the server never sit on its command line, where every local user can read
them (ps, /proc/PID/cmdline): the flags that would carry them are refused, and the master key
comes from the environment, the config file or a file."""
import os
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from gatehouse_fixture import BIN, free_port


class OperatorSecretsTest(unittest.TestCase):
    def test_secret_flags_are_refused_on_the_command_line(self):
        with tempfile.TemporaryDirectory() as data:
            for args in (["--master-key", "ab" * 32], ["--master-key=" + "ab" * 32],
                         ["--smtp-password", "hunter2"], ["--smtp-password=hunter2"]):
                p = subprocess.run([BIN, "serve", "--data", data] + args, capture_output=True,
                                   text=True, timeout=10)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn("not taken on the command line", p.stderr)
                self.assertNotIn("ab" * 32, p.stderr + p.stdout)
                self.assertNotIn("hunter2", p.stderr + p.stdout)
                self.assertFalse(os.path.exists(os.path.join(data, "gatehouse.db")))

    def test_master_key_file(self):
        with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as keys:
            key_file = os.path.join(keys, "master.hex")
            with open(key_file, "w") as f:
                f.write("cd" * 32 + "\n")
            os.chmod(key_file, 0o600)
            port = free_port()
            proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % port, "--data",
                                     data, "--master-key-file", key_file],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                deadline = time.time() + 10
                while True:
                    try:
                        urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=2)
                        break
                    except OSError:
                        self.assertLess(time.time(), deadline, "the server did not start")
                        time.sleep(0.05)
                self.assertFalse(os.path.exists(os.path.join(data, "master.key")))
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=10)
            with open(key_file, "w") as f:
                f.write("not hex")
            bad = subprocess.run([BIN, "serve", "--data", data, "--master-key-file", key_file],
                                 capture_output=True, text=True, timeout=10)
            self.assertEqual(bad.returncode, 1)
            self.assertIn("64 hex digits", bad.stderr)


if __name__ == "__main__":
    unittest.main()
