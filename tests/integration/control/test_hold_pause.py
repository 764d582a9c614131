"""call.hold pauses the agent's queue memberships while the caller is parked, against
the simulator's queue over real sockets: the next queue call rings only the other
agent, resume or the parked call's end unpauses, and a pause someone else set stays."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from cti.sim import CallPlan, PbxSimulator
from tests.integration.control.conftest import DEVICES, command
from tests.integration.serve.conftest import (
    ALICE,
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Agent,
    Server,
    is_call_event,
    until,
)
from tests.integration.serve.conftest import running as serve

ANSWERED = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    pbx = PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1001", "1002"]},
        seed=9,
        time_scale=0.001,
        answer_delay=(1.0, 1.0),
        talk_time=(3600.0, 3600.0),
        secret=AMI_SECRET,
    )
    async with serve(pbx, tmp_path / "config", DEVICES) as started:
        yield started


def member(server: Server, extension: str) -> tuple[bool, str]:
    state = server.pbx.book.of_extension(extension, "support")[0]
    return state.paused, state.reason


def cti_pauses(server: Server) -> list[tuple[str, str, str]]:
    sent = [a for a in server.pbx.server.actions if a.name == "QueuePause"]
    return [(a.field("Interface"), a.field("Paused"), a.field("Reason")) for a in sent]


async def events_until(agent: Agent, last: str) -> list[str]:
    seen: list[str] = []
    while not seen or seen[-1] != last:
        frame = await agent.next(30)
        if is_call_event(frame):
            seen.append(frame["type"])
    return seen


async def held_queue_call(server: Server) -> tuple[Agent, str]:
    alice = await server.agent(ALICE_TOKEN)
    await until(lambda: server.app.members.of_extension("1001") != [], timeout=30)
    call_id = await server.pbx.place_call("queue", caller=ALICE, plan=ANSWERED)
    await alice.event("call.answered", timeout=30)
    held, _ = await command(alice, "call.hold", call_id=call_id)
    assert held["ok"], held
    await until(lambda: server.app.tracker.calls[call_id].parked_space is not None, timeout=30)
    return alice, call_id


async def test_hold_pauses_1001_so_the_next_queue_call_rings_only_1002(server: Server) -> None:
    alice, call_id = await held_queue_call(server)
    assert member(server, "1001") == (True, "hold")
    assert cti_pauses(server) == [("PJSIP/1001", "true", "hold")]
    bob = await server.agent(BOB_TOKEN)
    second = await server.pbx.place_call("queue", caller=ALICE, plan=CallPlan(talk=3600.0))
    assert (await bob.event("call.ringing", timeout=30))["data"]["call_id"] == second
    rung = {leg.extension for leg in server.pbx.calls[second].legs.values()}
    assert rung == {"1002"}, "the held agent is not rung"
    resumed, _ = await command(alice, "call.resume", call_id=call_id)
    assert resumed["ok"], resumed
    await until(lambda: member(server, "1001") == (False, ""), timeout=30)
    assert cti_pauses(server)[-1] == ("PJSIP/1001", "false", "")


async def test_parked_caller_hanging_up_unpauses_and_gives_only_call_ended(
    server: Server,
) -> None:
    alice, call_id = await held_queue_call(server)
    caller = server.pbx.calls[call_id].origin.name
    response = await server.app.ami.send_action("Hangup", {"Channel": caller})
    assert response.ok
    assert await events_until(alice, "call.ended") == ["call.held", "call.ended"]
    await until(lambda: member(server, "1001") == (False, ""), timeout=30)


async def test_a_pause_for_lunch_stays_through_hold_and_resume(server: Server) -> None:
    lunch = {"Interface": "PJSIP/1001", "Queue": "support", "Paused": "true", "Reason": "lunch"}
    assert (await server.app.ami.send_action("QueuePause", lunch)).ok
    await until(lambda: [m.reason for m in server.app.members.of_extension("1001")] == ["lunch"])
    alice = await server.agent(ALICE_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered", timeout=30)
    assert (await command(alice, "call.hold", call_id=call_id))[0]["ok"]
    await until(lambda: server.app.tracker.calls[call_id].parked_space is not None, timeout=30)
    assert (await command(alice, "call.resume", call_id=call_id))[0]["ok"]
    await until(lambda: server.app.tracker.calls[call_id].parked_space is None, timeout=30)
    hung_up: dict[str, Any] = (await command(alice, "call.hangup", call_id=call_id))[0]
    assert hung_up["ok"], hung_up
    await alice.event("call.ended", timeout=30)
    assert cti_pauses(server) == [("PJSIP/1001", "true", "lunch")], "only the lunch pause"
    assert member(server, "1001") == (True, "lunch")
