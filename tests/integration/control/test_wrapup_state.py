"""The wrap-up as the agent's desktop sees it: `agent.state` wrap-up with the moment it
ends (`wrapup_until`), then available once the note is saved; on the simulator's queue
over real sockets, with the wrap-up server of test_wrapup."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from tests.integration.control.test_wrapup import SHORT, post_note, server  # noqa: F401
from tests.integration.serve.conftest import ALICE, ALICE_TOKEN, Agent, Server, until


async def next_state(agent: Agent, **wanted: Any) -> dict[str, Any]:
    """The data of the agent's next `agent.state` whose fields are `wanted`."""
    while True:
        data: dict[str, Any] = (await agent.event("agent.state", timeout=30))["data"]
        if all(data[key] == value for key, value in wanted.items()):
            return data


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


async def test_wrap_up_shows_with_its_end_then_the_note_makes_the_agent_available(
    server: Server,  # noqa: F811
) -> None:
    alice = await server.agent(ALICE_TOKEN)
    await until(lambda: server.app.members.of_extension("1001") != [], timeout=30)
    call_id = await server.pbx.place_call("queue", target="support", caller=ALICE, plan=SHORT)
    assert (await next_state(alice, state="on-call"))["call_id"] == call_id
    wrap = await next_state(alice, state="wrap-up")
    assert wrap["reason"] == "wrap-up" and wrap["call_id"] is None
    assert wrap["wrapup_until"] is not None, "the wrap-up timer told the board"
    assert abs(epoch(wrap["wrapup_until"]) - (time.time() + 3600)) < 120, "wrapup_seconds"
    assert {(seat["queue"], seat["reason"]) for seat in wrap["queues"]} >= {("support", "wrap-up")}
    assert (await post_note(server, call_id))[0] == 201
    after = await next_state(alice, state="available")
    assert after["wrapup_until"] is None
