"""Real records files for report tests, with the schema v3 columns of issue 12's contract.

The file is made by `cti.records.schema.open_records` (the real migrations); while the
schema on this branch is older than v3, the v3 columns reports read are added as the
contract states them.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from cti.records.schema import open_records

V3_CALL_COLUMNS = {
    "talk_seconds": "REAL",
    "wrapup_seconds": "REAL",
    "disposition": "TEXT",
    "note": "TEXT",
    "source": "TEXT NOT NULL DEFAULT 'live'",
}


def make_records(path: Path) -> Path:
    db = open_records(path)
    try:
        have = {row[1] for row in db.execute("PRAGMA table_info(calls)")}
        for name, kind in V3_CALL_COLUMNS.items():
            if name not in have:
                db.execute(f"ALTER TABLE calls ADD COLUMN {name} {kind}")
        periods = {row[1] for row in db.execute("PRAGMA table_info(agent_periods)")}
        if "source" not in periods:
            db.execute(
                "ALTER TABLE agent_periods ADD COLUMN source TEXT NOT NULL DEFAULT 'live'"
            )
    finally:
        db.close()
    return path


@dataclass
class QueueCall:
    """One queue call to write: times in seconds after ``at`` (the queue join)."""

    call_id: str
    at: float
    queue: str = "support"
    waited: float | None = 10.0
    answered: bool = True
    abandoned: bool = False
    ended: bool = True
    talk: float = 100.0
    hold: float = 0.0
    wrapup: float | None = None
    agent: str | None = "1001"
    direction: str = "inbound"


def add_calls(path: Path, *calls: QueueCall) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        for call in calls:
            answered_at = call.at + (call.waited or 0.0) if call.answered else None
            if call.answered:
                ended_at = (answered_at or 0.0) + call.talk + call.hold
            else:
                ended_at = call.at + (call.waited or 0.0)
            conn.execute(
                "INSERT INTO calls (call_id, direction, queue, arrived_at, answered_at, "
                "answered_by, ended_at, waited_seconds, held_seconds, abandoned, "
                "talk_seconds, wrapup_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    call.call_id,
                    call.direction,
                    call.queue,
                    call.at,
                    answered_at,
                    call.agent if call.answered else None,
                    ended_at if call.ended else None,
                    call.waited,
                    call.hold,
                    int(call.abandoned),
                    call.talk if call.answered and call.ended else None,
                    call.wrapup,
                ),
            )
            if call.agent is not None:
                conn.execute(
                    "INSERT INTO call_agents (call_id, leg, extension, rang_at, answered_at, "
                    "ended_at, outcome) VALUES (?, 0, ?, ?, ?, ?, ?)",
                    (
                        call.call_id,
                        call.agent,
                        call.at + 1.0,
                        answered_at,
                        ended_at if call.ended else None,
                        "answered" if call.answered else "abandoned",
                    ),
                )


def add_period(
    path: Path,
    extension: str,
    state: str,
    start: float,
    end: float | None,
    reason: str | None = None,
) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO agent_periods (extension, state, reason, started_at, ended_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (extension, state, reason, start, end),
        )
