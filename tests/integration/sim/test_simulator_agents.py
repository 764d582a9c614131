"""Agent and supervisor commands end to end on the simulator: WebSocket clients → CtiApp
(AgentControl, SpyControl) → AMI → the simulator's app_queue and ChanSpy → the events
back to the desktops. Alice (1001) is a dynamic member of support (she logs in), Bob
(1002) a static one, Sue (9000) supervises from her own phone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cti.app import CtiApp
from cti.config import load_config
from cti.protocol import hello_frame
from cti.sim import CallPlan, PbxSimulator
from cti.sim.members import SimMember
from tests.integration.control.conftest import command
from tests.integration.serve.conftest import (
    ALICE,
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Agent,
    until,
    write_config,
)

SUE_TOKEN = "sue-token-0123456789abcd"
ACCOUNTS = (
    f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
    f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
    f"    sue: {{token: {SUE_TOKEN}, extension: '9000', role: supervisor}}\n"
)
CONFIG = """agents:
  '1001': {queues: [support]}
  '1002': {queues: [support]}
"""
TALKS = CallPlan(answer_after=1.0, talk=3600.0)


@dataclass
class Centre:
    pbx: PbxSimulator
    app: CtiApp
    http: aiohttp.ClientSession

    async def sign_in(self, token: str) -> Agent:
        ws = await self.http.ws_connect(f"http://127.0.0.1:{self.app.port}/ws")
        await ws.send_json(hello_frame(token))
        return Agent(ws, await ws.receive_json(timeout=30))

    def member(self, extension: str) -> SimMember | None:
        found = self.pbx.book.of_extension(extension, "support")
        return found[0] if found else None

    def rung(self, call_id: str) -> set[str | None]:
        return {leg.extension for leg in self.pbx.calls[call_id].legs.values()}


@pytest.fixture
async def centre(tmp_path: Path) -> AsyncIterator[Centre]:
    pbx = PbxSimulator(
        agents=["1001", "1002"],
        supervisors=["9000"],
        queues={"support": ["1002"]},
        seed=12,
        time_scale=0.001,
        secret=AMI_SECRET,
    )
    async with pbx:
        config_dir = write_config(tmp_path / "config", pbx.port, CONFIG, ACCOUNTS)
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        try:
            await until(lambda: app.ami.state == "connected", timeout=30)
            async with aiohttp.ClientSession() as http:
                yield Centre(pbx, app, http)
        finally:
            await app.stop()


async def state_of(agent: Agent, wanted: str) -> dict[str, Any]:
    """The agent's next agent.state in state `wanted`."""
    while True:
        frame = await agent.event("agent.state", timeout=30)
        if frame["data"]["state"] == wanted:
            return dict(frame["data"])


async def test_login_pause_unpause_and_logout_run_the_simulators_queue(centre: Centre) -> None:
    alice = await centre.sign_in(ALICE_TOKEN)
    bob = await centre.sign_in(BOB_TOKEN)
    result, _ = await command(alice, "agent.login")
    assert (result["ok"], result["message"]) == (True, "logged in to support")
    await state_of(alice, "available")
    member = centre.member("1001")
    assert member is not None and (member.membership, member.name) == ("dynamic", "alice")

    result, _ = await command(alice, "agent.pause", reason="lunch")
    assert result["message"] == "paused in support (lunch)"
    assert (await state_of(alice, "paused"))["reason"] == "lunch"
    paused_call = await centre.pbx.place_call("queue", target="support", caller=ALICE, plan=TALKS)
    assert (await bob.event("call.ringing", timeout=30))["data"]["call_id"] == paused_call
    assert centre.rung(paused_call) == {"1002"}, "alice is paused: only bob rings"

    result, _ = await command(alice, "agent.unpause")
    assert result["message"] == "available in support"
    await until(lambda: not centre.member("1001").paused, timeout=30)  # type: ignore[union-attr]

    result, _ = await command(bob, "agent.logout")
    assert "static member of support" in result["message"]
    await until(lambda: centre.member("1002").reason == "logged-out", timeout=30)  # type: ignore[union-attr]
    result, _ = await command(alice, "agent.logout")
    assert result["message"] == "logged out of support"
    await state_of(alice, "logged-out")
    assert centre.member("1001") is None, "QueueRemove took the dynamic member away"


async def test_a_waiting_caller_rings_the_agent_who_logs_in(centre: Centre) -> None:
    """Bob logged out (static: paused), Alice not in yet: the caller waits in the queue,
    which the supervisor sees; Alice's login (QueueAdd) makes app_queue ring her."""
    bob, sue = await centre.sign_in(BOB_TOKEN), await centre.sign_in(SUE_TOKEN)
    await command(bob, "agent.logout")
    await until(lambda: centre.member("1002").paused, timeout=30)  # type: ignore[union-attr]
    call_id = await centre.pbx.place_call("queue", target="support", caller=ALICE, plan=TALKS)
    queued = await sue.event("call.queued", timeout=30)
    assert (queued["data"]["call_id"], queued["data"]["position"]) == (call_id, 1)
    assert centre.pbx.calls[call_id].legs == {}, "nobody to ring"
    alice = await centre.sign_in(ALICE_TOKEN)
    await command(alice, "agent.login")
    ringing = await alice.event("call.ringing", timeout=30)
    assert ringing["data"]["call_id"] == call_id
    assert centre.rung(call_id) == {"1001"}


async def test_a_supervisor_listens_from_her_own_phone_through_chanspy(centre: Centre) -> None:
    bob, sue = await centre.sign_in(BOB_TOKEN), await centre.sign_in(SUE_TOKEN)
    plan = CallPlan(answer_by="1002", answer_after=1.0, talk=3600.0)
    call_id = await centre.pbx.place_call("queue", target="support", caller=ALICE, plan=plan)
    await bob.event("call.answered", timeout=30)
    result, _ = await command(sue, "supervisor.listen", extension="1002")
    assert result["ok"], result
    assert result["message"] == "your phone 9000 is ringing: pick it up to listen to 1002's call"
    await centre.pbx.wait_until(
        lambda: any(s.spyee for s in centre.pbx.spy.spies.values()), timeout=30
    )
    [spy] = centre.pbx.spy.spies.values()
    agent = centre.pbx.calls[call_id].agent_in_bridge()
    assert agent is not None and spy.spyee is agent, "ChanSpy on bob's leg of the call"
    assert spy.call.origin.name.startswith("PJSIP/9000-")
    assert spy.call.call_id != call_id, "the spy is a call of its own"
    assert spy.exit_with_spyee, "option E: the spy ends with bob's leg"
