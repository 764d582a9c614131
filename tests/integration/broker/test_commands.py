"""Call-control commands over WebSocket and REST: authorized, never faked."""

from __future__ import annotations

import asyncio

import pytest

from cti.protocol import command_frame
from tests.broker_events import answered, ringing
from tests.integration.broker.conftest import BrokerServer, StartServer, receive_json


async def command(broker: BrokerServer, token: str, name: str, **args: object) -> dict[str, object]:
    ws, _ = await broker.connect(token)
    await ws.send_json({"op": "command", "id": "x1", "name": name, "args": args})
    while True:
        frame = await receive_json(ws)
        if frame["op"] == "result":
            assert frame["id"] == "x1"
            return dict(frame)


async def test_agent_hangs_up_own_call_over_ws(broker: BrokerServer) -> None:
    broker.ctx.broker.publish(ringing("c1", "1001"))
    result = await command(broker, "tok-alice", "call.hangup", call_id="c1")
    assert result["ok"] is True and result["error"] is None
    assert broker.control.hangups == [("c1", "1001")]


async def test_hangup_of_another_agents_call_is_refused_over_ws(broker: BrokerServer) -> None:
    broker.ctx.broker.publish(ringing("c1", "1002"))
    result = await command(broker, "tok-alice", "call.hangup", call_id="c1")
    assert result["ok"] is False and result["error"] == "not-your-call"
    assert broker.control.hangups == []


async def test_supervisor_may_hang_up_any_call_on_the_answering_extension(
    broker: BrokerServer,
) -> None:
    hub = broker.ctx.broker
    hub.publish(ringing("c1", "1002"))
    hub.publish(answered("c1", "1002"))
    result = await command(broker, "tok-sue", "call.hangup", call_id="c1")
    assert result["ok"] is True
    assert broker.control.hangups == [("c1", "1002")]


async def test_unknown_and_gone_calls(broker: BrokerServer) -> None:
    result = await command(broker, "tok-alice", "call.hangup", call_id="nope")
    assert result["error"] == "no-such-call"
    broker.ctx.broker.publish(ringing("c9", "1001"))
    broker.control.gone.add("c9")
    result = await command(broker, "tok-alice", "call.hangup", call_id="c9")
    assert (result["ok"], result["error"]) == (False, "call-gone")


@pytest.mark.parametrize("name", ["call.hold", "call.resume", "call.transfer"])
async def test_other_controls_reach_the_pbx_for_the_owner_only(
    broker: BrokerServer, name: str
) -> None:
    broker.ctx.broker.publish(ringing("c1", "1001"))
    refused = await command(broker, "tok-bob", name, call_id="c1", to="1002")
    assert (refused["ok"], refused["error"]) == (False, "not-your-call")
    result = await command(broker, "tok-alice", name, call_id="c1", to="1002")
    assert result["ok"] is True, result
    assert broker.control.others[0][:3] == (name.removeprefix("call."), "c1", "1001")


async def test_answer_is_not_supported_where_the_phone_cannot(broker: BrokerServer) -> None:
    broker.ctx.broker.publish(ringing("c1", "1001"))
    result = await command(broker, "tok-alice", "call.answer", call_id="c1")
    assert (result["ok"], result["error"]) == (False, "not-supported")
    assert broker.control.others == []


async def test_unknown_command_and_bad_args(broker: BrokerServer) -> None:
    assert (await command(broker, "tok-alice", "call.teleport"))["error"] == "unknown-command"
    assert (await command(broker, "tok-alice", "call.hangup", call_id=7))["error"] == "bad-args"
    assert (await command(broker, "tok-alice", "call.dial"))["error"] == "bad-args"


async def test_dial_from_own_extension_only(broker: BrokerServer) -> None:
    assert (await command(broker, "tok-alice", "call.dial", number="0612"))["ok"] is True
    refused = await command(broker, "tok-alice", "call.dial", number="0612", extension="1002")
    assert refused["error"] == "not-your-call"
    assert (await command(broker, "tok-sue", "call.dial", number="07", extension="1002"))["ok"]
    assert broker.control.dials == [("1001", "0612"), ("1002", "07")]


async def test_rest_hangup_of_another_agents_call_is_403(broker: BrokerServer) -> None:
    broker.ctx.broker.publish(ringing("c1", "1002"))
    url = f"{broker.url}/api/calls/c1/hangup"
    async with broker.http.post(url, headers=broker.headers("tok-alice")) as response:
        assert response.status == 403
        assert (await response.json())["error"] == "not-your-call"
    async with broker.http.post(url, headers=broker.headers("tok-bob")) as response:
        assert response.status == 200
        assert (await response.json())["ok"] is True
    assert broker.control.hangups == [("c1", "1002")]


async def test_rest_dial_and_generic_commands(broker: BrokerServer) -> None:
    headers = broker.headers("tok-bob")
    async with broker.http.post(
        f"{broker.url}/api/dial", json={"number": "+33612"}, headers=headers
    ) as response:
        assert response.status == 200
    async with broker.http.post(
        f"{broker.url}/api/commands",
        json={"name": "call.hold", "args": {"call_id": "c1"}},
        headers=headers,
    ) as response:
        assert response.status == 404
        assert (await response.json())["error"] == "no-such-call"
    async with broker.http.post(
        f"{broker.url}/api/commands", data="[1]", headers=headers
    ) as response:
        assert response.status == 400
    assert broker.control.dials == [("1002", "+33612")]


async def test_too_many_commands_in_flight_are_answered_busy(start_broker: StartServer) -> None:
    server = await start_broker(commands_in_flight=2)
    server.control.gate = asyncio.Event()
    ws, _ = await server.connect("tok-alice")
    for index in range(3):
        await ws.send_json(command_frame(f"d{index}", "call.dial", {"number": "0612"}))
    first = await receive_json(ws)
    assert (first["id"], first["error"]) == ("d2", "busy")
    server.control.gate.set()
    done = sorted([(await receive_json(ws))["id"] for _ in range(2)])
    assert done == ["d0", "d1"]
    assert len(server.control.dials) == 2
