"""The product end to end: PBX simulator → the real `cti serve` process → two agents' sockets.

The simulator runs in the test and speaks AMI on loopback; `cti serve` is started as
an admin starts it; the agents are plain aiohttp WebSocket clients speaking protocol v1.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from cti.protocol import hello_frame
from cti.sim import CallPlan, PbxSimulator
from tests.e2e.test_serve import start, wait_healthy
from tests.integration.serve.conftest import (
    ALICE,
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Agent,
    add_alice,
    free_port,
    write_config,
)

RINGING = CallPlan(answer_after=3600.0, talk=1.0)
SHORT = CallPlan(answer_by="1001", answer_after=0.2, talk=0.2)


@dataclass
class Stack:
    pbx: PbxSimulator
    url: str
    session: aiohttp.ClientSession

    async def desk(self, token: str, last_seq: int | None = None) -> Agent:
        ws = await self.session.ws_connect(self.url)
        await ws.send_json(hello_frame(token, last_seq))
        welcome = await ws.receive_json(timeout=5)
        assert welcome["op"] == "welcome", welcome
        return Agent(ws, welcome)


async def ami_connected(session: aiohttp.ClientSession, port: int) -> None:
    async with asyncio.timeout(20):
        while True:
            async with session.get(f"http://127.0.0.1:{port}/api/health") as response:
                if (await response.json())["ami_connected"]:
                    return
            await asyncio.sleep(0.05)


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    pbx = PbxSimulator(agents=["1001", "1002"], contacts=[ALICE], seed=3, secret=AMI_SECRET)
    async with pbx:
        port = free_port()
        config_dir = write_config(tmp_path / "config", pbx.port, extra=f"broker:\n  port: {port}\n")
        add_alice(config_dir / "contacts.db")
        process = start(config_dir)
        try:
            await asyncio.to_thread(wait_healthy, port, process)
            async with aiohttp.ClientSession() as session:
                await ami_connected(session, port)
                yield Stack(pbx, f"http://127.0.0.1:{port}/ws", session)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.to_thread(process.communicate, timeout=20)
            for secret in (AMI_SECRET, ALICE_TOKEN, BOB_TOKEN):
                assert secret not in stderr


async def test_only_the_ringing_agent_gets_the_pop_with_its_contact(stack: Stack) -> None:
    alice, bob = await stack.desk(ALICE_TOKEN), await stack.desk(BOB_TOKEN)
    call_id = await stack.pbx.place_call("direct", caller=ALICE, target="1001", plan=RINGING)
    data = (await alice.event("call.ringing"))["data"]
    assert (data["call_id"], data["extension"]) == (call_id, "1001")
    assert data["contact"]["name"] == "Alice Example"
    assert data["contact"]["company"] == "Example Inc"
    assert data["caller"]["number_e164"] == ALICE[0]
    refused = {"op": "command", "id": "h1", "name": "call.hangup", "args": {"call_id": call_id}}
    await bob.ws.send_json(refused)
    result = await bob.next()
    assert (result["op"], result["ok"], result["error"]) == ("result", False, "not-your-call")
    assert call_id in stack.pbx.calls
    with pytest.raises(TimeoutError):
        await bob.next(timeout=0.3)  # bob never heard of alice's call


async def test_reconnect_with_last_seq_replays_the_missed_call_in_order(stack: Stack) -> None:
    alice = await stack.desk(ALICE_TOKEN)
    first = await stack.pbx.place_call("direct", caller=ALICE, target="1001", plan=SHORT)
    ended = await alice.event("call.ended")
    assert ended["data"]["call_id"] == first
    last_seq = ended["seq"]
    await alice.ws.close()

    missed = await stack.pbx.place_call("direct", caller=ALICE, target="1001", plan=SHORT)
    await stack.pbx.wait_idle()
    await asyncio.sleep(0.3)  # the server has read the PBX's last frames

    back = await stack.desk(ALICE_TOKEN, last_seq=last_seq)
    assert back.welcome["seq"] > last_seq
    replayed = [await back.next() for _ in range(back.welcome["seq"] - last_seq)]
    assert [frame["seq"] for frame in replayed] == list(
        range(last_seq + 1, back.welcome["seq"] + 1)
    )
    assert {frame["data"]["call_id"] for frame in replayed} == {missed}
    assert [frame["type"] for frame in replayed] == ["call.ringing", "call.answered", "call.ended"]
    assert replayed[0]["data"]["contact"]["name"] == "Alice Example"
