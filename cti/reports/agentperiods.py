"""Reading agent periods for a report: SQLite sums what it can, Python clips the rest.

A month of a 100-agent centre is some 300,000 periods, most of them shorter than a
quarter hour. A period that begins and ends within one UTC slot (`slot_seconds`, which
every interval boundary is a multiple of) lies whole in one interval, so SQLite sums
those per slot, state and reason; only the periods that cross a slot boundary, that
began before the report or are still open come to Python, to be clipped to intervals.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from cti.protocol import LOGGED_OUT
from cti.reports.source import RecordsReader, in_list


class Span(NamedTuple):
    """Agent time to place in intervals: whole (``ended_at`` set) or open (None)."""

    state: str
    reason: str | None
    started_at: float
    ended_at: float | None


class SlotTotal(NamedTuple):
    """Seconds of one state and reason in one slot, from periods wholly inside it."""

    slot: int
    state: str
    reason: str | None
    seconds: float


def _agents(extensions: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
    if extensions is None:
        return "", ()
    return f" AND {in_list('extension', extensions)}", tuple(extensions)


def slot_totals(
    reader: RecordsReader,
    start: float,
    end: float,
    extensions: Sequence[str] | None,
    slot: int,
) -> list[SlotTotal]:
    """Periods that began in [start, end) and ended in the same slot, summed."""
    agents, names = _agents(extensions)
    sql = (
        f"SELECT CAST(started_at / {slot} AS INTEGER) AS slot, state, reason, "
        "sum(ended_at - started_at) FROM agent_periods "
        f"WHERE started_at >= ? AND started_at < ? AND state != '{LOGGED_OUT}'{agents} "
        f"AND ended_at IS NOT NULL AND CAST(ended_at / {slot} AS INTEGER) = "
        f"CAST(started_at / {slot} AS INTEGER) GROUP BY 1, 2, 3"
    )
    return [SlotTotal(*row) for row in reader.rows(sql, (start, end, *names))]


def spans_to_clip(
    reader: RecordsReader,
    start: float,
    end: float,
    extensions: Sequence[str] | None,
    slot: int,
) -> Iterator[Span]:
    """The rest: periods in [start, end) that cross a slot boundary or are open, and
    each agent's period that began before ``start`` and reaches into the report."""
    agents, names = _agents(extensions)
    sql = (
        "SELECT state, reason, started_at, ended_at FROM agent_periods "
        f"WHERE started_at >= ? AND started_at < ? AND state != '{LOGGED_OUT}'{agents} "
        f"AND (ended_at IS NULL OR CAST(ended_at / {slot} AS INTEGER) != "
        f"CAST(started_at / {slot} AS INTEGER))"
    )
    for row in reader.rows(sql, (start, end, *names)):
        yield Span(*row)
    yield from _reaching_in(reader, start, extensions)


def _reaching_in(
    reader: RecordsReader, start: float, extensions: Sequence[str] | None
) -> Iterator[Span]:
    """Each agent's periods follow one another, so of those that began before ``start``
    only each agent's last can reach into the report: found by the key's index."""
    for extension in extensions if extensions is not None else all_extensions(reader):
        rows = reader.rows(
            "SELECT state, reason, started_at, ended_at FROM agent_periods "
            "WHERE extension = ? AND started_at < ? ORDER BY started_at DESC LIMIT 1",
            (extension, start),
        )
        for state, reason, began, ended in rows:
            if state != LOGGED_OUT and (ended is None or ended > start):
                yield Span(state, reason, began, ended)


def all_extensions(reader: RecordsReader) -> list[str]:
    """Every extension with agent periods, each once (a skip-scan of the key's index)."""
    sql = (
        "WITH RECURSIVE ext(e) AS (SELECT min(extension) FROM agent_periods UNION ALL "
        "SELECT (SELECT min(extension) FROM agent_periods WHERE extension > e) "
        "FROM ext WHERE e IS NOT NULL) SELECT e FROM ext WHERE e IS NOT NULL"
    )
    return [str(row[0]) for row in reader.rows(sql, ())]
