"""`--format html`: one self-contained page a manager opens in any browser, with no server.

Everything is inline: the CSS, the SVG charts (`cti.reports.svg`), the tables. There is
no script and no URL, and the page's Content-Security-Policy forbids loading anything,
so it shows the same on a laptop offline and leaks nothing when opened.
"""

from __future__ import annotations

from html import escape
from typing import Any

from cti.reports.heatmap import WEEKDAYS
from cti.reports.svg import Bar, bar_chart, heat_grid
from cti.reports.table import (
    CHANNEL_COLUMNS,
    COLUMNS,
    SHORT_ABANDONS,
    channel_cells,
    channel_name,
    duration,
    interval_label,
    is_busy,
    percent,
    row_cells,
    scope,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;
color:#1d2733;background:#fff;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.scope{color:#566270;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #d5d9df;border-radius:6px;padding:8px 12px;min-width:110px}
.card .value{font-size:20px;font-weight:600}.card .name{font-size:12px;color:#566270}
.chart{width:100%;height:auto;display:block}
.axis{font-size:11px;fill:#566270}.count{font-size:10px}
table{border-collapse:collapse;font-size:12px;margin-top:4px}
th,td{padding:3px 8px;border-bottom:1px solid #e4e7eb;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
tr.total td{font-weight:600;border-top:2px solid #1d2733}
.note{font-size:12px;color:#566270}
"""


def _table(table_id: str, head: str, body: str) -> str:
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cards(report: dict[str, Any]) -> str:
    cards = (
        ("Offered", str(report["offered"])),
        ("Answered", str(report["answered"])),
        ("Abandoned", f"{report['abandoned']} ({report['abandoned_short']} short)"),
        ("Service level", percent(report["service_level"])),
        ("Abandon rate", percent(report["abandon_rate"])),
        ("ASA", duration(report["asa_seconds"])),
        ("AHT", duration(report["aht_seconds"])),
        ("Longest wait", duration(report["longest_wait_seconds"])),
        ("Occupancy", percent(report["occupancy"])),
    )
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="value">{escape(value)}</div>'
            f'<div class="name">{escape(name)}</div></div>'
            for name, value in cards
        )
        + "</div>"
    )


def offered_by_hour(report: dict[str, Any]) -> list[int]:
    """Calls offered in each local hour of the day, summed over the period's days."""
    hours = [0] * 24
    for row in report["intervals"]:
        hours[int(row["start"][11:13])] += row["offered"]
    return hours


def _offered_chart(report: dict[str, Any]) -> str:
    hours = offered_by_hour(report)
    bars = [Bar(f"{h:02d}", n, f"{h:02d}:00-{h:02d}:59: {n} offered") for h, n in enumerate(hours)]
    top = max(hours, default=0)
    return bar_chart("offered-by-hour", bars, top, lambda v: f"{v:.0f}")


def _service_level_chart(report: dict[str, Any]) -> str:
    """One bar per interval; under it the time every hour or so, or each day's date."""
    rows = report["intervals"]
    several_days = report["from"] != report["to"]
    every = max(1, len(rows) // 24)
    bars, day = [], ""
    for index, row in enumerate(rows):
        level, start = row["service_level"], row["start"]
        if several_days:
            label = start[5:10] if start[:10] != day else ""
            day = start[:10]
        else:
            label = start[11:16] if index % every == 0 else ""
        tip = f"{start[:10]} {start[11:16]}: {percent(level)} of {row['offered']} offered"
        bars.append(Bar(label, level, tip))
    target = report.get("target_service_level")
    return bar_chart("service-level", bars, 1.0, lambda v: f"{v * 100:.0f}%", target)


def _intervals_table(report: dict[str, Any]) -> str:
    rows = report["intervals"]
    days = report["from"] != report["to"]
    offsets = len({row["start"][19:] for row in rows}) > 1
    head = "".join(f"<th>{escape(name)}</th>" for name in ("Interval", *COLUMNS))
    body = [
        "<tr>"
        + f"<td>{escape(interval_label(row, days, offsets))}</td>"
        + "".join(f"<td>{escape(cell)}</td>" for cell in row_cells(row))
        + "</tr>"
        for row in rows
        if is_busy(row)
    ]
    total = "".join(f"<td>{escape(cell)}</td>" for cell in row_cells({**report, "staffing": {}}))
    body.append(f'<tr class="total"><td>Total</td>{total}</tr>')
    return _table("intervals", head, "".join(body))


def _channels_table(report: dict[str, Any]) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name in ("Channel", *CHANNEL_COLUMNS))
    body = "".join(
        f"<tr><td>{escape(channel_name(channel))}</td>"
        + "".join(f"<td>{escape(cell)}</td>" for cell in channel_cells(figures))
        + "</tr>"
        for channel, figures in report["channels"].items()
    )
    note = (
        '<p class="note">Each email thread, chat and web form counts in the period it '
        "arrived in. First response: arrival to the first reply (mean, p90). Within target: "
        "first replies within the channel's target over those due (answered, or left "
        "unanswered longer than the target). Handling: accepted to closed (mean). "
        "Abandoned: closed without an agent accepting it.</p>"
    )
    return _table("channels", head, body) + note


def _paused_table(report: dict[str, Any]) -> str:
    paused = report["paused_seconds"]
    if not paused:
        return '<p class="note">No agent paused in this period.</p>'
    rows = "".join(
        f"<tr><td>{escape(reason)}</td><td>{escape(duration(spent))}</td></tr>"
        for reason, spent in sorted(paused.items(), key=lambda item: -item[1])
    )
    return _table("paused", "<th>Reason</th><th>Time</th>", rows)


def _notes(report: dict[str, Any]) -> str:
    target = report.get("target_service_level")
    staffing = (
        f"Needed: the fewest agents that answer {percent(target)} of the interval's calls "
        f"within {report['service_level_seconds']} s (Erlang C, from its offered calls and "
        f"AHT); scheduled adds {percent(report.get('shrinkage'))} shrinkage; logged in is the "
        "mean number of agents logged in over the interval."
    )
    short = SHORT_ABANDONS.get(report["short_abandons"], report["short_abandons"])
    return (
        f'<p class="note">Service level: calls answered within {report["service_level_seconds"]} s '
        f"over calls offered. Short abandons (callers who hung up within "
        f"{report['short_abandon_seconds']} s) are {escape(short)}. A call counts in the "
        "interval its caller joined the queue. AHT is talk + hold + wrap-up. Occupancy is "
        "the time agents handled calls over the time they were logged in and not paused. "
        f"{escape(staffing)} Quiet intervals (no call, no agent) are left out of the table.</p>"
    )


def render_html(report: dict[str, Any], peaks: dict[str, Any], generated: str) -> str:
    """The page for the JSON ``report`` and the JSON heatmap ``peaks`` of the same query."""
    title = f"Queue report: {scope(report)}"
    target = report.get("target_service_level")
    legend = "" if target is None else f" (dashed line: the {percent(target)} target)"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>Queue report</h1><p class="scope">{escape(scope(report))} · '
        f"{report['interval_minutes']}-minute intervals · generated {escape(generated)}</p>"
        f"{_cards(report)}"
        f"<h2>Calls offered by hour</h2>{_offered_chart(report)}"
        f"<h2>Service level by interval{escape(legend)}</h2>{_service_level_chart(report)}"
        f"<h2>Peaks: calls offered by weekday and hour ({escape(peaks['from'])} to "
        f"{escape(peaks['to'])})</h2>{heat_grid('heatmap', peaks['offered'], WEEKDAYS)}"
        f"<h2>Intervals</h2>{_intervals_table(report)}"
        f"<h2>Paused time by reason</h2>{_paused_table(report)}"
        f"<h2>Email, chat and web forms</h2>{_channels_table(report)}"
        f"{_notes(report)}</body></html>\n"
    )
