"""The supervisor's Reports tab as rows of text, computed without Qt (a presenter).

It reads the JSON of ``GET /api/reports/intervals`` (docs/reports.md): today by interval,
offered, answered, abandoned (short abandons in brackets), service level, ASA and AHT,
with the staffing Erlang C recommends (needed), that plus shrinkage (scheduled) and who
was logged in, then a total row, as `cti report` shows them. Quiet intervals (no call, no
agent) are left out, as in `cti report`. Times are the report zone's wall clock, as the
JSON writes them with their offset; the title names the zone.

`logged_in` is a mean number of agents, so it shows with a decimal: 2.8 agents is short
of 3 needed. For the interval in progress the server divides by the whole interval, so
the tab divides its agent time by the part already gone instead: at 10:05 the agents of
10:00-10:30 would otherwise look a sixth as many. A rate or a time the server leaves null
shows as a dash, never as 0; anything of the wrong shape too: the tab never breaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.api import ApiError
from desktop.text import visible_text

DASH = "-"
SO_FAR = " so far"
COLUMNS = (
    "Interval",
    "Offered",
    "Answered",
    "Abandoned (short)",
    "Service level",
    "ASA",
    "AHT",
    "Needed",
    "Scheduled",
    "Logged in",
)
SHORT_ABANDONS = {"exclude": "are not offered", "count": "count as offered"}


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
    caption: str  # what the figures mean: intervals, zone, service level, staffing
    rows: tuple[ReportRow, ...]  # the busy intervals
    total: ReportRow


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def count_text(value: object) -> str:
    number = _number(value)
    return DASH if number is None else str(int(number))


def mean_text(value: object) -> str:
    """A mean number of agents, to one decimal: 2.83 is 2.8, never 2."""
    number = _number(value)
    return DASH if number is None else f"{number:.1f}"


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


def _moment(value: object) -> datetime | None:
    """ISO-8601 with its offset (the report zone's wall clock); None if not that."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def _offset(moment: datetime) -> str:
    return moment.isoformat()[19:]  # "+05:30"


def _staffing(interval: Mapping[str, Any]) -> Mapping[str, Any]:
    staffing = interval.get("staffing")
    return staffing if isinstance(staffing, Mapping) else {}


def _is_busy(interval: Mapping[str, Any]) -> bool:
    """As `cti report`'s table: a call offered or given up, or an agent logged in."""
    names = ("offered", "abandoned_short", "logged_in_seconds")
    return any(_number(interval.get(name)) for name in names)


def _logged_in(interval: Mapping[str, Any], now: float) -> tuple[float | None, bool]:
    """Mean agents logged in (the server's: over the part of the interval gone when it
    reported), and whether the interval is still going on at `now`."""
    mean = _number(_staffing(interval).get("logged_in"))
    start, end = _moment(interval.get("start")), _moment(interval.get("end"))
    running = start is not None and end is not None and start.timestamp() < now < end.timestamp()
    return mean, running


def _label(interval: Mapping[str, Any], offsets: bool, running: bool) -> str:
    start, end = _moment(interval.get("start")), _moment(interval.get("end"))
    if start is None or end is None:
        return DASH
    text = f"{start:%H:%M}-{end:%H:%M}"
    if offsets:  # the hour the clocks go back comes twice
        text += f" {_offset(start)}"
    return text + (SO_FAR if running else "")


Figures = tuple[str, str, str, str, str, str]  # offered ... AHT


def _figures(item: Mapping[str, Any]) -> Figures:
    return (
        count_text(item.get("offered")),
        count_text(item.get("answered")),
        f"{count_text(item.get('abandoned'))} ({count_text(item.get('abandoned_short'))})",
        percent_text(item.get("service_level")),
        seconds_text(item.get("asa_seconds")),
        seconds_text(item.get("aht_seconds")),
    )


def interval_row(interval: Mapping[str, Any], now: float, offsets: bool = False) -> ReportRow:
    staffing = _staffing(interval)
    needed = _number(staffing.get("needed"))
    logged_in, running = _logged_in(interval, now)
    return ReportRow(
        _label(interval, offsets, running),
        *_figures(interval),
        needed=count_text(needed),
        scheduled=count_text(staffing.get("scheduled")),
        logged_in=mean_text(logged_in),
        short=needed is not None and logged_in is not None and round(logged_in, 1) < needed,
    )


def total_row(report: Mapping[str, Any]) -> ReportRow:
    """The period's figures; staffing is per interval, so the total has none (as the CLI)."""
    return ReportRow("Total", *_figures(report), DASH, DASH, DASH, short=False)


def _title(report: Mapping[str, Any]) -> str:
    queues = report.get("queues")
    names = (
        [visible_text(q) for q in queues if isinstance(q, str)] if isinstance(queues, list) else []
    )
    scope = (
        ("queue " if len(names) == 1 else "queues ") + ", ".join(names) if names else "all queues"
    )
    day = visible_text(report.get("from")) if isinstance(report.get("from"), str) else DASH
    return f"{day or DASH}, all times {_zone(report)}, {scope}"


def _zone(report: Mapping[str, Any]) -> str:
    zone = report.get("timezone")
    return visible_text(zone) if isinstance(zone, str) and zone else "UTC"


def _caption(report: Mapping[str, Any]) -> str:
    target = count_text(report.get("service_level_seconds"))
    short = SHORT_ABANDONS.get(str(report.get("short_abandons")), "are not offered")
    return (
        f"{count_text(report.get('interval_minutes'))}-minute intervals, local time of "
        f"{_zone(report)}. Service level: answered within {target} s over offered; short "
        f"abandons (under {count_text(report.get('short_abandon_seconds'))} s, in brackets) "
        f"{short}. Needed: the fewest agents that answer "
        f"{percent_text(report.get('target_service_level'))} of calls within {target} s "
        f"(Erlang C); scheduled adds {percent_text(report.get('shrinkage'))} shrinkage; logged "
        "in: the mean number of agents logged in over the interval (so far, for the one in "
        "progress). Shaded: fewer logged in than needed."
    )


def report_view(report: Mapping[str, Any], now: float) -> ReportView:
    """The tab's view of ``report`` at ``now`` (unix seconds: which interval is running)."""
    intervals = report.get("intervals")
    busy = [
        item
        for item in (intervals if isinstance(intervals, list) else [])
        if isinstance(item, Mapping) and _is_busy(item)
    ]
    offsets = len({_offset(m) for i in busy if (m := _moment(i.get("start")))}) > 1
    rows = tuple(interval_row(item, now, offsets) for item in busy)
    return ReportView(_title(report), _caption(report), rows, total_row(report))


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
