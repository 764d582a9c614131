"""call.transfer against the simulator: blind and attended, completed and cancelled;
the pop and its contact move to the target agent under the same call_id."""

from __future__ import annotations

from cti.sim import CallPlan
from tests.integration.serve.conftest import ALICE, ALICE_TOKEN, BOB_TOKEN, Agent, Server, until

ANSWERED = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)


async def answered_call(server: Server) -> tuple[Agent, Agent, str]:
    alice, bob = await server.agent(ALICE_TOKEN), await server.agent(BOB_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered")
    await until(lambda: server.app.tracker.calls[call_id].answered_by == "1001")
    return alice, bob, call_id


async def test_blind_transfer_moves_the_pop_and_contact_to_the_target(server: Server) -> None:
    alice, bob, call_id = await answered_call(server)
    result = await alice.command("call.transfer", call_id=call_id, to="1002", mode="blind")
    assert (result["ok"], result["error"]) == (True, None), result
    moved = (await alice.event("call.transferred"))["data"]
    assert (moved["call_id"], moved["to"], moved["mode"]) == (call_id, "1002", "blind")
    ringing = (await bob.event("call.ringing"))["data"]
    assert ringing["call_id"] == call_id
    assert ringing["contact"]["name"] == "Alice Example"
    assert (await bob.event("call.answered"))["data"]["extension"] == "1002"
    sent = [a for a in server.pbx.server.actions if a.name == "BlindTransfer"]
    assert sent[0].field("Context") == "from-internal" and sent[0].field("Exten") == "1002"


async def test_attended_transfer_completes_on_command(server: Server) -> None:
    alice, bob, call_id = await answered_call(server)
    result = await alice.command("call.transfer", call_id=call_id, to="1002", mode="attended")
    assert result["ok"], result
    assert (await alice.event("call.held"))["data"]["call_id"] == call_id
    ringing = (await bob.event("call.ringing"))["data"]
    assert (ringing["call_id"], ringing["contact"]["name"]) == (call_id, "Alice Example")
    await bob.event("call.answered")
    done = await alice.command("call.transfer", call_id=call_id, action="complete")
    assert done["ok"], done
    moved = (await alice.event("call.transferred"))["data"]
    assert (moved["to"], moved["mode"]) == ("1002", "attended")
    await bob.event("call.transferred")
    await until(lambda: server.app.tracker.calls[call_id].answered_by == "1002")
    late = await alice.command("call.hold", call_id=call_id)
    assert late["error"] == "not-your-call", "the transferer no longer owns the call"


async def test_attended_transfer_cancel_returns_the_call_to_the_transferer(
    server: Server,
) -> None:
    alice, bob, call_id = await answered_call(server)
    assert (await alice.command("call.transfer", call_id=call_id, to="1002", mode="attended"))["ok"]
    await bob.event("call.answered")
    cancelled = await alice.command("call.transfer", call_id=call_id, action="cancel")
    assert cancelled["ok"], cancelled
    retracted = (await bob.event("pop.retracted"))["data"]
    assert (retracted["call_id"], retracted["reason"]) == (call_id, "transfer_cancelled")
    assert (await alice.event("call.resumed"))["data"]["call_id"] == call_id
    await until(lambda: server.app.tracker.calls[call_id].answered_by == "1001")
    again = await alice.command("call.transfer", call_id=call_id, action="complete")
    assert again["error"] == "bad-args", "nothing left to complete"


async def test_transfer_refusals(server: Server) -> None:
    alice, bob, call_id = await answered_call(server)
    other = await bob.command("call.transfer", call_id=call_id, to="1002")
    assert other["error"] == "not-your-call"
    unknown = await alice.command("call.transfer", call_id=call_id, to="1003")
    assert unknown["error"] == "no-such-extension"
    bad = await alice.command("call.transfer", call_id=call_id, to="12;Hangup")
    assert bad["error"] == "bad-args"
    assert not [a for a in server.pbx.server.actions if "transfer" in a.name.lower()]


async def test_rest_transfer_route_takes_its_args_from_the_body(server: Server) -> None:
    _alice, bob, call_id = await answered_call(server)
    url = f"http://127.0.0.1:{server.app.port}/api/calls/{call_id}/transfer"
    headers = {"Authorization": f"Bearer {ALICE_TOKEN}"}
    async with server.session.post(url, data="not json", headers=headers) as response:
        assert (response.status, (await response.json())["error"]) == (400, "bad-frame")
    async with server.session.post(url, json={"to": 1002}, headers=headers) as response:
        assert (response.status, (await response.json())["error"]) == (400, "bad-args")
    async with server.session.post(url, json={"to": "1003"}, headers=headers) as response:
        assert (response.status, (await response.json())["error"]) == (404, "no-such-extension")
    async with server.session.post(url, json={"to": "1002"}, headers=headers) as response:
        assert response.status == 200, await response.text()
    assert (await bob.event("call.ringing"))["data"]["call_id"] == call_id
