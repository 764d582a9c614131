"""Reading the call records on the event loop's thread: point reads by call_id.

A read by primary key is a few microseconds, so notes and the recorder read inline;
all writing happens on `RecordWriter`'s own thread and connection.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cti.records.model import CallRecord
from cti.records.rows import (
    SELECT_CALL,
    SELECT_LEGS,
    SELECT_TRANSFERS,
    RecordRows,
    from_rows,
)
from cti.records.schema import open_records


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
