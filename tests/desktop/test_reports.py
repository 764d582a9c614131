"""The supervisor's Reports tab on real widgets.

Against a real aiohttp server on loopback answering the REST contract of
``GET /api/reports/intervals`` and ``/api/reports/html`` (docs/reports.md): the rows,
the Bearer header, the refresh, the HTML report opened from a local file with no token
in any URL, and clear messages when refused (403) or offline. In the real window: a
supervisor has the tab, an agent does not.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from desktop.api import BrokerApi
from desktop.reports import report_view
from desktop.reports_desk import ReportsDesk
from desktop.widgets.reports import ReportsTab
from tests.desktop.centre.conftest import SUE_TOKEN, CentreServer, DeskOpener, centre, open_desk
from tests.desktop.conftest import ALICE_TOKEN, run_in, until

__all__ = ["centre", "open_desk"]  # the centre's fixtures, used here too

TOKEN = "sue-token-0123456789abc"
PAGE = "<!doctype html><title>Report</title><h1>Service level</h1>"
REPORT: dict[str, Any] = {
    "timezone": "UTC",
    "from": "2026-12-07",
    "to": "2026-12-07",
    "queues": ["support"],
    "interval_minutes": 60,
    "service_level_seconds": 20,
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
    "intervals": [
        {
            "start": "2026-12-07T09:00:00+00:00",
            "end": "2026-12-07T10:00:00+00:00",
            "offered": 31,
            "answered": 29,
            "abandoned": 2,
            "abandoned_short": 1,
            "abandon_rate": 0.0645,
            "answered_within_target": 25,
            "service_level": 0.8333,
            "asa_seconds": 7.0,
            "aht_seconds": 190.0,
            "longest_wait_seconds": 40.0,
            "occupancy": 0.7,
            "logged_in_seconds": 10800.0,
            "paused_seconds": {"break": 900.0},
            "staffing": {"needed": 3, "scheduled": 4, "logged_in": 3},
        },
        {
            "start": "2026-12-07T10:00:00+00:00",
            "end": "2026-12-07T11:00:00+00:00",
            "offered": 26,
            "answered": 21,
            "abandoned": 5,
            "abandoned_short": 1,
            "abandon_rate": 0.1923,
            "answered_within_target": 16,
            "service_level": 0.64,
            "asa_seconds": 12.4,
            "aht_seconds": 62.0,
            "longest_wait_seconds": 64.0,
            "occupancy": 0.5,
            "logged_in_seconds": 7200.0,
            "paused_seconds": {},
            "staffing": {"needed": 3, "scheduled": 4, "logged_in": 2},
        },
        {
            "start": "2026-12-07T11:00:00+00:00",
            "end": "2026-12-07T12:00:00+00:00",
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
            "staffing": {"needed": 0, "scheduled": 0, "logged_in": 0},
        },
    ],
}


# -- the presenter, no Qt ------------------------------------------------------------------


def test_rows_show_each_interval_with_its_staffing_next_to_who_was_logged_in() -> None:
    view = report_view(REPORT)
    assert [row.cells() for row in view.rows] == [
        ("09:00-10:00", "31", "29", "2", "83%", "7 s", "3:10", "3", "4", "3"),
        ("10:00-11:00", "26", "21", "5", "64%", "12 s", "1:02", "3", "4", "2"),
        ("11:00-12:00", "0", "0", "0", "-", "-", "-", "0", "0", "0"),
    ]
    assert [row.short for row in view.rows] == [False, True, False]
    assert view.title == "2026-12-07 (UTC), queues support"
    assert view.totals == (
        "Offered 57 · answered 50 · abandoned 7 (12%) · service level 76% in 20 s · "
        "ASA 9 s · AHT 3:05"
    )


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"intervals": "all of them"},
        {"intervals": [None, 3, {"start": "yesterday", "offered": "many", "staffing": []}]},
        {"offered": True, "service_level": "high", "queues": [None, 7]},
    ],
)
def test_an_answer_of_the_wrong_shape_shows_dashes_never_an_error(broken: dict[str, Any]) -> None:
    view = report_view(broken)
    for row in view.rows:
        assert row.cells() == ("-", "-", "-", "-", "-", "-", "-", "-", "-", "-")
    assert "Offered -" in view.totals and "all queues" in view.title


# -- the tab against a server answering the contract ----------------------------------------


class ContractServer:
    """A real aiohttp server with the reports routes' contract; it can refuse or stop."""

    def __init__(self) -> None:
        self.seen: list[web.Request] = []
        self.refuse = False
        self.report = copy.deepcopy(REPORT)
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/reports/intervals", self.intervals)
        app.router.add_get("/api/reports/html", self.page)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def _refusal(self) -> web.Response | None:
        if self.refuse:
            body = {"ok": False, "error": "not-a-supervisor", "message": "supervisors only"}
            return web.json_response(body, status=403)
        return None

    async def intervals(self, request: web.Request) -> web.Response:
        self.seen.append(request)
        return self._refusal() or web.json_response(self.report)

    async def page(self, request: web.Request) -> web.Response:
        self.seen.append(request)
        return self._refusal() or web.Response(text=PAGE, content_type="text/html")


class Rig:
    """The tab and its desk as the window wires them, on the test's qasync loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, server: ContractServer) -> None:
        self.loop, self.server = loop, server
        self.session: aiohttp.ClientSession | None = None
        self.tab = ReportsTab()
        self.opened: list[str] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.desk = ReportsDesk(self.api, lambda coro: self.tasks.append(loop.create_task(coro)))
        self.desk.loaded.connect(self.tab.show_report)
        self.desk.failed.connect(self.tab.show_error)
        self.desk.page_saved.connect(self.opened.append)
        self.tab.refresh_requested.connect(self.desk.refresh)
        self.tab.page_requested.connect(self.desk.open_page)

    def api(self) -> BrokerApi | None:
        if self.session is None:
            return None
        return BrokerApi(self.server.url, TOKEN, self.session, timeout=5.0)

    def run(self, coro: Any) -> Any:
        return run_in(self.loop, coro, 60.0)


@pytest.fixture
def rig(loop: asyncio.AbstractEventLoop, qtbot: Any) -> Iterator[Rig]:
    server = ContractServer()
    rig = Rig(loop, server)
    qtbot.addWidget(rig.tab)

    async def start() -> None:
        await server.start()
        rig.session = aiohttp.ClientSession()

    async def stop() -> None:
        await asyncio.gather(*rig.tasks, return_exceptions=True)
        if rig.session is not None:
            await rig.session.close()
        await server.stop()

    rig.run(start())
    try:
        yield rig
    finally:
        rig.run(stop())


def test_refresh_loads_todays_intervals_with_the_bearer_token(rig: Rig) -> None:
    rig.tab.refresh_button.click()
    rig.run(until(lambda: rig.tab.table.rowCount() == 3))
    assert rig.tab.row_texts(1) == [
        "10:00-11:00",
        "26",
        "21",
        "5",
        "64%",
        "12 s",
        "1:02",
        "3",
        "4",
        "2",
    ]
    assert rig.tab.title.text() == "Today: 2026-12-07 (UTC), queues support"
    request = rig.server.seen[-1]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(request.url), "the token travels in the header only"
    assert request.query.get("interval") == "60"


def test_a_second_refresh_shows_the_servers_new_figures(rig: Rig) -> None:
    rig.desk.refresh()
    rig.run(until(lambda: rig.tab.table.rowCount() == 3))
    rig.server.report["intervals"] = rig.server.report["intervals"][:1]
    rig.server.report["intervals"][0]["offered"] = 32
    rig.tab.refresh_button.click()
    rig.run(until(lambda: rig.tab.table.rowCount() == 1))
    assert rig.tab.row_texts(0)[:2] == ["09:00-10:00", "32"]


def test_an_agents_refusal_says_reports_are_for_supervisors(rig: Rig) -> None:
    rig.server.refuse = True
    rig.tab.refresh_button.click()
    rig.run(until(lambda: rig.tab.status.text() != ""))
    assert rig.tab.status.text() == "Reports are for supervisors: this account may not read them."
    assert rig.tab.table.rowCount() == 0


def test_offline_says_the_server_cannot_be_reached_and_keeps_the_last_report(rig: Rig) -> None:
    rig.tab.refresh_button.click()
    rig.run(until(lambda: rig.tab.table.rowCount() == 3))
    rig.run(rig.server.stop())
    rig.tab.refresh_button.click()
    rig.run(until(lambda: rig.tab.status.text() != ""))
    assert rig.tab.status.text() == "Cannot reach the server: reports will load when it is back."
    assert rig.tab.table.rowCount() == 3, "the last report stays on screen"


def test_html_report_opens_from_a_private_local_file_with_no_token_in_any_url(rig: Rig) -> None:
    rig.tab.page_button.click()
    rig.run(until(lambda: bool(rig.opened)))
    saved = Path(rig.opened[0])
    assert saved.read_text(encoding="utf-8") == PAGE
    assert saved.suffix == ".html" and oct(saved.parent.stat().st_mode & 0o777) == "0o700"
    request = rig.server.seen[-1]
    assert request.path == "/api/reports/html"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(request.url) and TOKEN not in str(saved)


def test_html_report_refused_opens_nothing_and_says_why(rig: Rig) -> None:
    rig.server.refuse = True
    rig.tab.page_button.click()
    rig.run(until(lambda: rig.tab.status.text() != ""))
    assert rig.opened == []
    assert rig.tab.status.text().startswith("Reports are for supervisors")


# -- the real window -------------------------------------------------------------------------


def test_a_supervisor_has_the_reports_tab_and_an_agent_has_none(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    sue = open_desk(centre, SUE_TOKEN)
    centre.run(until(lambda: sue.reports.tab is not None))
    tab = sue.reports.tab
    assert tab is not None and sue.views.indexOf(tab) >= 0
    centre.run(until(lambda: sue.centre.wallboard is not None))
    tabs = [sue.views.tabText(index) for index in range(sue.views.count())]
    assert tabs == ["Calls", "Wallboard", "Reports"], "Reports after the wallboard"
    centre.run(until(lambda: tab.status.text() != "" or tab.table.rowCount() > 0))
    alice = open_desk(centre, ALICE_TOKEN)
    centre.run(until(lambda: alice.controller.welcome is not None))
    assert alice.reports.tab is None
    assert [alice.views.tabText(i) for i in range(alice.views.count())] == ["Calls"]
