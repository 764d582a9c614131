"""Writing imported rows into the records file: big transactions, and never over a live row.

- A call already in the records (seen live, or imported before) keeps its row: calls go
  in with INSERT OR IGNORE on ``call_id``, and an agent leg or transfer goes in only
  under a call whose row came from a queue_log. A second import of a file adds nothing.
- An agent period goes in unless the records hold one at the same start; an imported
  period that a later import of the grown file extends (it was open at the end of the
  file) gets its new end. A live period is never touched.
- Durability while importing: `synchronous = NORMAL` in WAL mode (no fsync per commit;
  a power cut can lose the last transactions, never corrupt the file) and one
  transaction per batch. An interrupted import is completed by running it again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from cti.records.periods import PERIOD_COLUMNS
from cti.records.rows import CALL_COLUMNS, LEG_COLUMNS, TRANSFER_COLUMNS
from cti.records.schema import open_records

Row = tuple[object, ...]

INSERT_CALL = (
    f"INSERT OR IGNORE INTO calls ({', '.join(CALL_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in CALL_COLUMNS)})"
)


def _under_imported_call(table: str, columns: tuple[str, ...]) -> str:
    values = ", ".join(f"?{n}" for n in range(1, len(columns) + 1))
    return (
        f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) SELECT {values} "
        "WHERE (SELECT source FROM calls WHERE call_id = ?1) = 'queue_log'"
    )


INSERT_LEG = _under_imported_call("call_agents", LEG_COLUMNS)
INSERT_TRANSFER = _under_imported_call("call_transfers", TRANSFER_COLUMNS)
UPSERT_PERIOD = (
    f"INSERT INTO agent_periods ({', '.join(PERIOD_COLUMNS)}, source) "
    "VALUES (?, ?, ?, ?, ?, ?, 'queue_log') "
    "ON CONFLICT (extension, started_at) DO UPDATE SET ended_at = excluded.ended_at "
    "WHERE agent_periods.source = 'queue_log' AND agent_periods.ended_at < excluded.ended_at"
)
LIVE_FROM = (
    "SELECT extension, min(started_at) FROM agent_periods WHERE source = 'live' GROUP BY extension"
)
BUSY_TIMEOUT = 30.0
"""Seconds a batch waits for another writer (`cti serve` commits every 0.2 s)."""
IMPORT_PRAGMAS = (
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -131072",  # 128 MiB: the indexes of a year stay in memory
    "PRAGMA temp_store = MEMORY",
)


class ImportStore:
    """The records file, created or migrated when opened (RecordsFileError if unusable)."""

    def __init__(self, path: Path) -> None:
        open_records(path).close()
        self.path = path
        self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
        for pragma in IMPORT_PRAGMAS:
            self.conn.execute(pragma)
        self.live_from: dict[str, float] = dict(self.conn.execute(LIVE_FROM).fetchall())
        self._periods_before = self._count_periods()

    def write(
        self,
        calls: Sequence[Row],
        legs: Sequence[Row],
        transfers: Sequence[Row],
        periods: Sequence[Row],
    ) -> int:
        """One transaction; returns how many calls were new."""
        with self.conn:
            added = self.conn.executemany(INSERT_CALL, calls).rowcount
            self.conn.executemany(INSERT_LEG, legs)
            if transfers:
                self.conn.executemany(INSERT_TRANSFER, transfers)
            self.conn.executemany(UPSERT_PERIOD, periods)
        return max(0, added)

    def periods_added(self) -> int:
        return self._count_periods() - self._periods_before

    def close(self) -> None:
        self.conn.close()

    def _count_periods(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM agent_periods").fetchone()[0])
