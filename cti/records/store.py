"""Reading the call records on the event loop's thread: point reads by call_id.

A read by primary key is a few microseconds, so notes and the recorder read inline;
all writing happens on `RecordWriter`'s own thread and connection. The two reads at
start (open agent periods, today's queue calls) are one indexed query each.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cti.agents.stats import QueueCallSeen
from cti.records.model import CallRecord
from cti.records.periods import SELECT_OPEN_PERIODS, PeriodRow
from cti.records.rows import (
    SELECT_CALL,
    SELECT_LEGS,
    SELECT_TRANSFERS,
    RecordRows,
    from_rows,
)
from cti.records.schema import open_records

SELECT_QUEUE_CALLS = (
    "SELECT call_id, queue, arrived_at, answered_by IS NOT NULL, abandoned, waited_seconds, "
    "ended_at IS NOT NULL FROM calls "
    "WHERE arrived_at >= ? AND queue IS NOT NULL AND direction = 'inbound'"
)


class RecordStore:
    """The records file, created or migrated when opened (RecordsFileError if unusable)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = open_records(self.path)
        self._conn: sqlite3.Connection = self.db.conn

    def close(self) -> None:
        self.db.close()

    def get(self, call_id: str) -> CallRecord | None:
        rows = self.rows(call_id)
        return None if rows is None else from_rows(rows)

    def rows(self, call_id: str) -> RecordRows | None:
        conn = self._conn
        call = conn.execute(SELECT_CALL, (call_id,)).fetchone()
        if call is None:
            return None
        legs = tuple(conn.execute(SELECT_LEGS, (call_id,)).fetchall())
        transfers = tuple(conn.execute(SELECT_TRANSFERS, (call_id,)).fetchall())
        return RecordRows(tuple(call), legs, transfers)

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM calls").fetchone()[0])

    def open_periods(self) -> list[PeriodRow]:
        """Agent periods a previous run left open (each agent's newest, at most)."""
        return [PeriodRow(*row) for row in self._conn.execute(SELECT_OPEN_PERIODS)]

    def queue_calls_since(self, start: float) -> list[QueueCallSeen]:
        """Inbound queue calls that arrived at or after ``start`` (today's counts)."""
        return [
            QueueCallSeen(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5], bool(row[6]))
            for row in self._conn.execute(SELECT_QUEUE_CALLS, (start,))
        ]
