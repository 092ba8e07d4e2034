"""The root user's "Forgot your password?" mail, end to end: POST /console/forgot-password
queues a mail in the store's outbox, the server delivers it over SMTP to an aiosmtpd server in
this process (--smtp-url), and the link's one-time token sets the root password through
POST /console/reset-password. Also: mail survives an SMTP server that is down (`gatehouse mail
list` shows it queued), mail the server refuses for good is parked (`gatehouse mail list`) and
replayed (`gatehouse mail replay`), and without --smtp-url the mail stays queued (`gatehouse
mail show` prints it), a copy lands in DATA/outbox, and the log holds no token.

Needs Debian's python3-aiosmtpd (scripts/install-deps).
"""
import email
import email.policy
import glob
import http.client
import json
import os
import re
import sys
import threading
import time
import unittest

try:
    from aiosmtpd.controller import Controller
except ImportError:
    # The suites run on the Python with the newest botocore, which may lack aiosmtpd: Debian's
    # (python3-aiosmtpd, pure Python) is taken from its own packages, after this Python's.
    sys.path.append("/usr/lib/python3/dist-packages")
    from aiosmtpd.controller import Controller

from gatehouse_fixture import GatehouseTestCase, free_port

ROOT_EMAIL = "root@gatehouse.local"
NEW_PASSWORD = "Tr0ub4dor&3-horse-staple"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []  # (envelope sender, recipients, email.message.EmailMessage)
        self.cond = threading.Condition()
        self.refusing = False  # answer every recipient 550, as for an unknown mailbox
        self.recipients_offered = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recipients_offered += 1
        if self.refusing:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.cond:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            self.cond.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=15):
        with self.cond:
            self.cond.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)


def start_smtp(port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return inbox, controller


class ConsoleMailCase(GatehouseTestCase):
    def post(self, path, body):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
            response = conn.getresponse()
            text = response.read().decode()
            try:
                return response.status, json.loads(text)
            except ValueError:
                return response.status, text  # not the console's answer: shown by the assert
        finally:
            conn.close()

    def forgot_password(self, address=ROOT_EMAIL):
        status, body = self.post("/console/forgot-password", {"email": address})
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"sent": True})

    def token_in(self, text):
        link = re.search(r"http://127\.0\.0\.1:%d/reset-password\?token=([0-9a-f]{64})\b"
                         % self.port, text)
        self.assertIsNotNone(link, text)
        return link.group(1)

    def outbox(self):
        """The copies in DATA/outbox (written only without --smtp-url)."""
        return sorted(glob.glob(os.path.join(self.data.name, "outbox", "*.eml")))

    def mail(self, *args):
        p = self.gatehouse("mail", *args, "--data", self.data.name)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def wait_for_no_mail(self, timeout=5):
        """Waits until `gatehouse mail list` lists nothing: every mail delivered."""
        deadline = time.time() + timeout
        while self.mail("list") and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.mail("list"), "")

    def server_log(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()


class WithSmtpServerCase(ConsoleMailCase):
    """A server that delivers to an SMTP server of this process (self.inbox)."""

    @classmethod
    def before_serve(cls):
        cls.smtp_port = free_port()
        cls.inbox, cls.smtp = start_smtp(cls.smtp_port)
        cls.extra_args = ["--smtp-url", "smtp://127.0.0.1:%d" % cls.smtp_port]

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.stop()


class ForgotPasswordOverSmtpTest(WithSmtpServerCase):

    def test_the_link_resets_the_root_password_once(self):
        before = len(self.inbox.messages)
        self.forgot_password()
        messages = self.inbox.wait_for(before + 1)
        self.assertEqual(len(messages), before + 1, "no mail arrived")
        sender, recipients, message = messages[-1]
        self.assertEqual(sender, "no-reply@gatehouse.local")
        self.assertEqual(recipients, [ROOT_EMAIL])
        self.assertEqual(message["To"], ROOT_EMAIL)
        self.assertTrue(message["Subject"])
        self.assertEqual(message.get_content_type(), "text/plain")
        token = self.token_in(message.get_content())

        status, body = self.post("/console/reset-password",
                                 {"token": token, "password": NEW_PASSWORD})
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"accountId": self.account})
        status, body = self.post("/console/reset-password",
                                 {"token": token, "password": NEW_PASSWORD + "x"})
        self.assertEqual(status, 400, body)
        self.assertEqual(body["error"]["code"], "InvalidInput")

        # Delivered mail leaves the outbox, and no copy was left in DATA/outbox; the log names
        # it, never its token.
        self.wait_for_no_mail()
        self.assertEqual(self.outbox(), [])
        log = self.server_log()
        self.assertIn("delivered mail", log)
        self.assertNotIn(token, log)

    def test_the_console_is_told_mail_goes_out(self):
        # The "Check your email" page mentions DATA/outbox/ only when no SMTP server is set.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", "/console/session", headers={"Accept": "application/json"})
        session = json.loads(conn.getresponse().read())
        conn.close()
        self.assertEqual(session["mailKeptInOutbox"], False)

    def test_an_unknown_email_sends_nothing(self):
        before = len(self.inbox.messages)
        self.forgot_password("nobody@example.com")
        time.sleep(1)
        self.assertEqual(len(self.inbox.messages), before)


class MailWaitsForTheSmtpServerTest(ConsoleMailCase):
    @classmethod
    def before_serve(cls):
        cls.smtp_port = free_port()  # nothing listens there yet
        cls.extra_args = ["--smtp-url", "smtp://127.0.0.1:%d" % cls.smtp_port]

    def test_mail_is_delivered_once_the_server_starts(self):
        self.forgot_password()
        time.sleep(2)  # a few failed attempts
        listing = self.mail("list")
        self.assertRegex(listing, r"^queued \d{8}T\d{6}Z-[0-9a-f]{16} to %s "
                         r"\(\d+ failed attempts, the last: .+\)\n$" % ROOT_EMAIL)
        inbox, controller = start_smtp(self.smtp_port)
        try:
            messages = inbox.wait_for(1, timeout=30)
            self.assertEqual(len(messages), 1, "the mail did not arrive")
            self.assertEqual(messages[0][1], [ROOT_EMAIL])
            self.token_in(messages[0][2].get_content())
            self.wait_for_no_mail()
        finally:
            controller.stop()
        self.assertIn("not delivered, will retry", self.server_log())


class RefusedMailIsParkedTest(WithSmtpServerCase):
    def test_a_refused_mail_is_parked_not_retried_and_replayed_by_the_operator(self):
        self.inbox.refusing = True
        self.forgot_password()
        deadline = time.time() + 15
        while "parked" not in self.mail("list") and time.time() < deadline:
            time.sleep(0.1)
        listing = self.mail("list")
        self.assertRegex(listing, r"^parked \d{8}T\d{6}Z-[0-9a-f]{16} to %s: .*550" % ROOT_EMAIL)
        self.assertNotIn("queued", listing)
        self.assertEqual(self.outbox(), [])
        time.sleep(3)  # retry delays of 1 s and 2 s would have passed
        self.assertEqual(self.inbox.recipients_offered, 1, "a refused mail was tried again")
        self.assertIn("parked", self.server_log())

        # The operator fixes the cause and replays: the running server delivers it.
        self.inbox.refusing = False
        p = self.gatehouse("mail", "replay", "--data", self.data.name)
        self.assertEqual(p.returncode, 2, "replay needs ids or --all")
        self.assertIn("queued again", self.mail("replay", "--all"))
        messages = self.inbox.wait_for(1, timeout=20)
        self.assertEqual(len(messages), 1, "the replayed mail did not arrive")
        self.assertEqual(messages[0][1], [ROOT_EMAIL])
        self.token_in(messages[0][2].get_content())
        self.wait_for_no_mail()  # the record goes once the server has accepted the mail
        p = self.gatehouse("mail", "replay", "--data", self.data.name,
                           "20261129T172000Z-0123456789abcdef")
        self.assertEqual(p.returncode, 1)
        self.assertIn("No parked mail", p.stderr)


class MailStaysInTheOutboxTest(ConsoleMailCase):
    """Without --smtp-url the outbox is the record of what was sent: the mail stays queued in the
    store, with a copy in DATA/outbox."""

    def test_the_mail_lands_in_the_outbox_and_the_log_holds_no_token(self):
        self.forgot_password()
        deadline = time.time() + 10  # the mail is queued after the answer
        while not self.outbox() and time.time() < deadline:
            time.sleep(0.05)
        queued = self.outbox()
        self.assertEqual(len(queued), 1)
        self.assertRegex(os.path.basename(queued[0]), r"^\d{8}T\d{6}Z-[0-9a-f]{16}\.eml$")
        self.assertEqual(os.stat(queued[0]).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.dirname(queued[0])).st_mode & 0o777, 0o700)
        with open(queued[0], "rb") as f:
            message = email.message_from_bytes(f.read(), policy=email.policy.default)
        self.assertEqual(message["To"], ROOT_EMAIL)
        token = self.token_in(message.get_content())
        time.sleep(0.5)  # still there: nothing delivers it
        self.assertEqual(self.outbox(), queued)
        log = self.server_log()
        self.assertIn("queued mail", log)
        self.assertNotIn(token, log)

        # The store holds it too: listed, and shown byte for byte as the copy.
        mail_id = os.path.basename(queued[0])[:-len(".eml")]
        self.assertEqual(self.mail("list"), "queued %s to %s\n" % (mail_id, ROOT_EMAIL))
        shown = self.gatehouse("mail", "show", mail_id, "--data", self.data.name)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        with open(queued[0]) as f:
            self.assertEqual(shown.stdout, f.read())
        missing = self.gatehouse("mail", "show", "20261129T172000Z-0123456789abcdef",
                                 "--data", self.data.name)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("No mail", missing.stderr)

        status, body = self.post("/console/reset-password",
                                 {"token": token, "password": NEW_PASSWORD})
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"accountId": self.account})


if __name__ == "__main__":
    unittest.main()
