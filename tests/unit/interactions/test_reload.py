"""Interactions left open by a previous run, read back from a real records file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from cti.interactions.model import CLOSED, Interaction, Message
from cti.interactions.records import InteractionWriter
from cti.interactions.reload import open_interactions
from cti.records import RecordStore

T0 = 1_795_400_000.0


def written(path: Path, *interactions: Interaction, messages: tuple[Message, ...] = ()) -> None:
    RecordStore(path).close()
    writer = InteractionWriter(path, keep_days=400, clock=lambda: T0, commit_every=0.01)
    writer.start()
    for interaction in interactions:
        writer.save(interaction)
    for message in messages:
        writer.add_message(message)
    writer.close()


def thread(interaction_id: str, at: float, **kw: object) -> Interaction:
    return Interaction(interaction_id, "email", f"<{interaction_id}@x>", arrived_at=at, **kw)  # type: ignore[arg-type]


def test_open_interactions_come_back_oldest_first_with_their_messages_and_closed_ones_do_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records.db"
    done = thread("i-done", T0 - 50, status=CLOSED, closed_at=T0 - 10, disposition="resolved")
    words = (
        Message("i-old", "<a@x>", "in", "Carla", "first", T0 - 30, frozenset({"auto"})),
        Message("i-old", "<b@x>", "out", "Alice", "answer", T0 - 20),
    )
    written(
        path,
        thread("i-new", T0 - 5, contact_ids=(7,), subject="New"),
        thread("i-old", T0 - 40, first_response_at=T0 - 20),
        done,
        messages=words,
    )
    found = open_interactions(path)
    assert [f.interaction.interaction_id for f in found] == ["i-old", "i-new"]
    old, new = found
    assert old.messages == words
    assert old.interaction.first_response_at == T0 - 20
    assert new.interaction.contact_ids == (7,) and new.interaction.subject == "New"
    assert new.interaction.status == "waiting" and new.interaction.extension is None


def test_a_row_that_cannot_be_read_back_is_skipped_and_the_others_still_come_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records.db"
    written(path, thread("i-bad", T0 - 9), thread("i-good", T0 - 8))
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE interactions SET contact_ids = 'not json' WHERE id = 'i-bad'")
    assert [f.interaction.interaction_id for f in open_interactions(path)] == ["i-good"]


def test_no_records_file_yet_means_nothing_to_reopen(tmp_path: Path) -> None:
    assert open_interactions(tmp_path / "absent.db") == []
