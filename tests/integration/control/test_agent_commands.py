"""Agent and supervisor commands end to end: a loopback AMI server answering QueueAdd,
QueueRemove and QueuePause as app_queue does (tests/app_queue.py) → CtiApp → real
WebSocket and REST clients. Agent 1001 (alice) has dynamic queues in cti.yaml; 1002
(bob) is a static member of support, as in the lab's queues.conf; sue supervises."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cti.ami.fake_server import FakeAmiServer
from cti.ami.fake_session import ActionRequest, FakeAmiConnection, Reply
from cti.ami.transcript import read_transcript
from cti.app import CtiApp
from cti.config import load_config
from cti.protocol import hello_frame
from tests.app_queue import AppQueue, serve_app_queue
from tests.integration.serve.conftest import (
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Agent,
    until,
    write_config,
)

SUE_TOKEN = "sue-token-0123456789abc"
CAROL_TOKEN = "carol-token-0123456789a"
ACCOUNTS = (
    f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
    f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
    f"    carol: {{token: {CAROL_TOKEN}, extension: '1003'}}\n"
    f"    sue: {{token: {SUE_TOKEN}, extension: '9000', role: supervisor}}\n"
)
CONFIG = """calls:
  dial_channel: 'Local/{extension}@agents'
agents:
  '1001':
    queues: [support, sales]
    penalty: 1
"""
ALICE_IFACE, BOB_IFACE = "Local/1001@agents", "Local/1002@agents"
FIXTURES = Path(__file__).parents[2] / "fixtures" / "ami"


@dataclass
class Lab:
    ami: FakeAmiServer
    app_queue: AppQueue
    app: CtiApp
    http: aiohttp.ClientSession

    async def agent(self, token: str) -> Agent:
        ws = await self.http.ws_connect(f"http://127.0.0.1:{self.app.port}/ws")
        await ws.send_json(hello_frame(token))
        return Agent(ws, await ws.receive_json(timeout=30))

    async def rest(self, token: str, path: str, body: Any = None) -> tuple[int, Any]:
        url = f"http://127.0.0.1:{self.app.port}{path}"
        headers = {"Authorization": f"Bearer {token}"}
        async with self.http.post(url, json=body, headers=headers) as response:
            return response.status, await response.json()

    def state(self, queue: str, interface: str) -> tuple[bool, str] | None:
        member = self.app_queue.members.get((queue, interface))
        return None if member is None else (member.paused, member.reason)

    def members_of(self, extension: str) -> list[tuple[str, bool, str]]:
        return [(m.queue, m.paused, m.reason) for m in self.app.members.of_extension(extension)]


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[Lab]:
    app_queue = AppQueue(["support", "sales"])
    app_queue.static("support", BOB_IFACE, "Agent 1002")
    async with FakeAmiServer("cti", AMI_SECRET) as ami:
        serve_app_queue(ami, app_queue)
        config_dir = write_config(tmp_path / "config", ami.port, CONFIG, ACCOUNTS)
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        try:
            await until(lambda: app.members.of_extension("1002") != [], timeout=30)
            async with aiohttp.ClientSession() as http:
                yield Lab(ami, app_queue, app, http)
        finally:
            await app.stop()


async def command(who: Agent, name: str, **args: Any) -> dict[str, Any]:
    await who.ws.send_json({"op": "command", "id": name, "name": name, "args": args})
    async with asyncio.timeout(30):
        while True:
            frame = await who.next(30)
            if frame.get("op") == "result":
                return frame


async def test_an_agent_logs_in_to_its_queues_and_out_again(lab: Lab) -> None:
    alice = await lab.agent(ALICE_TOKEN)
    result = await command(alice, "agent.login")
    assert (result["ok"], result["message"]) == (True, "logged in to support; logged in to sales")
    added = [fields for name, fields in lab.app_queue.actions if name == "QueueAdd"]
    assert [(f["Queue"], f["Interface"], f["MemberName"], f["Penalty"]) for f in added] == [
        ("support", ALICE_IFACE, "alice", "1"),
        ("sales", ALICE_IFACE, "alice", "1"),
    ]
    await until(lambda: len(lab.members_of("1001")) == 2, timeout=30)  # QueueMemberAdded
    result = await command(alice, "agent.logout")
    assert result["message"] == "logged out of support; logged out of sales"
    await until(lambda: lab.members_of("1001") == [], timeout=30)  # QueueMemberRemoved
    assert lab.state("support", ALICE_IFACE) is None


async def test_a_supervisor_forces_pause_unpause_and_logout_of_a_static_agent(lab: Lab) -> None:
    status, body = await lab.rest(SUE_TOKEN, "/api/agents/bob/pause", {"reason": "lunch"})
    assert (status, body["message"]) == (200, "paused in support (lunch)")
    assert lab.state("support", BOB_IFACE) == (True, "lunch")
    await until(lambda: lab.members_of("1002") == [("support", True, "lunch")], timeout=30)
    status, body = await lab.rest(SUE_TOKEN, "/api/agents/bob/unpause")
    assert (status, body["message"]) == (200, "available in support")
    await until(lambda: lab.members_of("1002") == [("support", False, "")], timeout=30)
    status, body = await lab.rest(SUE_TOKEN, "/api/agents/bob/logout")
    assert status == 200
    assert body["message"] == (
        "static member of support (queues.conf): paused there with reason logged-out instead"
    )
    assert lab.state("support", BOB_IFACE) == (True, "logged-out")
    await until(lambda: lab.members_of("1002") == [("support", True, "logged-out")], timeout=30)
    bob = await lab.agent(BOB_TOKEN)
    result = await command(bob, "agent.login")
    assert result["message"] == "back in support (unpaused from logged-out)"
    assert lab.state("support", BOB_IFACE) == (False, "")


async def test_an_agent_acts_only_on_itself_and_never_listens_in(lab: Lab) -> None:
    status, body = await lab.rest(ALICE_TOKEN, "/api/agents/bob/pause", {"reason": "lunch"})
    assert (status, body["error"]) == (403, "not-a-supervisor")
    alice = await lab.agent(ALICE_TOKEN)
    result = await command(alice, "supervisor.listen", extension="1002")
    assert (result["ok"], result["error"]) == (False, "not-a-supervisor")
    result = await command(alice, "agent.dnd", on=True, agent="bob")
    assert result["error"] == "not-a-supervisor"
    assert lab.app_queue.actions == []
    assert lab.state("support", BOB_IFACE) == (False, "")


async def test_refusals_have_their_rest_status(lab: Lab) -> None:
    cases = [
        (ALICE_TOKEN, "/api/agents/alice/pause", {"reason": "nap"}, 400, "unknown-pause-reason"),
        (ALICE_TOKEN, "/api/agents/alice/unpause", None, 409, "not-logged-in"),
        (SUE_TOKEN, "/api/agents/mallory/login", None, 404, "no-such-agent"),
        (SUE_TOKEN, "/api/agents/carol/login", None, 409, "no-queues"),
        (CAROL_TOKEN, "/api/agents/carol/login", None, 501, "not-supported"),
        (SUE_TOKEN, "/api/agents/alice/login", {"queues": ["vip"]}, 400, "bad-args"),
    ]
    for token, path, body, status, error in cases:
        got = await lab.rest(token, path, body)
        assert (got[0], got[1]["error"]) == (status, error), path
    assert lab.app_queue.actions == []


async def test_welcome_lists_the_commands_each_identity_may_use(lab: Lab) -> None:
    agent_commands = ["agent.login", "agent.logout", "agent.pause", "agent.unpause", "agent.dnd"]
    spying = ["supervisor.listen", "supervisor.whisper", "supervisor.barge"]
    welcomed = [
        (await lab.agent(token)).welcome["capabilities"]
        for token in (ALICE_TOKEN, BOB_TOKEN, CAROL_TOKEN, SUE_TOKEN)
    ]
    assert all("interaction.accept" in listed for listed in welcomed)  # the universal queue
    alice, bob, carol, sue = [
        [name for name in listed if not name.startswith("interaction.")] for listed in welcomed
    ]
    assert alice[-5:] == bob[-5:] == agent_commands  # configured / static member
    assert not set(carol) & {*agent_commands, *spying}
    assert sue[-8:] == [*agent_commands, *spying]


async def test_an_ami_user_without_the_agent_class_gets_permission_denied(lab: Lab) -> None:
    lab.app_queue.write_allowed = False
    status, body = await lab.rest(ALICE_TOKEN, "/api/agents/alice/login")
    assert (status, body["error"], body["message"]) == (
        502,
        "ami-permission-denied",
        "Permission denied",
    )
    assert len(lab.app_queue.actions) == 1


async def test_a_supervisor_whispers_to_the_agents_bridged_leg_of_a_recorded_call(
    lab: Lab,
) -> None:
    originates: list[dict[str, str]] = []

    async def originate(conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        originates.append(dict(action.headers))
        return {"Message": "Originate successfully queued"}

    lab.ami.handle("Originate", originate)
    sue = await lab.agent(SUE_TOKEN)
    refused = await command(sue, "supervisor.whisper", extension="1001")
    assert (refused["error"], refused["message"]) == (
        "no-such-call",
        "1001 is not talking on any call",
    )
    transcript = read_transcript(FIXTURES / "chanspy_listen.raw")
    await lab.ami.replay(transcript.events, until=lambda frame: frame.name == "ChanSpyStart")
    await until(lambda: talking(lab), timeout=30)
    result = await command(sue, "supervisor.whisper", extension="1001")
    assert (result["ok"], result["message"]) == (
        True,
        "your phone 9000 is ringing: pick it up to whisper to 1001's call",
    )
    ((fields),) = originates
    assert (fields["Channel"], fields["Application"], fields["Data"]) == (
        "Local/9000@agents",
        "ChanSpy",
        "Local/1001@agents-00000037;1,qwE",
    )


def talking(lab: Lab) -> bool:
    legs = [leg for call in lab.app.tracker.calls.values() for leg in call.legs_of("1001")]
    return any(leg.bridge is not None for leg in legs)
