"""The supervisor's Reports tab: the presenter on the real report's JSON shape, and the
tab in the real window against the whole server (`CtiApp` with its call records and the
real ``/api/reports/...`` routes) after real simulated queue calls.

The centre here reports in Asia/Kolkata (UTC+05:30), so a local interval is never a UTC
one, and counts a caller who gives up within 1 s as a short abandon.
"""

from __future__ import annotations

import asyncio
import stat
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from cti.sim import CallPlan
from desktop.reports import (
    COLUMNS,
    ReportRow,
    count_text,
    percent_text,
    report_view,
    seconds_text,
)
from desktop.widgets.reports import ReportsTab
from desktop.widgets.window import MainWindow
from tests.desktop.centre.conftest import (
    BERT,
    SUE_TOKEN,
    CentreServer,
    DeskOpener,
    open_desk,
    serve,
)
from tests.desktop.conftest import ALICE, ALICE_TOKEN, until

__all__ = ["open_desk"]  # the centre's fixture, used here too

ZONE = "Asia/Kolkata"
KOLKATA = ZoneInfo(ZONE)


def interval(start: str, end: str, **figures: Any) -> dict[str, Any]:
    """One interval as `GET /api/reports/intervals` writes it (docs/reports.md)."""
    staffing = {"needed": 0, "scheduled": 0, "logged_in": 0.0}
    staffing |= figures.pop("staffing", {})
    row: dict[str, Any] = {
        "start": start,
        "end": end,
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
        "logged_in_seconds": 0.0,
        "paused_seconds": {},
    }
    row |= figures
    row["staffing"] = staffing | {"service_level": None, "asa_seconds": None, "occupancy": None}
    return row


REPORT: dict[str, Any] = {
    "timezone": ZONE,
    "from": "2026-12-07",
    "to": "2026-12-07",
    "queues": ["support"],
    "interval_minutes": 60,
    "service_level_seconds": 20,
    "short_abandon_seconds": 5,
    "short_abandons": "exclude",
    "target_service_level": 0.8,
    "shrinkage": 0.3,
    "offered": 57,
    "answered": 50,
    "abandoned": 7,
    "abandoned_short": 2,
    "abandon_rate": 0.1228,
    "answered_within_target": 41,
    "service_level": 0.7593,
    "asa_seconds": 9.4,
    "aht_seconds": 185.2,
    "longest_wait_seconds": 64.0,
    "occupancy": 0.61,
    "logged_in_seconds": 18000.0,
    "paused_seconds": {"break": 900.0},
    "intervals": [
        interval("2026-12-07T08:00:00+05:30", "2026-12-07T09:00:00+05:30"),  # quiet
        interval(
            "2026-12-07T09:00:00+05:30",
            "2026-12-07T10:00:00+05:30",
            offered=31,
            answered=29,
            abandoned=2,
            abandoned_short=1,
            service_level=0.8333,
            asa_seconds=7.0,
            aht_seconds=190.0,
            logged_in_seconds=10188.0,
            staffing={"needed": 3, "scheduled": 5, "logged_in": 2.83},
        ),
        interval(
            "2026-12-07T10:00:00+05:30",
            "2026-12-07T11:00:00+05:30",
            offered=26,
            answered=21,
            abandoned=5,
            abandoned_short=1,
            service_level=0.64,
            asa_seconds=12.4,
            aht_seconds=62.0,
            logged_in_seconds=7812.0,
            staffing={"needed": 2, "scheduled": 3, "logged_in": 2.17},
        ),
        interval(  # agents there, no call: not quiet
            "2026-12-07T11:00:00+05:30",
            "2026-12-07T12:00:00+05:30",
            logged_in_seconds=3600.0,
            staffing={"logged_in": 1.0},
        ),
        interval("2026-12-07T12:00:00+05:30", "2026-12-07T13:00:00+05:30"),  # quiet
    ],
}
BEFORE = datetime(2026, 12, 7, 23, 0, tzinfo=KOLKATA).timestamp()  # the day is over


# -- the presenter, no Qt ------------------------------------------------------------------


def test_rows_show_each_busy_interval_with_its_staffing_next_to_who_was_logged_in() -> None:
    view = report_view(REPORT, BEFORE)
    assert [row.cells() for row in view.rows] == [
        ("09:00-10:00", "31", "29", "2 (1)", "83%", "7 s", "3:10", "3", "5", "2.8"),
        ("10:00-11:00", "26", "21", "5 (1)", "64%", "12 s", "1:02", "2", "3", "2.2"),
        ("11:00-12:00", "0", "0", "0 (0)", "-", "-", "-", "0", "0", "1.0"),
    ]
    assert [row.short for row in view.rows] == [True, False, False]
    assert view.title == "2026-12-07, all times Asia/Kolkata, queue support"


def test_logged_in_is_a_mean_shown_with_one_decimal_never_truncated() -> None:
    """2.83 agents on average is "2.8", not "2": and it is short of 3 needed."""
    row = report_view(REPORT, BEFORE).rows[0]
    assert (row.needed, row.logged_in, row.short) == ("3", "2.8", True)


def test_quiet_intervals_are_left_out_as_in_cti_report() -> None:
    starts = [row.interval[:5] for row in report_view(REPORT, BEFORE).rows]
    assert starts == ["09:00", "10:00", "11:00"], "no call and no agent: not shown"


def test_a_total_row_has_the_days_figures_and_no_staffing() -> None:
    total = report_view(REPORT, BEFORE).total
    assert total.cells() == ("Total", "57", "50", "7 (2)", "76%", "9 s", "3:05", "-", "-", "-")
    assert not total.short


def test_the_interval_in_progress_counts_who_is_logged_in_so_far() -> None:
    """At 10:30 the server counts 7812 agent-seconds since 10:00 as 4.34 agents (not 2.17
    over the whole hour); the tab shows its figure and says the interval is not over."""
    now = datetime(2026, 12, 7, 10, 30, tzinfo=KOLKATA).timestamp()
    intervals = list(REPORT["intervals"])  # quiet 08:00, 09:00, 10:00 (running), ...
    staffing = {"needed": 2, "scheduled": 3, "logged_in": 4.34}
    intervals[2] = dict(intervals[2], staffing=staffing)
    rows = report_view(dict(REPORT, intervals=intervals), now).rows
    assert rows[1].interval == "10:00-11:00 so far"
    assert (rows[1].logged_in, rows[1].short) == ("4.3", False)
    assert rows[0].logged_in == "2.8" and rows[0].interval == "09:00-10:00"


def test_the_caption_says_the_zone_and_the_conventions_of_the_figures() -> None:
    caption = report_view(REPORT, BEFORE).caption
    assert caption.startswith("60-minute intervals, local time of Asia/Kolkata. ")
    assert "answered within 20 s over offered" in caption
    assert "short abandons (under 5 s, in brackets) are not offered" in caption
    assert "80% of calls within 20 s" in caption and "30% shrinkage" in caption


def test_the_hour_the_clocks_go_back_shows_twice_told_apart_by_its_offset() -> None:
    report = {
        "timezone": "Europe/Paris",
        "from": "2026-10-25",
        "intervals": [
            interval("2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00", offered=1),
            interval("2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00", offered=2),
        ],
    }
    labels = [row.interval for row in report_view(report, BEFORE).rows]
    assert labels == ["02:00-02:00 +02:00", "02:00-03:00 +01:00"]


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"intervals": "all of them"},
        {"intervals": [None, 3, {"start": "yesterday", "offered": "many", "staffing": []}]},
        {"offered": True, "service_level": "high", "queues": [None, 7], "timezone": 3},
    ],
)
def test_an_answer_of_the_wrong_shape_shows_dashes_never_an_error(broken: dict[str, Any]) -> None:
    view = report_view(broken, BEFORE)
    for row in view.rows:
        assert row.cells() == ("-", "-", "-", "- (-)", "-", "-", "-", "-", "-", "-")
    assert view.total.cells()[1:] == ("-", "-", "- (-)", "-", "-", "-", "-", "-", "-")
    assert "all queues" in view.title


def test_the_tab_has_a_column_per_figure_of_a_row() -> None:
    assert len(COLUMNS) == len(ReportRow.__slots__) - 1  # all but `short`


# -- the real window against the whole server ------------------------------------------------


class ReportingCentre(CentreServer):
    queue_options = "  short_abandon_seconds: 1\n"
    more_config = f"reports:\n  timezone: {ZONE}\n"


@pytest.fixture
def centre(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[ReportingCentre]:
    yield from serve(ReportingCentre, loop, tmp_path)


ANSWERED = CallPlan(answer_by="1001", answer_after=300.0, talk=500.0)  # ms at time_scale
ABANDONED = CallPlan(abandon_after=2500.0)  # 2.5 s: over the 1 s of a short abandon
SHORT = CallPlan(abandon_after=100.0)


async def get_report(centre: CentreServer, token: str, path: str = "intervals") -> Any:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{centre.url}/api/reports/{path}", headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def recorded(centre: CentreServer, offered: int, short: int) -> dict[str, Any]:
    """The real report once the records have every call (they are written in batches)."""
    async with asyncio.timeout(30):
        while True:
            status, report = await get_report(centre, SUE_TOKEN)
            assert status == 200, report
            if (report["offered"], report["abandoned_short"]) == (offered, short):
                return dict(report)
            await asyncio.sleep(0.1)


async def play(centre: CentreServer, *plans: CallPlan) -> None:
    for plan, caller in zip(plans, (ALICE, BERT, ALICE), strict=False):
        await centre.pbx.place_call("queue", target="support", caller=caller, plan=plan)
    await until(lambda: not centre.pbx.calls)


def reports_tab(centre: CentreServer, window: MainWindow) -> ReportsTab:
    centre.run(until(lambda: window.reports.tab is not None))
    tab = window.reports.tab
    assert tab is not None
    return tab


def row_starting(tab: ReportsTab, label: str) -> int | None:
    """The table row of the interval ``label`` (HH:MM-HH:MM), if shown."""
    rows = range(tab.table.rowCount())
    return next((row for row in rows if tab.row_texts(row)[0].startswith(label)), None)


def busy_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in report["intervals"] if row["offered"] or row["abandoned_short"]]


def test_a_supervisors_tab_shows_today_by_interval_as_the_real_report_counts_the_calls(
    centre: ReportingCentre, open_desk: DeskOpener
) -> None:
    centre.run(play(centre, ANSWERED, ABANDONED, SHORT))
    report = centre.run(recorded(centre, offered=2, short=1))
    assert (report["answered"], report["abandoned"], report["service_level"]) == (1, 1, 0.5)
    [busy] = busy_rows(report)
    sue = open_desk(centre, SUE_TOKEN)
    tab = reports_tab(centre, sue)
    local = datetime.fromisoformat(busy["start"])
    offset = local.utcoffset()
    assert offset is not None and offset.total_seconds() == 19800, "UTC+05:30"
    label = f"{local:%H:%M}-{datetime.fromisoformat(busy['end']):%H:%M}"  # local time
    centre.run(until(lambda: row_starting(tab, label) is not None))
    cells = tab.row_texts(row_starting(tab, label) or 0)
    assert cells[1:9] == [
        "2",
        "1",
        "1 (1)",
        "50%",
        seconds_text(busy["asa_seconds"]),
        seconds_text(busy["aht_seconds"]),
        count_text(busy["staffing"]["needed"]),
        count_text(busy["staffing"]["scheduled"]),
    ]
    assert busy["staffing"]["needed"] == 1 and busy["staffing"]["scheduled"] == 2
    # three agents logged in since the server started: the server's mean over the
    # interval so far, shown with one decimal
    assert cells[9] == f"{busy['staffing']['logged_in']:.1f}"
    if time.time() < datetime.fromisoformat(busy["end"]).timestamp():
        assert cells[0] == f"{label} so far"
    assert tab.row_texts(tab.table.rowCount() - 1)[:5] == [
        "Total",
        "2",
        "1",
        "1 (1)",
        percent_text(report["service_level"]),
    ]
    assert tab.title.text() == f"Today: {report['from']}, all times {ZONE}, all queues"


def test_refresh_shows_the_calls_recorded_since(
    centre: ReportingCentre, open_desk: DeskOpener
) -> None:
    centre.run(play(centre, ANSWERED))
    centre.run(recorded(centre, offered=1, short=0))
    sue = open_desk(centre, SUE_TOKEN)
    tab = reports_tab(centre, sue)
    centre.run(until(lambda: tab.table.rowCount() >= 2))
    assert tab.row_texts(tab.table.rowCount() - 1)[:3] == ["Total", "1", "1"]
    centre.run(play(centre, ANSWERED))
    centre.run(recorded(centre, offered=2, short=0))
    tab.refresh_button.click()
    centre.run(until(lambda: tab.row_texts(tab.table.rowCount() - 1)[:3] == ["Total", "2", "2"]))


def test_an_agent_has_no_reports_tab_and_the_real_server_refuses_the_agent(
    centre: ReportingCentre, open_desk: DeskOpener
) -> None:
    alice = open_desk(centre, ALICE_TOKEN)
    centre.run(until(lambda: alice.controller.welcome is not None))
    assert alice.reports.tab is None
    assert [alice.views.tabText(i) for i in range(alice.views.count())] == ["Calls"]
    for path in ("intervals", "html"):
        status, answer = centre.run(get_report(centre, ALICE_TOKEN, path))
        assert (status, answer["error"]) == (403, "not-a-supervisor")
    failures: list[str] = []
    alice.reports.desk.failed.connect(failures.append)
    alice.reports.desk.refresh()  # as if the tab were there: the server still says no
    centre.run(until(lambda: bool(failures)))
    assert failures == ["Reports are for supervisors: this account may not read them."]


def test_a_supervisor_has_the_reports_tab_after_the_wallboard(
    centre: ReportingCentre, open_desk: DeskOpener
) -> None:
    sue = open_desk(centre, SUE_TOKEN)
    tab = reports_tab(centre, sue)
    centre.run(until(lambda: sue.centre.wallboard is not None))
    tabs = [sue.views.tabText(index) for index in range(sue.views.count())]
    assert tabs == ["Calls", "Wallboard", "Reports"]
    centre.run(until(lambda: tab.table.rowCount() >= 1))  # the total, and the agents' hour


def test_the_html_report_opens_the_real_page_from_a_private_file_with_no_token_in_it(
    centre: ReportingCentre, open_desk: DeskOpener
) -> None:
    centre.run(play(centre, ANSWERED))
    report = centre.run(recorded(centre, offered=1, short=0))
    sue = open_desk(centre, SUE_TOKEN)
    opened: list[str] = []
    sue.open_url = opened.append  # type: ignore[method-assign]
    tab = reports_tab(centre, sue)
    tab.page_button.click()
    centre.run(until(lambda: bool(opened)))
    url = urlparse(opened[0])
    assert url.scheme == "file" and SUE_TOKEN not in opened[0]
    saved = Path(url.path)
    assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700 and saved.suffix == ".html"
    page = saved.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and SUE_TOKEN not in page
    assert f"Queue report: all queues · {report['from']} · {ZONE}" in page
    assert "default-src 'none'" in page
    assert '<tr class="total"><td>Total</td><td>1</td><td>1</td><td>0 (0)</td>' in page


def test_offline_says_the_server_cannot_be_reached_and_keeps_the_last_report(
    centre: ReportingCentre, open_desk: DeskOpener
) -> None:
    sue = open_desk(centre, SUE_TOKEN, centre.proxied_url)
    tab = reports_tab(centre, sue)
    centre.run(until(lambda: tab.table.rowCount() >= 1))
    rows = tab.table.rowCount()
    centre.proxy.cut()
    tab.refresh_button.click()
    centre.run(until(lambda: tab.status.text() != ""))
    assert tab.status.text() == "Cannot reach the server: reports will load when it is back."
    assert tab.table.rowCount() == rows, "the last report stays on screen"


def test_records_the_server_cannot_read_say_so_under_the_last_report(
    centre: ReportingCentre, open_desk: DeskOpener, tmp_path: Path
) -> None:
    sue = open_desk(centre, SUE_TOKEN)
    tab = reports_tab(centre, sue)
    centre.run(until(lambda: tab.table.rowCount() >= 1))
    book = centre.app.context.reports
    assert book is not None
    book.path = tmp_path / "gone" / "records.db"  # the real 502 of an unreadable file
    tab.refresh_button.click()
    centre.run(until(lambda: tab.status.text() != ""))
    assert tab.status.text() == (
        "Reports could not be loaded: the call records cannot be read; the server log says why"
    )
    assert tab.table.rowCount() >= 1
