"""The product end to end: PBX simulator → the real `cti serve` process → two agents' sockets.

The simulator runs in the test and speaks AMI on loopback; `cti serve` is started as
an admin starts it; the agents are plain aiohttp WebSocket clients speaking protocol v1.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
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
    port: int
    config_dir: Path
    session: aiohttp.ClientSession
    process: subprocess.Popen[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ws"

    async def desk(
        self, token: str, last_seq: int | None = None, epoch: str | None = None
    ) -> Agent:
        ws = await self.session.ws_connect(self.url)
        await ws.send_json(hello_frame(token, last_seq, epoch))
        welcome = await ws.receive_json(timeout=10)
        assert welcome["op"] == "welcome", welcome
        return Agent(ws, welcome)

    async def stop(self) -> str:
        """SIGTERM the server and wait for it; returns what it wrote on stderr."""
        self.process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.to_thread(self.process.communicate, timeout=20)
        for secret in (AMI_SECRET, ALICE_TOKEN, BOB_TOKEN):
            assert secret not in stderr
        return stderr


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
        async with aiohttp.ClientSession() as session:
            stack = Stack(pbx, port, config_dir, session, start(config_dir))
            try:
                await asyncio.to_thread(wait_healthy, port, stack.process)
                await ami_connected(session, port)
                yield stack
            finally:
                await stack.stop()


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
    while result["op"] == "event" and result["type"] == "presence":
        result = await bob.next()  # alice's phone rings: every desktop hears that
    assert (result["op"], result["ok"], result["error"]) == ("result", False, "not-your-call")
    assert call_id in stack.pbx.calls
    heard = []
    with contextlib.suppress(TimeoutError):
        while True:
            heard.append(await bob.next(timeout=0.3))
    # bob never heard of alice's call; her phone ringing (presence) is for everyone
    assert {frame["type"] for frame in heard} <= {"presence"}, heard


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

    back = await stack.desk(ALICE_TOKEN, last_seq=last_seq, epoch=alice.welcome["epoch"])
    assert back.welcome["resync"] is False
    assert back.welcome["seq"] > last_seq
    replayed = [await back.next() for _ in range(back.welcome["seq"] - last_seq)]
    assert [frame["seq"] for frame in replayed] == list(
        range(last_seq + 1, back.welcome["seq"] + 1)
    )
    calls = [frame for frame in replayed if frame["type"].startswith("call.")]
    assert {frame["data"]["call_id"] for frame in calls} == {missed}
    assert [frame["type"] for frame in calls] == ["call.ringing", "call.answered", "call.ended"]
    assert calls[0]["data"]["contact"]["name"] == "Alice Example"
    states = [frame["data"]["state"] for frame in replayed if frame["type"] == "agent.state"]
    # the first is the end of the call she saw end (it follows its call.ended)
    assert states == ["available", "ringing", "on-call", "available"]


async def test_after_a_server_restart_a_reconnect_gets_a_fresh_snapshot_not_a_partial_replay(
    stack: Stack,
) -> None:
    """The restarted server counts seq from 1 again: alice's last_seq from before the
    restart must not select a partial replay of the new journal (she would miss what it
    skipped and keep a call that ended while the server was down)."""
    alice = await stack.desk(ALICE_TOKEN)
    old_epoch = alice.welcome["epoch"]
    talking = CallPlan(answer_by="1001", answer_after=0.2, talk=2.0)
    stale = await stack.pbx.place_call("direct", caller=ALICE, target="1001", plan=talking)
    last_seq = (await alice.event("call.answered"))["seq"]
    await alice.ws.close()
    await stack.stop()
    await stack.pbx.wait_idle()  # the call ends while no server watches
    stack.process = start(stack.config_dir)
    await asyncio.to_thread(wait_healthy, stack.port, stack.process)
    await ami_connected(stack.session, stack.port)
    for _ in range(2):  # the new journal grows past alice's last_seq
        await stack.pbx.place_call("direct", caller=ALICE, target="1001", plan=SHORT)
        await stack.pbx.wait_idle()
    watcher = await stack.desk(BOB_TOKEN)
    assert watcher.welcome["epoch"] != old_epoch

    back = await stack.desk(ALICE_TOKEN, last_seq=last_seq, epoch=old_epoch)

    assert back.welcome["resync"] is True
    assert back.welcome["seq"] > last_seq
    assert back.welcome["epoch"] != old_epoch
    assert stale not in [call["call_id"] for call in back.welcome["calls"]]
    assert back.welcome["calls"] == []
    with pytest.raises(TimeoutError):
        await back.next(timeout=0.5)  # nothing replayed after a fresh snapshot
