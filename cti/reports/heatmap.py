"""The peaks view: calls offered by local weekday and hour, over a period of up to a year.

A year is about a million calls, too many to bring into Python one by one: SQLite counts
them per slot of UTC time (a quarter hour), and each slot is put under its local weekday
and hour here. Every time zone's offset and clock change is a multiple of a quarter hour
in practice; `slot_seconds` shortens the slot for a zone where that is not so, so a slot
never straddles a local hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cti.reports.period import ReportPeriod, slot_seconds
from cti.reports.query import ReportQuery
from cti.reports.settings import ReportSettings
from cti.reports.source import RecordsReader

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Heatmap:
    """``offered[weekday][hour]``: Monday is 0, hours on the local clock."""

    query: ReportQuery
    settings: ReportSettings
    offered: list[list[int]]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.offered)

    def as_json(self) -> dict[str, Any]:
        query = self.query
        return {
            "timezone": self.settings.timezone_name,
            "from": query.first.isoformat(),
            "to": query.last.isoformat(),
            "queues": list(query.queues),
            "offered": self.offered,
        }


def heatmap(reader: RecordsReader, query: ReportQuery, settings: ReportSettings) -> Heatmap:
    tz, rule = settings.timezone, settings.rule
    period = ReportPeriod(query.first, query.last, tz)
    start, end = period.start, period.end
    slot = slot_seconds(tz, start, end)
    short = None if rule.counts_short_abandons else float(rule.short_abandon_seconds)
    grid = [[0] * 24 for _ in WEEKDAYS]
    for number, count in reader.offered_by_slot(start, end, query.queues, short, slot):
        local = datetime.fromtimestamp(number * slot, tz)
        grid[local.weekday()][local.hour] += count
    return Heatmap(query, settings, grid)
