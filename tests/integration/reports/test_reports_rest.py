"""GET /api/reports/...: supervisors only, the contract's JSON, clear 400s, on a real server."""

from __future__ import annotations

import asyncio
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cti.reports.query import ReportQuery
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings
from tests.integration.broker.conftest import BrokerServer
from tests.integration.reports.conftest import NOW, PARIS, StartReports

SUE = {"Authorization": "Bearer tok-sue"}
ALICE = {"Authorization": "Bearer tok-alice"}
ROUTES = ("intervals", "heatmap", "html")
WEEK = {"from": "2026-03-02", "to": "2026-03-06"}


async def get(
    server: BrokerServer, route: str, params: Any = None, headers: Any = None
) -> tuple[int, str, Any]:
    url = f"{server.url}/api/reports/{route}"
    async with server.http.get(url, params=params, headers=headers or SUE) as response:
        kind = response.content_type
        body = await response.json() if kind == "application/json" else await response.text()
        return response.status, kind, body


async def test_a_supervisor_gets_the_interval_report_of_the_period(
    reports: BrokerServer, book: ReportBook
) -> None:
    status, kind, body = await get(reports, "intervals", {**WEEK, "interval": "60"})
    assert (status, kind) == (200, "application/json")
    assert body == book.intervals(ReportQuery(date(2026, 3, 2), date(2026, 3, 6), (), 60))
    assert (body["timezone"], body["from"], body["to"]) == ("Europe/Paris", *WEEK.values())
    assert body["interval_minutes"] == 60 and len(body["intervals"]) == 5 * 24
    assert body["offered"] > 3000 and 0 < body["service_level"] < 1
    busiest = max(body["intervals"], key=lambda row: row["offered"])
    assert busiest["staffing"]["needed"] >= 1 and busiest["logged_in_seconds"] > 0


async def test_no_parameter_is_today_on_the_reports_clock_with_the_default_interval(
    reports: BrokerServer,
) -> None:
    status, _, body = await get(reports, "intervals")
    assert status == 200
    assert (body["from"], body["to"], body["interval_minutes"]) == ("2026-03-07", "2026-03-07", 30)
    assert body["offered"] == 0 and body["service_level"] is None  # a Saturday: no call


async def test_a_queue_filter_reports_only_that_queue(reports: BrokerServer) -> None:
    status, _, body = await get(reports, "intervals", {**WEEK, "queue": "sales"})
    assert status == 200
    assert (body["queues"], body["offered"], body["logged_in_seconds"]) == (["sales"], 0, 0)
    _, _, support = await get(reports, "intervals", [*WEEK.items(), ("queue", "support")])
    assert support["offered"] > 0


async def test_the_heatmap_has_seven_weekdays_of_24_hours(reports: BrokerServer) -> None:
    status, _, body = await get(reports, "heatmap", WEEK)
    assert status == 200
    assert set(body) == {"timezone", "from", "to", "queues", "offered"}
    assert len(body["offered"]) == 7 and all(len(day) == 24 for day in body["offered"])
    _, _, report = await get(reports, "intervals", WEEK)
    assert sum(map(sum, body["offered"])) == report["offered"]
    assert sum(body["offered"][5]) == sum(body["offered"][6]) == 0  # no call at weekends
    assert body["offered"][0][10] > body["offered"][0][3] == 0


async def test_the_html_page_is_self_contained_and_forbids_loading_anything(
    reports: BrokerServer,
) -> None:
    async with reports.http.get(
        f"{reports.url}/api/reports/html", params=WEEK, headers=SUE
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/html" and response.charset == "utf-8"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        page = await response.text()
    assert page.startswith("<!DOCTYPE html>")
    for chart in ('id="offered-by-hour"', 'id="service-level"', 'id="heatmap"'):
        assert chart in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")


@pytest.mark.parametrize("route", ROUTES)
async def test_an_agent_is_refused_every_report(reports: BrokerServer, route: str) -> None:
    status, _, body = await get(reports, route, WEEK, ALICE)
    assert (status, body["ok"], body["error"]) == (403, False, "not-a-supervisor")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}])
async def test_without_a_good_token_every_report_is_401(
    reports: BrokerServer, route: str, headers: dict[str, str]
) -> None:
    url = f"{reports.url}/api/reports/{route}"
    async with reports.http.get(url, headers=headers) as response:
        assert response.status == 401
        assert (await response.json())["error"] in ("no-token", "bad-token")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "'from' is not a date of the calendar"),
        ({"from": "yesterday"}, "'from' must be a date written YYYY-MM-DD"),
        ({"from": "2026-03-06", "to": "2026-03-02"}, "is before 'from'"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "a report covers at most 366"),
        ({"interval": "45"}, "'interval' must be one of 15, 30, 60"),
        ({"queue": "sup\x01port"}, "control characters"),
        ({"queues": "support"}, "unknown parameter 'queues'"),
    ],
)
async def test_bad_parameters_are_400_bad_args_saying_why(
    reports: BrokerServer, route: str, params: dict[str, str], message: str
) -> None:
    status, kind, body = await get(reports, route, params)
    assert (status, kind, body["ok"], body["error"]) == (400, "application/json", False, "bad-args")
    assert message in body["message"]


async def test_a_repeated_single_parameter_is_refused(reports: BrokerServer) -> None:
    status, _, body = await get(reports, "intervals", [("to", "2026-03-02"), ("to", "2026-03-03")])
    assert (status, body["error"]) == (400, "bad-args")
    assert "'to' is given 2 times" in body["message"]


async def test_without_records_the_reports_are_not_configured(
    start_reports: StartReports,
) -> None:
    server = await start_reports(None)
    status, _, body = await get(server, "intervals")
    assert (status, body["error"]) == (503, "not-configured")


async def test_an_unreadable_records_file_is_a_502_that_does_not_show_its_path(
    start_reports: StartReports, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "secret-place" / "records.db"
    broken.parent.mkdir()
    broken.write_bytes(b"this is not a SQLite file, not even close" * 100)
    server = await start_reports(ReportBook(broken, ReportSettings(timezone=PARIS), lambda: NOW))
    for route in ROUTES:
        status, _, body = await get(server, route)
        assert (status, body["error"]) == (502, "failed")
        assert "secret-place" not in body["message"]
    assert "secret-place" in caplog.text  # the server's log names the file for the admin


class HeldBook(ReportBook):
    """A real book whose interval reports wait for the test's go, to watch them run."""

    def __init__(self, book: ReportBook) -> None:
        super().__init__(book.path, book.settings, lambda: NOW)
        self.go = threading.Event()
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def intervals(self, query: ReportQuery) -> dict[str, Any]:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            assert self.go.wait(30.0)
            return super().intervals(query)
        finally:
            with self.lock:
                self.running -= 1


async def test_reports_run_off_the_event_loop_at_most_two_at_once(
    start_reports: StartReports, book: ReportBook
) -> None:
    held = HeldBook(book)
    server = await start_reports(held)
    pending = [asyncio.create_task(get(server, "intervals", WEEK)) for _ in range(3)]
    async with asyncio.timeout(30.0):
        while held.running < 2:  # noqa: ASYNC110 - the worker threads have no event to await
            await asyncio.sleep(0.01)
    async with server.http.get(f"{server.url}/api/health") as response:
        assert response.status == 200  # the loop serves while two reports are held
    await asyncio.sleep(0.2)
    assert held.running == 2  # the third waits its turn
    held.go.set()
    answers = await asyncio.gather(*pending)
    assert [status for status, _, _ in answers] == [200, 200, 200]
    assert held.most == 2
