"""call.hold/resume (park and retrieve), call.answer (PJSIPNotify) and call.dial against
the simulator, with the refusals: another agent's call, an unknown extension, an ended
call, and an AMI user without write permission."""

from __future__ import annotations

from cti.sim import CallPlan
from tests.integration.serve.conftest import ALICE, ALICE_TOKEN, BOB_TOKEN, Server, until

ANSWERED = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)
RINGING = CallPlan(answer_after=3600.0, talk=3600.0)


async def test_hold_parks_the_caller_and_resume_rings_the_agent_back(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered")
    held = await alice.command("call.hold", call_id=call_id)
    assert held["ok"], held
    assert (await alice.event("call.held"))["data"]["call_id"] == call_id
    await until(lambda: server.app.tracker.calls[call_id].parked_space == "701")
    park = next(a for a in server.pbx.server.actions if a.name == "Park")
    assert park.field("Channel") == server.pbx.calls[call_id].origin.name
    assert park.field("TimeoutChannel").startswith("PJSIP/1001-")
    assert (await alice.command("call.hold", call_id=call_id))["error"] == "bad-args"
    resumed = await alice.command("call.resume", call_id=call_id)
    assert resumed["ok"], resumed
    assert (await alice.event("call.resumed"))["data"]["call_id"] == call_id
    retrieve = next(a for a in server.pbx.server.actions if a.name == "Originate")
    assert (retrieve.field("Channel"), retrieve.field("Context")) == ("PJSIP/1001", "parkedcalls")
    assert retrieve.field("Exten") == "701"
    await until(lambda: server.app.tracker.calls[call_id].parked_space is None)
    await until(lambda: len(server.app.tracker.calls[call_id].legs_of("1001")) == 1)
    hung_up = await alice.command("call.hangup", call_id=call_id)
    assert hung_up["ok"], hung_up
    assert (await alice.event("call.ended"))["data"]["answered_by"] == "1001"


async def test_hangup_of_a_held_call_hangs_up_the_parked_caller(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered")
    assert (await alice.command("call.hold", call_id=call_id))["ok"]
    await until(lambda: server.app.tracker.calls[call_id].parked_space is not None)
    transfer = await alice.command("call.transfer", call_id=call_id, to="1002")
    assert transfer["error"] == "call-gone", "no leg of 1001 is talking while parked"
    assert (await alice.command("call.hangup", call_id=call_id))["ok"]
    assert (await alice.event("call.ended"))["data"]["call_id"] == call_id


async def test_answer_sends_the_notify_and_the_desk_phone_answers(server: Server) -> None:
    alice, bob = await server.agent(ALICE_TOKEN), await server.agent(BOB_TOKEN)
    assert "call.answer" in alice.welcome["capabilities"]
    assert "call.answer" not in bob.welcome["capabilities"], "a Cisco 7941 cannot"
    assert "call.hold" in bob.welcome["capabilities"]
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=RINGING)
    await alice.event("call.ringing")
    answered = await alice.command("call.answer", call_id=call_id)
    assert answered["ok"], answered
    assert (await alice.event("call.answered"))["data"]["extension"] == "1001"
    notify = next(a for a in server.pbx.server.actions if a.name == "PJSIPNotify")
    assert (notify.field("Endpoint"), notify.field("Variable")) == ("1001", "Event=talk")
    again = await alice.command("call.answer", call_id=call_id)
    assert again["error"] == "call-gone", "no longer ringing"


async def test_answer_on_a_phone_without_notify_support_is_not_supported(server: Server) -> None:
    bob = await server.agent(BOB_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1002", plan=RINGING)
    await bob.event("call.ringing")
    refused = await bob.command("call.answer", call_id=call_id)
    assert refused["error"] == "not-supported"
    assert not [a for a in server.pbx.server.actions if a.name == "PJSIPNotify"]


async def test_dial_rings_the_agent_first_and_validates_the_number(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    dialled = await alice.command("call.dial", number="+1 (415) 555-0199")
    assert dialled["ok"], dialled
    ringing = (await alice.event("call.ringing"))["data"]
    assert (ringing["direction"], ringing["called"]["number"]) == ("outbound", "+14155550199")
    assert (await alice.command("call.dial", number="12;Hangup"))["error"] == "bad-args"
    assert (await alice.command("call.dial", number="1003"))["error"] == "no-such-extension"
    from_other = await alice.command("call.dial", number="1002", extension="1002")
    assert from_other["error"] == "not-your-call"
    originates = [a for a in server.pbx.server.actions if a.name == "Originate"]
    assert len(originates) == 1 and originates[0].field("Exten") == "+14155550199"


async def test_commands_on_another_agents_or_an_ended_call_are_refused(server: Server) -> None:
    alice, bob = await server.agent(ALICE_TOKEN), await server.agent(BOB_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered")
    for name in ("call.hold", "call.resume", "call.answer", "call.hangup"):
        assert (await bob.command(name, call_id=call_id))["error"] == "not-your-call", name
    assert (await alice.command("call.hangup", call_id=call_id))["ok"]
    await alice.event("call.ended")
    for name in ("call.hold", "call.resume", "call.transfer", "call.hangup"):
        gone = await alice.command(name, call_id=call_id, to="1002")
        assert gone["error"] == "no-such-call", name
    assert not [a for a in server.pbx.server.actions if a.name in ("Park", "BlindTransfer")]


async def test_rest_hold_route_is_authorized_like_the_websocket(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered")
    url = f"http://127.0.0.1:{server.app.port}/api/calls/{call_id}/hold"
    for token, status in ((BOB_TOKEN, 403), (ALICE_TOKEN, 200)):
        headers = {"Authorization": f"Bearer {token}"}
        async with server.session.post(url, headers=headers) as response:
            assert response.status == status, await response.text()
    assert (await alice.event("call.held"))["data"]["call_id"] == call_id


async def test_readonly_ami_user_is_reported_as_permission_denied(
    readonly_server: Server,
) -> None:
    alice = await readonly_server.agent(ALICE_TOKEN)
    pbx = readonly_server.pbx
    call_id = await pbx.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
    await alice.event("call.answered")
    for name, args in (
        ("call.hold", {"call_id": call_id}),
        ("call.transfer", {"call_id": call_id, "to": "1002"}),
        ("call.hangup", {"call_id": call_id}),
        ("call.dial", {"number": "+14155550199"}),
    ):
        result = await alice.command(name, **args)
        assert (result["ok"], result["error"]) == (False, "ami-permission-denied"), name
        assert result["message"].endswith("Permission denied"), name
    assert call_id in pbx.calls, "nothing happened to the call"
    hold = await alice.command("call.hold", call_id=call_id)
    assert hold["message"] == "this call cannot be parked: Permission denied"
