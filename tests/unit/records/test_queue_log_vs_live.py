"""The same calls, seen live through AMI and read from Asterisk's queue_log, count the same.

Five AMI recordings of the lab were made while the same Asterisk wrote the lab's
queue_log (their .md notes quote the lines, bytes 24102-27946): the caller's Uniqueid
is both the live call_id (Linkedid) and the queue_log callid. Each recording is played
through the real tracker into live records, with the clock at the real time of each
frame (its SuccessfulAuth's EventTV); the queue_log is imported into another file.
Offered, answered, abandoned and who answered must agree call by call, and the times
to within the queue_log's whole seconds.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cti.records.queuelog import import_queue_log
from tests.helpers import AMI_FIXTURES
from tests.unit.records.queue_logs import LAB_QUEUE_LOG, query
from tests.unit.records.recordings import Clock, open_records, play

SAME_RUN = {  # recording: its queue calls, as its .md note quotes the queue_log
    "attended_transfer_complete": ["1796601376.42"],
    "chanspy_listen": ["1796601520.106"],
    "queue_abandon_waiting": ["1796601494.92", "1796601495.98", "1796601497.102", "1796601498.104"],
    "queue_pause": ["1796601433.62"],
    "sip_refer_attended": ["1796601688.135"],
}
COUNTS = (
    "SELECT count(*), sum(answered_at IS NOT NULL), sum(abandoned) FROM calls "
    "WHERE queue IS NOT NULL AND direction = 'inbound' AND call_id IN ({})"
)
PER_CALL = (
    "SELECT call_id, queue, answered_by, abandoned, arrived_at, answered_at, waited_seconds "
    "FROM calls WHERE call_id IN ({}) ORDER BY call_id"
)
_AUTH = re.compile(
    r"^\[\s*([0-9.]+)\] <<< Event: SuccessfulAuth\n(?:    .*\n)*?    EventTV: (\S+)$", re.M
)


def recording_start(name: str) -> float:
    """The epoch of the recording's first frame, from its SuccessfulAuth's EventTV."""
    found = _AUTH.search((AMI_FIXTURES / f"{name}.timeline.txt").read_text(encoding="utf-8"))
    assert found is not None, name
    offset, stamp = found.groups()
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() - float(offset)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("imported") / "records.db"
    assert import_queue_log(LAB_QUEUE_LOG, db).unread_lines == 0
    return db


def live(name: str, path: Path) -> Path:
    start = recording_start(name)
    clock = Clock(start)
    records = open_records(path, clock)
    play(name, records, clock, start)
    assert records.writer.wait_written(30.0)
    asyncio.run(records.aclose())
    return path


def marks(ids: list[str]) -> str:
    return ", ".join("?" for _ in ids)


@pytest.mark.parametrize("name", sorted(SAME_RUN))
def test_offered_answered_and_abandoned_equal_what_the_calls_showed_live(
    name: str, imported: Path, tmp_path: Path
) -> None:
    ids = SAME_RUN[name]
    seen = live(name, tmp_path / "live.db")
    counts = COUNTS.format(marks(ids))
    assert query(imported, counts, *ids) == query(seen, counts, *ids)
    queue_calls = "SELECT call_id FROM calls WHERE queue IS NOT NULL ORDER BY call_id"
    assert [row[0] for row in query(seen, queue_calls)] == sorted(ids), "every queue call"


@pytest.mark.parametrize("name", sorted(SAME_RUN))
def test_each_call_agrees_on_who_answered_and_when_to_the_second(
    name: str, imported: Path, tmp_path: Path
) -> None:
    ids = SAME_RUN[name]
    seen = live(name, tmp_path / "live.db")
    rows: dict[str, Any] = {}
    for db in (seen, imported):
        for call_id, *values in query(db, PER_CALL.format(marks(ids)), *ids):
            rows.setdefault(call_id, []).append(values)
    assert sorted(rows) == sorted(ids)
    for call_id, (from_ami, from_log) in rows.items():
        assert from_ami[:3] == from_log[:3], call_id  # queue, answered_by, abandoned
        for ami_time, log_time in zip(from_ami[3:], from_log[3:], strict=True):
            if ami_time is None or log_time is None:
                assert ami_time is log_time is None, call_id
            else:  # the queue_log's whole seconds: the second began up to 1 s before
                assert abs(ami_time - log_time) < 1.5, (call_id, ami_time, log_time)
