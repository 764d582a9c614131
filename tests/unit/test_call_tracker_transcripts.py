"""The tracker, and the whole event pipeline (tracker and agent board), against every
recorded Asterisk 22 scenario (parsed without sockets)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from cti.calls.extensions import ExtensionRules
from cti.calls.tracker import CallTracker
from cti.pipeline import EventPipeline, event_pipeline
from cti.protocol import CallEnded, CallRinging, DomainEvent, WireEvent
from tests.helpers import AMI_FIXTURES, CALLS, EXPECTED, brief_event, briefs, transcript_events


def run(name: str, clock: Callable[[], float] = time.time) -> tuple[CallTracker, list[DomainEvent]]:
    tracker = CallTracker(default_region="US", clock=clock)
    out: list[DomainEvent] = []
    for event in transcript_events(name):
        out.extend(tracker.handle(event))
    return tracker, out


def run_pipeline(name: str) -> tuple[EventPipeline, list[WireEvent]]:
    pipeline = event_pipeline(ExtensionRules.from_strings(), default_region="US")
    out: list[WireEvent] = []
    for event in transcript_events(name):
        out.extend(pipeline.handle(event))
    return pipeline, out


def test_every_shared_scenario_has_an_expected_sequence() -> None:
    recorded = {
        p.name.removesuffix(".raw")
        for p in AMI_FIXTURES.glob("*.raw")
        if not p.name.endswith(".sent.raw")
    }
    assert recorded == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_scenario_produces_exact_event_sequence(name: str) -> None:
    pipeline, out = run_pipeline(name)
    assert briefs(out) == EXPECTED[name]
    assert not pipeline.tracker.calls, "ended calls must be dropped from memory"
    assert pipeline.tracker.channel_count == 0


@pytest.mark.parametrize("name", sorted(CALLS))
def test_tracker_alone_produces_the_scenarios_call_events(name: str) -> None:
    _, out = run(name)
    assert [brief_event(e) for e in out] == CALLS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_queued_call_ends_with_its_queue_and_wait(name: str) -> None:
    _, out = run(name)
    queued = {e.call_id: e.data()["queue"] for e in out if e.type == "call.queued"}
    for end in (e for e in out if isinstance(e, CallEnded)):
        assert end.queue == queued.get(end.call_id), end.call_id
        waited = end.waited_seconds
        assert (waited is not None) == (end.call_id in queued), end.call_id
        assert waited is None or waited >= 0


def test_queue_pop_carries_caller_queue_and_dialled_number() -> None:
    _, out = run("queue_answered")
    ringing = out[1]
    assert isinstance(ringing, CallRinging)
    assert ringing.audience == frozenset({"1002"})
    assert ringing.data() == {
        "call_id": "1795400598.0",
        "extension": "1002",
        "direction": "inbound",
        "caller": {
            "number": "+14155550123",
            "number_e164": "+14155550123",
            "name": "Alice Example",
            "anonymous": False,
        },
        "called": {"number": "support", "did": "support"},
        "queue": "support",
        "contact": None,
        "matches": [],
    }


def test_agent_leg_caller_id_is_never_taken_for_the_customer() -> None:
    # On sip_inbound_queue the member legs carry CallerIDNum "support"; on the SIP
    # agents scenario the PJSIP/100x legs carry the agent's own number.
    for name in ("sip_inbound_queue", "sip_queue_sip_agents_hold", "direct_answered"):
        _, out = run(name)
        numbers = {e.data()["caller"]["number"] for e in out if isinstance(e, CallRinging)}
        assert numbers == {"+14155550123"}, name


def test_direct_call_reports_the_dialled_extension_as_did() -> None:
    _, out = run("direct_answered")
    assert out[0].data()["called"] == {"number": "1001", "did": "1001"}
    assert out[0].data()["queue"] is None


def test_abandoned_call_ends_with_cause_and_no_answerer() -> None:
    ticks = iter(range(1000))
    _, out = run("abandoned_ringing", clock=lambda: 1_795_400_620.0 + next(ticks))
    ended = out[-1]
    assert isinstance(ended, CallEnded)
    assert ended.data() == {
        "call_id": "1795400620.10",
        "cause": 16,
        "cause_text": "Normal Clearing",
        "answered_by": None,
        "abandoned": True,
        "waited_seconds": 1.0,  # the clock moved once: from its join to its leave
        "queue": "support",
    }
    assert ended.audience == frozenset(), "every pop was already retracted"


def test_transfer_moves_the_pop_to_the_target_with_the_same_call_id() -> None:
    for name in ("blind_transfer", "redirect_transfer"):
        _, out = run(name)
        ringings = [e for e in out if isinstance(e, CallRinging)]
        assert {e.call_id for e in out} == {ringings[0].call_id}
        target_pop = ringings[-1]
        assert target_pop.extension == "1002"
        assert target_pop.caller.name == "Alice Example"
        transferred = next(e for e in out if e.type == "call.transferred")
        assert transferred.audience == frozenset({"1001"}), "the transferer is told"
        assert out[-1].audience == frozenset({"1002"}), "only the target sees the end"


def test_click_to_dial_pops_the_called_party_for_the_agent() -> None:
    _, out = run("click_to_dial_originate")
    ringing = out[0]
    assert isinstance(ringing, CallRinging)
    assert ringing.direction == "outbound"
    assert ringing.extension == "1001"
    assert ringing.called.number == "+14155550123"
    assert ringing.called.did is None
