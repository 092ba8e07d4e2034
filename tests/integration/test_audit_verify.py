"""The audit trail exported with `serve --audit-file` and its tamper evidence: one JSON record per
call in the file (the stored record, byte for byte), sealed batch by batch in PATH.digest, and
`gatehouse audit verify` over the files (rotated ones too, in order) and over the store, which
holds until a byte of a record is changed and then names the batch that broke; the digests are
signed with the deployment's key, which `gatehouse audit public-key` prints."""
import base64
import json
import os
import shutil
import sqlite3
import time
import unittest

from botocore.exceptions import ClientError

from clock_helpers import MovableClock
from gatehouse_fixture import GatehouseTestCase

VERIFIED = "verified: %d events in %d batches, chain intact"


def batch_of(digest_path, line_number):
    """The 1-based batch of PATH.digest that seals line_number, and its first and last lines."""
    with open(digest_path) as f:
        for k, line in enumerate(f, 1):
            d = json.loads(line)
            if d["firstLine"] <= line_number <= d["lastLine"]:
                return k, d["firstLine"], d["lastLine"]
    raise AssertionError("no digest seals line %d" % line_number)


def stored_events(db, first=1, last=2 ** 62):
    """(number, body) of each event the audit file holds numbered first..last, in order: the
    rows of audit_events and the reads of audit_blocks, one record a line numbered from the
    block's first_seq (store/sqlite_audit_blocks.h)."""
    out = db.execute("SELECT seq, body FROM audit_events WHERE seq BETWEEN ? AND ?",
                     (first, last)).fetchall()
    for block_first, bodies in db.execute("SELECT first_seq, bodies FROM audit_blocks WHERE "
                                          "first_seq <= ? AND last_seq >= ?", (last, first)):
        out += [(block_first + i, body) for i, body in enumerate(bodies.split("\n"))
                if first <= block_first + i <= last]
    return sorted(out)


def set_body(db, seq, body):
    """Rewrites the body of event seq where it is stored: its row, or its line of a block."""
    if db.execute("UPDATE audit_events SET body = ? WHERE seq = ?", (body, seq)).rowcount:
        return
    first, bodies = db.execute("SELECT first_seq, bodies FROM audit_blocks WHERE first_seq <= ? "
                               "AND last_seq >= ?", (seq, seq)).fetchone()
    lines = bodies.split("\n")
    lines[seq - first] = body
    db.execute("UPDATE audit_blocks SET bodies = ? WHERE first_seq = ?", ("\n".join(lines), first))


class AuditServerTestCase(MovableClock, GatehouseTestCase):
    audit_args = []

    @classmethod
    def before_serve(cls):
        super().before_serve()
        cls.audit_file = os.path.join(cls.data.name, "audit.log")
        cls.extra_args = list(cls.extra_args) + ["--audit-file", cls.audit_file] + cls.audit_args

    def stop_server(self):
        self.proc.terminate()  # SIGTERM: the recorder stores and exports what is queued
        self.assertEqual(self.proc.wait(20), 0)

    def verify(self, *args):
        return self.gatehouse("audit", "verify", *args)

    def records(self, path=None):
        with open(path or self.audit_file) as f:
            return [json.loads(line) for line in f]


class AuditExportAndVerifyTest(AuditServerTestCase):
    def db(self):
        """The server's audit log: its own file beside the database (store/sqlite_audit.h)."""
        return sqlite3.connect(os.path.join(self.data.name, "gatehouse-audit.db"))

    def seal_store(self):
        """Moves the server's clock past two sealing rounds (every 5 minutes: the first notes
        the last event's number, the next seals through it) and waits for a digest."""
        time.sleep(1.5)  # the recorder appends what is queued within a second
        with self.clock_moved(6 * 60):
            time.sleep(2.5)
        with self.clock_moved(12 * 60):
            deadline = time.time() + 15
            while time.time() < deadline:
                with self.db() as db:
                    if db.execute("SELECT COUNT(*) FROM audit_digests").fetchone()[0] > 0:
                        return
                time.sleep(0.2)
        self.fail("the recorder sealed nothing")

    def test_exported_and_stored_events_verify_until_a_byte_changes(self):
        iam = self.admin("iam")
        iam.create_user(UserName="audited")
        iam.get_user(UserName="audited")
        iam.list_users()
        with self.assertRaises(ClientError):
            iam.get_user(UserName="nobody")
        iam.delete_user(UserName="audited")
        self.seal_store()
        self.stop_server()

        # One record per call, with CloudTrail's fields; the same bytes as the store's.
        records = self.records()
        for r in records:
            for field in ("eventVersion", "eventTime", "eventSource", "eventName", "eventID",
                          "recipientAccountId", "userIdentity"):
                self.assertIn(field, r)

        def calls(name, user=None):
            return [r for r in records if r["eventName"] == name and (
                user is None or (r.get("requestParameters") or {}).get("userName") == user)]

        self.assertEqual(len(calls("CreateUser", "audited")), 1)
        self.assertEqual(len(calls("GetUser", "audited")), 1)
        self.assertEqual(len(calls("DeleteUser", "audited")), 1)
        self.assertGreaterEqual(len(calls("ListUsers")), 1)
        refused = calls("GetUser", "nobody")
        self.assertEqual(len(refused), 1)
        self.assertEqual(refused[0]["errorCode"], "NoSuchEntity")
        self.assertTrue(all(r["eventSource"] == "iam.amazonaws.com"
                            for r in records if r["eventName"] in ("CreateUser", "DeleteUser")))
        with open(self.audit_file) as f:
            lines = f.read().splitlines()
        with self.db() as db:
            stored = {body for _, body in stored_events(db)}
        self.assertEqual(set(lines), stored)
        self.assertEqual(len(lines), len(stored))
        self.assertEqual(os.stat(self.audit_file).st_mode & 0o777, 0o600)

        # The file verifies; a changed byte breaks the batch that sealed it.
        with open(self.audit_file + ".digest") as f:
            batches = len(f.readlines())
        p = self.verify("--file", self.audit_file)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(VERIFIED % (len(lines), batches), p.stdout)
        pristine = self.audit_file + ".pristine"
        shutil.copyfile(self.audit_file, pristine)
        shutil.copyfile(self.audit_file + ".digest", pristine + ".digest")
        number = next(i for i, line in enumerate(lines, 1) if '"DeleteUser"' in line)
        lines[number - 1] = lines[number - 1].replace("audited", "audiTed", 1)
        with open(self.audit_file, "w") as f:
            f.write("\n".join(lines) + "\n")
        k, first, last = batch_of(self.audit_file + ".digest", number)
        p = self.verify("--file", self.audit_file)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("broken link: batch %d (lines %d..%d of %s): " % (k, first, last,
                                                                         self.audit_file),
                      p.stdout)
        # A missing file, and a command without its subcommand.
        self.assertEqual(self.verify("--file", self.audit_file + ".none").returncode, 1)
        self.assertEqual(self.gatehouse("audit").returncode, 2)

        # The store verifies from its digests; an edited body breaks its batch.
        p = self.verify("--data", self.data.name)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"verified: \d+ events in [1-9]\d* batches, chain intact")
        self.assertIn("note: digest signatures not checked", p.stdout)

        # The digests are signed with the deployment's key: the store's and the file's verify
        # with its public key, and with no other; a digest stripped of its signature breaks.
        p = self.gatehouse("audit", "public-key", "--data", self.data.name)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        key = p.stdout.strip()
        self.assertEqual(len(base64.b64decode(key, validate=True)), 32)
        for where in (("--data", self.data.name), ("--file", pristine)):
            p = self.verify(*where, "--public-key", key)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("chain intact", p.stdout)
            self.assertNotIn("not checked", p.stdout)
            other = base64.b64encode(b"\x01" * 32).decode()
            p = self.verify(*where, "--public-key", other)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("does not verify with the given public key", p.stdout)
        p = self.verify("--data", self.data.name, "--public-key", "not-a-key")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        # A mistyped data directory is refused, not made into a new deployment with a new key.
        missing = os.path.join(self.data.name, "none")
        p = self.gatehouse("audit", "public-key", "--data", missing)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("no gatehouse database at", p.stderr)
        self.assertFalse(os.path.exists(missing))
        with self.db() as db:
            signatures = db.execute("SELECT d.first_seq, s.signature FROM audit_digests d "
                                    "JOIN audit_digest_signatures s USING (first_seq) "
                                    "ORDER BY first_seq").fetchall()
            self.assertEqual(len(signatures),
                             db.execute("SELECT COUNT(*) FROM audit_digests").fetchone()[0])
            self.assertTrue(all(len(base64.b64decode(sig)) == 64 for _, sig in signatures))
            db.execute("DELETE FROM audit_digest_signatures WHERE first_seq = ?",
                       (signatures[-1][0],))
        p = self.verify("--data", self.data.name, "--public-key", key)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("batch %d (events %d.." % (len(signatures), signatures[-1][0]), p.stdout)
        self.assertIn("its digest is not signed", p.stdout)
        with self.db() as db:
            db.execute("INSERT INTO audit_digest_signatures VALUES (?, ?)", signatures[-1])
        with self.db() as db:
            seq, body = next((n, b) for n, b in stored_events(db) if '"CreateUser"' in b)
            digests = db.execute("SELECT first_seq, last_seq FROM audit_digests "
                                 "ORDER BY first_seq").fetchall()
            set_body(db, seq, body.replace("audited", "audiTed"))
        k, (first, last) = next((k, d) for k, d in enumerate(digests, 1) if d[0] <= seq <= d[1])
        p = self.verify("--data", self.data.name)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("broken link: batch %d (events %d..%d): " % (k, first, last), p.stdout)
        self.assertEqual(self.verify("--data", os.path.join(self.data.name, "none")).returncode, 2)

        # Put back, the chain holds; a read, one line of a block, edited in place breaks its
        # batch too.
        with self.db() as db:
            set_body(db, seq, body)
        self.assertEqual(self.verify("--data", self.data.name).returncode, 0)
        with self.db() as db:
            read, read_body = next((n, b) for n, b in stored_events(db)
                                   if '"GetUser"' in b and '"audited"' in b)
            self.assertEqual(db.execute("SELECT COUNT(*) FROM audit_events WHERE seq = ?",
                                        (read,)).fetchone()[0], 0)
            set_body(db, read, read_body.replace('"audited"', '"audiTed"'))
        k, (first, last) = next((k, d) for k, d in enumerate(digests, 1) if d[0] <= read <= d[1])
        p = self.verify("--data", self.data.name)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("broken link: batch %d (events %d..%d): " % (k, first, last), p.stdout)


class AuditExportRotationTest(AuditServerTestCase):
    audit_args = ["--audit-file-max-bytes", "5000"]  # about four records a file

    def test_rotated_files_verify_in_order(self):
        iam = self.admin("iam")
        for i in range(12):
            iam.create_user(UserName="rotated-%d" % i)
        time.sleep(1.5)
        self.stop_server()
        files = [self.audit_file + ".%d" % k for k in range(5, 0, -1)
                 if os.path.exists(self.audit_file + ".%d" % k)] + [self.audit_file]
        self.assertGreater(len(files), 2, os.listdir(self.data.name))
        for path in files:
            self.assertLessEqual(os.path.getsize(path), 5000)
        created = [r for path in files for r in self.records(path)
                   if r["eventName"] == "CreateUser"]
        self.assertEqual([r["requestParameters"]["userName"] for r in created],
                         ["rotated-%d" % i for i in range(12)])
        p = self.verify(*[arg for path in files for arg in ("--file", path)])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("chain intact", p.stdout)
        # Out of order, the link between two files breaks.
        p = self.verify("--file", files[-1], "--file", files[-2])
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("broken link: batch 1 (lines ", p.stdout)
        self.assertIn("its previous digest is not the batch before's", p.stdout)


if __name__ == "__main__":
    unittest.main()
