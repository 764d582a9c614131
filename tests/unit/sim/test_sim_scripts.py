"""The simulator's call scripts without any socket: frames shaped like the recordings,
escaped names, Linkedid relations, determinism under a seed, and the tracker's view."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cti.ami.messages import Event
from cti.ami.parser import AmiParser
from cti.calls.tracker import CallTracker
from cti.sim import CallPlan, PbxSimulator
from cti.sim.model import SimCall
from tests.helpers import CALLS, brief_event, in_queue
from tests.unit.sim.recorded import header_names, recorded_header_sets

ALICE = ("+14155550123", "Alice Example")
CAROL = ("+14155550199", "Carol Caller")


def simulator(seed: int = 7) -> PbxSimulator:
    return PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1002", "1001"]},
        contacts=[ALICE, CAROL],
        seed=seed,
        epoch=1795400000,
        time_scale=0,
    )


def events(frames: list[bytes]) -> list[Event]:
    parsed = AmiParser(banner=False).feed(b"".join(frames))
    return [message for message in parsed if isinstance(message, Event)]


def tracked(frames: list[bytes]) -> list[tuple[Any, ...]]:
    tracker = CallTracker(default_region="US")
    return [brief_event(out) for event in events(frames) for out in tracker.handle(event)]


#: simulated scenario -> (plan_call options, the recorded scenario it stands for)
SCENARIOS: dict[str, tuple[dict[str, Any], str]] = {
    "queue_answered": ({"kind": "queue", "answer_by": "1001", "caller": ALICE}, "queue_answered"),
    "direct_answered": ({"kind": "direct", "target": "1001", "caller": ALICE}, "direct_answered"),
    "queue_abandoned": (
        {"kind": "queue", "caller": CAROL, "abandon": True},
        "abandoned_ringing",
    ),
    "direct_abandoned": (
        {"kind": "direct", "target": "1002", "caller": CAROL, "abandon": True},
        "abandoned_ringing_direct",
    ),
    "queue_hold": (
        {"kind": "queue", "answer_by": "1001", "caller": ALICE, "hold": True},
        "sip_queue_sip_agents_hold",
    ),
    "direct_hold": (
        {"kind": "direct", "target": "1001", "caller": ALICE, "hold": True},
        "hold_unhold",
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scripted_call_gives_the_tracker_the_recorded_sequence(name: str) -> None:
    options, recorded = SCENARIOS[name]
    options = {"abandon": False, "hold": False} | options
    sim = simulator()
    frames = sim.plan_call(**options).run_all()
    assert tracked(frames) == in_queue(CALLS[recorded], "support")
    assert not sim.state.calls and not sim.state.busy, "every channel hung up"


def test_every_simulated_event_has_a_header_set_asterisk_sent() -> None:
    sim = simulator()
    frames: list[bytes] = []
    for options, _ in SCENARIOS.values():
        frames += sim.plan_call(**({"abandon": False, "hold": False} | options)).run_all()
    shapes = recorded_header_sets()
    names = set()
    for frame in frames:
        name = frame.split(b"\r\n", 1)[0][7:].decode()
        names.add(name)
        assert header_names(frame) in shapes[name], f"{name} has headers Asterisk never sent"
    assert {"AgentCalled", "AgentConnect", "AgentComplete", "QueueCallerAbandon", "Hold"} <= names


def test_caller_names_are_c_escaped_in_snapshots_only() -> None:
    sim = simulator()
    name = 'Seán O\'Brien? C:\\temp "x" <&>'
    frames = sim.plan_call("direct", target="1001", caller=("+353861234567", name)).run_all()
    newchannel = events(frames)[0]
    assert newchannel.name == "Newchannel"
    assert newchannel["CallerIDName"] == 'Seán O\\\'Brien\\? C:\\\\temp \\"x\\" <&>'


def test_every_leg_carries_the_callers_uniqueid_as_linkedid() -> None:
    sim = simulator()
    frames = sim.plan_call("queue", answer_by="1002", caller=ALICE, abandon=False).run_all()
    snapshots = [e for e in events(frames) if "Uniqueid" in e and "Linkedid" in e]
    first = snapshots[0]["Uniqueid"]
    assert re.fullmatch(r"1795400000\.\d+", first)
    assert {e["Linkedid"] for e in snapshots} == {first}
    channels = {e["Channel"] for e in snapshots}
    assert channels == {"PJSIP/trunk-00000001", "PJSIP/1002-00000002", "PJSIP/1001-00000003"}


def test_same_seed_gives_the_same_frames_and_another_seed_does_not() -> None:
    def run(seed: int) -> list[bytes]:
        sim = simulator(seed)
        out: list[bytes] = []
        for _ in range(6):
            out += sim.plan_call(sim.rng.choice(["queue", "direct"])).run_all()
        return out

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_explicit_plan_sets_the_timings() -> None:
    sim = simulator()
    script = sim.plan_call("direct", target="1001", plan=CallPlan(answer_after=9.5, talk=60))
    delays = [delay for delay, _ in script.steps]
    assert 9.5 in delays and 60 in delays


def answered_call(sim: PbxSimulator) -> tuple[SimCall, list[bytes]]:
    """A queue call run up to the moment agent 1001 answered."""
    script = sim.plan_call("queue", caller=ALICE, answer_by="1001", abandon=False, hold=False)
    frames = script.run_until(lambda: script.call.bridge is not None)  # arrive, ring, answer
    assert script.call.bridge is not None
    return script.call, frames


def test_hangup_with_a_cause_reports_it_with_asterisks_text() -> None:
    sim = simulator()
    call, _ = answered_call(sim)
    agent = call.agent_in_bridge()
    assert agent is not None
    hangups = [e for e in events(sim.scenes.hang_up_bridged(call, agent, 17)) if e.name == "Hangup"]
    assert [(e["Channel"], e["Cause"], e["Cause-txt"]) for e in hangups] == [
        (agent.name, "17", "User busy"),
        (call.origin.name, "16", "Normal Clearing"),
    ]


def test_attended_transfer_has_the_recorded_shape_and_order() -> None:
    """attended_transfer_complete: the consultation is a Local pair in the transfer
    context with the caller's Linkedid; the completion merges the bridges and reports an
    AttendedTransfer without TransferTarget fields, as Asterisk 22 did."""
    sim = simulator()
    call, _ = answered_call(sim)
    agent = call.agent_in_bridge()
    assert agent is not None
    atxfer = sim.builder.atxfer
    frames, consultation = atxfer.consult(call, agent, "1002", "cti-dial")
    started = events(frames)
    assert [e.name for e in started] == [
        "Newchannel",
        "Newchannel",
        "BridgeCreate",
        "NewCallerid",
        "BridgeEnter",  # the target's Local ;1, still Down
        "BridgeLeave",  # the transferer leaves the caller ...
        "BridgeEnter",  # ... for the consultation bridge
        "Newchannel",
        "DialBegin",  # ;2 dials the agent's phone
    ]
    assert started[0]["Channel"] == consultation.target.name
    assert re.fullmatch(r"Local/1002@cti-dial-[0-9a-f]{8};1", consultation.target.name)
    assert {e["Linkedid"] for e in started if "Linkedid" in e} == {call.call_id}
    assert started[4]["ChannelStateDesc"] == "Down"
    frames = atxfer.rings(consultation) + atxfer.answered(call, consultation)
    done = events(atxfer.complete(call, consultation))
    assert [e.name for e in done] == [
        "BridgeLeave",
        "BridgeMerge",
        "BridgeLeave",
        "BridgeEnter",
        "MusicOnHoldStop",
        "AttendedTransfer",
        "AgentComplete",
        "Hangup",
        "BridgeDestroy",
    ]
    transfer = done[5]
    assert transfer["OrigTransfererChannel"] == agent.name == transfer["SecondTransfererChannel"]
    assert transfer["TransfereeChannel"] == call.origin.name
    assert "TransferTargetChannel" not in transfer, "Asterisk 22 sent none after the merge"
    assert transfer["DestBridgeUniqueid"] == transfer["OrigBridgeUniqueid"]
    assert done[1]["FromBridgeUniqueid"] == transfer["SecondBridgeUniqueid"]
    assert done[6]["Reason"] == "transfer"
