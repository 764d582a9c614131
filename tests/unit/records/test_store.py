"""The records file: created in WAL mode at the current schema, refused clearly when unusable."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils

from cti.records import SCHEMA_VERSION, CallRecords, RecordsFileError, RecordStore
from cti.records.schema import MIGRATIONS, migrate
from tests.broker_events import ended, ringing
from tests.unit.records.recordings import START, Clock


def test_a_new_file_is_created_with_its_directory_in_wal_mode_at_the_schema_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deep" / "dir" / "records.db"
    store = RecordStore(path)
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        indexed = {
            (table, *(c[2] for c in conn.execute(f"PRAGMA index_info('{index[1]}')")))
            for table in ("calls", "call_agents")
            for index in conn.execute(f"PRAGMA index_list('{table}')")
        }
    assert {"calls", "call_agents", "call_transfers"} <= tables
    assert {
        ("calls", "arrived_at"),
        ("calls", "queue", "arrived_at"),
        ("calls", "answered_by", "arrived_at"),
        ("call_agents", "extension", "rang_at"),
    } <= indexed, indexed


def test_opening_an_existing_file_keeps_its_rows(tmp_path: Path) -> None:
    clock = Clock()
    records = CallRecords(tmp_path / "r.db", 400, clock)
    records.start()
    records.recorder.record(ringing("c1", "1001"))
    asyncio.run(records.aclose())
    store = RecordStore(tmp_path / "r.db")
    try:
        assert store.count() == 1
        found = store.get("c1")
        assert found is not None and found.arrived_at == START
    finally:
        store.close()


def test_a_file_that_is_not_sqlite_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    path.write_bytes(b"this is a CSV, not a database\n" * 100)
    with pytest.raises(RecordsFileError, match=r"call records .*records\.db: file is not a"):
        RecordStore(path)
    assert path.read_bytes().startswith(b"this is a CSV"), "the file is left as it was"


def test_a_file_from_a_newer_cti_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RecordsFileError, match="written by a newer cti"):
        RecordStore(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_directory_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "records.db").mkdir()
    with pytest.raises(RecordsFileError, match=r"records\.db"):
        RecordStore(tmp_path / "records.db")


def test_a_hand_edited_contact_list_reads_as_no_contacts(tmp_path: Path) -> None:
    records = CallRecords(tmp_path / "r.db", 400, Clock())
    records.start()
    records.recorder.record(ringing("c1", "1001", contact={"id": 5}))  # type: ignore[dict-item]
    records.recorder.record(ended("c1", "1001"))
    asyncio.run(records.aclose())
    with closing(sqlite3.connect(tmp_path / "r.db")) as conn:
        assert conn.execute("SELECT contact_ids FROM calls").fetchone()[0] == "[5]"
        conn.execute("UPDATE calls SET contact_ids = '{oops'")
        conn.commit()
    store = RecordStore(tmp_path / "r.db")
    try:
        found = store.get("c1")
        assert found is not None and found.contact_ids == ()
    finally:
        store.close()


def test_a_new_migration_step_upgrades_an_old_file_and_keeps_its_rows(tmp_path: Path) -> None:
    records = CallRecords(tmp_path / "r.db", 400, Clock())
    records.start()
    records.recorder.record(ringing("c1", "1001"))
    asyncio.run(records.aclose())

    def next_step(db: sqlite_utils.Database) -> None:  # what the next change will look like
        db.table("calls").add_column("survey_score", int)

    db = sqlite_utils.Database(tmp_path / "r.db")
    try:
        migrate(db, (*MIGRATIONS, next_step))
        migrate(db, (*MIGRATIONS, next_step))  # a second start changes nothing
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        rows = db.execute("SELECT call_id, queue, survey_score FROM calls").fetchall()
    finally:
        db.close()
    assert rows == [("c1", "support", None)]
