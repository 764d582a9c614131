"""RecordWriter: batches on its own thread, retries a failed commit, drains on close, prunes."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from cti.records import CallRecord, RecordStore, RecordWriter
from cti.records.rows import to_rows
from tests.unit.records.recordings import START, Clock

DAY = 86400.0


def poll(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RecordStore]:
    opened = RecordStore(tmp_path / "records.db")  # creates the schema
    yield opened
    opened.close()


def call(call_id: str, arrived_at: float = START, queue: str | None = "support") -> CallRecord:
    return CallRecord(call_id, arrived_at=arrived_at, queue=queue)


def test_snapshots_of_one_call_are_coalesced_into_its_newest(store: RecordStore) -> None:
    writer = RecordWriter(store.path, 400, Clock())
    for queue in ("first", "second", "newest"):
        writer.submit(to_rows(call("c1", queue=queue)))
    writer.submit(to_rows(call("c2")))
    writer.start()
    try:
        assert writer.wait_written(30.0)
    finally:
        writer.close()
    assert (writer.stats.calls_written, writer.stats.batches) == (2, 1)
    found = store.get("c1")
    assert found is not None and found.queue == "newest"


def test_a_failed_commit_keeps_the_call_readable_and_is_retried(
    store: RecordStore, caplog: pytest.LogCaptureFixture
) -> None:
    writer = RecordWriter(store.path, 400, Clock())
    writer.start()
    writer.submit(to_rows(call("c0")))
    assert writer.wait_written(30.0)  # the start-up pruning is done too
    admin = sqlite3.connect(store.path)
    try:
        with admin:
            admin.execute("ALTER TABLE calls RENAME TO calls_away")  # every write now fails
        with caplog.at_level(logging.ERROR, logger="cti.records.writer"):
            writer.submit(to_rows(call("c1")))
            poll(lambda: writer.stats.failures >= 1)
        assert "writing 1 call(s) and 0 agent period(s) failed: no such table: calls" in caplog.text
        waiting = writer.snapshot("c1")
        assert waiting is not None and waiting.call_id == "c1"
        with admin:
            admin.execute("ALTER TABLE calls_away RENAME TO calls")
        with caplog.at_level(logging.WARNING, logger="cti.records.writer"):
            assert writer.wait_written(30.0)
            poll(lambda: "call records written again after" in caplog.text)
    finally:
        admin.close()
        writer.close()
    assert store.get("c1") is not None
    assert caplog.text.count("failed: no such table") == 1, "one error line per outage"


def test_close_commits_what_is_pending(store: RecordStore) -> None:
    writer = RecordWriter(store.path, 400, Clock())
    writer.start()
    for n in range(200):
        writer.submit(to_rows(call(f"c{n}")))
    writer.close()
    assert store.count() == 200 and writer.backlog() == 0


def test_close_names_how_many_calls_could_not_be_written(
    store: RecordStore, caplog: pytest.LogCaptureFixture
) -> None:
    with closing(sqlite3.connect(store.path)) as admin:
        admin.execute("ALTER TABLE calls RENAME TO calls_away")
    writer = RecordWriter(store.path, 400, Clock())
    writer.start()
    with caplog.at_level(logging.ERROR, logger="cti.records.writer"):
        writer.submit(to_rows(call("c1")))
        writer.submit(to_rows(call("c2")))
        poll(lambda: writer.stats.failures >= 1)
        writer.close()
    assert "2 call record(s) could not be written" in caplog.text


def test_calls_older_than_the_retention_are_deleted_at_start(store: RecordStore) -> None:
    clock = Clock(START + 30 * DAY)
    old = call("old", arrived_at=START - 0.5)  # 30 days and a half ago
    old.legs = []
    writer = RecordWriter(store.path, 400, clock)
    writer.start()
    writer.submit(to_rows(old))
    writer.submit(to_rows(call("recent", arrived_at=START + 0.5)))
    assert writer.wait_written(30.0)
    writer.close()
    assert store.count() == 2
    pruning = RecordWriter(store.path, 30, clock)
    pruning.start()
    poll(lambda: pruning.stats.pruned >= 1)
    pruning.close()
    assert store.get("old") is None and store.get("recent") is not None
