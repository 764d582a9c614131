"""Hold pauses the agent's queues while cti has the caller parked (recorded park_*
sessions), and queue memberships follow app_queue's events (queue_pause and
queue_member_dynamic recordings)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from cti.agents import QueueMembers, queue_members
from cti.ami.messages import Event, Response
from cti.broker import CommandError
from cti.calls.extensions import ExtensionRules
from cti.control import AmiCallControl, ControlSettings
from tests.helpers import brief_event, transcript_events
from tests.pbx_replay import RecordedPbx, until

LAB = ControlSettings(dial_context="cti-dial", dial_channel="Local/{extension}@agents")
AGENT_1001 = "Local/1001@agents"


def member_event(queue: str, interface: str, paused: bool, reason: str = "") -> Event:
    """A QueueMemberPause as Asterisk 22 sends it (queue_pause recording)."""
    name = f"Agent {interface[6:10]}"
    headers = {"Queue": queue, "MemberName": name, "Interface": interface}
    headers |= {"StateInterface": interface, "Membership": "static", "Status": "1"}
    headers |= {"Paused": "1" if paused else "0", "PausedReason": reason}
    return Event(headers=headers, name="QueueMemberPause")


def lab_members() -> QueueMembers:
    return queue_members(ExtensionRules.from_strings(), LAB, ["1001", "1002"])


@dataclass
class QueuePbx(RecordedPbx):
    """The recording plus app_queue: a QueuePause changes the member and says so."""

    members: QueueMembers = field(default_factory=lab_members)

    async def send_action(self, name: str, fields: dict[str, str]) -> Response:
        if name == "QueuePause":
            paused = fields["Paused"] == "true"
            event = member_event(
                fields["Queue"], fields["Interface"], paused, fields.get("Reason", "")
            )
            self.members.handle(event)
        return await super().send_action(name, fields)


def held_call(recording: str, *memberships: Event) -> tuple[QueuePbx, AmiCallControl]:
    pbx = QueuePbx(recording, follow={"Park": ["3"]})
    for membership in memberships:
        pbx.members.handle(membership)
    pbx.play("login", "2")  # a queue call answered by 1001
    cti = AmiCallControl(
        pbx, pbx.tracker.calls, LAB, ["1001", "1002"], pbx.tracker.changes, pbx.members
    )
    return pbx, cti


async def settled(cti: AmiCallControl) -> None:
    assert cti.parking.pause is not None
    await cti.parking.pause.settled()


def pauses(pbx: RecordedPbx) -> list[tuple[str, str, str]]:
    return [(f["Queue"], f["Paused"], f.get("Reason", "")) for _, f in pbx.actions("QueuePause")]


async def test_hold_pauses_before_parking_and_the_pickup_unpauses() -> None:
    pbx, cti = held_call(
        "park_retrieve",
        member_event("support", AGENT_1001, False),
        member_event("sales", AGENT_1001, True, "lunch"),
        member_event("support", "Local/1002@agents", False),
    )
    call_id = "1796604822.52"
    await cti.hold(call_id, "1001")
    assert [name for name, _ in pbx.sent] == ["QueuePause", "Park"], "paused first"
    assert pbx.actions("QueuePause")[0][1] == {
        "Interface": AGENT_1001,
        "Queue": "support",
        "Paused": "true",
        "Reason": "hold",
    }
    await until(lambda: pbx.tracker.calls[call_id].parked_space == "701")
    pbx.play("4")  # the agent's phone picked the parked call up (UnParkedCall)
    await until(lambda: len(pauses(pbx)) == 2)
    assert pauses(pbx) == [("support", "true", "hold"), ("support", "false", "")]
    lunch = pbx.members.get("sales", AGENT_1001)
    assert lunch is not None and (lunch.paused, lunch.reason) == (True, "lunch")


async def test_parked_call_that_ends_unpauses_and_gives_only_call_ended() -> None:
    pbx, cti = held_call("park_hangup", member_event("support", AGENT_1001, False))
    await cti.hold("1796604797.40", "1001")
    await until(lambda: pbx.tracker.calls["1796604797.40"].parked_space is not None)
    pbx.play("4")  # the parked caller is hung up
    await until(lambda: len(pauses(pbx)) == 2)
    assert pauses(pbx)[-1] == ("support", "false", "")
    tail = [brief_event(e) for e in pbx.out][-2:]
    assert tail == [("call.held",), ("call.ended", 16, "1001", False)]


async def test_park_timeout_unpauses_when_asterisk_rings_the_agent_back() -> None:
    pbx, cti = held_call("park_timeout", member_event("support", AGENT_1001, False))
    await cti.hold("1796604835.60", "1001")
    await until(lambda: len(pauses(pbx)) == 2)  # section 3 runs up to the callback
    assert pauses(pbx) == [("support", "true", "hold"), ("support", "false", "")]
    assert ("call.resumed",) in [brief_event(e) for e in pbx.out], "1001 answered the callback"


async def test_a_pause_for_another_reason_is_neither_repeated_nor_lifted() -> None:
    pbx, cti = held_call("park_retrieve", member_event("support", AGENT_1001, True, "lunch"))
    await cti.hold("1796604822.52", "1001")
    pbx.play("4")
    await settled(cti)
    assert pbx.actions("QueuePause") == []
    member = pbx.members.get("support", AGENT_1001)
    assert member is not None and member.reason == "lunch"


async def test_a_pause_changed_during_the_hold_is_left_as_it_is() -> None:
    pbx, cti = held_call("park_retrieve", member_event("support", AGENT_1001, False))
    await cti.hold("1796604822.52", "1001")
    pbx.members.handle(member_event("support", AGENT_1001, True, "meeting"))  # a supervisor
    pbx.play("4")
    assert pbx.tracker.calls["1796604822.52"].parked_space is None, "picked up"
    await settled(cti)
    assert pauses(pbx) == [("support", "true", "hold")]


async def test_refused_park_takes_the_pause_back() -> None:
    pbx, cti = held_call("park_retrieve", member_event("support", AGENT_1001, False))
    pbx.replies["Park"] = Response({"Message": "Park action failed\n"}, status="Error")
    pbx.follow.clear()
    with pytest.raises(CommandError, match="cannot be parked"):
        await cti.hold("1796604822.52", "1001")
    assert pauses(pbx) == [("support", "true", "hold"), ("support", "false", "")]


def test_memberships_follow_app_queue_events_and_queue_status() -> None:
    members = lab_members()
    seen = []
    for event in transcript_events("queue_member_dynamic"):
        members.handle(event)
        dynamic = members.get("support", "Local/1003@agents")
        seen.append(None if dynamic is None else (dynamic.paused, dynamic.reason))
    assert (False, "") in seen and (True, "break") in seen
    assert seen[-1] is None, "QueueRemove took it away"
    added = next(
        e for e in transcript_events("queue_member_dynamic") if e.name == "QueueMemberAdded"
    )
    members.handle(added)
    member = members.get("support", "Local/1003@agents")
    assert member is not None and (member.extension, member.membership) == ("1003", "dynamic")
    status = [
        Event(headers={"Queue": "support", "Name": "Agent 1001", "Location": AGENT_1001,
                       "StateInterface": AGENT_1001, "Membership": "static",
                       "Paused": "1", "PausedReason": "lunch"}, name="QueueMember"),
    ]  # fmt: skip
    members.reload(status)
    assert [(m.queue, m.extension, m.reason) for m in members.of_extension("1001")] == [
        ("support", "1001", "lunch")
    ]
    assert members.get("support", "Local/1003@agents") is None, "reload replaces everything"


def test_memberships_follow_ctis_own_hold_pause_on_the_lab() -> None:
    """cti_hold_queue: cti paused Local/1001@agents (support) and PJSIP/1001
    (support-sip) with reason hold while the caller was parked, and unpaused both."""
    members = lab_members()
    states = []
    for event in transcript_events("cti_hold_queue"):
        members.handle(event)
        states.append(sorted((m.queue, m.paused, m.reason) for m in members.of_extension("1001")))
    paused = [("support", True, "hold"), ("support-sip", True, "hold")]
    assert paused in states
    assert states[-1] == [("support", False, ""), ("support-sip", False, "")]
