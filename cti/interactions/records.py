"""Writes the universal queue's interactions and their messages to the records file on a
thread of its own, so the event loop never waits for the disk (as `RecordWriter` does
for calls).

An interaction is handed over as a snapshot at each change and only its newest waits;
messages are appended and inserted once (a channel that delivers one twice, e.g. an IMAP
re-fetch, leaves one row). Each batch is one transaction, at most every `COMMIT_EVERY`
seconds; a failed commit is logged once per outage and retried every `RETRY_SECONDS`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cti.interactions.model import Interaction, Message
from cti.records.schema import connect
from cti.records.writer import COMMIT_EVERY, PRUNE_EVERY, RETRY_SECONDS

log = logging.getLogger(__name__)

INTERACTION_COLUMNS = (
    "id",
    "channel",
    "thread_key",
    "form",
    "contact_ids",
    "subject",
    "first_text",
    "priority",
    "arrived_at",
    "offered_at",
    "accepted_at",
    "first_response_at",
    "closed_at",
    "agent",
    "disposition",
    "end_reason",
)
UPSERT_INTERACTION = (  # an update in place: a REPLACE would delete the row its messages need
    f"INSERT INTO interactions ({', '.join(INTERACTION_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in INTERACTION_COLUMNS)}) ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in INTERACTION_COLUMNS[1:])
)
INSERT_MESSAGE = (
    "INSERT OR IGNORE INTO interaction_messages (interaction_id, message_id, direction, "
    "author, text, at, flags, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
PRUNE_SQL = (  # the messages first: they refer to their interaction
    "DELETE FROM interaction_messages WHERE interaction_id IN "
    "(SELECT id FROM interactions WHERE arrived_at < ?)",
    "DELETE FROM interactions WHERE arrived_at < ?",
)

Row = tuple[object, ...]


def interaction_row(interaction: Interaction) -> Row:
    """The `interactions` row of an interaction as it stands; `agent` is the extension
    that accepted it (an offer not taken leaves none)."""
    agent = interaction.extension if interaction.accepted_at is not None else None
    return (
        interaction.interaction_id,
        interaction.channel,
        interaction.thread_key,
        interaction.form,
        json.dumps(list(interaction.contact_ids)),
        interaction.subject,
        interaction.first_text,
        interaction.priority,
        interaction.arrived_at,
        interaction.offered_at,
        interaction.accepted_at,
        interaction.first_response_at,
        interaction.closed_at,
        agent,
        interaction.disposition,
        interaction.end_reason,
    )


def message_row(message: Message) -> Row:
    return (
        message.interaction_id,
        message.message_id,
        message.direction,
        message.author,
        message.text,
        message.at,
        json.dumps(sorted(message.flags)),
        json.dumps(list(message.attachments)),
    )


@dataclass(slots=True)
class _Batch:
    interactions: dict[str, Row] = field(default_factory=dict)
    messages: list[Row] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.interactions or self.messages)

    def merged_under(self, newer: _Batch) -> _Batch:
        """This (failed) batch with what came meanwhile on top: newer snapshots win."""
        return _Batch({**self.interactions, **newer.interactions}, self.messages + newer.messages)


class InteractionWriter:
    """`start()`, then `save()` / `add_message()` from the loop's thread, `close()` to drain."""

    def __init__(
        self,
        path: Path,
        keep_days: int,
        clock: Callable[[], float] = time.time,
        commit_every: float = COMMIT_EVERY,
    ) -> None:
        self.path = path
        self.keep_seconds = keep_days * 86400.0
        self.commit_every = commit_every
        self.failures = 0
        self._clock = clock
        self._lock = threading.Condition()
        self._pending = _Batch()
        self._writing = _Batch()
        self._closing = False
        self._failed_in_a_row = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="interactions-writer", daemon=True)
        self._thread.start()

    def save(self, interaction: Interaction) -> None:
        row = interaction_row(interaction)
        with self._lock:
            self._pending.interactions[interaction.interaction_id] = row
            self._lock.notify()

    def add_message(self, message: Message) -> None:
        row = message_row(message)
        with self._lock:
            self._pending.messages.append(row)
            self._lock.notify()

    def backlog(self) -> int:
        with self._lock:
            batches = (self._pending, self._writing)
            return sum(len(b.interactions) + len(b.messages) for b in batches)

    def wait_written(self, timeout: float) -> bool:
        """Block until everything handed over is committed (tests, stop)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._pending and not self._writing, timeout)

    def close(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        lost = self.backlog()
        if lost:
            log.error("%d interaction row(s) could not be written to %s", lost, self.path)

    def _run(self) -> None:
        try:
            conn = connect(self.path)
        except sqlite3.Error as exc:
            log.error("interaction records: cannot open %s for writing: %s", self.path, exc)
            return
        try:
            self._loop(conn)
        except Exception:  # a bug must not pass for a silent, ever-growing backlog
            log.exception("interaction records writer stopped; interactions are not written")
        finally:
            conn.close()

    def _loop(self, conn: sqlite3.Connection) -> None:
        next_prune = 0.0
        while True:
            if time.monotonic() >= next_prune:
                self._prune(conn)
                next_prune = time.monotonic() + PRUNE_EVERY
            batch = self._take(next_prune)
            if batch is None:
                return
            if not batch:
                continue
            if self._write(conn, batch):
                self._wait_closing(self.commit_every)
                continue
            with self._lock:
                self._pending, self._writing = batch.merged_under(self._pending), _Batch()
            if self._wait_closing(RETRY_SECONDS):
                final = self._take(time.monotonic())
                if final:
                    self._write(conn, final)
                return

    def _take(self, next_prune: float) -> _Batch | None:
        """The next batch (empty when it is time to prune), or None once closed and drained."""
        with self._lock:
            while not self._pending and not self._closing:
                if not self._lock.wait(max(0.0, next_prune - time.monotonic())):
                    return _Batch()
            if not self._pending:
                return None
            self._writing, self._pending = self._pending, _Batch()
            return self._writing

    def _wait_closing(self, seconds: float) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: self._closing, seconds)

    def _write(self, conn: sqlite3.Connection, batch: _Batch) -> bool:
        try:
            with conn:
                conn.executemany(UPSERT_INTERACTION, list(batch.interactions.values()))
                conn.executemany(INSERT_MESSAGE, batch.messages)
        except sqlite3.Error as exc:
            self.failures += 1
            self._failed_in_a_row += 1
            level = logging.ERROR if self._failed_in_a_row == 1 else logging.DEBUG
            log.log(level, "interaction records: writing failed: %s; retrying", exc)
            return False
        with self._lock:
            self._writing = _Batch()
            self._lock.notify_all()
        if self._failed_in_a_row:
            log.warning(
                "interaction records written again after %d failures", self._failed_in_a_row
            )
            self._failed_in_a_row = 0
        return True

    def _prune(self, conn: sqlite3.Connection) -> None:
        cutoff = self._clock() - self.keep_seconds
        try:
            with conn:
                for sql in PRUNE_SQL:
                    conn.execute(sql, (cutoff,))
        except sqlite3.Error as exc:
            log.error("interaction records: pruning failed: %s", exc)
