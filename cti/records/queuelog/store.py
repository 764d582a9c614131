"""Writing imported rows into the records file: big transactions, and never over a live row.

- A call already in the records (seen live, or imported before) keeps its row, its agent
  legs and its transfers: each batch first asks which of its calls are recorded and
  leaves those out (and calls go in with INSERT OR IGNORE on ``call_id``). A second
  import of a file adds nothing.
- An agent period goes in unless the records hold one at the same start; an imported
  period that a later import of the grown file extends (it was open at the end of the
  file) gets its new end. A live period is never touched.
- Durability while importing: `synchronous = NORMAL` in WAL mode (no fsync per commit;
  a power cut can lose the last transactions, never corrupt the file) and one
  transaction per batch. An interrupted import is completed by running it again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from cti.records.periods import PERIOD_COLUMNS
from cti.records.rows import LEG_COLUMNS, TRANSFER_COLUMNS
from cti.records.schema import open_records

Row = tuple[object, ...]

IMPORT_CALL_COLUMNS = (  # what a queue_log tells of a call, as `CallBuilder` rows have it
    "call_id",
    "queue",
    "caller_number",
    "caller_e164",
    "caller_name",
    "did",
    "arrived_at",
    "answered_at",
    "answered_by",
    "ended_at",
    "waited_seconds",
    "abandoned",
    "talk_seconds",
)
SAME_FOR_ALL = {  # binding costs a quarter of a microsecond a value a row
    "direction": "'inbound'",
    "held_seconds": "0.0",
    "contact_ids": "'[]'",
    "source": "'queue_log'",
}
INSERT_CALL = (
    f"INSERT OR IGNORE INTO calls ({', '.join(IMPORT_CALL_COLUMNS)}, {', '.join(SAME_FOR_ALL)}) "
    f"VALUES ({', '.join('?' for _ in IMPORT_CALL_COLUMNS)}, {', '.join(SAME_FOR_ALL.values())})"
)
INSERT_LEG = (
    f"INSERT OR IGNORE INTO call_agents ({', '.join(LEG_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_TRANSFER = (
    f"INSERT OR IGNORE INTO call_transfers ({', '.join(TRANSFER_COLUMNS)}) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
RECORDED = "SELECT call_id FROM calls WHERE call_id IN (SELECT value FROM json_each(?))"
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

    def __init__(self, path: Path, checkpoints: bool = True) -> None:
        """``checkpoints=False``: this connection leaves checkpoints to another
        (`checkpoint`), as a writer process does while the importer checkpoints."""
        open_records(path).close()
        self.path = path
        self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
        for pragma in IMPORT_PRAGMAS:
            self.conn.execute(pragma)
        if not checkpoints:
            self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        self.live_from: dict[str, float] = dict(self.conn.execute(LIVE_FROM).fetchall())
        self._periods_before = self._count_periods()

    def write(
        self,
        calls: Sequence[Row],
        legs: Sequence[Row],
        transfers: Sequence[Row],
        periods: Sequence[Row],
    ) -> int:
        """One transaction; returns how many calls were new. The legs and transfers of
        a call already recorded are left out with it."""
        with self.conn:
            recorded = self._recorded(calls)
            if recorded:
                calls = [row for row in calls if row[0] not in recorded]
                legs = [row for row in legs if row[0] not in recorded]
                transfers = [row for row in transfers if row[0] not in recorded]
            added = self.conn.executemany(INSERT_CALL, calls).rowcount if calls else 0
            self.conn.executemany(INSERT_LEG, legs)
            if transfers:
                self.conn.executemany(INSERT_TRANSFER, transfers)
            self.conn.executemany(UPSERT_PERIOD, periods)
        return max(0, added)

    def _recorded(self, calls: Sequence[Row]) -> set[str]:
        """The calls of a batch the records hold already (one indexed query)."""
        if not calls:
            return set()
        ids = json.dumps([row[0] for row in calls])
        return {row[0] for row in self.conn.execute(RECORDED, (ids,))}

    def checkpoint(self) -> None:
        """Copy what the WAL holds into the file, without waiting for any writer."""
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def periods_added(self) -> int:
        return self._count_periods() - self._periods_before

    def close(self) -> None:
        self.conn.close()

    def _count_periods(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM agent_periods").fetchone()[0])
