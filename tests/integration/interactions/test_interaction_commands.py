"""The interaction.* commands over a real broker's WebSocket and REST: an agent acts on
its own interaction only, a supervisor may close any, bad arguments are refused before
the centre is asked, and the welcome lists the commands only when a centre is there."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from cti.broker.interaction_commands import INTERACTION_COMMANDS, MAX_REPLY_CHARS
from cti.interactions.router import AgentAvailability
from cti.protocol import AVAILABLE
from tests.integration.interactions.conftest import Desk, Desktop, StartDesk

ALICE, BOB, SUE = "tok-alice", "tok-bob", "tok-sue"


async def offered_to_alice(desk: Desk, alice: Desktop, text: str = "My router blinks") -> str:
    desk.mail(text)
    offer = await alice.event("interaction.offered", text=text)
    return str(offer["data"]["interaction_id"])


async def accepted_by_alice(desk: Desk, alice: Desktop) -> str:
    interaction_id = await offered_to_alice(desk, alice)
    result = await alice.command("interaction.accept", interaction_id=interaction_id)
    assert result["ok"], result
    return interaction_id


def error(result: dict[str, Any]) -> str | None:
    assert result["ok"] == (result["error"] is None), result
    return result["error"]


async def test_welcome_lists_the_interaction_commands_only_with_a_centre(
    start_desk: StartDesk,
) -> None:
    with_centre = await (await start_desk()).desktop(ALICE)
    assert set(INTERACTION_COMMANDS) <= set(with_centre.welcome["capabilities"])
    without = await (await start_desk(with_centre=False)).desktop(ALICE)
    assert not set(INTERACTION_COMMANDS) & set(without.welcome["capabilities"])


@pytest.mark.parametrize("name", INTERACTION_COMMANDS)
async def test_without_a_centre_every_interaction_command_is_not_configured(
    start_desk: StartDesk, name: str
) -> None:
    alice = await (await start_desk(with_centre=False)).desktop(ALICE)
    result = await alice.command(name, interaction_id="i-1", text="hi", on=True)
    assert error(result) == "not-configured"


async def test_an_agent_accepts_replies_and_closes_its_interaction(desk: Desk) -> None:
    alice = await desk.desktop(ALICE)
    interaction_id = await offered_to_alice(desk, alice)
    accept = await alice.command("interaction.accept", interaction_id=interaction_id)
    assert (accept["ok"], accept["message"]) == (True, f"interaction {interaction_id} is yours")
    accepted = await alice.event("interaction.accepted", interaction_id=interaction_id)
    assert accepted["data"]["agent"] == "alice"

    reply = await alice.command(
        "interaction.reply", interaction_id=interaction_id, text="Unplug it"
    )
    assert (reply["ok"], reply["message"]) == (True, "reply sent as <out-1@cti>")
    [sent] = desk.replies.sent
    assert (sent.thread_key, sent.text, sent.agent_name) == ("<root@x>", "Unplug it", "alice")
    out = await alice.event("interaction.message", direction="out")
    assert (out["data"]["text"], out["data"]["author"]) == ("Unplug it", "alice")

    typing = await alice.command("interaction.typing", interaction_id=interaction_id, on=True)
    assert typing["ok"], typing
    assert desk.replies.typing_calls == [("email", "<root@x>", "alice", True)]

    close = await alice.command(
        "interaction.close", interaction_id=interaction_id, disposition="resolved"
    )
    assert close["ok"], close
    ended = await alice.event("interaction.ended", interaction_id=interaction_id)
    assert ended["data"] == {
        "interaction_id": interaction_id,
        "reason": "closed",
        "disposition": "resolved",
    }
    again = await alice.command("interaction.reply", interaction_id=interaction_id, text="more")
    assert error(again) == "interaction-closed"
    assert len(desk.replies.sent) == 1


async def test_decline_offers_the_interaction_to_the_next_agent(desk: Desk) -> None:
    desk.staff.append(AgentAvailability("1002", AVAILABLE, time.time()))
    alice, bob = await desk.desktop(ALICE), await desk.desktop(BOB)
    interaction_id = await offered_to_alice(desk, alice)
    result = await alice.command("interaction.decline", interaction_id=interaction_id)
    assert result["ok"], result
    offer = await bob.event("interaction.offered", interaction_id=interaction_id)
    assert offer["data"]["channel"] == "email"
    late = await alice.command("interaction.accept", interaction_id=interaction_id)
    assert error(late) == "not-your-interaction"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("interaction.accept", {}),
        ("interaction.decline", {}),
        ("interaction.reply", {"text": "it is mine now"}),
        ("interaction.typing", {"on": True}),
        ("interaction.close", {"disposition": "resolved"}),
    ],
)
async def test_another_agent_cannot_act_on_an_interaction_not_its_own(
    desk: Desk, name: str, args: dict[str, Any]
) -> None:
    alice, bob = await desk.desktop(ALICE), await desk.desktop(BOB)
    interaction_id = await accepted_by_alice(desk, alice)
    result = await bob.command(name, interaction_id=interaction_id, **args)
    assert error(result) == "not-your-interaction"
    assert (desk.replies.sent, desk.replies.typing_calls) == ([], [])
    assert desk.centre is not None
    interaction = desk.centre.router.get(interaction_id)
    assert interaction is not None and (interaction.status, interaction.extension) == (
        "active",
        "1001",
    )


async def test_an_agent_cannot_close_an_offer_it_has_not_accepted(desk: Desk) -> None:
    alice = await desk.desktop(ALICE)
    interaction_id = await offered_to_alice(desk, alice)
    result = await alice.command(
        "interaction.close", interaction_id=interaction_id, disposition="resolved"
    )
    assert error(result) == "interaction-not-offered"


async def test_a_supervisor_closes_an_agents_interaction_and_the_agent_is_told(
    desk: Desk,
) -> None:
    alice, sue = await desk.desktop(ALICE), await desk.desktop(SUE)
    interaction_id = await accepted_by_alice(desk, alice)
    result = await sue.command(
        "interaction.close", interaction_id=interaction_id, disposition="escalated"
    )
    assert result["ok"], result
    ended = await alice.event("interaction.ended", interaction_id=interaction_id)
    assert ended["data"]["disposition"] == "escalated"
    await sue.event("interaction.ended", interaction_id=interaction_id)


async def test_a_supervisor_closes_an_interaction_nobody_took(desk: Desk) -> None:
    desk.staff.clear()  # nobody available: the mail waits
    sue = await desk.desktop(SUE)
    desk.mail("Buy cheap watches")
    assert desk.centre is not None
    [waiting] = desk.centre.router.open_interactions()
    result = await sue.command(
        "interaction.close", interaction_id=waiting.interaction_id, disposition="resolved"
    )
    assert result["ok"], result
    assert desk.centre.router.open_interactions() == []


async def test_a_supervisor_cannot_reply_in_an_agents_name(desk: Desk) -> None:
    alice, sue = await desk.desktop(ALICE), await desk.desktop(SUE)
    interaction_id = await accepted_by_alice(desk, alice)
    result = await sue.command("interaction.reply", interaction_id=interaction_id, text="hi")
    assert error(result) == "not-your-interaction"
    assert desk.replies.sent == []


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("interaction.accept", {}),
        ("interaction.accept", {"interaction_id": 7}),
        ("interaction.accept", {"interaction_id": "  "}),
        ("interaction.decline", {"interaction_id": "i-" + "0" * 200}),
        ("interaction.reply", {"interaction_id": "ID"}),
        ("interaction.reply", {"interaction_id": "ID", "text": "   \n"}),
        ("interaction.reply", {"interaction_id": "ID", "text": ["hi"]}),
        ("interaction.reply", {"interaction_id": "ID", "text": "x" * (MAX_REPLY_CHARS + 1)}),
        ("interaction.typing", {"interaction_id": "ID", "on": "yes"}),
        ("interaction.typing", {"interaction_id": "ID"}),
        ("interaction.close", {"interaction_id": "ID"}),
        ("interaction.close", {"interaction_id": "ID", "disposition": "whatever"}),
        ("interaction.close", {"interaction_id": "ID", "disposition": None}),
    ],
)
async def test_bad_arguments_are_refused_before_the_centre_acts(
    desk: Desk, name: str, args: dict[str, Any]
) -> None:
    alice = await desk.desktop(ALICE)
    interaction_id = await accepted_by_alice(desk, alice)
    args = {k: interaction_id if v == "ID" else v for k, v in args.items()}
    result = await alice.command(name, **args)
    assert error(result) == "bad-args"
    assert (desk.replies.sent, desk.replies.typing_calls) == ([], [])
    assert desk.centre is not None and desk.centre.router.open_interactions() != []


async def test_the_disposition_message_lists_the_allowed_outcomes(desk: Desk) -> None:
    alice = await desk.desktop(ALICE)
    interaction_id = await accepted_by_alice(desk, alice)
    result = await alice.command(
        "interaction.close", interaction_id=interaction_id, disposition="nah"
    )
    allowed = ", ".join(desk.ctx.broker.desktop.dispositions)
    assert result["message"] == f"argument 'disposition' must be one of: {allowed}"


async def test_an_unknown_interaction_is_no_such_interaction(desk: Desk) -> None:
    alice = await desk.desktop(ALICE)
    result = await alice.command("interaction.accept", interaction_id="i-nothing")
    assert error(result) == "no-such-interaction"


async def test_a_reply_on_a_channel_without_replies_is_not_configured(
    start_desk: StartDesk,
) -> None:
    desk = await start_desk(replies=False)
    alice = await desk.desktop(ALICE)
    interaction_id = await accepted_by_alice(desk, alice)
    result = await alice.command("interaction.reply", interaction_id=interaction_id, text="hi")
    assert error(result) == "not-configured"


async def test_a_slow_channel_answers_timeout_and_the_reply_still_goes_out(
    start_desk: StartDesk,
) -> None:
    desk = await start_desk(command_timeout=0.2)
    alice = await desk.desktop(ALICE)
    interaction_id = await accepted_by_alice(desk, alice)
    gate = desk.replies.gate = asyncio.Event()
    result = await alice.command("interaction.reply", interaction_id=interaction_id, text="late")
    assert error(result) == "timeout"
    gate.set()
    out = await alice.event("interaction.message", direction="out")
    assert out["data"]["text"] == "late"
    assert [o.text for o in desk.replies.sent] == ["late"]


async def test_rest_commands_carry_the_interaction_errors_statuses(desk: Desk) -> None:
    alice = await desk.desktop(ALICE)
    interaction_id = await accepted_by_alice(desk, alice)
    status, body = await desk.rest(
        BOB, "interaction.close", interaction_id=interaction_id, disposition="resolved"
    )
    assert (status, body["error"]) == (403, "not-your-interaction")
    status, body = await desk.rest(BOB, "interaction.accept", interaction_id="i-none")
    assert (status, body["error"]) == (404, "no-such-interaction")
    status, body = await desk.rest(
        ALICE, "interaction.reply", interaction_id=interaction_id, text="by REST"
    )
    assert (status, body["ok"]) == (200, True)
    assert [o.text for o in desk.replies.sent] == ["by REST"]
