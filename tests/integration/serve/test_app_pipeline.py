"""Simulated PBX → CtiApp → two agent desktops, all over real loopback sockets."""

from __future__ import annotations

import asyncio
import contextlib

from cti.sim import CallPlan
from tests.integration.serve.conftest import ALICE, ALICE_TOKEN, BOB_TOKEN, Server, until

RINGING = CallPlan(answer_after=3600.0, talk=1.0)
ANSWERED = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)


async def test_direct_call_pops_the_contact_only_on_the_ringing_agent(server: Server) -> None:
    alice, bob = await server.agent(ALICE_TOKEN), await server.agent(BOB_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=RINGING)
    ringing = await alice.event("call.ringing")
    data = ringing["data"]
    assert data["call_id"] == call_id and data["extension"] == "1001"
    assert data["contact"]["name"] == "Alice Example"
    assert data["caller"]["number_e164"] == "+14155550123"
    assert [match["name"] for match in data["matches"]] == ["Alice Example"]
    frames = []
    with contextlib.suppress(TimeoutError):
        while True:
            frames.append(await bob.next(timeout=0.3))
    # colleagues see 1001's phone ring (presence), nothing of the call or its state
    assert {frame["type"] for frame in frames} <= {"presence"}, frames


async def test_unknown_caller_still_pops_with_contact_null(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    stranger = ("+14155550999", "Nobody Known")
    await server.pbx.place_call("direct", caller=stranger, target="1001", plan=RINGING)
    data = (await alice.event("call.ringing"))["data"]
    assert data["contact"] is None and data["matches"] == []


async def test_hangup_of_another_agents_call_is_refused(server: Server) -> None:
    alice, bob = await server.agent(ALICE_TOKEN), await server.agent(BOB_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered")
    result = await bob.command("call.hangup", call_id=call_id)
    assert (result["ok"], result["error"]) == (False, "not-your-call")
    assert call_id in server.pbx.calls


async def test_hangup_of_own_call_ends_it_on_the_pbx(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered")
    result = await alice.command("call.hangup", call_id=call_id)
    assert result["ok"] is True, result
    ended = await alice.event("call.ended")
    assert ended["data"]["call_id"] == call_id
    await until(lambda: call_id not in server.app.tracker.calls)


async def test_events_of_one_call_keep_their_order_behind_a_slow_lookup(server: Server) -> None:
    """A hang-up arriving while the lookup runs must not overtake the pop."""
    lookup = server.app.pipeline.lookup
    original = lookup.lookup
    release = asyncio.Event()

    async def slow(number: str | None) -> object:
        await release.wait()
        return await original(number)

    lookup.lookup = slow  # type: ignore[method-assign]
    alice = await server.agent(ALICE_TOKEN)
    abandon = CallPlan(answer_after=3600.0, talk=1.0, abandon_after=50.0)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=abandon)
    await until(lambda: call_id in server.app.tracker.calls)
    await until(lambda: call_id not in server.app.tracker.calls)  # the PBX is done
    release.set()
    frames = [await alice.next() for _ in range(4)]
    assert [frame["type"] for frame in frames] == [
        "call.ringing",
        "agent.state",  # ringing: it waited for its pop, though its own data was ready
        "presence",
        "pop.retracted",
    ]
    assert frames[1]["data"]["state"] == "ringing"


async def test_click_to_dial_originates_from_the_agents_phone(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    result = await alice.command("call.dial", number="14155550199")
    assert result["ok"] is True, result
    await until(lambda: bool(server.pbx.calls))
    ringing = await alice.event("call.ringing")
    assert ringing["data"]["extension"] == "1001"


async def test_stop_closes_agent_sockets_going_away_and_leaves_the_ami(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    await server.app.stop()
    await alice.ws.receive(timeout=3.0)
    assert alice.ws.close_code == 1001
    assert server.app.ami.state == "disconnected"
    assert server.app.metrics.ami_connected == 0
