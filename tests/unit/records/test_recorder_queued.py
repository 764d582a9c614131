"""Queue calls in the records from their queue join, including callers who never rang anyone."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from cti.protocol import CallEnded, CallQueued, Party
from cti.protocol_base import iso_utc
from cti.records import CallRecords
from tests.broker_events import answered, ringing
from tests.unit.records.recordings import START, Clock

CALLER = Party("+14155550103", "Caller C", "+14155550103")


def queued(call_id: str, joined: float, position: int = 1, **extra: object) -> CallQueued:
    return CallQueued(
        call_id=call_id,
        queue="support",
        position=position,
        count=position,
        caller=CALLER,
        waiting_since=iso_utc(joined),
        **extra,  # type: ignore[arg-type]
    )


def ended(call_id: str, **fields: object) -> CallEnded:
    values: dict[str, object] = {"cause": 16, "cause_text": "Normal Clearing", "answered_by": None}
    return CallEnded(call_id=call_id, **(values | fields))  # type: ignore[arg-type]


def stored(records: CallRecords, call_id: str) -> dict[str, object]:
    assert records.writer.wait_written(30.0)
    with closing(sqlite3.connect(records.path)) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM calls WHERE call_id = ?", (call_id,)).fetchone()
        legs = conn.execute("SELECT count(*) FROM call_agents WHERE call_id = ?", (call_id,))
        return {**dict(row), "legs": legs.fetchone()[0]}


def test_a_caller_who_abandons_in_the_queue_without_ringing_anyone_is_recorded(
    records: CallRecords, clock: Clock
) -> None:
    records.recorder.record(queued("c", START))
    clock.now += 4.01
    records.recorder.record(ended("c", abandoned=True, waited_seconds=4.01, queue="support"))
    row = stored(records, "c")
    assert {k: row[k] for k in ("queue", "caller_number", "caller_e164", "caller_name")} == {
        "queue": "support",
        "caller_number": "+14155550103",
        "caller_e164": "+14155550103",
        "caller_name": "Caller C",
    }
    assert (row["arrived_at"], row["ended_at"], row["answered_at"]) == (START, START + 4.01, None)
    assert (row["abandoned"], row["waited_seconds"], row["direction"], row["legs"]) == (
        1,
        4.01,
        "inbound",
        0,
    )


def test_a_queued_call_arrives_when_it_joined_the_queue_not_when_cti_saw_it(
    records: CallRecords, clock: Clock
) -> None:
    """After a reconnect the resync's call.queued names a caller waiting for 30 s already."""
    clock.now = START + 30
    records.recorder.record(queued("c", START))
    clock.now += 5
    records.recorder.record(ringing("c", "1001"))
    records.recorder.record(answered("c", "1001"))
    record = records.recorder.find("c")
    assert record is not None
    assert (record.arrived_at, record.waited_seconds) == (START, 35.0)


def test_a_join_time_in_the_future_or_unreadable_is_the_moment_cti_saw_it(
    records: CallRecords, clock: Clock
) -> None:
    records.recorder.record(queued("late", START + 60))
    records.recorder.record(
        CallQueued(
            call_id="odd", queue="support", position=1, count=1, caller=CALLER, waiting_since="?"
        )
    )
    late, odd = records.recorder.find("late"), records.recorder.find("odd")
    assert late is not None and odd is not None
    assert (late.arrived_at, odd.arrived_at) == (START, START)


def test_a_position_update_changes_nothing_recorded(records: CallRecords, clock: Clock) -> None:
    records.recorder.record(queued("c", START, position=2))
    clock.now += 3
    records.recorder.record(queued("c", START + 3, position=1))
    record = records.recorder.find("c")
    assert record is not None and (record.arrived_at, record.queue) == (START, "support")


def test_the_wait_call_ended_gives_is_the_one_recorded(records: CallRecords, clock: Clock) -> None:
    records.recorder.record(queued("c", START))
    clock.now += 8.4
    records.recorder.record(ringing("c", "1001"))
    records.recorder.record(answered("c", "1001"))
    clock.now += 60
    records.recorder.record(ended("c", answered_by="1001", waited_seconds=8.0, queue="support"))
    row = stored(records, "c")
    assert (row["answered_at"], row["waited_seconds"]) == (START + 8.4, 8.0)
    again = records.recorder.find("c")
    assert again is not None and again.waited_seconds == 8.0  # read back as written


def test_call_ended_names_the_queue_of_a_call_first_seen_elsewhere(
    records: CallRecords, clock: Clock
) -> None:
    records.recorder.record(answered("c", "1001"))
    records.recorder.record(ended("c", answered_by="1001", queue="sales"))
    assert stored(records, "c")["queue"] == "sales"


def test_the_contact_of_a_published_call_queued_is_recorded(
    records: CallRecords, clock: Clock
) -> None:
    records.recorder.record(queued("c", START))
    records.recorder.add_contact(
        queued("c", START, contact={"id": 7, "name": "Caller C"}, matches=({"id": 7},))
    )
    record = records.recorder.find("c")
    assert record is not None and record.contact_ids == (7,)


def test_a_withheld_caller_without_a_stored_contact_still_starts_the_record(
    records: CallRecords, clock: Clock
) -> None:
    event = CallQueued(
        call_id="c",
        queue="support",
        position=1,
        count=1,
        caller=Party(None, None, anonymous=True),
        waiting_since="",
        contact={"name": "from a CRM, no id"},
        matches=({"id": "7"}, {"id": True}),
    )
    records.recorder.record(event)
    records.recorder.add_contact(event)
    record = records.recorder.find("c")
    assert record is not None
    assert (record.queue, record.caller_number, record.contact_ids) == ("support", None, ())
    assert (record.arrived_at, record.direction) == (START, "inbound")


def test_todays_queue_calls_are_read_back_for_the_statistics(
    records: CallRecords, clock: Clock
) -> None:
    clock.now = START - 7200
    records.recorder.record(queued("earlier", START - 7200))
    records.recorder.record(ended("earlier", abandoned=True, waited_seconds=9.0))
    clock.now = START
    records.recorder.record(queued("talking", START))
    clock.now += 6
    records.recorder.record(answered("talking", "1001"))
    records.recorder.record(queued("gone", START + 1))
    records.recorder.record(ended("gone", abandoned=True, waited_seconds=5.0))
    records.recorder.record(answered("direct", "1002"))  # no queue: not a queue call
    assert records.writer.wait_written(30.0)
    seen = sorted(records.store.queue_calls_since(START - 60), key=lambda c: c.call_id)
    assert [
        (c.call_id, c.queue, c.joined_at, c.answered, c.abandoned, c.waited_seconds, c.ended)
        for c in seen
    ] == [
        ("gone", "support", START + 1, False, True, 5.0, True),
        ("talking", "support", START, True, False, 6.0, False),
    ]
