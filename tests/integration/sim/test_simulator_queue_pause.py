"""The simulator's QueuePause and parking over TCP, like app_queue and res_parking: a
paused member is not rung, QueueStatus shows the pause, and the far party of a
click-to-dial call can be parked like on the lab's Asterisk (c2d_park recording)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from cti.ami.client import AmiClient, AmiSettings
from cti.ami.messages import Event
from cti.sim import CallPlan, PbxSimulator
from tests.helpers import CALLS, brief_event
from tests.integration.test_tracker_reconnect import Pipeline

ALICE = ("+14155550123", "Alice Example")


@pytest.fixture
async def pbx() -> AsyncIterator[PbxSimulator]:
    sim = PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1002", "1001"]},
        seed=8,
        time_scale=0.001,
        talk_time=(3600.0, 3600.0),
    )
    async with sim:
        yield sim


@asynccontextmanager
async def listening(pbx: PbxSimulator, seen: list[Event]) -> AsyncIterator[AmiClient]:
    """An AMI client that keeps every event (the tracker's client skips queue events)."""
    connected = asyncio.Event()

    async def on_connected(client: AmiClient) -> None:
        connected.set()

    settings = AmiSettings(port=pbx.port, username="cti", secret="ctisecret", ping_interval=0)
    client = AmiClient(settings, seen.append, on_connected)
    runner = asyncio.create_task(client.run())
    try:
        async with asyncio.timeout(30):
            await connected.wait()
        yield client
    finally:
        await client.close()
        await runner


async def test_queue_pause_answers_like_app_queue_and_skips_the_paused_member(
    pbx: PbxSimulator,
) -> None:
    seen: list[Event] = []
    async with listening(pbx, seen) as client:
        pause = {"Interface": "PJSIP/1001", "Queue": "support", "Paused": "true", "Reason": "lunch"}
        paused = await client.send_action("QueuePause", pause)
        assert (paused.status, paused.message) == ("Success", "Interface paused successfully")
        _, status = await client.send_list_action("QueueStatus", {"Queue": "support"})
        members = {e["Location"]: e for e in status if e.name == "QueueMember"}
        assert (members["PJSIP/1001"]["Paused"], members["PJSIP/1001"]["PausedReason"]) == (
            "1",
            "lunch",
        )
        call_id = await pbx.place_call("queue", caller=ALICE, plan=CallPlan(talk=1.0))
        await pbx.wait_until(lambda: call_id not in pbx.calls, timeout=30)
        unpause = {"Interface": "PJSIP/1001", "Queue": "support", "Paused": "false"}
        unpaused = await client.send_action("QueuePause", unpause)
        assert unpaused.message == "Interface unpaused successfully"
        await client.send_action("Ping")  # every event sent before the Pong is in `seen`
    pauses = [(e["Paused"], e["PausedReason"]) for e in seen if e.name == "QueueMemberPause"]
    assert pauses == [("1", "lunch"), ("0", "")]
    rung = [e["DestChannel"].split("-")[0] for e in seen if e.name == "AgentCalled"]
    assert rung == ["PJSIP/1002"], "the paused member was not rung"


async def test_queue_pause_refusals_use_app_queues_texts(pbx: PbxSimulator) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        client = pipeline.client
        missing = await client.send_action("QueuePause", {"Interface": "PJSIP/1001"})
        assert missing.message == "Need 'Interface' and 'Paused' parameters."
        unknown = await client.send_action("QueuePause", {"Interface": "PJSIP/9", "Paused": "1"})
        assert (unknown.status, unknown.message) == ("Error", "Interface not found")
        elsewhere = {"Interface": "PJSIP/1001", "Queue": "sales", "Paused": "yes"}
        assert (await client.send_action("QueuePause", elsewhere)).message == "Interface not found"


async def test_click_to_dial_far_party_parks_and_its_hang_up_gives_only_call_ended(
    pbx: PbxSimulator,
) -> None:
    async with Pipeline(pbx.server).running() as pipeline:
        client = pipeline.client
        dial = {"Channel": "PJSIP/1001", "Context": "outbound", "Exten": ALICE[0], "Async": "true"}
        await client.send_action("Originate", dial)
        await pbx.wait_until(lambda: any(c.bridge for c in pbx.calls.values()), timeout=30)
        call = next(iter(pbx.calls.values()))
        far = next(leg for leg in call.legs.values() if leg.extension is None)
        timeout = {"TimeoutChannel": call.origin.name, "Timeout": "300000"}
        parked = await client.send_action("Park", {"Channel": far.name, **timeout})
        assert (parked.status, parked.message) == ("Success", "Park successful")
        await pbx.wait_until(lambda: call.parkee is far, timeout=30)
        await client.send_action("Hangup", {"Channel": far.name})
        await pbx.wait_until(lambda: call.call_id not in pbx.calls, timeout=30)
        await pipeline.barrier()
    assert [brief_event(e) for e in pipeline.out] == CALLS["c2d_park"]
