"""CallRecorder: events → one record per call, readable at once and after a restart."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest

from cti.protocol import CallHeld, CallResumed, CallTransferred
from cti.records import CallRecords
from tests.broker_events import answered, ended, retracted, ringing
from tests.unit.records.recordings import START, Clock


def reopen(records: CallRecords, clock: Clock) -> CallRecords:
    """What a restart does: the writer drains, the file is opened again."""
    asyncio.run(records.aclose())
    again = CallRecords(records.path, 400, clock)
    again.start()
    return again


def test_a_call_is_readable_while_it_rings_and_after_it_ended(
    records: CallRecords, clock: Clock
) -> None:
    recorder = records.recorder
    recorder.record(ringing("c1", "1001"))
    live = recorder.find("c1")
    assert live is not None and live.extensions == {"1001"} and live.ended_at is None
    clock.now += 3
    recorder.record(answered("c1", "1001"))
    clock.now += 10
    recorder.record(ended("c1", "1001"))
    assert len(recorder) == 0, "an ended call leaves the memory"
    done = recorder.find("c1")  # from the writer's batch or the file, whichever holds it
    assert done is not None
    assert (done.answered_by, done.waited_seconds, done.ended_at) == ("1001", 3.0, START + 13)


def test_a_record_written_before_a_restart_is_found_after_it(
    records: CallRecords, clock: Clock
) -> None:
    records.recorder.record(ringing("c1", "1001"))
    records.recorder.record(ended("c1", "1001"))
    again = reopen(records, clock)
    try:
        found = again.recorder.find("c1")
        assert found is not None
        assert (found.queue, found.number, found.extensions) == (
            "support",
            "+33612345678",
            frozenset({"1001"}),
        )
        assert found.abandoned is False and found.cause == 16
    finally:
        asyncio.run(again.aclose())


def test_a_call_in_progress_across_a_restart_keeps_its_arrival_and_agents(
    records: CallRecords, clock: Clock
) -> None:
    records.recorder.record(ringing("c1", "1001"))
    clock.now += 4
    again = reopen(records, clock)
    try:
        again.recorder.record(answered("c1", "1001"))
        clock.now += 1
        again.recorder.record(ended("c1", "1001"))
        found = again.recorder.find("c1")
        assert found is not None
        assert (found.arrived_at, found.waited_seconds, len(found.legs)) == (START, 4.0, 1)
    finally:
        asyncio.run(again.aclose())


def test_the_contact_found_after_the_call_ended_is_still_recorded(
    records: CallRecords,
) -> None:
    """The pop waits for the lookup; a short call can end before its contact is known."""
    recorder = records.recorder
    event = ringing("c1", "1001")
    recorder.record(event)
    recorder.record(ended("c1", "1001"))
    assert records.writer.wait_written(30.0)
    recorder.add_contact(dataclasses.replace(event, matches=({"id": 4}, {"id": 9})))
    assert records.writer.wait_written(30.0)
    found = records.store.get("c1")
    assert found is not None and found.contact_ids == (4, 9) and found.ended_at is not None


def test_events_after_the_end_of_a_call_change_nothing(records: CallRecords, clock: Clock) -> None:
    recorder = records.recorder
    recorder.record(ringing("c1", "1001"))
    recorder.record(ended("c1", "1001"))
    clock.now += 5
    recorder.record(answered("c1", "1002"))
    recorder.record(ringing("c1", "1003"))
    assert len(recorder) == 0
    found = recorder.find("c1")
    assert found is not None and found.extensions == {"1001"} and found.answered_by is None


def test_a_ring_the_agent_never_took_is_not_answered_and_a_retraction_keeps_its_reason(
    records: CallRecords, clock: Clock
) -> None:
    recorder = records.recorder
    recorder.record(ringing("c1", "1001"))
    recorder.record(ringing("c1", "1002"))
    clock.now += 2
    recorder.record(retracted("c1", "1002"))  # reason "abandoned" in the sample event
    recorder.record(ended("c1"))
    found = recorder.find("c1")
    assert found is not None
    assert [(leg.extension, leg.outcome) for leg in found.legs] == [
        ("1001", "not_answered"),
        ("1002", "abandoned"),
    ]
    assert found.abandoned is False and found.waited_seconds is None


def test_an_agent_rung_twice_gets_two_legs_but_a_repeated_ring_only_one(
    records: CallRecords, clock: Clock
) -> None:
    recorder = records.recorder
    recorder.record(ringing("c1", "1001"))
    recorder.record(ringing("c1", "1001"))  # a resync re-announcing the same ring
    clock.now += 15
    recorder.record(retracted("c1", "1001"))
    recorder.record(ringing("c1", "1001"))  # the queue rings the agent again
    found = recorder.find("c1")
    assert found is not None
    assert [(leg.rang_at - START, leg.outcome) for leg in found.legs] == [
        (0.0, "abandoned"),
        (15.0, None),
    ]


def test_transfers_and_holds_are_kept_in_order(records: CallRecords, clock: Clock) -> None:
    recorder = records.recorder
    recorder.record(ringing("c1", "1001"))
    recorder.record(answered("c1", "1001"))
    recorder.record(CallHeld(call_id="c1"))
    clock.now += 2.5
    recorder.record(CallResumed(call_id="c1"))
    recorder.record(CallHeld(call_id="c1"))
    clock.now += 1
    transfer = CallTransferred(call_id="c1", to="1002", mode="attended", from_extension="1001")
    recorder.record(transfer)
    recorder.record(ringing("c1", "1002"))
    recorder.record(answered("c1", "1002"))
    recorder.record(ended("c1", "1002"))
    found = recorder.find("c1")
    assert found is not None
    assert found.held_seconds == 3.5, "a hold still open at the hang-up counts up to it"
    assert [(t.from_extension, t.to, t.mode) for t in found.transfers] == [
        ("1001", "1002", "attended")
    ]
    assert [(leg.extension, leg.outcome) for leg in found.legs] == [
        ("1001", "transferred"),
        ("1002", "answered"),
    ]
    assert found.answered_by == "1001"


def test_a_broken_event_is_logged_and_the_next_ones_still_recorded(
    records: CallRecords, caplog: pytest.LogCaptureFixture
) -> None:
    broken = dataclasses.replace(ringing("c1", "1001"), called=None)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="cti.records.recorder"):
        records.recorder.record(broken)
    assert "could not record call.ringing for call c1" in caplog.text
    records.recorder.record(ringing("c2", "1001"))
    assert records.recorder.find("c2") is not None
