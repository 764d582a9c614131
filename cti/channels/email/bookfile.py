"""The ThreadBook on disk: a small SQLite file in the email state directory.

Kept beside the fetch state rather than in the records file because it is the channel's own
working memory (which Message-ID belongs to which thread, whom to answer), not history: the
records schema belongs to the interaction store, and a channel should not need a records
migration to remember its threads. Without this file a customer's answer to our reply after
a restart names only ids the fresh process never saw, and would open a new thread.

All methods block: callers run them in a worker thread. One connection, shared by the worker
threads under a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from cti.channels.email.book import MailEntry, ThreadBook
from cti.channels.inbound import Party

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE mail (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    thread_key TEXT NOT NULL,
    refs TEXT NOT NULL,
    name TEXT, email TEXT, phone TEXT,
    subject TEXT,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    raw BLOB
);
CREATE INDEX mail_thread ON mail (thread_key, seq);
"""


class ThreadBookError(RuntimeError):
    """The thread book file cannot be read or written (not ours, newer, disk trouble)."""


class BookFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._prepare()
        except sqlite3.Error as exc:
            raise ThreadBookError(f"{path}: not an email thread book ({exc})") from exc

    def _prepare(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version == 0 and tables == 0:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(
                f"BEGIN; {_SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;"
            )
        elif version != SCHEMA_VERSION:
            raise ThreadBookError(
                f"{self.path}: not an email thread book of version {SCHEMA_VERSION} "
                f"(user_version {version}, {tables} table(s))"
            )

    def load(self) -> list[MailEntry]:
        """Every mail noted so far, oldest first; the sent raw bytes stay on disk."""
        query = (
            "SELECT message_id, thread_key, refs, name, email, phone, subject, direction "
            "FROM mail ORDER BY seq"
        )
        try:
            with self._lock:
                rows = self._db.execute(query).fetchall()
            return [_entry(row) for row in rows]
        except (sqlite3.Error, ValueError, TypeError) as exc:
            raise ThreadBookError(f"{self.path}: unreadable thread book ({exc})") from exc

    def append(self, entries: Sequence[MailEntry]) -> None:
        rows = [
            (
                e.message_id,
                e.thread_key,
                json.dumps(list(e.references)),
                e.party.name,
                e.party.email,
                e.party.phone,
                e.subject,
                e.direction,
                e.raw,
            )
            for e in entries
        ]
        try:
            with self._lock, self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR IGNORE INTO mail (message_id, thread_key, refs, name, email,"
                    " phone, subject, direction, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as exc:
            raise ThreadBookError(
                f"{self.path}: could not note {len(rows)} mail(s) ({exc})"
            ) from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _entry(row: tuple[object, ...]) -> MailEntry:
    message_id, thread_key, refs, name, email, phone, subject, direction = row
    references = json.loads(str(refs))
    if direction not in ("in", "out") or not isinstance(references, list):
        raise ValueError(f"bad row for {message_id!r}")
    return MailEntry(
        message_id=str(message_id),
        thread_key=str(thread_key),
        references=tuple(str(r) for r in references),
        party=Party(name=_text(name), email=_text(email), phone=_text(phone)),
        subject=_text(subject),
        direction="in" if direction == "in" else "out",
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def open_book(path: Path) -> ThreadBook:
    """The thread book kept at `path`, with what earlier runs noted (blocking: run it in a
    thread at start). Raises ThreadBookError for a file that is not a thread book."""
    file = BookFile(path)
    try:
        entries = file.load()
    except ThreadBookError:
        file.close()
        raise
    book = ThreadBook(file)
    for entry in entries:
        book.remember(entry)
    return book
