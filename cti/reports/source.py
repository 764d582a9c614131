"""Reading the call records for reports: a read-only connection, a few indexed queries.

Reports open the file read-only, so they run while `cti serve` writes it (WAL readers
never block the writer) and can never change it. A file of an older schema is read as
far as it goes: without `talk_seconds` the talk time is answer to end minus hold, and
without `wrapup_seconds` a call has no wrap-up.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple


class RecordsUnavailable(Exception):
    """The records file cannot be read; the message names it and says why."""


class QueueCallRow(NamedTuple):
    """One queue call as a report counts it."""

    arrived_at: float
    answered: bool
    abandoned: bool
    waited_seconds: float | None
    ended: bool
    handled_seconds: float | None  # talk + hold + wrap-up of an answered call that ended


NEEDED_TABLES = ("calls", "call_agents", "agent_periods")
_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
_TALK_FALLBACK = "max(0.0, ended_at - answered_at - held_seconds)"


def in_list(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join('?' for _ in values)})"


def _queue_filter(queues: Sequence[str]) -> str:
    return in_list("queue", queues) if queues else "queue IS NOT NULL"


def _open_read_only(path: Path) -> sqlite3.Connection:
    """``mode=ro``: this connection can never write, whatever a query says."""
    if not path.is_file():
        raise RecordsUnavailable(f"no call records file at {path}")
    try:
        return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise RecordsUnavailable(f"call records {path}: {exc}") from None


class RecordsReader:
    """The records file at ``path``, read-only; use as a context manager."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn = _open_read_only(self.path)
        try:
            self._tables = tables = {row[0] for row in self._conn.execute(_TABLES)}
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(calls)")}
        except sqlite3.Error as exc:
            self.close()
            raise RecordsUnavailable(f"call records {self.path}: {exc}") from None
        missing = sorted(set(NEEDED_TABLES) - tables)
        if missing:
            self.close()
            raise RecordsUnavailable(
                f"{self.path} is not a call records file (no table {', '.join(missing)})"
            )
        talk = "talk_seconds" if "talk_seconds" in columns else "NULL"
        wrapup = "wrapup_seconds" if "wrapup_seconds" in columns else "NULL"
        self._handled = (
            f"CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN "
            f"coalesce({talk}, {_TALK_FALLBACK}) + held_seconds + coalesce({wrapup}, 0.0) END"
        )

    def __enter__(self) -> RecordsReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def has_table(self, name: str) -> bool:
        """Whether the file has table ``name`` (`interactions` came with schema 4)."""
        return name in self._tables

    def rows(self, sql: str, args: Sequence[object]) -> list[Any]:
        """The rows of one query; RecordsUnavailable names the file when it fails."""
        try:
            return self._conn.execute(sql, tuple(args)).fetchall()
        except sqlite3.Error as exc:
            raise RecordsUnavailable(f"call records {self.path}: {exc}") from None

    def queue_calls(self, start: float, end: float, queues: Sequence[str]) -> list[QueueCallRow]:
        """Inbound queue calls that joined a queue in [start, end), by arrival."""
        sql = (
            "SELECT arrived_at, answered_at IS NOT NULL, abandoned, waited_seconds, "
            f"ended_at IS NOT NULL, {self._handled} FROM calls "
            f"WHERE arrived_at >= ? AND arrived_at < ? AND {_queue_filter(queues)} "
            "AND direction = 'inbound'"
        )
        return [
            QueueCallRow(r[0], bool(r[1]), bool(r[2]), r[3], bool(r[4]), r[5])
            for r in self.rows(sql, (start, end, *queues))
        ]

    def offered_by_slot(
        self,
        start: float,
        end: float,
        queues: Sequence[str],
        short_seconds: float | None,
        slot_seconds: int,
    ) -> list[tuple[int, int]]:
        """(slot number, calls offered) for each ``slot_seconds`` of UTC time with any.

        Offered is `cti.agents.servicelevel`'s: a call counts once its wait is over
        (answered, or ended), and a short abandon (waited < ``short_seconds``) only when
        ``short_seconds`` is None (`short_abandons: count`).
        """
        short = (
            "0"
            if short_seconds is None
            else "(answered_at IS NULL AND abandoned = 1 AND waited_seconds < ?)"
        )
        sql = (
            f"SELECT CAST(arrived_at / {slot_seconds} AS INTEGER) AS slot, count(*) FROM calls "
            f"WHERE arrived_at >= ? AND arrived_at < ? AND {_queue_filter(queues)} "
            "AND direction = 'inbound' AND (answered_at IS NOT NULL OR ended_at IS NOT NULL) "
            f"AND NOT {short} GROUP BY slot"
        )
        extra = () if short_seconds is None else (short_seconds,)
        return [(int(r[0]), int(r[1])) for r in self.rows(sql, (start, end, *queues, *extra))]

    def agents_of(self, start: float, end: float, queues: Sequence[str]) -> set[str]:
        """Extensions rung for a call of ``queues`` that joined in [start, end)."""
        sql = (
            "SELECT DISTINCT a.extension FROM calls c JOIN call_agents a USING (call_id) "
            f"WHERE c.arrived_at >= ? AND c.arrived_at < ? AND c.{_queue_filter(queues)}"
        )
        return {str(r[0]) for r in self.rows(sql, (start, end, *queues))}
