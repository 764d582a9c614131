"""Schema 3: talk and wrap-up times, the after-call note, and where each row came from."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils

from cti.protocol import AgentState, CallHeld, CallResumed
from cti.records import CallRecords, RecordStore
from cti.records.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from tests.broker_events import answered, ended, ringing
from tests.unit.records.recordings import START, Clock

COLUMNS = "talk_seconds, wrapup_seconds, disposition, note, source"


def stored(path: Path, call_id: str, columns: str = COLUMNS) -> tuple[object, ...]:
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute(f"SELECT {columns} FROM calls WHERE call_id = ?", (call_id,))
        found = row.fetchone()
    assert found is not None, f"no row for {call_id}"
    return tuple(found)


def written(records: CallRecords, call_id: str, columns: str = COLUMNS) -> tuple[object, ...]:
    assert records.writer.wait_written(30.0)
    return stored(records.path, call_id, columns)


def talked(records: CallRecords, clock: Clock, call_id: str = "c1") -> None:
    """1001 answers after 2 s, holds 3 s of a 10 s talk; the caller hangs up."""
    recorder = records.recorder
    recorder.record(ringing(call_id, "1001"))
    clock.now += 2
    recorder.record(answered(call_id, "1001"))
    clock.now += 4
    recorder.record(CallHeld(call_id=call_id))
    clock.now += 3
    recorder.record(CallResumed(call_id=call_id))
    clock.now += 3
    recorder.record(ended(call_id, "1001"))


def wrapup(extension: str, call_id: str | None) -> AgentState:
    """The agent's wrap-up of ``call_id`` starts now; None: it ends (available)."""
    state = "wrap-up" if call_id else "available"
    return AgentState(
        agent="a1",
        extension=extension,
        state=state,
        reason="wrap-up" if call_id else None,
        since="",
        call_id=call_id,
    )


def test_an_answered_call_records_its_talk_time_without_the_hold(
    records: CallRecords, clock: Clock
) -> None:
    talked(records, clock)
    assert written(records, "c1") == (7.0, None, None, None, "live")


def test_a_call_never_answered_has_no_talk_time(records: CallRecords, clock: Clock) -> None:
    records.recorder.record(ringing("c1", "1001"))
    clock.now += 5
    records.recorder.record(ended("c1", "1001"))
    assert written(records, "c1", "talk_seconds, answered_at") == (None, None)


def test_a_note_saved_while_the_call_waits_to_be_written_lands_in_its_row(
    records: CallRecords, clock: Clock
) -> None:
    talked(records, clock)
    records.recorder.note_saved("c1", "resolved", "refund sent")
    assert written(records, "c1", "disposition, note, talk_seconds") == (
        "resolved",
        "refund sent",
        7.0,
    )


def test_the_last_note_wins_and_a_note_during_the_call_survives_its_end(
    records: CallRecords, clock: Clock
) -> None:
    recorder = records.recorder
    recorder.record(ringing("c1", "1001"))
    recorder.record(answered("c1", "1001"))
    recorder.note_saved("c1", "callback", "call back on Monday")
    clock.now += 10
    recorder.record(ended("c1", "1001"))
    assert written(records, "c1", "disposition, note") == ("callback", "call back on Monday")
    recorder.note_saved("c1", "resolved", None)
    assert written(records, "c1", "disposition, note, ended_at") == ("resolved", None, START + 10)


def test_a_note_saved_after_a_restart_updates_the_recorded_row(
    tmp_path: Path, clock: Clock
) -> None:
    first = CallRecords(tmp_path / "r.db", 400, clock)
    first.start()
    talked(first, clock)
    asyncio.run(first.aclose())
    second = CallRecords(tmp_path / "r.db", 400, clock)
    second.start()
    try:
        second.recorder.note_saved("c1", "sale", "two licences")
        assert written(second, "c1") == (7.0, None, "sale", "two licences", "live")
    finally:
        asyncio.run(second.aclose())


def test_a_note_for_a_call_the_records_do_not_hold_changes_nothing(
    records: CallRecords, caplog: pytest.LogCaptureFixture
) -> None:
    records.recorder.note_saved("nowhere", "resolved", "x")
    assert records.writer.wait_written(30.0)
    assert records.store.count() == 0
    assert "records do not hold" in caplog.text


def test_the_wrap_up_period_of_the_call_gives_its_wrap_up_seconds(
    records: CallRecords, clock: Clock
) -> None:
    talked(records, clock)
    records.periods.record(wrapup("1001", "c1"))
    assert written(records, "c1", "wrapup_seconds") == (None,), "not ended yet: unknown"
    clock.now += 12.5
    records.periods.record(wrapup("1001", None))
    assert written(records, "c1", "wrapup_seconds, talk_seconds") == (12.5, 7.0)


def test_a_wrap_up_open_across_a_restart_is_counted_when_it_ends(
    tmp_path: Path, clock: Clock
) -> None:
    first = CallRecords(tmp_path / "r.db", 400, clock)
    first.start()
    talked(first, clock)
    first.periods.record(wrapup("1001", "c1"))
    asyncio.run(first.aclose())
    clock.now += 30
    second = CallRecords(tmp_path / "r.db", 400, clock)
    second.start()
    try:
        second.periods.record(wrapup("1001", None))
        assert written(second, "c1", "wrapup_seconds") == (30.0,)
    finally:
        asyncio.run(second.aclose())


def test_other_periods_of_the_agent_leave_the_wrap_up_alone(
    records: CallRecords, clock: Clock
) -> None:
    talked(records, clock)
    pause = AgentState(agent="a1", extension="1001", state="paused", reason="lunch", since="")
    records.periods.record(pause)
    clock.now += 60
    records.periods.record(wrapup("1001", None))
    assert written(records, "c1", "wrapup_seconds") == (None,)


def test_a_version_2_file_gains_the_new_columns_filled_from_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    try:
        migrate(db, MIGRATIONS[:2])
        db.execute(
            "INSERT INTO calls (call_id, direction, arrived_at, answered_at, ended_at, "
            "held_seconds, abandoned) VALUES (?, 'inbound', ?, ?, ?, ?, ?)",
            ("answered", START, START + 2, START + 32, 5.0, 0),
        )
        db.execute(
            "INSERT INTO calls (call_id, direction, arrived_at, ended_at, abandoned) "
            "VALUES ('abandoned', 'inbound', ?, ?, 1)",
            (START, START + 9),
        )
        periods = [
            ("on-call", None, START + 2, START + 32, "answered"),
            ("wrap-up", "wrap-up", START + 32, START + 47.25, "answered"),
            ("available", None, START + 47.25, None, None),
        ]
        db.conn.executemany(
            "INSERT INTO agent_periods (extension, state, reason, started_at, ended_at, call_id) "
            "VALUES ('1001', ?, ?, ?, ?, ?)",
            periods,
        )
        db.conn.commit()
    finally:
        db.close()
    RecordStore(path).close()  # opening migrates
    assert stored(path, "answered") == (25.0, 15.25, None, None, "live")
    assert stored(path, "abandoned") == (None, None, None, None, "live")
    with closing(sqlite3.connect(path)) as conn:
        sources = conn.execute("SELECT DISTINCT source FROM agent_periods").fetchall()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert sources == [("live",)]
