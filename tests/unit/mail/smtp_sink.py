"""An SMTP server for the mail unit tests: smtp_sink.py PORT DIR.

Writes each message it accepts to DIR/NNNN.msg (the envelope sender on the first line, the
recipients on the second, then the message's bytes as received) and DIR/ready once it listens.
Refuses recipients whose address starts with "refused" for good (550) and those starting with
"later" for now (451), as a real server refuses unknown and busy mailboxes.
Runs until SIGTERM or SIGINT. Needs aiosmtpd (Debian's python3-aiosmtpd).
"""
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.startswith("later"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, "%04d" % self.count)
        with open(base + ".tmp", "wb") as f:
            f.write(("%s\n%s\n" % (envelope.mail_from, " ".join(envelope.rcpt_tos))).encode())
            f.write(envelope.original_content)
        os.rename(base + ".tmp", base + ".msg")
        return "250 Message accepted for delivery"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # the server's thread inherits the mask
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    open(os.path.join(out, "ready"), "w").close()
    signal.sigwait(stop)
    controller.stop()


if __name__ == "__main__":
    main()
