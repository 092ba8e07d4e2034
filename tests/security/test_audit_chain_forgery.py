"""Someone who can write the database but does not hold the deployment's master key edits a
recorded call (to hide where it came from) and recomputes the whole chain of digests exactly as
gatehouse computes it. The chain alone then holds; the digests' signatures, which need the key,
name the first batch that was sealed again."""
import hashlib

import test_audit_verify


class AuditChainForgeryTest(test_audit_verify.AuditServerTestCase):
    db = test_audit_verify.AuditExportAndVerifyTest.db
    seal_store = test_audit_verify.AuditExportAndVerifyTest.seal_store

    def forge(self, edit_seq, new_body):
        """Rewrites event edit_seq and reseals every digest from its batch on, keeping the old
        signatures (the forger cannot make new ones); the 1-based batch that changed."""
        with self.db() as db:
            test_audit_verify.set_body(db, edit_seq, new_body)
            digests = db.execute("SELECT first_seq, last_seq, previous, digest FROM audit_digests "
                                 "ORDER BY first_seq").fetchall()
            previous, changed = digests[0][2], None
            for k, (first, last, _, old) in enumerate(digests, 1):
                text = previous + "\n"
                for seq, body in test_audit_verify.stored_events(db, first, last):
                    text += "%d %s\n" % (seq, hashlib.sha256(body.encode()).hexdigest())
                digest = hashlib.sha256(text.encode()).hexdigest()
                if digest != old and changed is None:
                    changed = k
                db.execute("UPDATE audit_digests SET previous = ?, digest = ? WHERE first_seq = ?",
                           (previous, digest, first))
                previous = digest
        return changed

    def test_a_recomputed_chain_holds_until_its_signatures_are_checked(self):
        iam = self.admin("iam")
        iam.create_user(UserName="forged")
        iam.get_user(UserName="forged")
        self.seal_store()
        self.stop_server()
        p = self.gatehouse("audit", "public-key", "--data", self.data.name)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        key = p.stdout.strip()
        with self.db() as db:
            seq, body = next((n, b) for n, b in test_audit_verify.stored_events(db)
                             if '"CreateUser"' in b)
        self.assertIn('"sourceIPAddress":"127.0.0.1"', body)
        batch = self.forge(seq, body.replace('"127.0.0.1"', '"203.0.113.9"'))
        self.assertIsNotNone(batch)

        p = self.verify("--data", self.data.name)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)  # the forged chain holds
        self.assertIn("chain intact", p.stdout)
        p = self.verify("--data", self.data.name, "--public-key", key)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("broken link: batch %d (" % batch, p.stdout)
        self.assertIn("signature does not verify with the given public key", p.stdout)


if __name__ == "__main__":
    import unittest
    unittest.main()
