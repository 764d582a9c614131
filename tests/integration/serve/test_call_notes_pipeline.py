"""A call note filed over REST after a simulated call shows in the caller's next pop."""

from __future__ import annotations

from typing import Any

from cti.sim import CallPlan
from tests.integration.serve.conftest import ALICE, ALICE_TOKEN, BOB_TOKEN, Server, write_config

SHORT = CallPlan(answer_by="1001", answer_after=1.0, talk=1.0)
RINGING = CallPlan(answer_after=3600.0, talk=1.0)


async def post_note(server: Server, token: str, body: dict[str, Any]) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{server.app.port}/api/interactions"
    headers = {"Authorization": f"Bearer {token}"}
    async with server.session.post(url, json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_note_after_a_call_is_in_the_history_of_the_next_pop(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=SHORT)
    first = (await alice.event("call.ringing"))["data"]
    assert first["contact"]["history"] == []
    assert (await alice.event("call.ended"))["data"]["call_id"] == call_id
    refused = await post_note(server, BOB_TOKEN, {"call_id": call_id, "disposition": "resolved"})
    assert (refused[0], refused[1]["error"]) == (403, "not-your-call")
    body = {"call_id": call_id, "disposition": "callback", "notes": "wants a quote"}
    status, answer = await post_note(server, ALICE_TOKEN, body)
    assert status == 201, answer
    assert answer["interaction"]["contact_id"] == first["contact"]["id"]
    await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=RINGING)
    again = (await alice.event("call.ringing"))["data"]
    history = again["contact"]["history"]
    assert [(h["call_id"], h["outcome"], h["notes"]) for h in history] == [
        (call_id, "callback", "wants a quote")
    ]
    assert history[0]["agent"] == "alice" and history[0]["direction"] == "inbound"


async def test_reload_changes_the_desktop_settings_of_new_welcomes(server: Server) -> None:
    before = await server.agent(ALICE_TOKEN)
    assert before.welcome["settings"]["crm_url"] is None
    assert "resolved" in before.welcome["settings"]["dispositions"]
    assert before.welcome["capabilities"] == [
        "call.hangup",
        "call.hold",
        "call.resume",
        "call.transfer",
        "call.dial",
        "interaction.accept",
        "interaction.decline",
        "interaction.reply",
        "interaction.close",
        "interaction.typing",
    ]
    extra = "desktop:\n  crm_url: https://crm.example.com/c/{contact_id}\n  dispositions: [done]\n"
    write_config(server.config_dir, server.pbx.port, extra)
    assert await server.app.reload(server.load()) == []
    after = await server.agent(ALICE_TOKEN)
    assert after.welcome["settings"] == {
        "crm_url": "https://crm.example.com/c/{contact_id}",
        "dispositions": ["done"],
        "pause_reasons": ["lunch", "break", "training", "meeting"],
    }
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=RINGING)
    await after.event("call.ringing")
    status, answer = await post_note(
        server, ALICE_TOKEN, {"call_id": call_id, "disposition": "resolved"}
    )
    assert (status, answer["error"]) == (400, "bad-args")
    assert (await post_note(server, ALICE_TOKEN, {"call_id": call_id, "disposition": "done"}))[
        0
    ] == 201


async def test_welcome_pause_reasons_are_those_the_server_accepts_until_a_restart(
    server: Server,
) -> None:
    """queues.pause_reasons needs a restart: until then the agent commands still accept
    the old reasons, so the desktops must still be offered those, not the new ones."""
    write_config(server.config_dir, server.pbx.port, "queues:\n  pause_reasons: [coffee]\n")
    assert await server.app.reload(server.load()) == ["queues.pause_reasons"]
    welcome = (await server.agent(ALICE_TOKEN)).welcome
    assert welcome["settings"]["pause_reasons"] == ["lunch", "break", "training", "meeting"]
    assert server.app.agent_control.pause_reasons == ("lunch", "break", "training", "meeting")
