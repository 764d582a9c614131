"""Wrap-up against the simulator's queue over real sockets: after a queue call agent 1001
answered ends, it is paused `wrap-up`, so the next caller rings only 1002; its note for
the call (POST /api/interactions) unpauses it. A held call that ends goes from the hold
pause straight into wrap-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from cti.sim import CallPlan, PbxSimulator
from tests.integration.control.conftest import command
from tests.integration.serve.conftest import (
    ALICE,
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Server,
    until,
)
from tests.integration.serve.conftest import running as serve

CONFIG = """queues:
  wrapup_seconds: 3600
agents:
  '1001':
    queues: [support, sales]
"""
SHORT = CallPlan(answer_by="1001", answer_after=1.0, talk=1.0)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    pbx = PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1001", "1002"], "sales": ["1001"]},
        seed=9,
        time_scale=0.001,
        answer_delay=(1.0, 1.0),
        talk_time=(3600.0, 3600.0),
        secret=AMI_SECRET,
    )
    async with serve(pbx, tmp_path / "config", CONFIG) as started:
        yield started


def member(server: Server, extension: str, queue: str = "support") -> tuple[bool, str]:
    state = server.pbx.book.of_extension(extension, queue)[0]
    return state.paused, state.reason


def both(server: Server) -> list[tuple[bool, str]]:
    return [member(server, "1001", queue) for queue in ("support", "sales")]


async def post_note(server: Server, call_id: str) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{server.app.port}/api/interactions"
    headers = {"Authorization": f"Bearer {ALICE_TOKEN}"}
    body = {"call_id": call_id, "disposition": "resolved"}
    async with server.session.post(url, json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_wrap_up_keeps_the_next_caller_away_until_the_note_is_saved(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    await until(lambda: server.app.members.of_extension("1001") != [], timeout=30)
    call_id = await server.pbx.place_call("queue", target="support", caller=ALICE, plan=SHORT)
    assert (await alice.event("call.ended", timeout=30))["data"]["call_id"] == call_id
    await until(lambda: both(server) == [(True, "wrap-up")] * 2, timeout=30)
    assert member(server, "1002") == (False, "")
    bob = await server.agent(BOB_TOKEN)
    second = await server.pbx.place_call(
        "queue", target="support", caller=ALICE, plan=CallPlan(talk=3600.0)
    )
    assert (await bob.event("call.ringing", timeout=30))["data"]["call_id"] == second
    rung = {leg.extension for leg in server.pbx.calls[second].legs.values()}
    assert rung == {"1002"}, "the agent in wrap-up is not rung"
    status, answer = await post_note(server, call_id)
    assert status == 201, answer
    await until(lambda: both(server) == [(False, "")] * 2, timeout=30)


async def test_a_pause_during_wrap_up_survives_the_note(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    await until(lambda: server.app.members.of_extension("1001") != [], timeout=30)
    call_id = await server.pbx.place_call("queue", target="support", caller=ALICE, plan=SHORT)
    await alice.event("call.ended", timeout=30)
    await until(lambda: member(server, "1001") == (True, "wrap-up"), timeout=30)
    paused, _ = await command(alice, "agent.pause", reason="break")
    assert paused["message"] == "paused in support (break); paused in sales (break)"
    assert (await post_note(server, call_id))[0] == 201
    await server.app.wrapup.settled()
    assert both(server) == [(True, "break")] * 2


async def test_a_held_queue_call_that_ends_goes_from_hold_into_wrap_up(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    await until(lambda: server.app.members.of_extension("1001") != [], timeout=30)
    plan = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)
    call_id = await server.pbx.place_call("queue", target="support", caller=ALICE, plan=plan)
    await alice.event("call.answered", timeout=30)
    held, _ = await command(alice, "call.hold", call_id=call_id)
    assert held["ok"], held
    await until(lambda: both(server) == [(True, "hold")] * 2, timeout=30)
    await until(lambda: server.app.tracker.calls[call_id].parked_space is not None, timeout=30)
    caller = server.pbx.calls[call_id].origin.name
    assert (await server.app.ami.send_action("Hangup", {"Channel": caller})).ok
    await alice.event("call.ended", timeout=30)
    await until(lambda: both(server) == [(True, "wrap-up")] * 2, timeout=30)
    await server.app.wrapup.settled()
    await server.app.control.parking.pause.settled()  # type: ignore[union-attr]
    assert both(server) == [(True, "wrap-up")] * 2, "the hold's unpauses came first"
