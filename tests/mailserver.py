"""Real mail servers for the email channel's tests: Debian's dovecot (IMAP) with a throwaway
config in a temp dir (the demo's own implementation, `cti.demo.mailbox`), and aiosmtpd (SMTP)
collecting what it receives.

Both listen on 127.0.0.1 only. See `cti.demo.mailbox` for how dovecot runs as root and as a
normal user.
"""

from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import imaplib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from cti.demo.mailbox import ImapServer, dovecot_missing, free_port, running_dovecot

__all__ = [
    "ImapServer",
    "SmtpReceiver",
    "dovecot_missing",
    "free_port",
    "running_dovecot",
    "running_smtp",
]


class _Collector:
    """aiosmtpd handler: keeps every message received, parsed, and wakes waiters."""

    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, email.message.EmailMessage]] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        with self.changed:
            self.messages.append((envelope, parsed))
            self.changed.notify_all()
        return "250 OK"


@dataclass
class SmtpReceiver:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""

    host: str
    port: int
    collector: _Collector

    @property
    def messages(self) -> list[tuple[Envelope, email.message.EmailMessage]]:
        with self.collector.changed:
            return list(self.collector.messages)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[email.message.EmailMessage]:
        """Block (in a thread, or from sync code) until `count` messages arrived."""
        with self.collector.changed:
            arrived = self.collector.changed.wait_for(
                lambda: len(self.collector.messages) >= count, timeout
            )
            assert arrived, f"{len(self.collector.messages)} of {count} messages in {timeout}s"
            return [message for _, message in self.collector.messages]


@contextlib.contextmanager
def running_smtp() -> Iterator[SmtpReceiver]:
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpReceiver(host="127.0.0.1", port=controller.port, collector=collector)
    finally:
        controller.stop()


def inbox(
    server: ImapServer, user: str, password: str, timeout: float = 30.0
) -> list[email.message.Message]:
    """Every mail in ``user``'s INBOX, read over IMAP as that user."""
    with imaplib.IMAP4(server.host, server.port, timeout=timeout) as imap:
        imap.login(user, password)
        imap.select("INBOX")
        _, found = imap.uid("SEARCH", "ALL")
        out = []
        for uid in found[0].split():
            _, data = imap.uid("FETCH", uid, "(RFC822)")
            raw = data[0][1]
            assert isinstance(raw, bytes)
            out.append(email.message_from_bytes(raw))
        return out
