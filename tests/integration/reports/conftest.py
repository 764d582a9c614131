"""A real broker on 127.0.0.1:0 serving the reports of a real records file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web

from cti.broker import AgentDirectory, build_context, make_runner
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings
from tests.integration.broker.conftest import SETTINGS, TOKENS, BrokerServer, RecordingCallControl
from tests.unit.reports.records_db import busy_day, make_records

PARIS = ZoneInfo("Europe/Paris")
DAYS = (2, 3, 4, 5, 6)  # Monday 2 to Friday 6 March 2026, in Paris
NOW = datetime(2026, 3, 7, 12, 0, tzinfo=PARIS).timestamp()

StartReports = Callable[..., Awaitable[BrokerServer]]


@pytest.fixture(scope="session")
def week_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five busy weekdays of one queue (the same seeded data every run)."""
    path = make_records(tmp_path_factory.mktemp("reports") / "records.db")
    for day in DAYS:
        busy_day(path, datetime(2026, 3, day, tzinfo=PARIS).timestamp(), seed=day)
    return path


@pytest.fixture
async def start_reports() -> AsyncIterator[StartReports]:
    servers: list[BrokerServer] = []

    async def start(book: ReportBook | None) -> BrokerServer:
        ctx = build_context(SETTINGS, AgentDirectory(TOKENS), RecordingCallControl(), reports=book)
        runner = make_runner(ctx, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        server = BrokerServer(
            ctx, runner, f"http://{host}:{port}", aiohttp.ClientSession(), RecordingCallControl()
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.http.close()
        await server.runner.cleanup()


@pytest.fixture
def book(week_records: Path) -> ReportBook:
    return ReportBook(week_records, ReportSettings(timezone=PARIS), clock=lambda: NOW)


@pytest.fixture
async def reports(start_reports: StartReports, book: ReportBook) -> BrokerServer:
    return await start_reports(book)
