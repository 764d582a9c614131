"""Events reach exactly the agents they are for; supervisors see everything."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.broker_events import answered, ended, ringing
from tests.integration.broker.conftest import BrokerServer, receive_json


async def assert_silent(ws: aiohttp.ClientWebSocketResponse) -> None:
    try:
        msg = await ws.receive(timeout=0.2)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected frame {msg.data!r}")


async def test_ringing_for_1001_reaches_only_1001_and_the_supervisor(
    broker: BrokerServer,
) -> None:
    alice, _ = await broker.connect("tok-alice")
    bob, _ = await broker.connect("tok-bob")
    sue, _ = await broker.connect("tok-sue")

    broker.ctx.broker.publish(ringing("c1", "1001"))

    pop = await receive_json(alice)
    assert pop["op"] == "event" and pop["type"] == "call.ringing" and pop["seq"] == 1
    assert pop["data"]["call_id"] == "c1"
    assert pop["data"]["caller"]["name"] == "Jörg Müller"
    supervised = await receive_json(sue)
    assert supervised["data"]["call_id"] == "c1"
    await assert_silent(bob)


async def test_seq_increases_per_agent(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    bob, _ = await broker.connect("tok-bob")
    broker.ctx.broker.publish(ringing("c1", "1001"))
    broker.ctx.broker.publish(ringing("c2", "1002"))
    broker.ctx.broker.publish(answered("c1", "1001"))
    assert [(await receive_json(alice))["seq"] for _ in range(2)] == [1, 2]
    assert (await receive_json(bob))["seq"] == 1


async def test_welcome_lists_only_own_active_calls(broker: BrokerServer) -> None:
    hub = broker.ctx.broker
    hub.publish(ringing("c1", "1001", contact={"name": "ACME"}))
    hub.publish(ringing("c2", "1002"))
    hub.publish(ringing("c3", "1001"))
    hub.publish(ended("c3", "1001"))

    _, welcome = await broker.connect("tok-alice")
    assert welcome["agent"] == "alice" and welcome["extension"] == "1001"
    assert welcome["seq"] == 3 and welcome["resync"] is False
    assert [call["call_id"] for call in welcome["calls"]] == ["c1"]
    assert welcome["calls"][0]["pop"]["contact"] == {"name": "ACME"}
    assert welcome["calls"][0]["state"] == "ringing"

    _, supervisor = await broker.connect("tok-sue")
    assert sorted(call["call_id"] for call in supervisor["calls"]) == ["c1", "c2"]


async def test_two_sockets_of_one_agent_both_receive(broker: BrokerServer) -> None:
    first, _ = await broker.connect("tok-alice")
    second, _ = await broker.connect("tok-alice")
    broker.ctx.broker.publish(ringing("c1", "1001"))
    got = await asyncio.gather(receive_json(first), receive_json(second))
    assert [frame["seq"] for frame in got] == [1, 1]
