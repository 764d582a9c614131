"""call.transfer against the simulator: blind and attended, completed, cancelled,
unanswered and failed to start; the pop and its contact move to the target agent
under the same call_id."""

from __future__ import annotations

from pathlib import Path

from cti.sim import CallPlan, PbxSimulator
from tests.integration.control.conftest import DEVICES, command
from tests.integration.serve.conftest import (
    ALICE,
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Agent,
    Server,
    until,
)
from tests.integration.serve.conftest import running as serve

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
    result, before = await command(
        alice, "call.transfer", call_id=call_id, to="1002", mode="attended"
    )
    assert result["ok"], result
    assert before == ["call.held"], "the caller waits on hold while 1002 rings"
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
    consultation = server.app.tracker.calls[call_id].consultation
    assert consultation is not None and consultation.target is not None
    cancelled = await alice.command("call.transfer", call_id=call_id, action="cancel")
    assert cancelled["ok"], cancelled
    retracted = (await bob.event("pop.retracted"))["data"]
    assert (retracted["call_id"], retracted["reason"]) == (call_id, "transfer_cancelled")
    failed = (await alice.event("call.transfer_failed"))["data"]
    assert failed == {"call_id": call_id, "from": "1001", "to": "1002", "reason": "cancelled"}
    assert (await alice.event("call.resumed"))["data"]["call_id"] == call_id
    await until(lambda: server.app.tracker.calls[call_id].answered_by == "1001")
    hangups = [a.field("Channel") for a in server.pbx.server.actions if a.name == "Hangup"]
    assert hangups == [consultation.target.name], "exactly the consultation leg"
    assert consultation.target.name.startswith("Local/1002@from-internal-")
    again = await alice.command("call.transfer", call_id=call_id, action="complete")
    assert again["error"] == "bad-args", "nothing left to complete"
    assert call_id in server.pbx.calls, "the caller is still there"


async def test_attended_transfer_start_sets_transfer_exten_and_clears_it(server: Server) -> None:
    alice, _bob, call_id = await answered_call(server)
    assert (await alice.command("call.transfer", call_id=call_id, to="1002", mode="attended"))["ok"]
    sent = [a for a in server.pbx.server.actions if a.name in ("Setvar", "Atxfer")]
    assert [(a.name, a.field("Variable"), a.field("Value"), a.field("Exten")) for a in sent] == [
        ("Setvar", "TRANSFER_EXTEN", "1002", ""),
        ("Atxfer", "", "", "1002"),
        ("Setvar", "TRANSFER_EXTEN", "", ""),
    ]
    assert {a.field("Channel") for a in sent} == {
        server.app.tracker.calls[call_id].legs_of("1001")[0].name
    }


async def test_attended_transfer_that_starts_no_consultation_fails_and_touches_nothing(
    tmp_path: Path,
) -> None:
    # calls talk 36 s here, longer than the 5 s the start could wait for its consultation
    pbx = PbxSimulator(
        agents=["1001", "1002"], seed=9, time_scale=0.01, talk_time=(3600.0, 3600.0),
        secret=AMI_SECRET,
    )  # fmt: skip
    async with serve(pbx, tmp_path / "config", DEVICES) as server:
        alice, _bob, call_id = await answered_call(server)
        # the simulated PBX, like the lab, has no dialplan for 0612345678 in the transfer
        # context: Asterisk falls back to collecting digits, and none ever come
        result, _ = await command(
            alice, "call.transfer", call_id=call_id, to="0612345678", mode="attended"
        )
        assert (result["ok"], result["error"]) == (False, "failed"), result
        assert result["message"] == (
            "the PBX did not call 0612345678: it gave the caller back at once "
            "(is 0612345678 an extension of from-internal?); the caller is still with you"
        )
        for step in ("complete", "cancel"):
            refused = await alice.command("call.transfer", call_id=call_id, action=step)
            assert refused["error"] == "bad-args", step
        assert not [a for a in server.pbx.server.actions if a.name == "Hangup"]
        cleared = [a for a in server.pbx.server.actions if a.name == "Setvar"][-1]
        assert (cleared.field("Variable"), cleared.field("Value")) == ("TRANSFER_EXTEN", "")
        await until(lambda: not server.pbx.calls[call_id].held, timeout=30)
        assert server.app.tracker.calls[call_id].answered_by == "1001"


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


async def test_unanswered_attended_transfer_tells_the_transferer_the_caller_is_back(
    tmp_path: Path,
) -> None:
    # the target answers consultations only after 20 s; Asterisk gives up after 15
    pbx = PbxSimulator(
        agents=["1001", "1002"],
        seed=9,
        time_scale=0.01,
        answer_delay=(20.0, 20.0),
        talk_time=(3600.0, 3600.0),
        secret=AMI_SECRET,
    )
    async with serve(pbx, tmp_path / "config", DEVICES) as server:
        alice, bob = await server.agent(ALICE_TOKEN), await server.agent(BOB_TOKEN)
        call_id = await pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
        await alice.event("call.answered", timeout=30)
        started = await alice.command("call.transfer", call_id=call_id, to="1002", mode="attended")
        assert started["ok"], started
        assert (await bob.event("call.ringing", timeout=30))["data"]["call_id"] == call_id
        retracted = (await bob.event("pop.retracted", timeout=30))["data"]
        assert retracted["reason"] == "not_answered"
        failed = (await alice.event("call.transfer_failed", timeout=30))["data"]
        assert (failed["to"], failed["reason"]) == ("1002", "not_answered")
        assert (await alice.event("call.resumed", timeout=30))["data"]["call_id"] == call_id
        assert server.app.tracker.calls[call_id].answered_by == "1001"
