"""The tracker on Asterisk 22's own event sequences for the call-control routes that no
recording covers: park-and-retrieve hold, attended transfer cancelled and completed.

The frames follow Asterisk 22's AMI event documentation (ParkedCall, UnParkedCall,
BridgeMerge, AttendedTransfer); the simulator's versions are tested over TCP elsewhere.
"""

from __future__ import annotations

from typing import Any

from cti.ami.messages import Event
from cti.calls.tracker import CallTracker
from tests.helpers import brief_event

CALLER = ("PJSIP/trunk-00000001", "1.1")
AGENT = ("PJSIP/1001-00000002", "1.2")
RETRIEVER = ("PJSIP/1001-00000003", "1.3")
TARGET = ("PJSIP/1002-00000004", "1.4")


def snap(
    channel: tuple[str, str], prefix: str = "", linkedid: str = "1.1", state: int = 6, **more: str
) -> dict[str, str]:
    name, uid = channel
    fields = {
        "Channel": name,
        "ChannelState": str(state),
        "CallerIDNum": "+14155550123" if uid == "1.1" else name[6:10],
        "CallerIDName": "Alice Example" if uid == "1.1" else "Agent",
        "Context": "from-trunk" if uid == "1.1" else "sip-phones",
        "Exten": "1001" if uid == "1.1" else "s",
        "Uniqueid": uid,
        "Linkedid": linkedid,
    }
    return {prefix + key: value for key, value in (fields | more).items()}


def ev(name: str, *parts: dict[str, str], **fields: str) -> Event:
    headers: dict[str, str] = {}
    for part in parts:
        headers |= part
    return Event(headers=headers | fields, name=name)


def answered_call() -> list[Event]:
    return [
        ev("Newchannel", snap(CALLER, state=4)),
        ev("Newchannel", snap(AGENT, state=0)),
        ev("DialBegin", snap(CALLER, state=4), snap(AGENT, "Dest", state=0)),
        ev("Newstate", snap(AGENT, state=5)),
        ev("DialEnd", snap(CALLER, state=4), snap(AGENT, "Dest"), DialStatus="ANSWER"),
        ev("Newstate", snap(AGENT)),
        ev("BridgeEnter", snap(AGENT), BridgeUniqueid="b1"),
        ev("BridgeEnter", snap(CALLER), BridgeUniqueid="b1"),
    ]


def parking(space: str = "701") -> dict[str, str]:
    return {
        "ParkerDialString": "PJSIP/1001",
        "Parkinglot": "default",
        "ParkingSpace": space,
        "ParkingTimeout": "300",
        "ParkingDuration": "0",
    }


def run(tracker: CallTracker, events: list[Event]) -> list[tuple[Any, ...]]:
    return [brief_event(out) for event in events for out in tracker.handle(event)]


def test_park_holds_and_the_agents_pickup_resumes_without_a_second_pop() -> None:
    tracker = CallTracker(default_region="US")
    assert run(tracker, answered_call()) == [
        ("call.ringing", "1001", "inbound", "+14155550123"),
        ("call.answered", "1001"),
    ]
    parked = [
        ev("BridgeLeave", snap(CALLER), BridgeUniqueid="b1"),
        ev("BridgeEnter", snap(CALLER), BridgeUniqueid="lot"),
        ev("ParkedCall", snap(CALLER, "Parkee"), parking()),
        ev("MusicOnHoldStart", snap(CALLER), Class="default"),
        ev("BridgeLeave", snap(AGENT), BridgeUniqueid="b1"),
        ev("Hangup", snap(AGENT), Cause="16"),
    ]
    assert run(tracker, parked) == [("call.held",)]
    assert tracker.calls["1.1"].parked_space == "701"
    retrieved = [
        ev("Newchannel", snap(RETRIEVER, linkedid="1.3", state=0)),
        ev("Newstate", snap(RETRIEVER, linkedid="1.3", state=5)),
        ev("Newstate", snap(RETRIEVER, linkedid="1.3", Context="parkedcalls", Exten="701")),
        ev("UnParkedCall", snap(CALLER, "Parkee"), snap(RETRIEVER, "Retriever", "1.3"), parking()),
        ev("BridgeLeave", snap(CALLER), BridgeUniqueid="lot"),
        ev("BridgeEnter", snap(CALLER), BridgeUniqueid="b3"),
        ev("MusicOnHoldStop", snap(CALLER)),
        ev("BridgeEnter", snap(RETRIEVER), BridgeUniqueid="b3"),
    ]
    assert run(tracker, retrieved) == [("call.resumed",)]
    assert tracker.calls["1.1"].parked_space is None
    assert "1.3" not in tracker.calls, "the retriever's own call merged into the parked one"
    ended = [ev("Hangup", snap(RETRIEVER), Cause="16"), ev("Hangup", snap(CALLER), Cause="16")]
    assert run(tracker, ended) == [("call.ended", 16, "1001", False)]


def test_park_timeout_and_give_up_clear_the_parking_space() -> None:
    tracker = CallTracker(default_region="US")
    run(tracker, answered_call())
    run(tracker, [ev("ParkedCall", snap(CALLER, "Parkee"), parking("702"))])
    assert tracker.calls["1.1"].parked_space == "702"
    run(tracker, [ev("ParkedCallTimeOut", snap(CALLER, "Parkee"), parking("702"))])
    assert tracker.calls["1.1"].parked_space is None


def consulting() -> list[Event]:
    """1001 pressed transfer (Atxfer): the caller waits on music, 1002 rings and answers."""
    return [
        ev("MusicOnHoldStart", snap(CALLER), Class="default"),
        ev("BridgeLeave", snap(AGENT), BridgeUniqueid="b1"),
        ev("Newchannel", snap(TARGET, state=0)),
        ev("DialBegin", snap(AGENT), snap(TARGET, "Dest", state=0)),
        ev("Newstate", snap(TARGET, state=5)),
        ev("DialEnd", snap(AGENT), snap(TARGET, "Dest"), DialStatus="ANSWER"),
        ev("Newstate", snap(TARGET)),
        ev("BridgeEnter", snap(TARGET), BridgeUniqueid="b2"),
        ev("BridgeEnter", snap(AGENT), BridgeUniqueid="b2"),
    ]


def test_cancelled_attended_transfer_gives_the_call_back_to_the_transferer() -> None:
    tracker = CallTracker(default_region="US")
    run(tracker, answered_call())
    assert run(tracker, consulting()) == [
        ("call.held",),
        ("call.ringing", "1002", "inbound", "+14155550123"),
        ("call.answered", "1002"),
    ]
    cancelled = [
        ev("BridgeLeave", snap(TARGET), BridgeUniqueid="b2"),
        ev("BridgeLeave", snap(AGENT), BridgeUniqueid="b2"),
        ev("Hangup", snap(TARGET), Cause="16"),
        ev("BridgeEnter", snap(AGENT), BridgeUniqueid="b1"),
        ev("MusicOnHoldStop", snap(CALLER)),
    ]
    assert run(tracker, cancelled) == [
        ("pop.retracted", "1002", "transfer_cancelled"),  # its last leg hung up first
        ("call.answered", "1001"),
        ("call.transfer_failed", "1001", "1002", "target_hung_up"),
        ("call.resumed",),
    ]
    assert tracker.calls["1.1"].answered_by == "1001"


def test_completed_attended_transfer_with_merge_and_early_hangup_moves_the_call() -> None:
    """Asterisk may report the transferer's Hangup before AttendedTransfer; BridgeMerge
    alone moves the target into the caller's bridge."""
    tracker = CallTracker(default_region="US")
    run(tracker, answered_call())
    run(tracker, consulting())
    merge = {"ToBridgeUniqueid": "b1", "FromBridgeUniqueid": "b2"}
    transfer = {"Result": "Success", "DestType": "Bridge", "DestBridgeUniqueid": "b1"}
    completed = [
        ev("BridgeLeave", snap(AGENT), BridgeUniqueid="b2"),
        ev("Hangup", snap(AGENT), Cause="16"),
        ev("BridgeMerge", merge),
        ev(
            "AttendedTransfer",
            snap(AGENT, "OrigTransferer"),
            snap(AGENT, "SecondTransferer"),
            snap(CALLER, "Transferee"),
            snap(TARGET, "TransferTarget"),
            transfer,
        ),
        ev("MusicOnHoldStop", snap(CALLER)),
    ]
    assert run(tracker, completed) == [
        ("call.resumed",),
        ("call.transferred", "1001", "1002", "attended"),
    ]
    target = tracker.calls["1.1"].channels["1.4"]
    assert target.bridge == "b1"
    ended = [ev("Hangup", snap(TARGET), Cause="16"), ev("Hangup", snap(CALLER), Cause="16")]
    assert run(tracker, ended) == [("call.ended", 16, "1002", False)]
