"""CSV, terminal table and HTML page: the JSON report's figures, nothing lost or invented."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cti.interactions.figures import ChannelFigures
from cti.reports.csvformat import render_csv
from cti.reports.html import offered_by_hour, render_html
from cti.reports.query import ReportQuery
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings
from cti.reports.table import DASH, render_table
from tests.unit.reports.records_db import add_period, busy_day, make_records

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, tzinfo=PARIS).timestamp()
NOW = MONDAY + 86400 * 5


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> ReportBook:
    path = make_records(tmp_path_factory.mktemp("formats") / "records.db")
    busy_day(path, MONDAY, seed=3)
    busy_day(path, MONDAY + 86400, seed=4)
    add_period(path, "1099", "paused", MONDAY + 7200, MONDAY + 9000, '=HYPERLINK("x")')
    return ReportBook(path, ReportSettings(timezone=PARIS), clock=lambda: NOW)


def monday(book: ReportBook, minutes: int = 30) -> dict[str, Any]:
    return book.intervals(ReportQuery(date(2026, 3, 2), date(2026, 3, 2), (), minutes))


def test_csv_has_one_line_per_interval_and_a_total_with_the_json_figures(
    book: ReportBook,
) -> None:
    report = monday(book)
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert len(rows) == len(report["intervals"]) + 1 == 49
    for line, row in zip(rows, report["intervals"], strict=False):
        assert (line["row"], line["start"], line["offered"]) == (
            "interval",
            row["start"],
            str(row["offered"]),
        )
        level = None if line["service_level"] == "" else float(line["service_level"])
        assert level == row["service_level"]
        assert line["agents_needed"] == str(row["staffing"]["needed"])
    total = rows[-1]
    assert (total["row"], total["offered"]) == ("total", str(report["offered"]))
    assert (total["start"], total["end"]) == (
        "2026-03-02T00:00:00+01:00",
        "2026-03-03T00:00:00+01:00",
    )
    assert float(total["paused_seconds:lunch"]) == report["paused_seconds"]["lunch"]


def test_csv_quotes_a_pause_reason_a_spreadsheet_would_run_as_a_formula(
    book: ReportBook,
) -> None:
    header = render_csv(monday(book)).splitlines()[0]
    assert "'paused_seconds:=HYPERLINK" not in header  # the column name starts with "paused"
    report = monday(book)
    report["paused_seconds"] = {"=cmd|' /C calc'!A0": 5.0}
    report["intervals"][0]["start"] = "-2+3"
    text = render_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == "'-2+3"
    column = rows[0].index("paused_seconds:=cmd|' /C calc'!A0")
    assert rows[-1][column] == "5"


def test_the_table_shows_busy_intervals_a_total_and_dashes_for_no_value(
    book: ReportBook,
) -> None:
    report = monday(book)
    text = render_table(report, width=200)
    assert "Queue report: all queues · 2026-03-02 · Europe/Paris" in text
    shown = [row for row in report["intervals"] if row["offered"] or row["logged_in_seconds"]]
    lines = [line for line in text.splitlines() if line.startswith("│ ") and "-" in line[:15]]
    assert len(lines) == len(shown)
    assert "00:00-00:30" not in text  # a quiet night interval is left out
    total = next(line for line in text.splitlines() if "Total" in line)
    assert f"{report['offered']}" in total and DASH in total
    assert "not offered" in text  # the short-abandon convention is said


def test_the_table_of_a_clock_change_day_shows_the_utc_offsets(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    busy_day(path, datetime(2026, 3, 29, tzinfo=PARIS).timestamp())
    book = ReportBook(path, ReportSettings(timezone=PARIS), clock=lambda: NOW + 86400 * 30)
    text = render_table(book.intervals(ReportQuery(date(2026, 3, 29), date(2026, 3, 29))), 200)
    assert "09:00-09:30 +02:00" in text


class Elements(HTMLParser):
    """Counts start tags, with their attributes, and collects the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def within(self, svg_id: str, tag: str, css: str) -> int:
        count, inside = 0, False
        for name, attrs in self.tags:
            if name == "svg":
                inside = attrs.get("id") == svg_id
            elif inside and name == tag and attrs.get("class") == css:
                count += 1
        return count


def page_of(book: ReportBook, first: date, last: date, queues: tuple[str, ...] = ()) -> str:
    return book.html(ReportQuery(first, last, queues, 30))


def test_the_html_page_draws_each_chart_with_one_shape_per_value(book: ReportBook) -> None:
    report = book.intervals(ReportQuery(date(2026, 3, 2), date(2026, 3, 3)))
    page = Elements()
    page.feed(page_of(book, date(2026, 3, 2), date(2026, 3, 3)))
    assert page.within("offered-by-hour", "rect", "bar") == 24
    rated = [row for row in report["intervals"] if row["service_level"] is not None]
    assert page.within("service-level", "rect", "bar") == len(rated) > 0
    assert page.within("service-level", "line", "target") == 1
    assert page.within("heatmap", "rect", "cell") == 7 * 24
    assert sum(offered_by_hour(report)) == report["offered"]


def test_the_html_page_loads_nothing_and_runs_nothing(book: ReportBook) -> None:
    text = page_of(book, date(2026, 3, 2), date(2026, 3, 2))
    page = Elements()
    page.feed(text)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    for _, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), name
            if name in ("href", "src"):
                pytest.fail(f"a {name} in a self-contained page: {value}")
    assert "url(" not in text and "@import" not in text
    csp = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in str(csp[0]["content"])


def test_the_html_page_escapes_names_it_did_not_write() -> None:
    report: dict[str, Any] = {
        "timezone": "UTC",
        "from": "2026-03-02",
        "to": "2026-03-02",
        "queues": ["<script>alert(1)</script>"],
        "interval_minutes": 60,
        "service_level_seconds": 20,
        "short_abandon_seconds": 5,
        "short_abandons": "exclude",
        "target_service_level": 0.8,
        "shrinkage": 0.3,
        "offered": 0,
        "answered": 0,
        "abandoned": 0,
        "abandoned_short": 0,
        "abandon_rate": None,
        "answered_within_target": 0,
        "service_level": None,
        "asa_seconds": None,
        "aht_seconds": None,
        "longest_wait_seconds": None,
        "occupancy": None,
        "logged_in_seconds": 60.0,
        "paused_seconds": {"<b>lunch</b>": 60.0},
        "channels": {"<i>fax</i>": ChannelFigures("<i>fax</i>", None).as_dict()},
        "intervals": [],
    }
    peaks = {"from": "2026-03-02", "to": "2026-03-02", "offered": [[0] * 24] * 7}
    text = render_html(report, peaks, "now")
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;b&gt;lunch&lt;/b&gt;" in text
    assert "&lt;i&gt;fax&lt;/i&gt;" in text
