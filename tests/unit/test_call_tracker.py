"""Call-tracker behaviour on synthetic event sequences for what the recordings lack:
odd orders, anonymous callers, attended transfers, resyncs and memory bounds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from types import MappingProxyType

from cti.ami.messages import Event
from cti.calls.extensions import ExtensionRules
from cti.calls.tracker import CallTracker
from cti.protocol import CallRinging, DomainEvent
from tests.helpers import brief_event


def event(name: str, **headers: str) -> Event:
    return Event(headers=MappingProxyType(dict(headers)), name=name)


@dataclass
class Leg:
    """Builds the channel-snapshot headers Asterisk puts on every event."""

    channel: str
    uniqueid: str
    linkedid: str
    num: str = "<unknown>"
    name: str = "<unknown>"
    state: str = "0"
    context: str = "from-trunk"
    exten: str = "s"
    extra: dict[str, str] = field(default_factory=dict)

    def snap(self, prefix: str = "") -> dict[str, str]:
        base = {
            "Channel": self.channel,
            "Uniqueid": self.uniqueid,
            "Linkedid": self.linkedid,
            "ChannelState": self.state,
            "CallerIDNum": self.num,
            "CallerIDName": self.name,
            "ConnectedLineNum": "<unknown>",
            "ConnectedLineName": "<unknown>",
            "Context": self.context,
            "Exten": self.exten,
        }
        return {prefix + k: v for k, v in base.items()}

    def ev(self, name: str, **headers: str) -> Event:
        return event(name, **self.snap(), **headers)


def dial(name: str, caller: Leg, dest: Leg, **headers: str) -> Event:
    return event(name, **caller.snap(), **dest.snap("Dest"), **headers)


def feed(tracker: CallTracker, events: list[Event]) -> list[DomainEvent]:
    out: list[DomainEvent] = []
    for ev in events:
        out.extend(tracker.handle(ev))
    return out


def trunk_call(call: str = "1.0", num: str = "+14155550123", name: str = "Alice") -> Leg:
    return Leg("PJSIP/trunk-00000001", call, call, num, name, "4", "from-trunk", "5551000")


def agent(ext: str, uid: str, call: str = "1.0") -> Leg:
    return Leg(f"PJSIP/{ext}-0000000{uid[-1]}", uid, call, ext, f"Agent {ext}", "0", "agents")


def ring(caller: Leg, member: Leg) -> list[Event]:
    member.state = "5"
    return [
        member.ev("Newchannel"),
        dial("DialBegin", caller, member),
        member.ev("Newstate"),
        dial("DialState", caller, member, DialStatus="RINGING"),
    ]


def answer(caller: Leg, member: Leg, bridge: str = "b1") -> list[Event]:
    member.state = "6"
    caller.state = "6"
    return [
        member.ev("Newstate"),
        dial("DialEnd", caller, member, DialStatus="ANSWER"),
        member.ev("BridgeEnter", BridgeUniqueid=bridge),
        caller.ev("BridgeEnter", BridgeUniqueid=bridge),
    ]


def hangup(*legs: Leg, cause: str = "16") -> Iterator[Event]:
    for leg in legs:
        yield leg.ev("Hangup", Cause=cause, **{"Cause-txt": "Normal Clearing"})


def test_c_escaped_caller_name_is_unescaped() -> None:
    tracker = CallTracker()
    caller = trunk_call(name='Se\u00e1n O\\\'Brien\\? C:\\\\temp \\"x\\" <b>&')
    out = feed(tracker, [caller.ev("Newchannel"), *ring(caller, agent("1001", "1.1"))])
    assert out[0].data()["caller"]["name"] == 'Se\u00e1n O\'Brien? C:\\temp "x" <b>&'


def test_withheld_callers_pop_as_anonymous_and_are_not_numbers() -> None:
    for num, name in [("anonymous", "Anonymous"), ("<unknown>", "<unknown>"), ("", "")]:
        tracker = CallTracker(default_region="US")
        caller = trunk_call(num=num, name=name)
        out = feed(tracker, [caller.ev("Newchannel"), *ring(caller, agent("1001", "1.1"))])
        caller_data = out[0].data()["caller"]
        assert caller_data["anonymous"] is True, num
        assert caller_data["number"] is None
        assert caller_data["number_e164"] is None


def test_national_number_is_normalised_with_default_region() -> None:
    tracker = CallTracker(default_region="DE")
    caller = trunk_call(num="030 1234567")
    out = feed(tracker, [caller.ev("Newchannel"), *ring(caller, agent("1001", "1.1"))])
    assert out[0].data()["caller"]["number_e164"] == "+49301234567"


def test_repeated_ring_signals_pop_once_per_extension() -> None:
    tracker = CallTracker()
    caller, member = trunk_call(), agent("1001", "1.1")
    events = [caller.ev("Newchannel"), *ring(caller, member)]
    events += [event("AgentCalled", **caller.snap(), **member.snap("Dest"), Queue="q")]
    events += [dial("DialState", caller, member, DialStatus="RINGING"), member.ev("Newstate")]
    out = feed(tracker, events)
    assert [brief_event(e) for e in out] == [("call.ringing", "1001", "inbound", "+14155550123")]


def test_late_callerid_after_hangup_does_not_resurrect_the_call() -> None:
    tracker = CallTracker()
    caller, member = trunk_call(), agent("1001", "1.1")
    feed(tracker, [caller.ev("Newchannel"), *ring(caller, member), *answer(caller, member)])
    out = feed(tracker, [*hangup(member, caller), caller.ev("NewCallerid"), member.ev("Newstate")])
    assert out[-1].type == "call.ended"
    assert not tracker.calls
    assert tracker.channel_count == 0


def test_busy_member_is_retracted_at_once_as_not_answered() -> None:
    tracker = CallTracker()
    caller, member = trunk_call(), agent("1001", "1.1")
    out = feed(tracker, [caller.ev("Newchannel"), *ring(caller, member)])
    out += feed(tracker, [dial("DialEnd", caller, member, DialStatus="BUSY")])
    assert [brief_event(e) for e in out][-1] == ("pop.retracted", "1001", "not_answered")


def test_queue_ring_timeout_retracts_then_rings_again() -> None:
    tracker = CallTracker()
    caller, first = trunk_call(), agent("1001", "1.1")
    out = feed(tracker, [caller.ev("Newchannel"), *ring(caller, first)])
    out += feed(tracker, [dial("DialEnd", caller, first, DialStatus="CANCEL")])
    out += feed(tracker, [event("AgentRingNoAnswer", **caller.snap(), **first.snap("Dest"))])
    out += feed(tracker, list(hangup(first, cause="0")))
    out += feed(tracker, ring(caller, agent("1001", "1.2")))
    assert [brief_event(e)[:3] for e in out] == [
        ("call.ringing", "1001", "inbound"),
        ("pop.retracted", "1001", "not_answered"),
        ("call.ringing", "1001", "inbound"),
    ]


def test_internal_call_pops_the_calling_colleague() -> None:
    tracker = CallTracker()
    alice = Leg("PJSIP/1001-00000001", "2.0", "2.0", "1001", "Alice Agent", "4", "phones", "1002")
    bob = agent("1002", "2.1", "2.0")
    out = feed(tracker, [alice.ev("Newchannel"), *ring(alice, bob)])
    assert isinstance(out[0], CallRinging)
    assert (out[0].direction, out[0].caller.number, out[0].caller.name) == (
        "internal",
        "1001",
        "Alice Agent",
    )


def test_admin_channel_patterns_map_custom_channel_names() -> None:
    rules = ExtensionRules.from_strings([r"^PJSIP/agent-(?P<ext>[a-z]+)-[0-9a-f]+$"])
    tracker = CallTracker(rules)
    caller = trunk_call()
    member = Leg("PJSIP/agent-alice-0000000a", "1.1", "1.0")
    ignored = agent("1001", "1.2")  # the default form no longer counts
    out = feed(tracker, [caller.ev("Newchannel"), *ring(caller, member), *ring(caller, ignored)])
    assert [e.data()["extension"] for e in out] == ["alice"]


def test_attended_transfer_moves_pop_to_target_and_releases_transferer() -> None:
    tracker = CallTracker()
    caller, a1001 = trunk_call(), agent("1001", "1.1")
    events = [caller.ev("Newchannel"), *ring(caller, a1001), *answer(caller, a1001, "b1")]
    consult = agent("1002", "1.2")  # the consultation leg shares the call's Linkedid
    events += ring(a1001, consult) + answer(a1001, consult, "b2")
    events.append(
        event(
            "AttendedTransfer",
            Result="Success",
            **a1001.snap("OrigTransferer"),
            **a1001.snap("SecondTransferer"),
            **caller.snap("Transferee"),
            **consult.snap("TransferTarget"),
            DestType="Bridge",
            IsExternal="No",
        )
    )
    events += list(hangup(a1001))
    events += list(hangup(consult, caller))
    out = feed(tracker, events)
    assert [brief_event(e) for e in out] == [
        ("call.ringing", "1001", "inbound", "+14155550123"),
        ("call.answered", "1001"),
        ("call.ringing", "1002", "inbound", "+14155550123"),
        ("call.answered", "1002"),
        ("call.transferred", "1001", "1002", "attended"),
        ("call.ended", 16, "1002", False),
    ]
    assert out[-1].audience == frozenset({"1002"})


def test_resync_after_outage_answers_and_ends_without_second_ring() -> None:
    tracker = CallTracker()
    caller, member = trunk_call(), agent("1001", "1.1")
    out = feed(tracker, [caller.ev("Newchannel"), *ring(caller, member)])
    # connection lost: the answer happened meanwhile; CoreShowChannels tells us.
    member.state = caller.state = "6"
    known = tracker.begin_resync()
    live = [event("CoreShowChannel", **leg.snap(), BridgeId="b1") for leg in (caller, member)]
    out += tracker.reconcile(known, live)
    out += feed(tracker, [*ring(caller, member)[2:], *hangup(member, caller)])
    assert [brief_event(e) for e in out] == [
        ("call.ringing", "1001", "inbound", "+14155550123"),
        ("call.answered", "1001"),
        ("call.ended", 16, "1001", False),
    ]


def test_resync_ends_calls_that_vanished_and_learns_new_ones() -> None:
    tracker = CallTracker()
    gone_caller, gone_member = trunk_call("1.0"), agent("1001", "1.1", "1.0")
    feed(tracker, [gone_caller.ev("Newchannel"), *ring(gone_caller, gone_member)])
    known = tracker.begin_resync()
    born_after_snapshot = trunk_call("3.0")
    feed(tracker, [born_after_snapshot.ev("Newchannel")])
    new_caller, new_member = trunk_call("2.0", "+12125550100"), agent("1002", "2.1", "2.0")
    new_member.state = "5"
    live = [event("CoreShowChannel", **leg.snap(), BridgeId="") for leg in (new_caller, new_member)]
    entries = [event("QueueEntry", Queue="sales", Uniqueid="2.0", Position="1")]
    out = tracker.reconcile(known, live, entries)
    assert [brief_event(e) for e in out] == [
        ("pop.retracted", "1001", "abandoned"),
        ("call.ended", None, None, True),
        ("call.queued", "sales", 1, 1, "+12125550100"),  # its QueueEntry: it waits
        ("call.ringing", "1002", "inbound", "+12125550100"),
    ]
    assert set(tracker.calls) == {"2.0", "3.0"}, "a channel born after the snapshot stays"
    assert tracker.calls["2.0"].queue == "sales"


def test_parked_call_pickup_joins_the_call_at_bridge_enter() -> None:
    tracker = CallTracker()
    caller, member = trunk_call(), agent("1001", "1.1")
    feed(tracker, [caller.ev("Newchannel"), *ring(caller, member), *answer(caller, member)])
    picker = Leg("PJSIP/1002-00000009", "5.0", "5.0", "1002", "Agent 1002", "6", "phones", "701")
    feed(tracker, [picker.ev("Newchannel"), picker.ev("Newstate")])
    picker.linkedid = "1.0"
    out = feed(tracker, [picker.ev("BridgeEnter", BridgeUniqueid="park")])
    assert "5.0" not in tracker.calls
    assert "5.0" in tracker.calls["1.0"].channels
    assert [brief_event(e) for e in out] == [
        ("call.ringing", "1002", "inbound", "+14155550123"),
        ("call.answered", "1002"),
    ], "the agent who picks up gets the caller's pop"


def test_memory_stays_flat_over_many_calls() -> None:
    tracker = CallTracker()
    for n in range(3000):
        caller, member = trunk_call(f"{n}.0"), agent("1001", f"{n}.1", f"{n}.0")
        events = [caller.ev("Newchannel"), *ring(caller, member), *answer(caller, member)]
        feed(tracker, [*events, *hangup(member, caller)])
    assert not tracker.calls
    assert tracker.channel_count == 0
    assert len(tracker._dead) <= 8192


def test_malformed_events_are_ignored_not_fatal() -> None:
    tracker = CallTracker()
    junk = [
        event("Newchannel"),
        event("Hangup", Uniqueid="9.9"),
        event("DialBegin", DestUniqueid="x"),
        event("Newstate", Channel="PJSIP/1001-1", Uniqueid="7.0", ChannelState="five"),
        event("BlindTransfer", Result="Success"),
        event("AttendedTransfer", Result="Success"),
        event("QueueCallerAbandon", Uniqueid="nope"),
    ]
    assert feed(tracker, junk) == []
