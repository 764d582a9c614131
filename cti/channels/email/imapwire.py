"""A blocking IMAP session for the fetcher's worker thread: select, new UIDs, fetch, IDLE.

imaplib (stdlib) does the protocol; Python 3.11's imaplib has no IDLE, so `idle` speaks it
(RFC 2177) over the session's own socket. Every call here blocks: the fetcher runs them with
`asyncio.to_thread`, and `interrupt` (safe from another thread) ends a pending IDLE at once.
"""

from __future__ import annotations

import contextlib
import imaplib
import io
import re
import select
import socket
import ssl
import time
from dataclasses import dataclass

_UID = re.compile(rb"UID (\d+)")
_EXISTS = re.compile(rb"^\* \d+ (EXISTS|RECENT)", re.IGNORECASE)


class ImapError(RuntimeError):
    """The server refused something the fetcher needs (login, mailbox, fetch)."""


@dataclass(frozen=True, slots=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    mailbox: str = "INBOX"
    tls: str = "none"  # none | starttls | tls
    timeout: float = 30.0

    def __repr__(self) -> str:  # the password never reaches a log line through repr
        return f"ImapSettings({self.user}@{self.host}:{self.port}/{self.mailbox})"


class ImapSession:
    def __init__(self, settings: ImapSettings) -> None:
        self._settings = settings
        self._imap = self._connect()

    def _connect(self) -> imaplib.IMAP4:
        s = self._settings
        if s.tls == "tls":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                s.host, s.port, ssl_context=ssl.create_default_context(), timeout=s.timeout
            )
        else:
            imap = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
        try:
            if s.tls == "starttls":
                imap.starttls(ssl_context=ssl.create_default_context())
            imap.login(s.user, s.password)
        except imaplib.IMAP4.error as exc:
            imap.shutdown()
            raise ImapError(f"IMAP {s.host}:{s.port} refused login for {s.user}: {exc}") from exc
        return imap

    @property
    def can_idle(self) -> bool:
        return "IDLE" in self._imap.capabilities

    def select(self) -> int:
        """Select the mailbox read-only (fetching never changes flags); its UIDVALIDITY."""
        status, _ = self._imap.select(_quoted(self._settings.mailbox), readonly=True)
        if status != "OK":
            raise ImapError(f"mailbox {self._settings.mailbox!r} cannot be selected")
        _, data = self._imap.response("UIDVALIDITY")
        if not data or data[0] is None:
            raise ImapError("server sent no UIDVALIDITY")
        return int(data[0])

    def new_uids(self, after: int) -> list[int]:
        """UIDs above `after`, ascending (`n:*` also names the highest UID; it is dropped)."""
        self._imap.noop()
        status, data = self._imap.uid("SEARCH", f"UID {after + 1}:*")
        if status != "OK":
            raise ImapError(f"UID SEARCH failed: {data!r}")
        return sorted(uid for uid in map(int, (data[0] or b"").split()) if uid > after)

    def fetch(self, uid: int) -> bytes | None:
        """The raw mail, or None when it was expunged meanwhile."""
        status, data = self._imap.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
        if status != "OK":
            raise ImapError(f"UID FETCH {uid} failed: {data!r}")
        for item in data:
            if isinstance(item, tuple) and _UID.search(item[0]):
                return bytes(item[1])
        return None

    def idle(self, seconds: float) -> bool:
        """Wait up to `seconds` for the server to announce mail; True when it did."""
        tag = self._imap._new_tag()
        self._imap.send(tag + b" IDLE\r\n")
        if not self._imap.readline().startswith(b"+"):
            raise ImapError("server did not accept IDLE")
        announced = self._await_announcement(seconds)
        self._imap.send(b"DONE\r\n")
        while not (line := self._imap.readline()).startswith(tag):
            if not line:
                raise ImapError("server closed the connection ending IDLE")
            announced = announced or bool(_EXISTS.match(line))
        return announced

    def _await_announcement(self, seconds: float) -> bool:
        """Read IDLE's untagged lines until EXISTS/RECENT or `seconds` pass.

        select() instead of a socket timeout: a timed-out socket file cannot be read again."""
        sock = self._imap.socket()
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if not self._buffered():
                readable, _, _ = select.select([sock], [], [], left)
                if not readable:
                    return False
            line = self._imap.readline()
            if not line:
                raise ImapError("server closed the connection during IDLE")
            if _EXISTS.match(line):
                return True
        return False

    def _buffered(self) -> bool:
        """Whether a line already sits in imaplib's read buffer (select cannot see it)."""
        sock, file = self._imap.socket(), self._imap.file
        if not isinstance(file, io.BufferedReader):
            return False
        sock.setblocking(False)  # an empty buffer then peeks b"" instead of blocking
        try:
            return bool(file.peek(1))
        except OSError:
            return True  # let readline meet the error
        finally:
            sock.settimeout(self._settings.timeout)

    def interrupt(self) -> None:
        """From any thread: break a blocked read so the worker thread returns."""
        with contextlib.suppress(OSError):
            self._imap.socket().shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        try:
            self._imap.logout()
        except (OSError, imaplib.IMAP4.error):
            self._imap.shutdown()


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'
