"""The thread behind every records writer: what the event loop hands over waits in
`pending` until the thread takes it all and commits it in one transaction, at most every
`commit_every` seconds; a failed commit is logged once per outage and the batch waits
again (under anything newer) for a retry every `RETRY_SECONDS`; rows older than the
retention are deleted every `PRUNE_EVERY` seconds. `close()` commits what is left.

A subclass says what a batch is and how it is written (`_empty`, `_size`, `_merged`,
`_commit`, `_delete_old`); it logs under its own module's name.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from cti.records.schema import connect

COMMIT_EVERY = 0.2
"""Seconds between commits: fewer, bigger transactions leave the event loop's thread the
GIL (measured in bench/records.py). A crash loses at most this much, plus one commit."""

RETRY_SECONDS = 1.0
"""Wait after a failed commit (disk full, file locked) before trying the batch again."""

PRUNE_EVERY = 3600.0

B = TypeVar("B")


class BatchWriter(Generic[B]):
    label: ClassVar[str]  # what the log lines name: "call records"
    unit: ClassVar[str]  # what close() says was lost: "call record(s)"

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
        self._log = logging.getLogger(type(self).__module__)
        self._lock = threading.Condition()
        self._pending: B = self._empty()
        self._writing: B = self._empty()
        self._closing = False
        self._failed_in_a_row = 0
        self._thread: threading.Thread | None = None

    # -- what a subclass says ------------------------------------------------------------

    def _empty(self) -> B:
        raise NotImplementedError

    def _size(self, batch: B) -> int:
        raise NotImplementedError

    def _merged(self, failed: B, newer: B) -> B:
        """A failed batch with what came meanwhile on top: newer snapshots win."""
        raise NotImplementedError

    def _commit(self, conn: sqlite3.Connection, batch: B) -> None:
        """Write ``batch`` inside the open transaction; sqlite3.Error fails it whole."""
        raise NotImplementedError

    def _delete_old(self, conn: sqlite3.Connection, cutoff: float) -> None:
        raise NotImplementedError

    def _counted(self, batch: B, written: bool) -> None:
        """After each commit, done or failed (a subclass's counters)."""

    def _describe(self, batch: B) -> str:
        """What a failed commit was writing, for its log line."""
        return f"writing {self._size(batch)} row(s)"

    # -- the loop's side -----------------------------------------------------------------

    def start(self) -> None:
        name = self.label.replace(" ", "-") + "-writer"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _hand_over(self, add: Callable[[B], None]) -> None:
        """``add`` puts rows into the pending batch, under the lock; the thread wakes."""
        with self._lock:
            add(self._pending)
            self._lock.notify()

    def backlog(self) -> int:
        with self._lock:
            return self._size(self._pending) + self._size(self._writing)

    def wait_written(self, timeout: float) -> bool:
        """Block until everything handed over is committed (tests, benchmarks, stop)."""
        with self._lock:
            return self._lock.wait_for(
                lambda: not self._size(self._pending) and not self._size(self._writing), timeout
            )

    def close(self, timeout: float = 10.0) -> None:
        """Commit what is pending, then stop the thread; what cannot be written is logged."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._log.error("%s writer did not stop within %.0f s", self.label, timeout)
            self._thread = None
        lost = self.backlog()
        if lost:
            self._log.error("%d %s could not be written to %s", lost, self.unit, self.path)

    # -- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            conn = connect(self.path)
        except sqlite3.Error as exc:
            self._log.error("%s: cannot open %s for writing: %s", self.label, self.path, exc)
            return
        try:
            self._loop(conn)
        except Exception:  # a bug must not pass for a silent, ever-growing backlog
            self._log.exception("%s writer stopped; nothing more is written", self.label)
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
            if not self._size(batch):
                continue
            if self._write(conn, batch):
                self._wait_closing(self.commit_every)
                continue
            with self._lock:  # it waits again, under anything newer
                self._pending, self._writing = self._merged(batch, self._pending), self._empty()
            if self._wait_closing(RETRY_SECONDS):
                final = self._take(time.monotonic())
                if final is not None and self._size(final):
                    self._write(conn, final)
                return

    def _take(self, next_prune: float) -> B | None:
        """The next batch (empty when it is time to prune), or None once closed and drained."""
        with self._lock:
            while not self._size(self._pending) and not self._closing:
                if not self._lock.wait(max(0.0, next_prune - time.monotonic())):
                    return self._empty()
            if not self._size(self._pending):
                return None
            self._writing, self._pending = self._pending, self._empty()
            return self._writing

    def _wait_closing(self, seconds: float) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: self._closing, seconds)

    def _write(self, conn: sqlite3.Connection, batch: B) -> bool:
        try:
            with conn:
                self._commit(conn, batch)
        except sqlite3.Error as exc:
            self.failures += 1
            self._counted(batch, False)
            self._failed_in_a_row += 1
            first = self._failed_in_a_row == 1  # one line per outage, not one per retry
            self._log.log(
                logging.ERROR if first else logging.DEBUG,
                "%s: %s failed: %s; retrying every %.0f s",
                self.label,
                self._describe(batch),
                exc,
                RETRY_SECONDS,
            )
            return False
        with self._lock:
            self._writing = self._empty()
            self._lock.notify_all()
        if self._failed_in_a_row:
            self._log.warning(
                "%s written again after %d failures", self.label, self._failed_in_a_row
            )
            self._failed_in_a_row = 0
        self._counted(batch, True)
        return True

    def _prune(self, conn: sqlite3.Connection) -> None:
        cutoff = self._clock() - self.keep_seconds
        try:
            with conn:
                self._delete_old(conn, cutoff)
        except sqlite3.Error as exc:
            self._log.error("%s: pruning failed: %s", self.label, exc)
