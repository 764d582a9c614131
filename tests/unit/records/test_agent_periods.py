"""Agent state periods: agent.state events → rows of agent_periods, batched with the calls."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils

from cti.protocol import AgentState
from cti.protocol_base import iso_utc
from cti.records import AgentPeriods, CallRecords
from cti.records.schema import MIGRATIONS, migrate
from tests.unit.records.recordings import START, Clock
from tests.unit.records.test_writer import DAY, poll


def state(
    name: str,
    reason: str | None = None,
    *,
    since: float | str | None = None,
    call_id: str | None = None,
    extension: str = "1001",
) -> AgentState:
    when = iso_utc(since) if isinstance(since, float) else (since or "")
    return AgentState(
        agent="a1", extension=extension, state=name, reason=reason, since=when, call_id=call_id
    )


def periods(records: CallRecords) -> list[tuple[object, ...]]:
    assert records.writer.wait_written(30.0)
    with closing(sqlite3.connect(records.path)) as conn:
        return conn.execute(
            "SELECT extension, state, reason, started_at, ended_at, call_id FROM agent_periods "
            "ORDER BY extension, started_at"
        ).fetchall()


def test_each_change_closes_the_open_period_where_the_next_one_starts(
    records: CallRecords, clock: Clock
) -> None:
    rec = records.periods.record
    rec(state("available", since=START))
    clock.now = START + 30
    rec(state("ringing", call_id="c1", since=START + 30))
    clock.now = START + 34
    rec(state("on-call", call_id="c1", since=START + 34))
    clock.now = START + 94
    rec(state("wrap-up", "wrap-up", call_id="c1", since=START + 94))
    clock.now = START + 109
    rec(state("paused", "lunch", since=START + 109))
    assert periods(records) == [
        ("1001", "available", None, START, START + 30, None),
        ("1001", "ringing", None, START + 30, START + 34, "c1"),
        ("1001", "on-call", None, START + 34, START + 94, "c1"),
        ("1001", "wrap-up", "wrap-up", START + 94, START + 109, "c1"),
        ("1001", "paused", "lunch", START + 109, None, None),
    ]
    assert records.writer.stats.periods_written >= 5


def test_a_repeated_state_starts_no_period(records: CallRecords, clock: Clock) -> None:
    records.periods.record(state("paused", "break", since=START))
    clock.now += 300
    records.periods.record(state("paused", "break", since=START + 300))  # a resync's repeat
    assert periods(records) == [("1001", "paused", "break", START, None, None)]


def test_a_new_reason_or_call_in_the_same_state_is_a_new_period(
    records: CallRecords, clock: Clock
) -> None:
    records.periods.record(state("paused", "break", since=START))
    clock.now += 10
    records.periods.record(state("paused", "lunch", since=START + 10))
    clock.now += 10
    records.periods.record(state("on-call", call_id="c1", since=START + 20))
    clock.now += 10
    records.periods.record(state("on-call", call_id="c2", since=START + 30))
    assert [row[1:5] for row in periods(records)] == [
        ("paused", "break", START, START + 10),
        ("paused", "lunch", START + 10, START + 20),
        ("on-call", None, START + 20, START + 30),
        ("on-call", None, START + 30, None),
    ]


def test_agents_have_periods_of_their_own(records: CallRecords, clock: Clock) -> None:
    records.periods.record(state("available", since=START, extension="1001"))
    records.periods.record(state("available", since=START, extension="1002"))
    clock.now += 5
    records.periods.record(state("paused", "break", since=START + 5, extension="1002"))
    assert [(row[0], row[1], row[4]) for row in periods(records)] == [
        ("1001", "available", None),
        ("1002", "available", START + 5),
        ("1002", "paused", None),
    ]


@pytest.mark.parametrize("since", ["", "yesterday", 12, START + 3600])
def test_a_since_that_is_missing_unreadable_or_in_the_future_is_the_moment_of_the_event(
    records: CallRecords, clock: Clock, since: object
) -> None:
    event = AgentState(agent="a1", extension="1001", state="available", since="")
    data = {**event.data(), "since": iso_utc(since) if isinstance(since, float) else since}

    class Odd(AgentState):
        def data(self) -> dict[str, object]:
            return data

    records.periods.record(Odd(agent="a1", extension="1001", state="available", since=""))
    assert [row[3] for row in periods(records)] == [START]


def test_a_state_that_began_before_the_open_period_replaces_it(
    records: CallRecords, clock: Clock
) -> None:
    records.periods.record(state("available", since=START))
    clock.now += 1
    records.periods.record(state("paused", "break", since=START - 5))
    assert periods(records) == [("1001", "paused", "break", START, None, None)]


def test_after_a_restart_the_same_state_goes_on_and_another_closes_it(
    records: CallRecords, clock: Clock
) -> None:
    records.periods.record(state("paused", "lunch", since=START, extension="1001"))
    records.periods.record(state("available", since=START, extension="1002"))
    asyncio.run(records.aclose())
    clock.now = START + 600
    again = CallRecords(records.path, 400, clock)
    again.start()
    try:
        again.periods.record(state("paused", "lunch", since=START + 600, extension="1001"))
        again.periods.record(state("on-call", call_id="c9", since=START + 600, extension="1002"))
        assert periods(again) == [
            ("1001", "paused", "lunch", START, None, None),
            ("1002", "available", None, START, START + 600, None),
            ("1002", "on-call", None, START + 600, None, "c9"),
        ]
    finally:
        asyncio.run(again.aclose())


def test_periods_older_than_the_retention_are_deleted(tmp_path: Path, clock: Clock) -> None:
    records = CallRecords(tmp_path / "records.db", 400, clock)
    records.start()
    records.periods.record(state("available", since=START, extension="1001"))
    clock.now = START + 20 * DAY
    records.periods.record(state("available", since=START + 20 * DAY, extension="1002"))
    asyncio.run(records.aclose())
    clock.now = START + 30 * DAY + 1
    pruning = CallRecords(tmp_path / "records.db", 30, clock)
    pruning.start()
    try:
        poll(lambda: len(periods(pruning)) == 1)
        assert periods(pruning)[0][0] == "1002"
    finally:
        asyncio.run(pruning.aclose())


@pytest.mark.parametrize(
    "event",
    [
        state("available", extension=""),
        state(""),
    ],
)
def test_a_state_without_agent_or_state_is_not_recorded(
    records: CallRecords, event: AgentState
) -> None:
    records.periods.record(event)
    assert periods(records) == []


def test_a_failing_event_is_logged_and_recording_goes_on(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    class FailingOnce(Clock):
        failed = False

        def __call__(self) -> float:
            if not self.failed:
                self.failed = True
                raise RuntimeError("boom")
            return self.now

    failing = FailingOnce()
    records = CallRecords(tmp_path / "other.db", 400, clock)
    records.start()
    try:
        periods_of = AgentPeriods(records.writer, failing)
        with caplog.at_level(logging.ERROR):
            periods_of.record(state("paused", "lunch", since=START))
        periods_of.record(state("available", since=START))
        assert [row[1] for row in periods(records)] == ["available"]
        assert "could not record an agent state period" in caplog.text
    finally:
        asyncio.run(records.aclose())


def test_a_version_1_file_gains_the_periods_table_and_keeps_its_calls(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "old.db")
    try:
        migrate(db, MIGRATIONS[:1])
        db["calls"].insert({"call_id": "c1", "direction": "inbound", "arrived_at": START})
        migrate(db, MIGRATIONS[:2])
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert db["agent_periods"].exists() and db["calls"].count == 1
    finally:
        db.close()
