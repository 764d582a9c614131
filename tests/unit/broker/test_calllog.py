"""CallLog: who was on a call and whom it matched, kept bounded after the call ends."""

from __future__ import annotations

import dataclasses

from cti.broker.calllog import CallLog, CallRecord
from cti.protocol import OUTBOUND
from tests.broker_events import answered, ended, ringing


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_record_keeps_every_extension_and_outlives_the_call() -> None:
    log = CallLog()
    log.apply(ringing("c1", "1001"))
    log.apply(ringing("c1", "1002"))
    log.apply(answered("c1", "1003"))
    log.apply(ended("c1", "1003"))
    record = log.get("c1")
    assert record is not None and record.ended_at is not None
    assert record.extensions == {"1001", "1002", "1003"}
    assert record.number == "+33612345678" and record.direction == "inbound"


def test_only_integer_ids_of_matches_count_as_stored_contacts() -> None:
    log = CallLog()
    matches = ({"id": 7}, {"id": None, "source": "csv"}, {"id": "crm-9"}, {"id": True}, {"id": 7})
    log.apply(dataclasses.replace(ringing("c1", "1001"), matches=matches))
    record = log.get("c1")
    assert record is not None and record.contact_ids == (7,)


def test_a_later_ringing_without_matches_keeps_the_contacts_and_takes_the_direction() -> None:
    log = CallLog()
    log.apply(dataclasses.replace(ringing("c1", "1001"), contact={"id": 3}))
    log.apply(dataclasses.replace(ringing("c1", "1002"), direction=OUTBOUND))
    record = log.get("c1")
    assert record is not None and record.contact_ids == (3,) and record.direction == OUTBOUND


def test_ended_calls_are_forgotten_after_max_age_but_active_ones_are_kept() -> None:
    clock = Clock()
    log = CallLog(max_age=60.0, clock=clock)
    log.apply(ringing("old", "1001"))
    log.apply(ended("old", "1001"))
    log.apply(ringing("live", "1001"))
    clock.now = 61.0
    assert log.get("old") is None
    assert log.get("live") is not None


def test_the_log_holds_at_most_max_calls_dropping_the_oldest() -> None:
    log = CallLog(max_calls=3)
    for n in range(5):
        log.apply(ringing(f"c{n}", "1001"))
    assert len(log) == 3
    assert log.get("c1") is None and log.get("c2") is not None


def test_events_of_unknown_calls_create_nothing() -> None:
    log = CallLog()
    log.apply(answered("c9", "1001"))
    log.apply(ended("c9", "1001"))
    assert len(log) == 0 and log.get("c9") is None


class History:
    """Durable records as the server wires them: a call found by id, ended or not."""

    def __init__(self, *calls: CallRecord) -> None:
        self.calls = {call.call_id: call for call in calls}

    def find(self, call_id: str) -> CallRecord | None:
        return self.calls.get(call_id)


def test_a_log_backed_by_durable_records_answers_from_them_only() -> None:
    log = CallLog()
    log.apply(ringing("memory-only", "1001"))
    recorded = CallRecord("c1", OUTBOUND, "+33612345678", (4,), {"1002"})
    log.use(History(recorded))
    log.apply(ringing("c2", "1001"))  # the records' own recorder takes the events
    assert log.get("memory-only") is None and log.get("c2") is None and len(log) == 0
    found = log.get("c1")
    assert found == CallRecord("c1", OUTBOUND, "+33612345678", (4,), {"1002"})
    assert found is not recorded, "a copy: a note cannot change the record"
