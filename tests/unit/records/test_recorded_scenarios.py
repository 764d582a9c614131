"""The rows each recorded Asterisk 22 scenario leaves in the records file.

Every recording goes through the real tracker into the recorder, with the clock at each
frame's receive time, and the writer commits to a real SQLite file. Times below are
seconds from the start of the recording, as its timeline and .md note tell them.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from cti.protocol import CallEnded, CallRinging
from tests.unit.records.recordings import START, Clock, open_records, play

CALLS = (
    "SELECT call_id, direction, queue, caller_number, caller_e164, caller_name, "
    "called_number, did, arrived_at, answered_at, answered_by, ended_at, waited_seconds, "
    "held_seconds, abandoned, cause, cause_text, contact_ids, talk_seconds, wrapup_seconds, "
    "disposition, note, source FROM calls"
)
AGENTS = (
    "SELECT call_id, leg, extension, rang_at, answered_at, ended_at, outcome "
    "FROM call_agents ORDER BY call_id, leg"
)
TRANSFERS = "SELECT call_id, seq, at, from_extension, to_extension, mode FROM call_transfers"
TIMES = {"arrived_at", "answered_at", "ended_at", "rang_at", "at"}


def relative(cursor: sqlite3.Cursor) -> list[tuple[Any, ...]]:
    """Rows with every timestamp as milliseconds-rounded seconds from the recording start."""
    names = [d[0] for d in cursor.description]
    return [
        tuple(
            round(v - START, 3) if name in TIMES and v is not None else v
            for name, v in zip(names, row, strict=True)
        )
        for row in cursor
    ]


@pytest.fixture
def rows_of(tmp_path: Path) -> Iterator[Any]:
    def replay(name: str) -> dict[str, list[tuple[Any, ...]]]:
        clock = Clock()
        path = tmp_path / f"{name}.db"
        records = open_records(path, clock)
        play(name, records, clock)
        assert records.writer.wait_written(30.0)
        asyncio.run(records.aclose())
        with closing(sqlite3.connect(path)) as conn:
            return {
                "calls": relative(conn.execute(CALLS)),
                "agents": relative(conn.execute(AGENTS)),
                "transfers": relative(conn.execute(TRANSFERS)),
            }

    yield replay


def test_queue_call_answered_by_1001_records_both_agents_rung_and_the_wait(rows_of: Any) -> None:
    rows = rows_of("queue_answered")
    call = "1795400598.0"
    assert rows["calls"] == [
        (
            call,
            "inbound",
            "support",
            "+14155550123",
            "+14155550123",
            "Alice Example",
            "support",
            "support",
            0.007,  # call.queued: the caller joins the queue (QueueCallerJoin)
            2.010,  # 1001 answers after 2 s
            "1001",
            8.520,  # the caller's hang-up after 6 s of talk
            2.005,  # call.ended's waited_seconds: the join to QueueCallerLeave (2.012)
            0.0,
            0,
            16,
            "Normal Clearing",
            "[]",
            6.51,  # talk: the answer to the hang-up, no hold
            None,  # no wrap-up period in a recording of AMI alone
            None,
            None,
            "live",
        )
    ]
    assert rows["agents"] == [
        (call, 0, "1002", 0.008, None, 2.010, "answered_elsewhere"),
        (call, 1, "1001", 0.009, 2.010, 8.520, "answered"),
    ]
    assert rows["transfers"] == []


def test_caller_abandoning_while_both_agents_ring_is_recorded_as_abandoned(
    rows_of: Any,
) -> None:
    rows = rows_of("abandoned_ringing")
    call = "1795400620.10"
    assert rows["calls"] == [
        (
            call,
            "inbound",
            "support",
            "+14155550199",
            "+14155550199",
            "Carol Caller",
            "support",
            "support",
            0.003,
            None,
            None,
            5.026,  # the caller hangs up after 5 s
            5.023,
            0.0,
            1,
            16,
            "Normal Clearing",
            "[]",
            None,  # never answered: no talk
            None,
            None,
            None,
            "live",
        )
    ]
    assert rows["agents"] == [
        (call, 0, "1002", 0.003, None, 5.025, "abandoned"),
        (call, 1, "1001", 0.003, None, 5.025, "abandoned"),
    ]


def test_blind_transfer_records_the_transfer_and_the_targets_own_leg(rows_of: Any) -> None:
    rows = rows_of("blind_transfer")
    call = "1795400634.20"
    (row,) = rows["calls"]
    assert (row[2], row[9], row[10], row[11]) == ("support", 2.007, "1001", 13.521)
    assert row[18] == 11.514, "talk runs from the first answer to the end, across the transfer"
    assert rows["agents"] == [
        (call, 0, "1002", 0.004, None, 2.007, "answered_elsewhere"),
        (call, 1, "1001", 0.005, 2.007, 4.010, "transferred"),
        (call, 2, "1002", 4.011, 7.013, 13.521, "answered"),
    ]
    assert rows["transfers"] == [(call, 0, 4.010, "1001", "1002", "blind")]


def test_hold_time_is_summed_from_held_to_resumed(rows_of: Any) -> None:
    (row,) = rows_of("hold_unhold")["calls"]
    assert (row[2], row[10], row[12], row[13]) == (None, "1001", 2.002, 6.006)
    talk = round(row[11] - row[9] - row[13], 3)
    assert (row[18], row[22]) == (talk, "live") and 0 < talk < row[11] - row[9]


def test_click_to_dial_is_outbound_with_no_wait(rows_of: Any) -> None:
    rows = rows_of("click_to_dial_originate")
    (row,) = rows["calls"]
    assert (row[1], row[4], row[6], row[10], row[12], row[14]) == (
        "outbound",
        "+14155550123",
        "+14155550123",
        "1001",
        None,
        0,
    )
    assert [agent[2:] for agent in rows["agents"]] == [("1001", 2.006, 5.006, 11.513, "answered")]


def test_every_ringing_and_ended_event_of_the_recordings_lands_in_the_rows(
    tmp_path: Path,
) -> None:
    """No event the tracker makes is lost between the tracker and the file."""
    clock = Clock()
    records = open_records(tmp_path / "r.db", clock)
    events = play("queue_answered", records, clock) + play("abandoned_ringing", records, clock)
    assert records.writer.wait_written(30.0)
    rang = sum(isinstance(e, CallRinging) for e in events)
    ended = sum(isinstance(e, CallEnded) for e in events)
    asyncio.run(records.aclose())
    with closing(sqlite3.connect(tmp_path / "r.db")) as conn:
        assert conn.execute("SELECT count(*) FROM call_agents").fetchone()[0] == rang == 4
        done = "SELECT count(*) FROM calls WHERE ended_at IS NOT NULL"
        assert conn.execute(done).fetchone()[0] == ended == 2
