"""Agent states, presence, waiting callers and queue lines through a real broker and real
WebSocket clients: who receives what, and what a welcome shows after a (re)connect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cti.protocol import (
    AgentState,
    CallAnswered,
    CallQueued,
    Party,
    Presence,
    Seat,
    WireEvent,
)
from tests.integration.broker.conftest import BrokerServer, receive_json

SINCE = "2026-12-07T09:00:00.000Z"


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueLine(WireEvent):
    """A `queue.stats` event as the statistics publish it (only its type matters here)."""

    type: ClassVar[str] = "queue.stats"
    queue: str
    waiting: int

    def data(self) -> dict[str, Any]:
        return {"queue": self.queue, "waiting": self.waiting}


def state(extension: str | None, value: str, interface: str | None = None) -> AgentState:
    seats = (Seat("support", interface or f"PJSIP/{extension}", membership="dynamic"),)
    return AgentState(
        audience=frozenset({extension}) if extension else frozenset(),
        agent=None,
        extension=extension,
        interface=interface,
        state=value,
        since=SINCE,
        queues=seats,
    )


def queued(call_id: str, position: int) -> CallQueued:
    return CallQueued(
        call_id=call_id,
        queue="support",
        position=position,
        count=2,
        caller=Party("+14155550101", "Caller"),
        waiting_since=SINCE,
    )


def presence(extension: str, value: str) -> Presence:
    return Presence(extension=extension, state=value, since=SINCE)


def publish_floor(broker: BrokerServer) -> None:
    hub = broker.ctx.broker
    for event in (
        state("1001", "available"),
        presence("1001", "idle"),
        state("1002", "paused"),
        presence("1002", "dnd"),
        state(None, "available", "SIP/reception"),
        queued("c1", 1),
        queued("c2", 2),
        QueueLine(queue="support", waiting=2),
    ):
        hub.publish(event)


async def test_agent_gets_its_own_state_and_everyones_presence_only(
    broker: BrokerServer,
) -> None:
    alice, _ = await broker.connect("tok-alice")
    publish_floor(broker)
    frames = [await receive_json(alice) for _ in range(3)]
    assert [(f["type"], f["data"].get("extension")) for f in frames] == [
        ("agent.state", "1001"),
        ("presence", "1001"),
        ("presence", "1002"),
    ]
    assert [f["seq"] for f in frames] == [1, 2, 3]


async def test_supervisor_gets_every_agent_queue_line_and_waiting_caller(
    broker: BrokerServer,
) -> None:
    sue, _ = await broker.connect("tok-sue")
    publish_floor(broker)
    frames = [await receive_json(sue) for _ in range(8)]
    assert [f["type"] for f in frames] == [
        "agent.state",
        "presence",
        "agent.state",
        "presence",
        "agent.state",
        "call.queued",
        "call.queued",
        "queue.stats",
    ]
    assert frames[4]["data"]["interface"] == "SIP/reception"


async def test_welcome_shows_the_agent_its_state_and_presence(broker: BrokerServer) -> None:
    publish_floor(broker)
    _, welcome = await broker.connect("tok-alice", last_seq=None, epoch=None)
    assert welcome["agent_state"] == state("1001", "available").data()
    assert welcome["presence"] == [
        presence("1001", "idle").data(),
        presence("1002", "dnd").data(),
    ]
    assert not {"agents", "queues", "waiting"} & set(welcome), "supervisors' view only"


async def test_welcome_shows_the_supervisor_the_whole_floor(broker: BrokerServer) -> None:
    publish_floor(broker)
    _, welcome = await broker.connect("tok-sue", last_seq=None, epoch=None)
    assert welcome["agent_state"] is None, "no queues, no calls: no agent state"
    assert [a["extension"] or a["interface"] for a in welcome["agents"]] == [
        "1001",
        "1002",
        "SIP/reception",
    ]
    assert welcome["queues"] == [{"queue": "support", "waiting": 2}]
    assert [(w["call_id"], w["position"]) for w in welcome["waiting"]] == [("c1", 1), ("c2", 2)]


async def test_answered_caller_leaves_the_waiting_list(broker: BrokerServer) -> None:
    publish_floor(broker)
    broker.ctx.broker.publish(CallAnswered(call_id="c1", extension="1001"))
    broker.ctx.broker.publish(queued("c2", 1))  # the one behind moved up
    _, welcome = await broker.connect("tok-sue", last_seq=None, epoch=None)
    assert [(w["call_id"], w["position"]) for w in welcome["waiting"]] == [("c2", 1)]


async def test_unknown_member_that_left_every_queue_leaves_the_snapshot(
    broker: BrokerServer,
) -> None:
    publish_floor(broker)
    gone = AgentState(
        agent=None, extension=None, interface="SIP/reception", state="logged-out", since=SINCE
    )
    broker.ctx.broker.publish(gone)
    _, welcome = await broker.connect("tok-sue", last_seq=None, epoch=None)
    assert [a["extension"] for a in welcome["agents"]] == ["1001", "1002"]


async def test_reconnect_within_the_journal_replays_agent_events(broker: BrokerServer) -> None:
    alice, first = await broker.connect("tok-alice")
    broker.ctx.broker.publish(state("1001", "available"))
    seen = await receive_json(alice)
    await alice.close()
    broker.ctx.broker.publish(state("1001", "paused"))
    broker.ctx.broker.publish(presence("1002", "in-use"))
    again, welcome = await broker.connect("tok-alice", last_seq=seen["seq"], epoch=first["epoch"])
    assert welcome["resync"] is False
    assert welcome["agent_state"]["state"] == "paused", "the snapshot is as of the welcome"
    replayed = [await receive_json(again) for _ in range(2)]
    assert [(f["type"], f["data"]["state"]) for f in replayed] == [
        ("agent.state", "paused"),
        ("presence", "in-use"),
    ]
