"""The mailbox the fetcher reads: Debian's dovecot started as the email tests start it
(`tests/mailserver.py`: a throwaway config on 127.0.0.1, stopped by its PID), and mail
put into it over IMAP APPEND, as another mail client or a delivery agent would."""

from __future__ import annotations

import contextlib
import imaplib
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from uq_bench.setup import Mailbox

sys.path.insert(1, str(Path(__file__).resolve().parents[2]))  # the repo, for tests/

from tests.mailserver import dovecot_missing, running_dovecot

BODY_LINES = 12  # a short customer mail: a few lines of text


@contextlib.contextmanager
def running_mailbox() -> Iterator[tuple[Mailbox, Mailbox]]:
    """The support mailbox the server reads, and one beside it for the IDLE floor."""
    missing = dovecot_missing()
    if missing is not None:
        raise SystemExit(missing)
    with running_dovecot() as server:
        mailbox = Mailbox(server.host, server.port)
        floor = replace(mailbox, user="floor")
        for box in (mailbox, floor):
            server.add_user(box.user, box.password)
        yield mailbox, floor


def bench_mail(key: str, sender: int) -> bytes:
    """One customer mail whose subject and text carry ``key`` (how arrivals are matched)."""
    message = EmailMessage()
    message["From"] = f"Customer {sender} <customer{sender}@example.net>"
    message["To"] = "support@example.com"
    message["Subject"] = f"{key} order question"
    message["Message-ID"] = f"<{key}.{time.time_ns()}@example.net>"
    message["Date"] = formatdate()
    text = "\n".join(f"line {i} of my question about the order" for i in range(BODY_LINES))
    message.set_content(f"{key}\n{text}\n")
    return message.as_bytes()


class ImapClient:
    """One logged-in IMAP connection that APPENDs to INBOX (blocking)."""

    def __init__(self, mailbox: Mailbox) -> None:
        self._imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=60)
        self._imap.login(mailbox.user, mailbox.password)

    def append(self, raw: bytes) -> None:
        """Returns once the server answered OK: from then on the server has the mail."""
        status, data = self._imap.append("INBOX", None, None, raw)
        if status != "OK":
            raise RuntimeError(f"APPEND refused: {data!r}")

    def count(self) -> int:
        status, data = self._imap.select("INBOX", readonly=True)
        if status != "OK":
            raise RuntimeError(f"SELECT refused: {data!r}")
        return int(data[0] or 0)

    def close(self) -> None:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self._imap.logout()


def fill(mailbox: Mailbox, count: int, connections: int = 4) -> float:
    """APPEND ``count`` mails (keys ``bk-import-<n>``) over ``connections`` IMAP
    connections; returns the seconds it took."""
    started = time.monotonic()

    def part(start: int) -> None:
        client = ImapClient(mailbox)
        try:
            for n in range(start, count, connections):
                client.append(bench_mail(f"bk-import-{n}", n))
        finally:
            client.close()

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(part, range(connections)))
    return time.monotonic() - started


def stored(mailbox: Mailbox) -> int:
    client = ImapClient(mailbox)
    try:
        return client.count()
    finally:
        client.close()


def idle_floor(mailbox: Mailbox, count: int) -> list[float]:
    """The mail path's floor: ms from an APPEND's OK to a plain IDLE client (cti's own
    `ImapSession`, no queue behind it) seeing the mail announced. Dovecot holds back
    IDLE announcements to batch changes, so this floor is dovecot's, not cti's."""
    from cti.channels.email.imapwire import ImapSession, ImapSettings

    settings = ImapSettings(mailbox.host, mailbox.port, mailbox.user, mailbox.password)
    watcher, writer = ImapSession(settings), ImapClient(mailbox)
    watcher.select()
    samples: list[float] = []
    try:
        with ThreadPoolExecutor(1) as pool:
            for n in range(count):
                announced = pool.submit(_idle_once, watcher)
                time.sleep(0.2)  # the IDLE is under way
                writer.append(bench_mail(f"bk-floor-{n}", n))
                sent = time.time_ns()
                seen = announced.result(timeout=60)
                if seen is not None:
                    samples.append((seen - sent) / 1e6)
    finally:
        writer.close()
        watcher.close()
    return samples


def _idle_once(session: object) -> int | None:
    """Worker thread: IDLE until the next announcement; its stamp (None: none came)."""
    announced = session.idle(30.0)  # type: ignore[attr-defined]
    return time.time_ns() if announced else None
