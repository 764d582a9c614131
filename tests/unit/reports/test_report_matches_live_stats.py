"""A report on recorded calls counts what the live `queue.stats` showed for the same calls.

Each recording of a real Asterisk 22.10.1 that went through a queue is played through
the real call tracker, into the real records file and into the live statistics at once
(as `cti.app` does). The report read back from the file must give every queue's offered,
answered, abandoned, short abandons, answered in time and service level as the live
line had them at the end.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cti.agents.servicelevel import ServiceLevelRule
from cti.agents.stats import QueueStatsBook
from cti.reports.intervals import interval_report
from cti.reports.query import ReportQuery
from cti.reports.settings import ReportSettings
from cti.reports.source import RecordsReader
from tests.unit.records.recordings import START, Clock, open_records, play

QUEUE_RECORDINGS = (
    "queue_answered",
    "queue_abandon_waiting",
    "abandoned_ringing",
    "blind_transfer",
    "attended_transfer_complete",
    "redirect_transfer",
    "queue_pause",
    "sip_inbound_queue",
    "sip_queue_sip_agents_hold",
    "sip_refer_attended",
)
FIGURES = (
    "offered",
    "answered",
    "abandoned",
    "answered_within_target",
    "service_level",
)


@pytest.mark.parametrize("short_abandons", ["exclude", "count"])
@pytest.mark.parametrize("name", QUEUE_RECORDINGS)
def test_report_from_records_equals_the_live_queue_stats(
    tmp_path: Path, name: str, short_abandons: str
) -> None:
    rule = ServiceLevelRule(20, 5, short_abandons)
    clock = Clock()
    live = QueueStatsBook(rule, clock, tz=UTC)
    records = open_records(tmp_path / "records.db", clock)
    for event in play(name, records, clock):
        live.feed(event)
    assert records.writer.wait_written(30.0)
    asyncio.run(records.aclose())
    lines = [line for line in live.lines() if line.offered or line.short_abandoned]
    assert lines, f"{name}: the live statistics counted no queue call"
    day = datetime.fromtimestamp(START, UTC).date()
    settings = ReportSettings(timezone=ZoneInfo("UTC"), rule=rule)
    with RecordsReader(records.path) as reader:
        for line in lines:
            query = ReportQuery(day, day, (line.queue,), 60)
            body = interval_report(reader, query, settings, clock.now).as_json()
            seen = {figure: body[figure] for figure in FIGURES}
            seen["short_abandoned"] = body["abandoned_short"]
            expected = {figure: getattr(line, figure) for figure in FIGURES}
            expected["short_abandoned"] = line.short_abandoned
            assert seen == expected, f"{name}, queue {line.queue}"
