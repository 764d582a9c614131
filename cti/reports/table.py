"""The terminal tables (rich) of an interval report, its channels, and the peaks heatmap.

Rendered from the JSON report, like every format. Quiet intervals (no call and no agent
logged in) are left out of the table, so a month fits on a screen of the busy hours.
The email, chat and web form figures of the period follow in a table of their own.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cti.reports.heatmap import WEEKDAYS

DASH = "\u2013"  # an en dash: no value
COLUMNS = (
    "Offered",
    "Answered",
    "Abandoned (short)",
    "SL",
    "ASA",
    "AHT",
    "Longest wait",
    "Occupancy",
    "Logged in",
    "Needed",
    "Scheduled",
)
"""The headers of `row_cells`, after the interval's own."""
CHANNEL_COLUMNS = (
    "Offered",
    "Handled",
    "Closed",
    "Abandoned",
    "Open",
    "First response",
    "p90",
    "Target",
    "Within target",
    "Handling",
)
"""The headers of `channel_cells`, after the channel's name."""
CHANNEL_NAMES = {"email": "Email", "chat": "Chat", "webform": "Web form"}
SHORT_ABANDONS = {"exclude": "not offered", "count": "counted as offered and abandoned"}


def percent(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def duration(value: float | None) -> str:
    """Seconds as m:ss (h:mm:ss from an hour up)."""
    if value is None:
        return DASH
    total = round(value)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def number(value: float | None) -> str:
    return DASH if value is None else f"{value:g}"


def scope(report: dict[str, Any]) -> str:
    queues = ", ".join(report["queues"]) or "all queues"
    days = (
        report["from"] if report["from"] == report["to"] else f"{report['from']} to {report['to']}"
    )
    return f"{queues} · {days} · {report['timezone']}"


def interval_label(row: dict[str, Any], several_days: bool, several_offsets: bool) -> str:
    start, end = row["start"], row["end"]
    text = f"{start[11:16]}-{end[11:16]}"
    if several_offsets:
        text += f" {start[19:]}"
    return f"{start[:10]} {text}" if several_days else text


def is_busy(row: dict[str, Any]) -> bool:
    return bool(row["offered"] or row["abandoned_short"] or row["logged_in_seconds"])


def row_cells(row: dict[str, Any]) -> list[str]:
    staffing = row.get("staffing") or {}
    return [
        str(row["offered"]),
        str(row["answered"]),
        f"{row['abandoned']} ({row['abandoned_short']})",
        percent(row["service_level"]),
        duration(row["asa_seconds"]),
        duration(row["aht_seconds"]),
        duration(row["longest_wait_seconds"]),
        percent(row["occupancy"]),
        number(staffing.get("logged_in")),
        number(staffing.get("needed")),
        number(staffing.get("scheduled")),
    ]


def interval_table(report: dict[str, Any]) -> Table:
    rows = report["intervals"]
    several_days = report["from"] != report["to"]
    several_offsets = len({row["start"][19:] for row in rows}) > 1
    table = Table(
        title=f"Queue report: {scope(report)}",
        caption=(
            f"{report['interval_minutes']}-minute intervals; service level: answered within "
            f"{report['service_level_seconds']} s over offered; short abandons "
            f"(under {report['short_abandon_seconds']} s, in brackets) "
            f"{SHORT_ABANDONS.get(report['short_abandons'], report['short_abandons'])}"
        ),
    )
    table.add_column("Interval")
    for name in COLUMNS:
        table.add_column(name, justify="right")
    for row in rows:
        if is_busy(row):
            table.add_row(interval_label(row, several_days, several_offsets), *row_cells(row))
    total = row_cells({**report, "staffing": {}})
    table.add_section()
    table.add_row("Total", *total, style="bold")
    return table


def channel_cells(figures: dict[str, Any]) -> list[str]:
    due, within = figures["first_response_due"], figures["responded_within_target"]
    level = percent(figures["first_response_level"])
    return [
        str(figures["offered"]),
        str(figures["handled"]),
        str(figures["closed"]),
        str(figures["abandoned"]),
        str(figures["open"]),
        duration(figures["first_response_mean_seconds"]),
        duration(figures["first_response_p90_seconds"]),
        duration(figures["first_response_target_seconds"]),
        f"{level} ({within}/{due})" if due else level,
        duration(figures["handling_mean_seconds"]),
    ]


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


def channel_table(report: dict[str, Any]) -> Table:
    """The period's figures of each channel of the universal queue, one row each."""
    table = Table(
        title=f"Email, chat and web forms: {report['from']} to {report['to']}"
        if report["from"] != report["to"]
        else f"Email, chat and web forms: {report['from']}",
        caption=(
            "First response: arrival to the first reply (mean, p90). Within target: replies "
            "within the channel's target over those due (answered, or unanswered past it). "
            "Handling: accepted to closed (mean)."
        ),
    )
    table.add_column("Channel")
    for name in CHANNEL_COLUMNS:
        table.add_column(name, justify="right")
    for channel, figures in report.get("channels", {}).items():
        # Text: a channel name from a hand-edited row is shown, never read as markup
        table.add_row(Text(channel_name(channel)), *channel_cells(figures))
    return table


def heatmap_table(peaks: dict[str, Any]) -> Table:
    days = peaks["from"] if peaks["from"] == peaks["to"] else f"{peaks['from']} to {peaks['to']}"
    queues = ", ".join(peaks["queues"]) or "all queues"
    table = Table(
        title=f"Calls offered by weekday and hour: {queues} · {days} · {peaks['timezone']}"
    )
    table.add_column("Hour")
    for day in WEEKDAYS:
        table.add_column(day, justify="right")
    for hour in range(24):
        table.add_row(f"{hour:02d}", *(str(peaks["offered"][day][hour]) for day in range(7)))
    return table


def render_table(report: dict[str, Any], width: int | None = None) -> str:
    """The table as text (plain, no colours), e.g. for a file or a test."""
    out = io.StringIO()
    console = Console(width=width or 160, color_system=None, file=out)
    console.print(interval_table(report))
    console.print(channel_table(report))
    return out.getvalue()
