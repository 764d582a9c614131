"""Writes call records on a thread of its own, in batches, so the event loop never waits.

The recorder hands over a snapshot of a call at each change, and the agent periods
their rows. They wait in `pending`, newest per call (per period), until the thread
takes them all and commits them in one transaction, at most every `COMMIT_EVERY`
seconds: the busier the PBX, the bigger the batch. A snapshot stays readable
(`snapshot`) until its commit is done, so a note filed right after a hang-up finds the
call. A crash loses only what was not committed yet: the last fraction of a second.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cti.records.periods import UPSERT_PERIOD, PeriodRow
from cti.records.rows import UPSERT_CALL, UPSERT_LEG, UPSERT_TRANSFER, RecordRows
from cti.records.schema import connect

log = logging.getLogger(__name__)

COMMIT_EVERY = 0.2
"""Seconds between commits: fewer, bigger transactions leave the event loop's thread the
GIL (measured in bench/records.py). A crash loses at most this much, plus one commit."""

RETRY_SECONDS = 1.0
"""Wait after a failed commit (disk full, file locked) before trying the batch again."""

PRUNE_EVERY = 3600.0

PRUNE_SQL = (  # the calls last: their count is the one logged
    "DELETE FROM agent_periods WHERE started_at < ?",
    "DELETE FROM call_agents WHERE call_id IN (SELECT call_id FROM calls WHERE arrived_at < ?)",
    "DELETE FROM call_transfers WHERE call_id IN (SELECT call_id FROM calls WHERE arrived_at < ?)",
    "DELETE FROM calls WHERE arrived_at < ?",
)

Pending = RecordRows | PeriodRow
PendingKey = str | tuple[str, float]  # a call_id, or a period's (extension, started_at)


@dataclass(slots=True)
class WriterStats:
    calls_written: int = 0
    periods_written: int = 0
    batches: int = 0
    failures: int = 0
    pruned: int = 0


class RecordWriter:
    """`start()`, `submit()` snapshots from the loop's thread, `close()` to drain and stop."""

    def __init__(
        self,
        path: Path,
        keep_days: int,
        clock: Callable[[], float] = time.time,
        commit_every: float = COMMIT_EVERY,
    ) -> None:
        self.path = path
        self.commit_every = commit_every
        self.keep_seconds = keep_days * 86400.0
        self.stats = WriterStats()
        self._clock = clock
        self._lock = threading.Condition()
        self._pending: dict[PendingKey, Pending] = {}
        self._writing: dict[PendingKey, Pending] = {}
        self._closing = False
        self._failed_in_a_row = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        thread = threading.Thread(target=self._run, name="records-writer", daemon=True)
        self._thread = thread
        thread.start()

    def submit(self, rows: RecordRows) -> None:
        self._put(rows.call_id, rows)

    def submit_period(self, row: PeriodRow) -> None:
        self._put(row.key, row)

    def _put(self, key: PendingKey, item: Pending) -> None:
        with self._lock:
            self._pending[key] = item
            self._lock.notify()

    def snapshot(self, call_id: str) -> RecordRows | None:
        """The newest state of a call not committed yet, else None."""
        with self._lock:
            found = self._pending.get(call_id) or self._writing.get(call_id)
        return found if isinstance(found, RecordRows) else None

    def backlog(self) -> int:
        with self._lock:
            return len(self._pending) + len(self._writing)

    def wait_written(self, timeout: float) -> bool:
        """Block until every submitted snapshot is committed (tests, benchmarks, stop)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._pending and not self._writing, timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Commit what is pending, then stop the thread; what cannot be written is logged."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("call records writer did not stop within %.0f s", timeout)
            self._thread = None
        lost = self.backlog()
        if lost:
            log.error("%d call record(s) could not be written to %s", lost, self.path)

    def _run(self) -> None:
        try:
            conn = connect(self.path)
        except sqlite3.Error as exc:
            log.error("call records: cannot open %s for writing: %s", self.path, exc)
            return
        try:
            self._loop(conn)
        except Exception:  # a bug must not pass for a silent, ever-growing backlog
            log.exception("call records writer stopped; calls are no longer written")
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
            self._give_back(batch)
            if self._wait_closing(RETRY_SECONDS):
                self._write(conn, self._take_all())
                return

    def _take(self, next_prune: float) -> dict[PendingKey, Pending] | None:
        """The next batch ({} when it is time to prune), or None once closed and drained."""
        with self._lock:
            while not self._pending and not self._closing:
                if not self._lock.wait(max(0.0, next_prune - time.monotonic())):
                    return {}
            if not self._pending:
                return None
            self._writing, self._pending = self._pending, {}
            return self._writing

    def _take_all(self) -> dict[PendingKey, Pending]:
        with self._lock:
            self._writing = {**self._writing, **self._pending}
            self._pending = {}
            return self._writing

    def _give_back(self, batch: dict[PendingKey, Pending]) -> None:
        """A failed batch waits again, unless a newer snapshot of the call came meanwhile."""
        with self._lock:
            self._pending = {**batch, **self._pending}
            self._writing = {}

    def _wait_closing(self, seconds: float) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: self._closing, seconds)

    def _write(self, conn: sqlite3.Connection, batch: dict[PendingKey, Pending]) -> bool:
        rows = [item for item in batch.values() if isinstance(item, RecordRows)]
        periods = [item for item in batch.values() if isinstance(item, PeriodRow)]
        try:
            with conn:
                conn.executemany(UPSERT_CALL, [r.call for r in rows])
                conn.executemany(UPSERT_LEG, [leg for r in rows for leg in r.legs])
                conn.executemany(UPSERT_TRANSFER, [t for r in rows for t in r.transfers])
                conn.executemany(UPSERT_PERIOD, periods)
        except sqlite3.Error as exc:
            self._failed_in_a_row += 1
            self.stats.failures += 1
            first = self._failed_in_a_row == 1  # one line per outage, not one per retry
            log.log(
                logging.ERROR if first else logging.DEBUG,
                "call records: writing %d call(s) and %d agent period(s) failed: %s; "
                "retrying every %.0f s",
                len(rows),
                len(periods),
                exc,
                RETRY_SECONDS,
            )
            return False
        with self._lock:
            self._writing = {}
            self._lock.notify_all()
        if self._failed_in_a_row:
            log.warning("call records written again after %d failures", self._failed_in_a_row)
            self._failed_in_a_row = 0
        self.stats.calls_written += len(rows)
        self.stats.periods_written += len(periods)
        self.stats.batches += 1
        return True

    def _prune(self, conn: sqlite3.Connection) -> None:
        cutoff = self._clock() - self.keep_seconds
        try:
            with conn:
                for sql in PRUNE_SQL:
                    deleted = conn.execute(sql, (cutoff,)).rowcount
            self.stats.pruned += deleted
        except sqlite3.Error as exc:
            log.error("call records: pruning failed: %s", exc)
            return
        if deleted:
            log.info("call records: deleted %d call(s) older than the retention", deleted)
