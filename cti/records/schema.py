"""Schema and migrations of the call records, versioned by ``PRAGMA user_version``.

Reports filter on arrival time and queue and ask "offered to / answered by whom", so
those are indexed. Times are REAL unix seconds in UTC (see `cti.records.model`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import sqlite_utils

log = logging.getLogger(__name__)


class RecordsFileError(Exception):
    """The records file cannot be used: not SQLite, unreadable, or from a newer cti."""


def _v1(db: sqlite_utils.Database) -> None:
    db.table("calls").create(
        {
            "call_id": str,
            "direction": str,
            "queue": str,
            "caller_number": str,
            "caller_e164": str,
            "caller_name": str,
            "called_number": str,
            "did": str,
            "arrived_at": float,
            "answered_at": float,
            "answered_by": str,
            "ended_at": float,
            "waited_seconds": float,
            "held_seconds": float,
            "abandoned": int,
            "cause": int,
            "cause_text": str,
            "contact_ids": str,
        },
        pk="call_id",
        not_null=["direction", "arrived_at", "held_seconds", "abandoned", "contact_ids"],
        defaults={"held_seconds": 0.0, "abandoned": 0, "contact_ids": "[]"},
    )
    db.table("calls").create_index(["arrived_at"])
    db.table("calls").create_index(["queue", "arrived_at"])
    db.table("calls").create_index(["answered_by", "arrived_at"])
    db.table("call_agents").create(
        {
            "call_id": str,
            "leg": int,
            "extension": str,
            "rang_at": float,
            "answered_at": float,
            "ended_at": float,
            "outcome": str,
        },
        pk=("call_id", "leg"),
        foreign_keys=[("call_id", "calls", "call_id")],
        not_null=["extension", "rang_at"],
    )
    db.table("call_agents").create_index(["extension", "rang_at"])
    db.table("call_transfers").create(
        {
            "call_id": str,
            "seq": int,
            "at": float,
            "from_extension": str,
            "to_extension": str,
            "mode": str,
        },
        pk=("call_id", "seq"),
        foreign_keys=[("call_id", "calls", "call_id")],
        not_null=["at", "to_extension", "mode"],
    )


def _v2(db: sqlite_utils.Database) -> None:
    """Agent state periods: how long each agent was available, on a call, paused (and
    why), in wrap-up or logged out; reports sum them per interval."""
    db.table("agent_periods").create(
        {
            "extension": str,
            "state": str,
            "reason": str,
            "started_at": float,
            "ended_at": float,
            "call_id": str,
        },
        pk=("extension", "started_at"),
        not_null=["extension", "state", "started_at"],
    )
    db.table("agent_periods").create_index(["started_at"])


def _v3(db: sqlite_utils.Database) -> None:
    """What a report needs per call beyond v2 (talk, wrap-up, the after-call note), and
    where a row came from: `live` (this server saw it) or `queue_log` (imported).

    Rows already there get their talk time (answer to end, minus hold) and the wrap-up
    their agent periods hold, so an old file reports like a new one.
    """
    calls = db.table("calls")
    for name, kind in (
        ("talk_seconds", float),
        ("wrapup_seconds", float),
        ("disposition", str),
        ("note", str),
    ):
        calls.add_column(name, kind)
    calls.add_column("source", str, not_null_default="live")
    db.table("agent_periods").add_column("source", str, not_null_default="live")
    db.execute(
        "UPDATE calls SET talk_seconds = round(max(0, ended_at - answered_at - held_seconds), 3) "
        "WHERE answered_at IS NOT NULL AND ended_at IS NOT NULL"
    )
    db.execute(
        "WITH wrapup AS (SELECT call_id, sum(ended_at - started_at) AS seconds "
        "FROM agent_periods WHERE state = 'wrap-up' AND call_id IS NOT NULL "
        "AND ended_at IS NOT NULL GROUP BY call_id) "
        "UPDATE calls SET wrapup_seconds = round(wrapup.seconds, 3) FROM wrapup "
        "WHERE wrapup.call_id = calls.call_id"
    )


def _v4(db: sqlite_utils.Database) -> None:
    """The universal queue's interactions (issue 13): one row per email thread, chat or
    web form, from arrival to close, and each message in or out, so reports count the
    non-voice channels beside the calls and a thread reads back after a restart."""
    db.table("interactions").create(
        {
            "id": str,
            "channel": str,
            "thread_key": str,
            "form": str,
            "contact_ids": str,
            "subject": str,
            "first_text": str,
            "priority": int,
            "arrived_at": float,
            "offered_at": float,
            "accepted_at": float,
            "first_response_at": float,
            "closed_at": float,
            "agent": str,
            "disposition": str,
            "end_reason": str,
        },
        pk="id",
        not_null=["channel", "thread_key", "contact_ids", "priority", "arrived_at"],
        defaults={"contact_ids": "[]", "priority": 0},
    )
    db.table("interactions").create_index(["arrived_at"])
    db.table("interactions").create_index(["channel", "arrived_at"])
    db.table("interactions").create_index(["agent", "arrived_at"])
    db.table("interactions").create_index(["channel", "thread_key"])
    db.table("interaction_messages").create(
        {
            "interaction_id": str,
            "message_id": str,
            "direction": str,
            "author": str,
            "text": str,
            "at": float,
            "flags": str,
            "attachments": str,
        },
        pk=("interaction_id", "message_id"),
        foreign_keys=[("interaction_id", "interactions", "id")],
        not_null=["direction", "text", "at", "flags", "attachments"],
        defaults={"flags": "[]", "attachments": "[]"},
    )
    db.table("interaction_messages").create_index(["interaction_id", "at"])


Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: tuple[Migration, ...] = (_v1, _v2, _v3, _v4)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database, steps: Sequence[Migration] = MIGRATIONS) -> None:
    """Bring the file up to the last of ``steps``, one transaction per step.

    A step is appended for each schema change and never edited: step N turns schema N-1
    into N, so a file of any older version reaches the newest by running the rest.
    """
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(steps):
        raise RecordsFileError(
            f"schema {version} was written by a newer cti (this one knows up to "
            f"{len(steps)}); upgrade cti or point records.path at another file"
        )
    for number, step in enumerate(steps[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
        log.info("call records migrated to schema %d", number)


def open_records(path: Path) -> sqlite_utils.Database:
    """The records file at ``path``, created or migrated, in WAL mode.

    Raises RecordsFileError naming the file when it cannot be used.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
    except (OSError, sqlite3.Error) as exc:
        raise RecordsFileError(f"call records {path}: {exc}") from exc
    try:
        db.enable_wal()
        migrate(db)
    except (sqlite3.Error, RecordsFileError) as exc:
        db.close()
        raise RecordsFileError(f"call records {path}: {exc}") from exc
    return db


def connect(path: Path) -> sqlite3.Connection:
    """A raw connection for one thread of an already migrated file (the hot path)."""
    conn = sqlite3.connect(path, timeout=5.0)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn
