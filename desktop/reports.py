"""The supervisor's Reports tab as rows of text, computed without Qt (a presenter).

It reads the JSON of ``GET /api/reports/intervals`` (docs/reports.md): today by interval,
offered, answered, abandoned, service level, ASA and AHT, with the staffing Erlang C
recommends (needed), that plus shrinkage (scheduled) and who was logged in. A rate or
a time the server leaves null (no call in that interval) shows as a dash, never as 0.
Anything of the wrong shape shows as a dash too: the tab never breaks on an answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.api import ApiError
from desktop.text import visible_text

DASH = "-"
COLUMNS = (
    "Interval",
    "Offered",
    "Answered",
    "Abandoned",
    "Service level",
    "ASA",
    "AHT",
    "Needed",
    "Scheduled",
    "Logged in",
)


@dataclass(frozen=True, slots=True)
class ReportRow:
    interval: str
    offered: str
    answered: str
    abandoned: str
    service_level: str
    asa: str
    aht: str
    needed: str
    scheduled: str
    logged_in: str
    short: bool  # fewer agents logged in than needed

    def cells(self) -> tuple[str, ...]:
        return (
            self.interval,
            self.offered,
            self.answered,
            self.abandoned,
            self.service_level,
            self.asa,
            self.aht,
            self.needed,
            self.scheduled,
            self.logged_in,
        )


@dataclass(frozen=True, slots=True)
class ReportView:
    title: str  # the day, zone and queues
    totals: str  # the day in one line
    rows: tuple[ReportRow, ...]


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def count_text(value: object) -> str:
    number = _number(value)
    return DASH if number is None else str(int(number))


def percent_text(value: object) -> str:
    number = _number(value)
    return DASH if number is None else f"{number:.0%}"


def seconds_text(value: object) -> str:
    """12 s under a minute; 3:05 from a minute on."""
    number = _number(value)
    if number is None or number < 0:
        return DASH
    whole = round(number)
    return f"{whole} s" if whole < 60 else f"{whole // 60}:{whole % 60:02d}"


def time_text(value: object) -> str:
    """An interval's start, ISO-8601 with its offset, as HH:MM (its own zone)."""
    try:
        return datetime.fromisoformat(str(value)).strftime("%H:%M")
    except ValueError:
        return DASH


def _staffing(interval: Mapping[str, Any]) -> Mapping[str, Any]:
    staffing = interval.get("staffing")
    return staffing if isinstance(staffing, Mapping) else {}


def interval_row(interval: Mapping[str, Any]) -> ReportRow:
    staffing = _staffing(interval)
    needed, logged_in = _number(staffing.get("needed")), _number(staffing.get("logged_in"))
    start, end = time_text(interval.get("start")), time_text(interval.get("end"))
    return ReportRow(
        interval=DASH if DASH in (start, end) else f"{start}-{end}",
        offered=count_text(interval.get("offered")),
        answered=count_text(interval.get("answered")),
        abandoned=count_text(interval.get("abandoned")),
        service_level=percent_text(interval.get("service_level")),
        asa=seconds_text(interval.get("asa_seconds")),
        aht=seconds_text(interval.get("aht_seconds")),
        needed=count_text(staffing.get("needed")),
        scheduled=count_text(staffing.get("scheduled")),
        logged_in=count_text(staffing.get("logged_in")),
        short=needed is not None and logged_in is not None and logged_in < needed,
    )


def report_view(report: Mapping[str, Any]) -> ReportView:
    intervals = report.get("intervals")
    rows = tuple(
        interval_row(item)
        for item in (intervals if isinstance(intervals, list) else [])
        if isinstance(item, Mapping)
    )
    queues = report.get("queues")
    names = (
        [visible_text(q) for q in queues if isinstance(q, str)] if isinstance(queues, list) else []
    )
    day = visible_text(report.get("from")) or DASH
    zone = visible_text(report.get("timezone")) or "UTC"
    title = f"{day} ({zone}), {'queues ' + ', '.join(names) if names else 'all queues'}"
    target = count_text(report.get("service_level_seconds"))
    totals = (
        f"Offered {count_text(report.get('offered'))} · answered "
        f"{count_text(report.get('answered'))} · abandoned {count_text(report.get('abandoned'))}"
        f" ({percent_text(report.get('abandon_rate'))}) · service level "
        f"{percent_text(report.get('service_level'))} in {target} s · ASA "
        f"{seconds_text(report.get('asa_seconds'))} · AHT {seconds_text(report.get('aht_seconds'))}"
    )
    return ReportView(title, totals, rows)


def failure_text(error: ApiError) -> str:
    """What went wrong, said for a supervisor: refused, unreachable, or the server's words."""
    if error.status == 403 or error.error == "not-a-supervisor":
        return "Reports are for supervisors: this account may not read them."
    if error.status == 401:
        return "The server did not accept this desktop's token: sign in again."
    if error.error == "unreachable":
        return "Cannot reach the server: reports will load when it is back."
    if error.status == 404:
        return "This server has no reports (it is older than this desktop)."
    return f"Reports could not be loaded: {error.message}"
