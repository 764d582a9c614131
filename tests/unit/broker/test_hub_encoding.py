"""A fan-out encodes the event once: each recipient's frame is still exactly the envelope."""

from __future__ import annotations

import json

import pytest

from cti.broker.hub import encode, envelope_tail
from cti.protocol import Called, CallRinging, Party, PbxLink, QueueStats, WireEvent, event_envelope
from tests.broker_events import ended

TS = "2026-12-07T09:00:00.000Z"
SAMPLES: list[WireEvent] = [
    CallRinging(
        call_id="c1",
        extension="1001",
        caller=Party("+33612345678", 'Jörg Müller \\ "the" boss'),
        called=Called("support", None),
        contact={"id": 1, "note": "lone \ud800 surrogate from a CRM"},
    ),
    ended("c1", "1001"),
    PbxLink(connected=True, since=TS),
    QueueStats(
        queue="support",
        waiting=0,
        longest_wait_seconds=0,
        agents={},
        offered=0,
        answered=0,
        answered_within_target=0,
        abandoned=0,
        short_abandoned=0,
        service_level=None,
        service_level_seconds=20,
        since=TS,
    ),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.type)
@pytest.mark.parametrize("seq", [1, 7, 123456])
def test_the_spliced_frame_is_exactly_the_encoded_envelope(event: WireEvent, seq: int) -> None:
    spliced = f'{{"op":"event","seq":{seq},{envelope_tail(event, TS)}'
    assert spliced == encode(event_envelope(event, seq, TS))
    assert json.loads(spliced)["seq"] == seq


def test_a_fan_out_to_many_supervisors_encodes_the_event_once() -> None:
    from dataclasses import dataclass
    from typing import Any, ClassVar

    from cti.broker.auth import AgentDirectory, AgentIdentity
    from cti.broker.hub import Broker
    from cti.broker.metrics import BrokerMetrics

    encoded: list[int] = []

    @dataclass(frozen=True, slots=True, kw_only=True)
    class Counted(WireEvent):
        type: ClassVar[str] = "pbx.link"
        everyone: ClassVar[bool] = True

        def data(self) -> dict[str, Any]:
            encoded.append(1)
            return {"connected": True, "since": TS}

    people = {
        f"token-{n:04d}": AgentIdentity(f"s{n}", str(5000 + n), "supervisor") for n in range(50)
    }
    broker = Broker(AgentDirectory(people), journal_size=8, metrics=BrokerMetrics())
    broker.publish(Counted())
    assert len(encoded) == 1
    assert [state.journal.seq for state in broker.recipients(Counted())] == [1] * 50


def test_an_events_own_agents_get_it_at_once_supervisors_and_everyone_in_the_batch() -> None:
    from cti.broker.auth import AgentDirectory, AgentIdentity
    from cti.broker.hub import Broker
    from cti.broker.metrics import BrokerMetrics
    from tests.broker_events import ringing

    class Recorder:
        closing = False

        def __init__(self) -> None:
            self.urgent: list[bool] = []

        def send(self, text: str, pop: bool = False, urgent: bool = True) -> bool:
            self.urgent.append(urgent)
            return True

    people = {
        "token-alice-0001": AgentIdentity("alice", "1001"),
        "token-bob-000001": AgentIdentity("bob", "1002"),
        "token-sue-000001": AgentIdentity("sue", "1900", "supervisor"),
    }
    broker = Broker(AgentDirectory(people), journal_size=8, metrics=BrokerMetrics())
    seen = {}
    for state in broker.recipients(PbxLink(connected=True, since=TS)):
        seen[state.identity.agent_id] = recorder = Recorder()
        state.sessions.add(recorder)  # type: ignore[arg-type]
    broker.publish(ringing("c1", "1001"))
    broker.publish(PbxLink(connected=True, since=TS))
    assert seen["alice"].urgent == [True, False]
    assert seen["bob"].urgent == [False]
    assert seen["sue"].urgent == [False, False]
