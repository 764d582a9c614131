"""The simulator's phones as Asterisk reports them, without any socket: device states,
hints and app_queue's member status follow the calls' channels, so the agents core
derives from a simulated call the same agent states and presence as from the recording
of the same call on real SIP phones."""

from __future__ import annotations

from typing import Any

import pytest

from cti.ami.messages import Event
from cti.ami.transcript import TranscriptFrame
from cti.calls.extensions import ExtensionRules
from cti.pipeline import event_pipeline
from cti.sim import PbxSimulator, Script
from cti.sim.devices import aggregate
from cti.sim.members import QueueCounters
from tests.helpers import EXPECTED, briefs, transcript_events
from tests.unit.sim.recorded import header_names, recorded_header_sets
from tests.unit.sim.test_sim_scripts import ALICE, SCENARIOS, simulator

SIP_RECORDING = "sip_queue_sip_agents_hold"  # queue support-sip, agents on PJSIP phones


def played(sim: PbxSimulator, script: Script) -> list[TranscriptFrame]:
    """Every step of `script` without waiting, each one's frames as the simulator sends
    them (with what they cause) before the next step runs."""
    out: list[TranscriptFrame] = []
    while script.ran < len(script.steps):
        step = script.ran + 1
        out += sim.expand(script.run_until(lambda: script.ran >= step))  # noqa: B023
    return out


def run(options: dict[str, Any]) -> list[TranscriptFrame]:
    """One scripted call, played out."""
    sim = simulator()
    return played(sim, sim.plan_call(**({"abandon": False, "hold": False} | options)))


def events(frames: list[TranscriptFrame]) -> list[Event]:
    return [frame.message for frame in frames if isinstance(frame.message, Event)]


def replayed(sequence: list[Event]) -> list[tuple[Any, ...]]:
    """What `cti replay` makes of these events: calls, agent states and presence."""
    pipeline = event_pipeline(ExtensionRules.from_strings(), default_region="US")
    return briefs([out for event in sequence for out in pipeline.handle(event)])


def as_support(expected: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The recording's queue is support-sip; the simulator's is support."""
    return [tuple("support" if part == "support-sip" else part for part in b) for b in expected]


@pytest.mark.parametrize(
    "name",
    ["queue_hold", "direct_answered", "direct_hold"],
)
def test_a_simulated_call_gives_the_agent_states_and_presence_of_its_recording(
    name: str,
) -> None:
    """Calls, agent.state and presence, in order. The other recorded scenarios ring
    Local/100x@agents channels, whose device states differ from a SIP phone's (a Local
    device is INUSE while it rings): the simulator's phones are PJSIP, like these."""
    options, recorded = SCENARIOS[name]
    assert replayed(events(run(options))) == as_support(EXPECTED[recorded])


def test_each_device_goes_through_the_states_of_the_sip_recording() -> None:
    options, _ = SCENARIOS["queue_hold"]
    simulated: dict[str, list[str]] = {}
    for event in events(run(options)):
        if event.name == "DeviceStateChange":
            simulated.setdefault(event["Device"], []).append(event["State"])
    recorded: dict[str, list[str]] = {}
    for event in transcript_events(SIP_RECORDING):
        if event.name == "DeviceStateChange":
            device = event["Device"].replace("support-sip", "support")
            recorded.setdefault(device, []).append(event["State"])
    assert simulated == recorded


def test_the_member_status_follows_its_phone_like_app_queue() -> None:
    """QueueMemberStatus: 6 (ringing), then 2 (in use, InCall 1) for the one who
    answers, 6 then 1 for the other; CallsTaken counts the call once it is over
    (sip_queue_sip_agents_hold has the same five)."""
    options, _ = SCENARIOS["queue_hold"]
    statuses = [
        (e["Interface"], e["Status"], e["InCall"], e["CallsTaken"])
        for e in events(run(options))
        if e.name == "QueueMemberStatus"
    ]
    assert statuses == [
        ("PJSIP/1002", "6", "0", "0"),
        ("PJSIP/1001", "6", "0", "0"),
        ("PJSIP/1001", "2", "1", "0"),
        ("PJSIP/1002", "1", "0", "0"),
        ("PJSIP/1001", "1", "0", "1"),
    ]


def test_a_phones_hint_says_ringing_in_use_and_idle_with_asterisks_codes() -> None:
    """The phone that holds stays in use: the hold shows on the far side (the trunk)."""
    options, _ = SCENARIOS["queue_hold"]
    hints = [
        (e["Exten"], e["Status"], e["StatusText"], e["Hint"], e["Context"])
        for e in events(run(options))
        if e.name == "ExtensionStatus"
    ]
    assert hints == [
        ("1002", "8", "Ringing", "PJSIP/1002", "sip-phones"),
        ("1001", "8", "Ringing", "PJSIP/1001", "sip-phones"),
        ("1001", "1", "InUse", "PJSIP/1001", "sip-phones"),
        ("1002", "0", "Idle", "PJSIP/1002", "sip-phones"),
        ("1001", "0", "Idle", "PJSIP/1001", "sip-phones"),
    ]


def test_every_simulated_reaction_has_a_header_set_asterisk_sent() -> None:
    shapes = recorded_header_sets()
    names = set()
    for options, _ in SCENARIOS.values():
        for frame in run(options):
            message = frame.message
            assert isinstance(message, Event)
            names.add(message.name)
            assert header_names(frame.raw) in shapes[message.name], message.name
    assert {"DeviceStateChange", "ExtensionStatus", "QueueMemberStatus"} <= names


def test_a_queue_call_with_nobody_free_waits_and_gives_up_like_the_recording() -> None:
    """Every member paused: the caller only waits (no AgentCalled, no Newchannel of an
    agent), then abandons: MusicOnHoldStop, QueueCallerAbandon, the queue's device
    idle, QueueCallerLeave, Hangup (queue_abandon_waiting, queue_waiting_positions)."""
    sim = simulator()
    for member in sim.book.members("support"):
        member.paused = True
    frames = events(played(sim, sim.plan_call("queue", caller=ALICE, abandon=True)))
    names = [e.name for e in frames]
    assert "AgentCalled" not in names and "DialBegin" not in names
    assert names[-5:] == [
        "MusicOnHoldStop",
        "QueueCallerAbandon",
        "DeviceStateChange",
        "QueueCallerLeave",
        "Hangup",
    ]
    abandon = frames[-4]
    assert (abandon["Position"], abandon["OriginalPosition"]) == ("1", "1")
    assert (frames[-3]["Device"], frames[-3]["State"]) == ("Queue:support", "NOT_INUSE")
    assert sim.book.counters_of("support").abandoned == 1


@pytest.mark.parametrize(
    ("states", "device"),
    [
        ([], "INVALID"),
        (["NOT_INUSE"], "NOT_INUSE"),
        (["RINGING"], "RINGING"),
        (["RINGING", "INUSE"], "RINGINUSE"),
        (["INUSE", "RINGING"], "RINGINUSE"),
        (["ONHOLD", "INUSE"], "INUSE"),
        (["ONHOLD"], "ONHOLD"),
        (["NOT_INUSE", "INUSE"], "INUSE"),
    ],
)
def test_channels_of_one_phone_add_up_as_in_devicestate_c(states: list[str], device: str) -> None:
    assert aggregate(states) == device


def test_hold_and_talk_times_are_app_queues_exponential_averages() -> None:
    counters = QueueCounters()
    counters.answered(8)  # the first call sets it
    counters.completed_call(8, 40)
    counters.answered(0)
    counters.completed_call(0, 20)
    assert (counters.holdtime, counters.talktime) == (6, 35)  # (3 * old + new) / 4
    assert (counters.completed, counters.completed_in_sl) == (2, 1)  # servicelevel 0
