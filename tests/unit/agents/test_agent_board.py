"""The agent board on synthetic AMI events: what the recordings lack (wrap-up, DND, a
static member logged out, unknown interfaces, hints) and hostile input."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from cti.agents.roster import AgentProfile
from cti.ami.messages import Event
from cti.calls.extensions import ExtensionRules
from cti.pipeline import EventPipeline, event_pipeline
from cti.protocol import (
    AgentState,
    CallAnswered,
    Called,
    CallEnded,
    CallHeld,
    CallRinging,
    DomainEvent,
    Party,
    Presence,
    WireEvent,
    iso_utc,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_796_000_000.0

    def __call__(self) -> float:
        return self.now


def event(name: str, **headers: str) -> Event:
    return Event(headers=MappingProxyType(dict(headers)), name=name)


def member(name: str, interface: str, queue: str = "support", **extra: str) -> Event:
    fields = {"Queue": queue, "Interface": interface, "MemberName": interface}
    fields |= {"Membership": "dynamic", "Paused": "0", "PausedReason": ""}
    return event(name, **(fields | extra))


def paused(interface: str, reason: str, queue: str = "support", **extra: str) -> Event:
    fields = {"Paused": "1", "PausedReason": reason} | extra
    return member("QueueMemberPause", interface, queue, **fields)


def device(name: str, state: str) -> Event:
    return event("DeviceStateChange", Device=name, State=state)


def ringing(call_id: str, extension: str) -> CallRinging:
    return CallRinging(
        call_id=call_id,
        audience=frozenset({extension}),
        extension=extension,
        caller=Party("+14155550123", "Alice"),
        called=Called("support", "support"),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


def board_of(clock: Clock, *profiles: AgentProfile) -> EventPipeline:
    return event_pipeline(ExtensionRules.from_strings(), profiles=profiles, clock=clock)


def feed(pipeline: EventPipeline, ev: Event, calls: list[DomainEvent] | None = None) -> list[Any]:
    return pipeline.board.handle(ev, calls or [])


def states(events: list[WireEvent]) -> list[tuple[Any, ...]]:
    return [
        (e.extension or e.interface, e.state, e.reason)
        if isinstance(e, AgentState)
        else (e.extension, e.state)
        for e in events
        if isinstance(e, AgentState | Presence)
    ]


NOTHING = event("Newexten")


def test_dynamic_member_added_paused_and_removed_goes_available_paused_logged_out(
    clock: Clock,
) -> None:
    pipeline = board_of(clock)
    assert states(feed(pipeline, member("QueueMemberAdded", "PJSIP/1001"))) == [
        ("1001", "available", None),
        ("1001", "idle"),
    ]
    assert states(feed(pipeline, paused("PJSIP/1001", "lunch"))) == [("1001", "paused", "lunch")]
    assert states(feed(pipeline, member("QueueMemberRemoved", "PJSIP/1001"))) == [
        ("1001", "logged-out", None)
    ]


def test_wrap_up_pause_is_wrap_up_with_its_end_from_the_timer(clock: Clock) -> None:
    pipeline = board_of(clock)
    feed(pipeline, member("QueueMemberAdded", "PJSIP/1001"))
    pipeline.board.note_wrapup("1001", clock.now + 30)
    out = feed(pipeline, paused("PJSIP/1001", "wrap-up"))
    assert states(out) == [("1001", "wrap-up", "wrap-up")]
    assert isinstance(out[0], AgentState)
    assert out[0].wrapup_until == iso_utc(clock.now + 30)
    again = pipeline.board.note_wrapup("1001", clock.now + 10)  # a saved note ends it sooner
    assert [e.data()["wrapup_until"] for e in again] == [iso_utc(clock.now + 10)]
    unpaused = feed(pipeline, member("QueueMemberPause", "PJSIP/1001"))
    assert [e.data()["wrapup_until"] for e in unpaused] == [None]


def test_dnd_pauses_show_paused_with_reason_dnd_and_presence_dnd(clock: Clock) -> None:
    pipeline = board_of(clock)
    feed(pipeline, member("QueueMemberAdded", "PJSIP/1001", "sales"))
    feed(pipeline, member("QueueMemberAdded", "PJSIP/1001", "support"))
    first = feed(pipeline, paused("PJSIP/1001", "dnd", "sales"))
    assert states(first) == [("1001", "available", None), ("1001", "dnd")]
    assert first[0].dnd is True, "still reachable in support, but not to be disturbed"
    assert states(feed(pipeline, paused("PJSIP/1001", "dnd", "support"))) == [
        ("1001", "paused", "dnd")
    ]


def test_static_member_paused_logged_out_is_logged_out(clock: Clock) -> None:
    pipeline = board_of(clock)
    static = member("QueueMemberStatus", "Local/1001@agents", Membership="static")
    feed(pipeline, static)
    out = feed(pipeline, paused("Local/1001@agents", "logged-out", Membership="static"))
    assert states(out) == [("1001", "logged-out", None)]
    assert out[0].data()["queues"] == [
        {
            "queue": "support",
            "interface": "Local/1001@agents",
            "paused": True,
            "reason": "logged-out",
            "membership": "static",
        }
    ]
    assert pipeline.board.members_of("support") == [], "a logged-out member is not asked"


def test_hold_pause_alone_is_on_hold(clock: Clock) -> None:
    pipeline = board_of(clock)
    feed(pipeline, member("QueueMemberAdded", "PJSIP/1001"))
    assert states(feed(pipeline, paused("PJSIP/1001", "hold"))) == [("1001", "on-hold", "hold")]


def test_paused_in_one_queue_of_two_is_still_available(clock: Clock) -> None:
    pipeline = board_of(clock)
    feed(pipeline, member("QueueMemberAdded", "PJSIP/1001", "sales"))
    feed(pipeline, member("QueueMemberAdded", "PJSIP/1001", "support"))
    out = feed(pipeline, paused("PJSIP/1001", "lunch", "sales"))
    assert states(out) == [("1001", "available", None)]


def test_configured_agent_without_queues_is_available_and_one_with_queues_logged_out(
    clock: Clock,
) -> None:
    pipeline = board_of(
        clock, AgentProfile("1001", "alice"), AgentProfile("1002", "bob", ("support",))
    )
    out = pipeline.board.resynced([])
    assert states(out) == [
        ("1001", "available", None),
        ("1001", "idle"),
        ("1002", "logged-out", None),
        ("1002", "idle"),
    ]
    assert [e.data()["agent"] for e in out if isinstance(e, AgentState)] == ["alice", "bob"]


def test_calls_come_before_queues_and_since_moves_only_with_the_state(clock: Clock) -> None:
    pipeline = board_of(clock)
    feed(pipeline, member("QueueMemberAdded", "PJSIP/1001"))
    clock.now += 5
    rang = feed(pipeline, NOTHING, [ringing("c1", "1001")])
    assert states(rang) == [("1001", "ringing", None), ("1001", "ringing")]
    since = rang[0].since
    clock.now += 5
    out = feed(pipeline, member("QueueMemberAdded", "PJSIP/1001", "sales"))
    assert states(out) == [("1001", "ringing", None)], "a new queue: the agent is told"
    assert out[0].since == since, "still ringing since the same moment"
    answered = feed(pipeline, NOTHING, [CallAnswered(call_id="c1", extension="1001")])
    assert answered[0].since != since
    held = feed(pipeline, NOTHING, [CallHeld(call_id="c1")])
    assert states(held) == [("1001", "on-hold", "hold"), ("1001", "on-hold")]
    end = CallEnded(call_id="c1", cause=16, cause_text=None, answered_by="1001")
    assert states(feed(pipeline, NOTHING, [end])) == [("1001", "available", None), ("1001", "idle")]


def test_agent_state_goes_to_the_agent_and_presence_to_everyone(clock: Clock) -> None:
    pipeline = board_of(clock)
    out = feed(pipeline, member("QueueMemberAdded", "PJSIP/1001"))
    state, presence = out
    assert state.audience == frozenset({"1001"}) and not state.everyone
    assert presence.everyone


def test_device_states_make_presence_and_calls_refine_a_local_device(clock: Clock) -> None:
    pipeline = board_of(clock)
    feed(pipeline, member("QueueMemberAdded", "Local/1001@agents"))
    assert states(feed(pipeline, device("Local/1001@agents", "INUSE"))) == [("1001", "in-use")]
    rang = feed(pipeline, NOTHING, [ringing("c1", "1001")])
    assert ("1001", "ringing") in states(rang), "a Local device never says RINGING"
    assert states(feed(pipeline, device("PJSIP/1001", "UNAVAILABLE"))) == []


def test_hint_wins_over_single_devices(clock: Clock) -> None:
    pipeline = board_of(clock)
    feed(pipeline, member("QueueMemberAdded", "PJSIP/1001"))
    feed(pipeline, device("PJSIP/1001", "UNAVAILABLE"))
    hint = event(
        "ExtensionStatus",
        Exten="1001",
        Context="hints",
        Hint="PJSIP/1001&SIP/1001,CustomPresence:1001",
        Status="8",
        StatusText="Ringing",
    )
    assert states(feed(pipeline, hint)) == [("1001", "ringing")]
    removed = event(
        "ExtensionStatus", Exten="1001", Context="hints", Hint="PJSIP/1001", Status="-1"
    )
    assert states(feed(pipeline, removed)) == [("1001", "unavailable")], "back to the device"


def test_unknown_member_interface_shows_to_supervisors_by_its_interface(clock: Clock) -> None:
    pipeline = board_of(clock)
    out = feed(pipeline, member("QueueMemberAdded", "SIP/reception-desk"))
    assert len(out) == 1 and isinstance(out[0], AgentState)
    assert out[0].data() | {"since": "-"} == {
        "agent": None,
        "extension": None,
        "interface": "SIP/reception-desk",
        "state": "available",
        "reason": None,
        "since": "-",
        "queues": [
            {
                "queue": "support",
                "interface": "SIP/reception-desk",
                "paused": False,
                "reason": None,
                "membership": "dynamic",
            }
        ],
        "call_id": None,
        "wrapup_until": None,
        "dnd": False,
    }
    assert out[0].audience == frozenset(), "supervisors only"
    assert [s["interface"] for s in pipeline.board.states()] == ["SIP/reception-desk"]
    gone = feed(pipeline, member("QueueMemberRemoved", "SIP/reception-desk"))
    assert states(gone) == [("SIP/reception-desk", "logged-out", None)]
    assert pipeline.board.states() == [], "told once, then forgotten"


@pytest.mark.parametrize(
    "bad",
    [
        event("QueueMemberAdded"),
        event("QueueMemberPause", Queue="support"),
        event("QueueMemberPause", Interface="PJSIP/1001"),
        event("QueueMemberStatus", Queue="", Interface="PJSIP/1001", Paused="maybe"),
        event("QueueMemberRemoved", Queue="support", Interface="PJSIP/9999"),
        event("DeviceStateChange"),
        event("DeviceStateChange", Device="PJSIP/1001"),
        event("DeviceStateChange", Device="PJSIP/1001", State="EXPLODED"),
        event("DeviceStateChange", Device="Queue:support_pause_Local/1001@agents", State="INUSE"),
        event("ExtensionStatus"),
        event("ExtensionStatus", Exten="1001", Hint="", Status="x", StatusText="?"),
        event("ExtensionStatus", Exten="1001", Hint="&&,", Status="1"),
    ],
)
def test_odd_or_missing_headers_change_nothing_and_never_raise(clock: Clock, bad: Event) -> None:
    pipeline = board_of(clock, AgentProfile("1001", "alice", ("support",)))
    pipeline.board.resynced([])
    assert pipeline.handle(bad) == []
    assert [s["state"] for s in pipeline.board.states()] == ["logged-out"]


def test_a_member_event_with_a_paused_value_that_is_no_flag_reads_as_unpaused(
    clock: Clock,
) -> None:
    pipeline = board_of(clock)
    out = feed(pipeline, member("QueueMemberAdded", "PJSIP/1001", Paused="yes please"))
    assert states(out)[0] == ("1001", "available", None)


def test_board_failure_is_logged_and_the_call_events_still_flow(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = board_of(clock)

    def broken(ev: Event, calls: Any) -> list[WireEvent]:
        raise RuntimeError("boom")

    pipeline.board.handle = broken  # type: ignore[method-assign]
    start = event(
        "QueueCallerJoin",
        Queue="support",
        Position="1",
        Count="1",
        Channel="PJSIP/trunk-00000001",
        Uniqueid="1.0",
        Linkedid="1.0",
        CallerIDNum="+14155550123",
    )
    out = pipeline.handle(start)
    assert [e.type for e in out] == ["call.queued"]
    assert "agent board could not handle QueueCallerJoin" in caplog.text
