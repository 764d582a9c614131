"""Reports read the records file read-only, beside a writer, and say clearly when they can't."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cti.records.schema import open_records
from cti.reports.query import ReportQuery
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings
from cti.reports.source import RecordsReader, RecordsUnavailable
from tests.unit.reports.records_db import QueueCall, add_calls, make_records

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()
MONDAY = ReportQuery(date(2026, 3, 2), date(2026, 3, 2))


def book(path: Path) -> ReportBook:
    return ReportBook(path, ReportSettings(), clock=lambda: NINE + 7200)


def test_a_report_runs_beside_an_open_write_transaction_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = make_records(tmp_path / "records.db")
    add_calls(path, QueueCall("c1", NINE))
    with closing(sqlite3.connect(path)) as writer:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO calls (call_id, direction, queue, arrived_at, answered_at, ended_at, "
            "waited_seconds) VALUES ('c2', 'inbound', 'support', ?, ?, ?, 3)",
            (NINE + 60, NINE + 63, NINE + 120),
        )
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        assert book(path).intervals(MONDAY)["offered"] == 1  # c2 is not committed yet
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
        writer.commit()
    assert book(path).intervals(MONDAY)["offered"] == 2


def test_the_reader_cannot_write_even_if_asked(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    with RecordsReader(path) as reader, pytest.raises(RecordsUnavailable) as caught:
        reader.rows("DELETE FROM calls", ())
    assert "readonly" in str(caught.value) and str(path) in str(caught.value)


def test_an_older_file_without_talk_and_wrapup_columns_is_read_as_far_as_it_goes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v2.db"
    open_records(path).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        if "talk_seconds" in {row[1] for row in conn.execute("PRAGMA table_info(calls)")}:
            conn.execute("ALTER TABLE calls DROP COLUMN talk_seconds")
            conn.execute("ALTER TABLE calls DROP COLUMN wrapup_seconds")
        conn.execute(
            "INSERT INTO calls (call_id, direction, queue, arrived_at, answered_at, ended_at, "
            "waited_seconds, held_seconds) VALUES ('old', 'inbound', 'support', ?, ?, ?, 5, 20)",
            (NINE, NINE + 5, NINE + 205),
        )
    body = book(path).intervals(MONDAY)
    assert (body["offered"], body["aht_seconds"]) == (1, 200.0)  # talk 180 + hold 20


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is not a call records file (no table agent_periods, call_agents, calls)"),
        (b"SQLite format 3\x00" + b"\x00" * 84, "not a database"),
        (b"date,calls\n2026-03-02,12\n" * 300, "not a database"),
    ],
)
def test_a_file_that_is_no_records_file_is_refused_naming_it(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "odd.db"
    path.write_bytes(content)
    with pytest.raises(RecordsUnavailable) as caught:
        RecordsReader(path)
    assert str(path) in str(caught.value) and reason in str(caught.value)


def test_the_contact_database_is_no_records_file(tmp_path: Path) -> None:
    path = tmp_path / "contacts.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(RecordsUnavailable, match="not a call records file"):
        RecordsReader(path)


def test_a_missing_file_or_a_directory_is_no_records_file(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.db", tmp_path):
        with pytest.raises(RecordsUnavailable, match=f"no call records file at {path}"):
            RecordsReader(path)
