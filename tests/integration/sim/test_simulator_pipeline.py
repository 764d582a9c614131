"""The simulator over real TCP: simulator → AmiClient → CallTracker gives the same
domain events as the recorded scenarios, and call-control actions behave like Asterisk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from cti.ami.messages import Event
from cti.sim import CallPlan, PbxSimulator
from cti.sim.model import SimCall
from tests.helpers import AMI_FIXTURES, CALLS, brief_event, in_queue
from tests.integration.test_tracker_reconnect import Pipeline
from tests.unit.sim.recorded import header_names, recorded_header_sets

ALICE = ("+14155550123", "Alice Example")
CAROL = ("+14155550199", "Carol Caller")
NO_CHANNEL = "Channel specified does not exist"
LONG_TALK = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)


@pytest.fixture
async def pbx() -> AsyncIterator[PbxSimulator]:
    sim = PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1002", "1001"]},
        contacts=[ALICE, CAROL],
        seed=3,
        time_scale=0.001,  # a 3600 s call lasts 3.6 s: time to act on it, never waited out
        talk_time=(5.0, 10.0),
    )
    async with sim:
        yield sim


async def finish(pbx: PbxSimulator, pipeline: Pipeline) -> list[tuple[Any, ...]]:
    await pbx.wait_idle()
    await pipeline.barrier()
    return [brief_event(event) for event in pipeline.out]


def answered(pbx: PbxSimulator, call_id: str) -> Callable[[], bool]:
    return lambda: (call := pbx.calls.get(call_id)) is not None and call.bridge is not None


def agent_leg(call: SimCall) -> str:
    agent = call.agent_in_bridge()
    assert agent is not None
    return agent.name


@pytest.mark.parametrize(
    ("options", "recorded"),
    [
        ({"kind": "queue", "answer_by": "1001", "caller": ALICE}, "queue_answered"),
        ({"kind": "direct", "target": "1001", "caller": ALICE}, "direct_answered"),
        ({"kind": "queue", "caller": CAROL, "abandon": True}, "abandoned_ringing"),
        (
            {"kind": "direct", "target": "1002", "caller": CAROL, "abandon": True},
            "abandoned_ringing_direct",
        ),
        (
            {"kind": "queue", "answer_by": "1001", "caller": ALICE, "hold": True},
            "sip_queue_sip_agents_hold",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_simulated_call_over_tcp_matches_the_recording(
    pbx: PbxSimulator, options: dict[str, Any], recorded: str
) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        await pbx.place_call(**({"abandon": False, "hold": False} | options))
        assert await finish(pbx, pipeline) == in_queue(CALLS[recorded], "support")
    assert not pipeline.tracker.calls


async def test_blind_transfer_action_moves_the_call_like_asterisk(pbx: PbxSimulator) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("queue", caller=ALICE, plan=LONG_TALK)
        await pbx.wait_until(answered(pbx, call_id))
        fields = {"Channel": agent_leg(pbx.calls[call_id]), "Context": "transfer", "Exten": "1002"}
        response = await pipeline.client.send_action("BlindTransfer", fields)
        assert (response.status, response.message) == ("Success", "Transfer succeeded")
        assert await finish(pbx, pipeline) == CALLS["blind_transfer"]


async def test_redirect_of_the_caller_is_seen_as_a_redirect_transfer(pbx: PbxSimulator) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("queue", caller=ALICE, plan=LONG_TALK)
        await pbx.wait_until(answered(pbx, call_id))
        caller = pbx.calls[call_id].origin.name
        fields = {"Channel": caller, "Context": "transfer", "Exten": "1002", "Priority": "1"}
        response = await pipeline.client.send_action("Redirect", fields)
        assert (response.status, response.message) == ("Success", "Redirect successful")
        assert await finish(pbx, pipeline) == CALLS["redirect_transfer"]


async def test_originate_rings_the_agent_then_dials_the_number(pbx: PbxSimulator) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        fields = {
            "Channel": "PJSIP/1001",
            "Context": "outbound",
            "Exten": ALICE[0],
            "CallerID": '"Agent 1001" <1001>',
            "Async": "true",
        }
        response = await pipeline.client.send_action("Originate", fields)
        assert (response.status, response.message) == ("Success", "Originate successfully queued")
        assert await finish(pbx, pipeline) == CALLS["click_to_dial_originate"]


async def test_hangup_of_an_answered_agent_ends_the_call_with_the_given_cause(
    pbx: PbxSimulator,
) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("direct", target="1001", caller=ALICE, plan=LONG_TALK)
        await pbx.wait_until(answered(pbx, call_id))
        fields = {"Channel": agent_leg(pbx.calls[call_id]), "Cause": "17"}
        response = await pipeline.client.send_action("Hangup", fields)
        assert (response.status, response.message) == ("Success", "Channel Hungup")
        assert await finish(pbx, pipeline) == CALLS["direct_answered"]
    assert not pbx.calls


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("Hangup", {"Channel": "PJSIP/9999-00000001"}, "No such channel"),
        ("Hangup", {}, "No channel specified"),
        ("Redirect", {"Channel": "PJSIP/x-1", "Exten": "1"}, "Channel does not exist: PJSIP/x-1"),
        ("BlindTransfer", {"Channel": "PJSIP/x-1", "Exten": "1"}, NO_CHANNEL),
        ("BlindTransfer", {"Channel": "PJSIP/x-1"}, "No extension specified"),
        ("Originate", {"Channel": "Bogus/nothing", "Async": "false"}, "Originate failed"),
    ],
)
async def test_actions_on_unknown_channels_get_asterisks_error_texts(
    pbx: PbxSimulator, action: str, fields: dict[str, str], message: str
) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        response = await pipeline.client.send_action(action, fields)
    assert (response.status, response.message) == ("Error", message)


async def test_core_show_channels_mid_call_lists_the_live_channels(pbx: PbxSimulator) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("queue", caller=ALICE, plan=LONG_TALK)
        await pbx.wait_until(answered(pbx, call_id))
        response, items = await pipeline.client.send_list_action("CoreShowChannels")
        call = pbx.calls[call_id]
        assert response.message == "Channels will follow"
        listed = {(item["Channel"], item["Linkedid"], item["BridgeId"]) for item in items}
        bridge = call.bridge.uniqueid if call.bridge else ""
        assert listed == {(ch.name, call_id, bridge) for ch in call.channels()}
        await pipeline.client.send_action("Hangup", {"Channel": call.origin.name})
        await finish(pbx, pipeline)
    assert not pbx.calls


async def test_wrong_secret_gets_the_recorded_login_failed_bytes(pbx: PbxSimulator) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", pbx.port)
    writer.write((AMI_FIXTURES / "login_failed.sent.raw").read_bytes())
    async with asyncio.timeout(5):
        received = await reader.read()  # Asterisk closes the socket after the error
    writer.close()
    assert received == (AMI_FIXTURES / "login_failed.raw").read_bytes()


async def test_queue_status_shows_the_members_and_a_waiting_caller(pbx: PbxSimulator) -> None:
    plan = CallPlan(answer_after=3600.0)
    async with Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("queue", caller=CAROL, plan=plan, abandon=False)
        await pbx.wait_until(lambda: bool(pbx.calls[call_id].legs))
        response, items = await pipeline.client.send_list_action("QueueStatus")
        await pipeline.client.send_action("Hangup", {"Channel": pbx.calls[call_id].origin.name})
        assert response.message == "Queue status will follow"
        members = sorted(item["Name"] for item in items if item.name == "QueueMember")
        entries = [(i["Uniqueid"], i["CallerIDNum"]) for i in items if i.name == "QueueEntry"]
        assert members == ["SIP Agent 1001", "SIP Agent 1002"]
        assert entries == [(call_id, CAROL[0])]
        assert await finish(pbx, pipeline) == CALLS["abandoned_ringing"]


async def test_generator_places_calls_from_the_demo_contacts() -> None:
    sim = PbxSimulator(
        agents=["1001", "1002", "1003"],
        queues={"support": ["1001", "1002"]},
        contacts=[ALICE, CAROL],
        seed=5,
        calls_per_second=20.0,
        anonymous_ratio=0.3,
        time_scale=0.01,
    )
    async with sim, Pipeline(sim.server).running() as pipeline:
        await sim.wait_until(
            lambda: sum(e.type == "call.ringing" for e in pipeline.out) >= 8, timeout=10
        )
    callers = {e.data()["caller"]["number"] for e in pipeline.out if e.type == "call.ringing"}
    assert callers <= {ALICE[0], CAROL[0], None}
    assert len(callers) >= 2, "several contacts called"


async def test_atxfer_consults_the_target_then_hands_the_caller_over(pbx: PbxSimulator) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("queue", caller=ALICE, plan=LONG_TALK)
        await pbx.wait_until(answered(pbx, call_id))
        agent = agent_leg(pbx.calls[call_id])
        exten = {"Channel": agent, "Variable": "TRANSFER_EXTEN", "Value": "1002"}
        setvar = await pipeline.client.send_action("Setvar", exten)
        assert (setvar.status, setvar.message) == ("Success", "Variable Set")
        fields = {"Channel": agent, "Exten": "1002", "Context": "cti-dial"}
        response = await pipeline.client.send_action("Atxfer", fields)
        assert (response.status, response.message) == ("Success", "Atxfer successfully queued")
        assert await finish(pbx, pipeline) == [
            *CALLS["queue_answered"][:5],
            ("call.held",),  # the caller hears music while 1001 consults 1002
            ("call.ringing", "1002", "inbound", ALICE[0]),
            ("call.answered", "1002"),
            ("call.resumed",),  # handed over: the caller is off hold, talking to 1002
            ("call.transferred", "1001", "1002", "attended"),
            ("call.ended", 16, "1002", False),
        ]


async def test_park_holds_the_caller_until_an_agent_dials_the_space(pbx: PbxSimulator) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("queue", caller=ALICE, plan=LONG_TALK)
        await pbx.wait_until(answered(pbx, call_id))
        caller = pbx.calls[call_id].origin.name
        parked = await pipeline.client.send_action("Park", {"Channel": caller})
        await pbx.wait_until(lambda: pbx.calls[call_id].parked_at is not None)
        await pipeline.barrier()
        parked_events = [brief_event(e) for e in pipeline.out]
        fields = {"Channel": "PJSIP/1002", "Context": "parkedcalls", "Exten": "701"}
        retrieved = await pipeline.client.send_action("Originate", fields | {"Async": "true"})
        await pbx.wait_until(lambda: (call := pbx.calls.get(call_id)) is None or not call.held)
        legs = [leg.name for leg in pbx.calls[call_id].legs.values()]
        assert await finish(pbx, pipeline) == [
            *CALLS["queue_answered"][:5],
            ("call.held",),
            ("call.resumed",),
            ("call.ringing", "1002", "inbound", ALICE[0]),  # the pop follows the pickup
            ("call.answered", "1002"),
            ("call.ended", 16, "1002", False),
        ]
    assert (parked.status, parked.message) == ("Success", "Park successful")
    assert retrieved.message == "Originate successfully queued"
    assert parked_events[-1] == ("call.held",), "parked means held before anyone picks up"
    assert [name.split("-")[0] for name in legs] == ["PJSIP/1002"], "1002 took the parked call"


async def test_action_events_have_the_header_sets_asterisk_sends(pbx: PbxSimulator) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", pbx.port)
    writer.write(b"Action: Login\r\nUsername: cti\r\nSecret: ctisecret\r\n\r\n")
    async with Pipeline(pbx.server).running() as pipeline:
        await pbx.server.wait_logged_in()
        call_id = await pbx.place_call("queue", caller=ALICE, plan=LONG_TALK)
        await pbx.wait_until(answered(pbx, call_id))
        fields = {"Channel": agent_leg(pbx.calls[call_id]), "Context": "transfer", "Exten": "1002"}
        await pipeline.client.send_action("BlindTransfer", fields)
        originate = {"Channel": "PJSIP/1001", "Context": "outbound", "Exten": CAROL[0]}
        await pipeline.client.send_action("Originate", originate | {"Async": "true"})
        await finish(pbx, pipeline)
        pbx.server.connections[0].close()
    received = await reader.read()
    writer.close()
    shapes = recorded_header_sets()
    frames = [f for f in received.split(b"\r\n\r\n")[1:] if f.startswith(b"Event: ")]
    names = {frame.split(b"\r\n", 1)[0][7:].decode() for frame in frames}
    for frame in frames:
        name = frame.split(b"\r\n", 1)[0][7:].decode()
        assert header_names(frame + b"\r\n") in shapes[name], name
    assert {"BlindTransfer", "OriginateResponse", "FullyBooted"} <= names


async def test_hanging_up_one_ringing_member_leaves_the_others_ringing(pbx: PbxSimulator) -> None:
    plan = CallPlan(answer_by="1001", answer_after=500.0, talk=1.0)
    async with Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("queue", caller=ALICE, plan=plan)
        await pbx.wait_until(lambda: len(pbx.calls[call_id].legs) == 2)
        member = next(leg.name for leg in pbx.calls[call_id].legs.values() if "1002" in leg.name)
        response = await pipeline.client.send_action("Hangup", {"Channel": member, "Cause": "21"})
        assert response.message == "Channel Hungup"
        assert await finish(pbx, pipeline) == [
            ("call.queued", "support", 1, 1, ALICE[0]),
            ("call.ringing", "1002", "inbound", ALICE[0]),
            ("call.ringing", "1001", "inbound", ALICE[0]),
            ("pop.retracted", "1002", "not_answered"),
            ("call.answered", "1001"),
            ("call.ended", 16, "1001", False),
        ]


async def test_generated_calls_always_ring_someone_even_when_every_agent_is_busy() -> None:
    """A caller arriving while both agents talk waits until one is free, then rings."""
    sim = PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1001", "1002"]},
        contacts=[ALICE, CAROL],
        seed=11,
        calls_per_second=5.0,
        abandon_ratio=0.0,
        answer_delay=(0.5, 1.0),
        talk_time=(2.0, 4.0),
        time_scale=0.01,
    )
    ended: set[str] = set()
    dialled: set[str] = set()

    def seen(event: Event) -> None:
        linked = event.headers.get("Linkedid", "")
        if event.name == "DialBegin":
            dialled.add(linked)
        elif event.name == "Hangup" and event.headers.get("Uniqueid") == linked:
            ended.add(linked)  # the caller's own channel hung up: the call is over

    sim.server.before_write = seen
    async with sim:
        await sim.wait_until(lambda: len(ended) >= 12, timeout=20)
    assert ended <= dialled, "a call ended without ever ringing an agent"
