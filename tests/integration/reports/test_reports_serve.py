"""The whole server reports on the calls it recorded: the REST report equals the wallboard.

The recording queue_abandon_waiting (A and B answered, C and D give up waiting) goes from
a fake AMI server on 127.0.0.1 through CtiApp; the supervisor's `queue.stats` line and
its `GET /api/reports/intervals` of today must count the same calls, read back from the
records file the server is writing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.integration.serve.test_contact_centre import (
    ALICE_TOKEN,
    DEADLINE,
    SUE_TOKEN,
    Centre,
    centre,
)
from tests.integration.serve.test_queue_statistics import replay_and_settle

FIGURES = ("offered", "answered", "abandoned", "answered_within_target", "service_level")


async def report(floor: Centre, token: str, **params: str) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{floor.app.port}/api/reports/intervals"
    headers = {"Authorization": f"Bearer {token}"}
    async with floor.session.get(url, params=params, headers=headers) as response:
        return response.status, await response.json()


async def settled_report(floor: Centre, want: int) -> dict[str, Any]:
    """The records are committed by a writer thread: ask until the calls are in."""
    async with asyncio.timeout(DEADLINE):
        while True:
            status, body = await report(floor, SUE_TOKEN, queue="support")
            assert status == 200, body
            if body["offered"] + body["abandoned_short"] >= want:
                return dict(body)
            await asyncio.sleep(0.1)


async def test_the_report_of_today_counts_what_the_wallboard_showed(tmp_path: Path) -> None:
    async with centre(tmp_path / "config") as floor:
        line = await replay_and_settle(floor)
        body = await settled_report(floor, line["offered"] + line["short_abandoned"])
        status, refused = await report(floor, ALICE_TOKEN)
    assert {figure: body[figure] for figure in FIGURES} == {f: line[f] for f in FIGURES}
    assert body["abandoned_short"] == line["short_abandoned"] == 2
    assert body["service_level_seconds"] == line["service_level_seconds"]
    assert (status, refused["error"]) == (403, "not-a-supervisor")


async def test_the_reports_use_the_configured_service_level_and_time_zone(
    tmp_path: Path,
) -> None:
    extra = (
        "queues:\n  short_abandon_seconds: 0\n  service_level_seconds: 30\n"
        "reports:\n  timezone: America/New_York\n  interval_minutes: 15\n"
    )
    async with centre(tmp_path / "config", extra) as floor:
        line = await replay_and_settle(floor)
        body = await settled_report(floor, line["offered"])
    assert (body["offered"], body["abandoned"], body["abandoned_short"]) == (4, 2, 0)
    assert (body["service_level"], body["service_level_seconds"]) == (0.5, 30)
    assert (body["timezone"], body["interval_minutes"]) == ("America/New_York", 15)
    assert body["intervals"][0]["start"].endswith(("-05:00", "-04:00"))
