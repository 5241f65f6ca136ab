"""An aiosmtpd handler for the delivery tests (server/tests/smtp.rs): it refuses recipients
whose address starts with "refused" for good (550) and those starting with "later" for now
(451), stores every other message in a Maildir, and logs each RCPT so that a test can count
how often a mail was tried.

Run as: python3 -m aiosmtpd -n -l HOST:PORT -c smtp_picky.Picky MAILDIR LOGFILE
(with this folder on PYTHONPATH).
"""

from aiosmtpd.handlers import Mailbox


class Picky(Mailbox):
    def __init__(self, maildir, log_path):
        super().__init__(maildir)
        self.log_path = log_path

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("Picky takes a Maildir path and a log file path")
        return cls(args[0], args[1])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"RCPT {address}\n")
        if address.startswith("refused"):
            # Real servers quote the address; the site must keep it out of its logs.
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.startswith("later"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
