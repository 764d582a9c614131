"""Queue statistics and the records of every call, through the whole server.

The recording queue_abandon_waiting on a fake AMI server (127.0.0.1) → CtiApp → a real
supervisor's WebSocket: A and B are answered at once, C and D wait in the queue and give
up without ringing anyone. The frames are sent back to back, so every wait is a few
milliseconds: with the default convention C and D are short abandons.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cti.app import CtiApp
from cti.config import load_config
from tests.integration.serve.conftest import until
from tests.integration.serve.test_contact_centre import (
    CALLER_C,
    CALLER_D,
    DEADLINE,
    SUE_TOKEN,
    Centre,
    centre,
    recording,
)


async def line_where(sue: Any, done: Any) -> dict[str, Any]:
    """The supervisor's first queue.stats line of `support` that `done` accepts."""
    async with asyncio.timeout(DEADLINE):
        while True:
            frame = await sue.next(DEADLINE)
            is_line = frame.get("type") == "queue.stats" and frame["data"]["queue"] == "support"
            if is_line and done(frame["data"]):
                return dict(frame["data"])


def settled(data: dict[str, Any]) -> bool:
    return data["answered"] == 2 and data["abandoned"] + data["short_abandoned"] == 2


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


async def replay_and_settle(floor: Centre) -> dict[str, Any]:
    sue = await floor.desktop(SUE_TOKEN)
    await floor.ami.send_frames(recording())
    return await line_where(sue, lambda d: settled(d) and d["waiting"] == 0)


async def test_the_wallboard_counts_callers_who_gave_up_waiting_as_short_abandons(
    tmp_path: Path,
) -> None:
    frames = recording()
    first_abandon = next(i for i, f in enumerate(frames) if b"QueueCallerAbandon" in f.raw)
    async with centre(tmp_path / "config") as floor:
        sue = await floor.desktop(SUE_TOKEN)
        await floor.ami.send_frames(frames[:first_abandon])
        both_wait = await line_where(sue, lambda d: d["waiting"] == 2)
        await floor.ami.send_frames(frames[first_abandon:])
        last = await line_where(sue, lambda d: settled(d) and d["waiting"] == 0)
    assert (both_wait["offered"], both_wait["answered"]) == (2, 2), "A and B were answered"
    assert both_wait["abandoned"] + both_wait["short_abandoned"] == 0
    assert {k: last[k] for k in ("offered", "answered", "answered_within_target")} == {
        "offered": 2,
        "answered": 2,
        "answered_within_target": 2,
    }
    assert (last["abandoned"], last["short_abandoned"], last["service_level"]) == (0, 2, 1.0)
    assert last["service_level_seconds"] == 20


async def test_with_no_short_abandons_the_same_callers_are_abandons(tmp_path: Path) -> None:
    extra = "queues:\n  short_abandon_seconds: 0\n  service_level_seconds: 30\n"
    async with centre(tmp_path / "config", extra) as floor:
        last = await replay_and_settle(floor)
    assert (last["offered"], last["answered"], last["abandoned"]) == (4, 2, 2)
    assert (last["service_level"], last["service_level_seconds"]) == (0.5, 30)


async def test_callers_who_never_rang_anyone_are_in_the_records_from_their_queue_join(
    tmp_path: Path,
) -> None:
    async with centre(tmp_path / "config") as floor:
        await replay_and_settle(floor)
        path = floor.app.records.path
    calls = rows(
        path,
        "SELECT caller_number, queue, abandoned, answered_by, waited_seconds, arrived_at, "
        "ended_at, (SELECT count(*) FROM call_agents a WHERE a.call_id = c.call_id) "
        "FROM calls c ORDER BY arrived_at",
    )
    assert [c[:4] for c in calls] == [
        ("+14155550101", "support", 0, "1001"),
        ("+14155550102", "support", 0, "1002"),
        (CALLER_C, "support", 1, None),
        (CALLER_D, "support", 1, None),
    ]
    for _, _, _, _, waited, arrived, ended, legs in calls[2:]:
        assert legs == 0, "C and D rang no one"
        assert waited is not None and abs(waited - (ended - arrived)) < 0.05
    periods = rows(
        path,
        "SELECT state, call_id, started_at, ended_at FROM agent_periods "
        "WHERE extension = '1001' ORDER BY started_at",
    )
    on_call = [p for p in periods if p[0] == "on-call"]
    assert len(on_call) == 1 and on_call[0][1] is not None, periods
    for earlier, later in itertools.pairwise(periods):
        assert earlier[3] == later[2], "each period ends where the next begins"


async def test_a_restart_mid_day_keeps_todays_counts(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    async with centre(config_dir) as floor:
        before = await replay_and_settle(floor)
    app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
    await app.start()
    try:

        def support_line() -> dict[str, Any] | None:
            lines = app.context.broker.centre.supervision().queues
            return next((q for q in lines if q["queue"] == "support"), None)

        await until(lambda: support_line() is not None, timeout=DEADLINE)
        after = support_line()
    finally:
        await app.stop()
    assert after is not None
    keys = ("offered", "answered", "answered_within_target", "abandoned", "short_abandoned")
    assert {k: after[k] for k in keys} == {k: before[k] for k in keys}
    assert (after["waiting"], after["service_level"]) == (0, 1.0)


async def test_the_wallboards_today_is_the_reports_today(tmp_path: Path) -> None:
    """One clock for the centre: `queue.stats` counts the day of `reports.timezone`, so
    the wallboard and `cti report` of today count the same calls."""
    zone = "Pacific/Kiritimati"  # UTC+14: its midnight is never the machine's
    async with centre(tmp_path / "config", f"reports:\n  timezone: {zone}\n") as floor:
        sue = await floor.desktop(SUE_TOKEN)
        await floor.ami.send_frames(recording())
        line = await line_where(sue, settled)
    today = datetime.now(ZoneInfo(zone)).date()
    midnight = datetime.combine(today, time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    assert line["since"] == midnight.isoformat(timespec="milliseconds").replace("+00:00", "Z")
