"""`--format csv`: one line per interval and a total line, the JSON report's figures.

Written from the JSON object, so the two formats cannot disagree. Rates are 0..1 as in
JSON; a figure that is undefined (no call to rate) is an empty cell. A pause reason is
a column of its own (`paused_seconds:lunch`), and so is each figure of each channel of
the universal queue (`email:offered`, `chat:first_response_level`...). Cells a
spreadsheet would run as a formula (starting with = + - @) are quoted with a leading
apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

COLUMNS = (
    "start",
    "end",
    "offered",
    "answered",
    "abandoned",
    "abandoned_short",
    "abandon_rate",
    "answered_within_target",
    "service_level",
    "asa_seconds",
    "aht_seconds",
    "longest_wait_seconds",
    "occupancy",
    "logged_in_seconds",
)
STAFFING = ("needed", "scheduled", "logged_in")
CHANNEL_FIGURES = (
    "offered",
    "handled",
    "closed",
    "abandoned",
    "open",
    "responded",
    "first_response_due",
    "responded_within_target",
    "first_response_level",
    "first_response_mean_seconds",
    "first_response_p90_seconds",
    "handling_mean_seconds",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _safe(text: str) -> str:
    """Text a spreadsheet shows as text; numbers (even negative) stay numbers."""
    if text.startswith(_FORMULA) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _reasons(rows: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({reason for row in rows for reason in row["paused_seconds"]})


def _line(kind: str, row: dict[str, Any], reasons: list[str], channels: list[str]) -> list[str]:
    staffing = row.get("staffing") or {}
    values = [kind, *(row.get(column) for column in COLUMNS)]
    values += [staffing.get(name) for name in STAFFING]
    values += [row["paused_seconds"].get(reason, 0) for reason in reasons]
    for channel in channels:
        figures = row["channels"].get(channel, {})
        values += [figures.get(name) for name in CHANNEL_FIGURES]
    return [_safe(_cell(value)) for value in values]


def render_csv(report: dict[str, Any]) -> str:
    """``report``: the JSON report; the total line spans its first to its last interval."""
    rows = report["intervals"]
    first, last = rows[0]["start"], rows[-1]["end"]
    reasons = _reasons([*rows, report])
    channels = list(report["channels"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["row", *COLUMNS, *(f"agents_{name}" for name in STAFFING)]
    header += [f"paused_seconds:{reason}" for reason in reasons]
    header += [f"{channel}:{name}" for channel in channels for name in CHANNEL_FIGURES]
    writer.writerow([_safe(name) for name in header])
    for row in rows:
        writer.writerow(_line("interval", row, reasons, channels))
    total = {**report, "start": first, "end": last}
    writer.writerow(_line("total", total, reasons, channels))
    return out.getvalue()
