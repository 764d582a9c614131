"""ChanSpy by AMI Originate on the simulator (chanspy_listen), and the device-state and
hint lists presence starts from, over TCP. The spy's phone is a call of its own: the
spied call's events are those of the recording."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cti.ami.messages import Event
from cti.sim import CallPlan, PbxSimulator
from tests.helpers import CALLS, call_events
from tests.integration.sim.listener import Listener, listening
from tests.unit.sim.recorded import recorded_header_sets

ALICE = ("+14155550123", "Alice Example")
SPY = {"Channel": "PJSIP/9000", "Application": "ChanSpy", "CallerID": '"Supervisor" <9000>'}


@pytest.fixture
async def pbx() -> AsyncIterator[PbxSimulator]:
    sim = PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1002", "1001"]},
        supervisors=["9000"],
        seed=4,
        time_scale=0.001,
        answer_delay=(1.0, 1.0),
        talk_time=(3600.0, 3600.0),
    )
    async with sim:
        yield sim


async def talking_1001(pbx: PbxSimulator) -> tuple[str, str]:
    """A queue call 1001 answered: (call id, 1001's channel in the caller's bridge)."""
    plan = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)
    call_id = await pbx.place_call("queue", target="support", caller=ALICE, plan=plan)
    await pbx.wait_until(lambda: pbx.calls[call_id].bridge is not None, timeout=30)
    agent = pbx.calls[call_id].agent_in_bridge()
    assert agent is not None
    return call_id, agent.name


def spy_call(pbx: PbxSimulator) -> str:
    return next(c.call_id for c in pbx.calls.values() if c.origin.name.startswith("PJSIP/9000"))


async def spying(pbx: PbxSimulator, ami: Listener, data: str) -> str:
    """Originate the supervisor's phone into ChanSpy; its call id once it spies."""
    response = await ami.act("Originate", **SPY, Data=data, Async="true")
    assert (response.status, response.message) == ("Success", "Originate successfully queued")
    await pbx.wait_until(lambda: any(s.spyee for s in pbx.spy.spies.values()), timeout=30)
    await ami.barrier()
    return spy_call(pbx)


async def test_listening_spies_on_the_agents_leg_and_stops_when_it_hangs_up(
    pbx: PbxSimulator,
) -> None:
    async with listening(pbx) as ami:
        call_id, leg = await talking_1001(pbx)
        spy = await spying(pbx, ami, f"{leg},qE")
        assert (await ami.act("Hangup", Channel=leg)).message == "Channel Hungup"
        await pbx.wait_until(lambda: not pbx.calls, timeout=30)
        await ami.barrier()
    [start] = ami.named("ChanSpyStart")
    assert (start["SpyerChannel"], start["SpyeeChannel"]) == (pbx_name(ami, spy), leg)
    assert (start["SpyerLinkedid"], start["SpyeeLinkedid"]) == (spy, call_id)
    [answer] = ami.named("OriginateResponse")
    assert (answer["Application"], answer["Data"], answer["Response"]) == (
        "ChanSpy",
        f"{leg},qE",
        "Success",
    )
    names = [(e.name, e.get("Channel") or e.get("SpyeeChannel")) for e in ami.seen]
    stop = names.index(("ChanSpyStop", leg))
    assert names[stop + 1] == ("Hangup", leg), "ChanSpyStop comes just before its Hangup"
    spy_hangup = names.index(("Hangup", pbx_name(ami, spy)))
    assert spy_hangup > stop, "with E the spy hangs up after the agent"
    assert [e["Cause"] for e in ami.named("Hangup") if e["Uniqueid"] == spy] == ["0"]
    spy_events = [e for e in ami.seen if e.get("Linkedid") == spy or e.get("DestLinkedid") == spy]
    assert {e.get("Linkedid") or e.get("DestLinkedid") for e in spy_events} == {spy}
    assert not [e for e in spy_events if e.name.startswith("Bridge")], "a spy joins no bridge"
    shapes = recorded_header_sets()
    for event in ami.named("ChanSpyStart", "ChanSpyStop", "OriginateResponse"):
        assert tuple(event.headers) in shapes[event.name], event.name
    assert call_events(ami.replayed()) == CALLS["chanspy_listen"], "the spy adds no call"


def pbx_name(ami: Listener, uniqueid: str) -> str:
    return next(e["Channel"] for e in ami.named("Newchannel") if e["Uniqueid"] == uniqueid)


async def test_a_bare_device_prefix_spies_on_the_first_channel_of_that_phone(
    pbx: PbxSimulator,
) -> None:
    """ChanSpy takes a channel-name prefix: ``PJSIP/1001`` finds 1001's only channel."""
    async with listening(pbx) as ami:
        _, leg = await talking_1001(pbx)
        await spying(pbx, ami, "PJSIP/1001,qwE")
    assert [e["SpyeeChannel"] for e in ami.named("ChanSpyStart")] == [leg]


async def test_a_supervisor_hanging_up_stops_the_spy_and_the_call_goes_on(
    pbx: PbxSimulator,
) -> None:
    async with listening(pbx) as ami:
        call_id, leg = await talking_1001(pbx)
        spy = await spying(pbx, ami, f"{leg},qBE")
        phone = pbx.calls[spy].origin.name
        assert (await ami.act("Hangup", Channel=phone)).message == "Channel Hungup"
        await pbx.wait_until(lambda: spy not in pbx.calls, timeout=30)
        await ami.barrier()
        assert pbx.calls[call_id].bridge is not None, "the agent still talks to the caller"
    names = [(e.name, e.get("Channel") or e.get("SpyerChannel")) for e in ami.seen]
    assert names.index(("ChanSpyStop", phone)) + 1 == names.index(("Hangup", phone))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"Channel": "PJSIP/7777", "Application": "ChanSpy", "Data": "PJSIP/1001"},
            "Originate failed",
        ),
        ({"Channel": "PJSIP/9000", "Application": "Playback", "Data": "beep"}, "Originate failed"),
    ],
)
async def test_an_originate_the_simulator_cannot_run_fails_like_asterisk(
    pbx: PbxSimulator, fields: dict[str, str], message: str
) -> None:
    async with listening(pbx) as ami:
        response = await ami.act("Originate", **fields)
        queued = await ami.act("Originate", **fields, Async="true")
        await ami.barrier()
        await ami.barrier()
    assert (response.status, response.message) == ("Error", message)
    assert queued.message == "Originate successfully queued"
    [failed] = ami.named("OriginateResponse")
    assert (failed["Response"], failed["Application"], failed["Reason"]) == (
        "Failure",
        fields["Application"],
        "0",
    )


def listed(items: list[Event]) -> dict[str, str]:
    return {
        i.get("Device") or f"{i['Exten']}@{i['Context']}": i.get("State") or i["StatusText"]
        for i in items
    }


async def test_device_and_hint_lists_answer_like_asterisk_without_write_permission() -> None:
    """DeviceStateList and ExtensionStateList (queue_waiting_positions shapes) are read
    actions: a user with ``write =`` empty gets them, and its QueueAdd is refused."""
    sim = PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1001"]},
        supervisors=["9000"],
        seed=4,
        time_scale=0.001,
        write_access=False,
    )
    async with sim, listening(sim) as ami:
        call_id = await sim.place_call(
            "queue", target="support", caller=ALICE, plan=CallPlan(answer_after=3600.0)
        )
        await sim.wait_until(lambda: bool(sim.calls[call_id].ringing_legs()), timeout=30)
        await ami.barrier()
        devices = await ami.items("DeviceStateList")
        hints = await ami.items("ExtensionStateList")
        refused = await ami.act("QueueAdd", Queue="support", Interface="PJSIP/1002")
    assert listed(devices) == {
        "PJSIP/1001": "RINGING",
        "PJSIP/1002": "NOT_INUSE",
        "PJSIP/9000": "NOT_INUSE",
        "PJSIP/trunk": "NOT_INUSE",
        "Queue:support_pause_PJSIP/1001": "NOT_INUSE",
        "Queue:support_avail": "INUSE",
        "Queue:support": "RINGING",
    }
    assert listed(hints) == {
        "1001@sip-phones": "Ringing",
        "1002@sip-phones": "Idle",
        "9000@sip-phones": "Idle",
    }
    shapes = recorded_header_sets()
    for item in [*devices, *hints]:
        assert tuple(item.headers) in shapes[item.name], item.name
    assert (refused.status, refused.message) == ("Error", "Permission denied")
