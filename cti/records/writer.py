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
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cti.records.batching import COMMIT_EVERY, PRUNE_EVERY, RETRY_SECONDS, BatchWriter
from cti.records.periods import UPSERT_PERIOD, PeriodRow
from cti.records.rows import UPSERT_CALL, UPSERT_LEG, UPSERT_TRANSFER, RecordRows

__all__ = ["COMMIT_EVERY", "PRUNE_EVERY", "RETRY_SECONDS", "RecordWriter", "WriterStats"]

log = logging.getLogger(__name__)

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


class RecordWriter(BatchWriter[dict[PendingKey, Pending]]):
    """`start()`, `submit()` snapshots from the loop's thread, `close()` to drain and stop."""

    label = "call records"
    unit = "call record(s)"

    def __init__(
        self,
        path: Path,
        keep_days: int,
        clock: Callable[[], float] = time.time,
        commit_every: float = COMMIT_EVERY,
    ) -> None:
        super().__init__(path, keep_days, clock, commit_every)
        self.stats = WriterStats()

    def submit(self, rows: RecordRows) -> None:
        self._put(rows.call_id, rows)

    def submit_period(self, row: PeriodRow) -> None:
        self._put(row.key, row)

    def _put(self, key: PendingKey, item: Pending) -> None:
        self._hand_over(lambda pending: pending.__setitem__(key, item))

    def snapshot(self, call_id: str) -> RecordRows | None:
        """The newest state of a call not committed yet, else None."""
        with self._lock:
            found = self._pending.get(call_id) or self._writing.get(call_id)
        return found if isinstance(found, RecordRows) else None

    def _empty(self) -> dict[PendingKey, Pending]:
        return {}

    def _size(self, batch: dict[PendingKey, Pending]) -> int:
        return len(batch)

    def _merged(
        self, failed: dict[PendingKey, Pending], newer: dict[PendingKey, Pending]
    ) -> dict[PendingKey, Pending]:
        return {**failed, **newer}

    def _commit(self, conn: sqlite3.Connection, batch: dict[PendingKey, Pending]) -> None:
        rows, periods = _split(batch)
        conn.executemany(UPSERT_CALL, [r.call for r in rows])
        conn.executemany(UPSERT_LEG, [leg for r in rows for leg in r.legs])
        conn.executemany(UPSERT_TRANSFER, [t for r in rows for t in r.transfers])
        conn.executemany(UPSERT_PERIOD, periods)

    def _describe(self, batch: dict[PendingKey, Pending]) -> str:
        rows, periods = _split(batch)
        return f"writing {len(rows)} call(s) and {len(periods)} agent period(s)"

    def _counted(self, batch: dict[PendingKey, Pending], written: bool) -> None:
        if not written:
            self.stats.failures += 1
            return
        rows, periods = _split(batch)
        self.stats.calls_written += len(rows)
        self.stats.periods_written += len(periods)
        self.stats.batches += 1

    def _delete_old(self, conn: sqlite3.Connection, cutoff: float) -> None:
        for sql in PRUNE_SQL:
            deleted = conn.execute(sql, (cutoff,)).rowcount
        self.stats.pruned += deleted
        if deleted:
            log.info("call records: deleted %d call(s) older than the retention", deleted)


def _split(batch: dict[PendingKey, Pending]) -> tuple[list[RecordRows], list[PeriodRow]]:
    rows = [item for item in batch.values() if isinstance(item, RecordRows)]
    periods = [item for item in batch.values() if isinstance(item, PeriodRow)]
    return rows, periods
