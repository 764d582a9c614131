"""GET /api/reports/intervals and /html on a real server: the per-channel figures of
emails, chats and web forms beside the call figures, whose keys stay as they were."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings
from tests.integration.reports.conftest import NOW, PARIS, StartReports
from tests.unit.reports.interactions_db import interaction, write_interactions
from tests.unit.reports.records_db import QueueCall, add_calls, make_records

SUE = {"Authorization": "Bearer tok-sue"}
MONDAY = datetime(2026, 3, 2, tzinfo=PARIS).timestamp()
CALL_KEYS = {"offered", "answered", "abandoned", "service_level", "asa_seconds", "aht_seconds"}


def records(tmp_path: Path) -> Path:
    path = make_records(tmp_path / "records.db")
    add_calls(path, QueueCall("call-1", MONDAY + 9 * 3600))
    write_interactions(
        path,
        interaction("mail-1", "email", MONDAY + 9 * 3600, accepted=60, replied=900, closed=1000),
        interaction("chat-1", "chat", MONDAY + 10 * 3600, accepted=5, replied=20, closed=200),
        interaction("chat-2", "chat", MONDAY + 10 * 3600, closed=90, reason="visitor_left"),
    )
    return path


async def test_the_interval_report_has_each_channels_figures_beside_the_calls(
    start_reports: StartReports, tmp_path: Path
) -> None:
    book = ReportBook(records(tmp_path), ReportSettings(timezone=PARIS), clock=lambda: NOW)
    server = await start_reports(book)
    url = f"{server.url}/api/reports/intervals?from=2026-03-02&interval=60"
    async with server.http.get(url, headers=SUE) as response:
        assert response.status == 200
        body = await response.json()
    assert set(body) >= CALL_KEYS and body["offered"] == 1  # the call figures as before
    email, chat = body["channels"]["email"], body["channels"]["chat"]
    assert (email["offered"], email["handled"], email["first_response_mean_seconds"]) == (
        1,
        1,
        900.0,
    )
    assert (email["first_response_level"], email["handling_mean_seconds"]) == (1.0, 940.0)
    assert (chat["offered"], chat["abandoned"], chat["first_response_due"]) == (2, 1, 2)
    assert chat["first_response_level"] == 0.5  # the visitor left unanswered after 90 s
    ten = next(row for row in body["intervals"] if row["start"][11:16] == "10:00")
    assert ten["channels"]["chat"]["offered"] == 2 and ten["channels"]["email"]["offered"] == 0


async def test_the_html_report_has_the_channels_table(
    start_reports: StartReports, tmp_path: Path
) -> None:
    book = ReportBook(records(tmp_path), ReportSettings(timezone=PARIS), clock=lambda: NOW)
    server = await start_reports(book)
    url = f"{server.url}/api/reports/html?from=2026-03-02"
    async with server.http.get(url, headers=SUE) as response:
        assert response.status == 200
        page = await response.text()
    table = page.split('<table id="channels">', 1)[1].split("</table>", 1)[0]
    assert "<td>Email</td><td>1</td><td>1</td>" in table
    assert "<td>Chat</td><td>2</td><td>1</td><td>2</td><td>1</td>" in table
    assert "50.0% (1/2)" in table
