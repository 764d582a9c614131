"""Interactions and their messages written to a real records file by their own thread."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils

from cti.interactions.model import ACTIVE, CLOSED, OFFERED, Interaction, Message
from cti.interactions.records import InteractionWriter
from cti.records import RecordStore
from cti.records.schema import MIGRATIONS, SCHEMA_VERSION, migrate

T0 = 1_795_400_000.0


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "records.db"
    RecordStore(path).close()  # creates and migrates, as CallRecords does at start
    return path


@pytest.fixture
def writer(path: Path) -> Iterator[InteractionWriter]:
    writer = InteractionWriter(path, keep_days=400, clock=lambda: T0, commit_every=0.01)
    writer.start()
    yield writer
    writer.close()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def email_thread() -> Interaction:
    return Interaction(
        "i-1",
        "email",
        "<root@example.com>",
        arrived_at=T0,
        priority=2,
        subject="Broken router",
        first_text="It blinks red.",
        contact_ids=(7, 9),
    )


def test_the_row_follows_the_interaction_to_its_close(
    writer: InteractionWriter, path: Path
) -> None:
    interaction = email_thread()
    writer.save(interaction)
    interaction.status, interaction.extension, interaction.offered_at = OFFERED, "1001", T0 + 1
    writer.save(interaction)
    assert writer.wait_written(30.0)
    offered = rows(path, "SELECT offered_at, agent FROM interactions")
    assert offered == [(T0 + 1, None)], "an offer not accepted names no agent"
    interaction.status, interaction.accepted_at = ACTIVE, T0 + 5
    interaction.first_response_at = T0 + 60
    interaction.status, interaction.closed_at = CLOSED, T0 + 90
    interaction.disposition, interaction.end_reason = "solved", "closed"
    writer.save(interaction)
    assert writer.wait_written(30.0)
    assert rows(path, "SELECT * FROM interactions") == [
        (
            "i-1",
            "email",
            "<root@example.com>",
            None,
            "[7, 9]",
            "Broken router",
            "It blinks red.",
            2,
            T0,
            T0 + 1,
            T0 + 5,
            T0 + 60,
            T0 + 90,
            "1001",
            "solved",
            "closed",
        )
    ]


def test_a_message_delivered_twice_is_stored_once_with_its_flags_and_attachments(
    writer: InteractionWriter, path: Path
) -> None:
    writer.save(email_thread())
    attachment = {"filename": "log.txt", "content_type": "text/plain", "size": 12}
    message = Message(
        "i-1",
        "<m1@example.com>",
        "in",
        "ann@example.com",
        "It blinks red.",
        T0,
        flags=frozenset({"unparsed", "auto"}),
        attachments=(attachment,),
    )
    writer.add_message(message)
    writer.add_message(message)
    writer.add_message(Message("i-1", "<r1@cti>", "out", "Bob", "Unplug it.", T0 + 60))
    assert writer.wait_written(30.0)
    stored = rows(
        path,
        "SELECT message_id, direction, author, text, at, flags, attachments "
        "FROM interaction_messages ORDER BY at",
    )
    assert stored == [
        (
            "<m1@example.com>",
            "in",
            "ann@example.com",
            "It blinks red.",
            T0,
            '["auto", "unparsed"]',
            json.dumps([attachment]),
        ),
        ("<r1@cti>", "out", "Bob", "Unplug it.", T0 + 60, "[]", "[]"),
    ]


def test_close_commits_what_is_still_pending(path: Path) -> None:
    writer = InteractionWriter(path, keep_days=400, commit_every=60.0)
    writer.start()
    first, second = email_thread(), email_thread()
    second.interaction_id = "i-2"
    writer.save(first)
    assert writer.wait_written(30.0)
    writer.save(second)  # waits behind the 60 s pause between commits
    writer.close()
    assert writer.backlog() == 0
    assert rows(path, "SELECT id FROM interactions ORDER BY id") == [("i-1",), ("i-2",)]


def test_interactions_older_than_the_retention_go_with_their_messages(path: Path) -> None:
    old, recent = email_thread(), email_thread()
    old.arrived_at = T0 - 401 * 86400.0
    recent.interaction_id = "i-2"
    first = InteractionWriter(path, keep_days=10_000, commit_every=0.01)
    first.start()
    for interaction in (old, recent):
        first.save(interaction)
        first.add_message(Message(interaction.interaction_id, "m", "in", None, "hi", T0))
    first.close()
    pruning = InteractionWriter(path, keep_days=400, clock=lambda: T0)
    pruning.start()
    pruning.close()  # pruned at start
    assert rows(path, "SELECT id FROM interactions") == [("i-2",)]
    assert rows(path, "SELECT interaction_id FROM interaction_messages") == [("i-2",)]


def test_a_version_3_records_file_gains_the_interaction_tables_and_keeps_its_calls(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    try:
        migrate(db, MIGRATIONS[:3])
        db["calls"].insert({"call_id": "c1", "direction": "inbound", "arrived_at": T0})
    finally:
        db.close()
    RecordStore(path).close()
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)] == [(4,)]
    assert rows(path, "SELECT call_id FROM calls") == [("c1",)]
    assert rows(path, "SELECT count(*) FROM interactions") == [(0,)]
    assert rows(path, "SELECT count(*) FROM interaction_messages") == [(0,)]


def test_a_message_of_an_unknown_interaction_is_refused_by_the_file(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO interaction_messages (interaction_id, message_id, direction, text, "
                "at) VALUES ('nope', 'm', 'in', 'x', 0)"
            )
