"""Each call control sends its command to the real broker, and the card shows the
broker's answer - success, refusal or error - never a pretended success."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from cti.protocol import CMD_ANSWER, CMD_DIAL, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER
from cti.sim import CallPlan
from desktop.board import Phase
from desktop.controls import CALLER_BUSY
from desktop.widgets.window import MainWindow
from tests.desktop.conftest import (
    ALICE,
    ALICE_TOKEN,
    BOB_TOKEN,
    LONG_MS,
    LiveServer,
    WindowFactory,
    plan_ringing,
    plan_talking,
    until,
)

RINGING = plan_ringing()
TALKING = plan_talking(1.0)


def pop_call(server: LiveServer, window: MainWindow, plan: CallPlan) -> str:
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=plan))
    server.run(until(lambda: call_id in window.cards))
    if plan.answer_by:
        server.run(until(lambda: window.controller.board.get(call_id).phase is Phase.ANSWERED))  # type: ignore[union-attr]
    return call_id


def result_text(window: MainWindow, call_id: str) -> str:
    return window.cards[call_id].controls.result.text()


async def rest_command(server: LiveServer, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """The same command over REST: the broker's own answer to compare with."""
    headers = {"Authorization": f"Bearer {ALICE_TOKEN}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{server.url}/api/commands", json={"name": name, "args": args}, headers=headers
        ) as response,
    ):
        body: dict[str, Any] = await response.json()
        return body


def test_answer_is_not_offered_for_a_phone_without_remote_answer_and_says_why(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(token=BOB_TOKEN)  # bob's phone model does not answer on NOTIFY
    capabilities = window.controller.capabilities
    assert capabilities is not None and CMD_ANSWER not in capabilities
    assert {CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_DIAL} <= set(capabilities)
    call_id = server.run(server.pbx.place_call("direct", target="1002", caller=ALICE, plan=RINGING))
    server.run(until(lambda: call_id in window.cards))
    button = window.cards[call_id].controls.buttons[CMD_ANSWER]
    assert not button.isEnabled()
    assert "not available for your phone" in button.toolTip()
    assert window.cards[call_id].controls.buttons[CMD_HANGUP].isEnabled()


def test_hangup_ends_the_call_and_shows_the_brokers_answer(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = pop_call(server, window, TALKING)
    card = window.cards[call_id]
    assert card.controls.buttons[CMD_HANGUP].isEnabled()

    card.controls.buttons[CMD_HANGUP].click()
    server.run(until(lambda: result_text(window, call_id)))
    assert result_text(window, call_id).startswith("Hang up: done - ")  # + the broker's text
    server.run(until(lambda: window.controller.board.get(call_id).phase is Phase.ENDED))  # type: ignore[union-attr]
    assert not card.controls.buttons[CMD_HANGUP].isEnabled()
    assert card.after_call.isVisible()


def test_hangup_of_a_call_that_is_gone_shows_the_brokers_error(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = pop_call(server, window, TALKING)
    server.run(window.controller.connection.drop())  # type: ignore[union-attr]
    server.run(until(lambda: not window.controller.connected))
    # The call ends while the desktop is away: it still thinks the call is live.
    pbx_call = server.pbx.calls[call_id]
    server.run(_hang_up_on_pbx(server, pbx_call))
    server.run(until(lambda: window.controller.connected))
    broker = server.run(rest_command(server, CMD_HANGUP, {"call_id": call_id}))
    assert broker["ok"] is False

    window.controller.hangup(call_id)
    server.run(until(lambda: result_text(window, call_id)))
    text = result_text(window, call_id)
    assert text == f"Hang up failed: {broker['message']}"  # the server's words, no error id


async def _hang_up_on_pbx(server: LiveServer, pbx_call: Any) -> None:
    headers = {"Authorization": f"Bearer {ALICE_TOKEN}"}
    async with aiohttp.ClientSession() as session:
        url = f"{server.url}/api/calls/{pbx_call.call_id}/hangup"
        async with session.post(url, headers=headers) as response:
            assert response.status == 200
    await until(lambda: server.app.context.broker.calls.get(pbx_call.call_id) is None)


def test_a_command_the_broker_refuses_reads_as_a_failure(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = pop_call(server, window, RINGING)
    broker = server.run(rest_command(server, "call.park", {"call_id": call_id}))

    window.controller.send("call.park", {"call_id": call_id}, call_id)
    server.run(until(lambda: result_text(window, call_id)))
    text = result_text(window, call_id)
    assert broker["error"] == "unknown-command"
    assert text == f"call.park failed: {broker['message']}"
    assert window.cards[call_id].controls.result.property("ok") is False


def test_dial_places_a_call_from_the_agents_extension(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    offered(window, CMD_DIAL)
    window.dialbar.number.setText(ALICE[0])
    window.dialbar.dial.click()
    server.run(until(lambda: window.dialbar.result.text()))
    assert window.dialbar.result.text().startswith("Dial: done - ")
    # The PBX rings the agent's own phone first: that outbound call pops too.
    server.run(until(lambda: len(window.cards) == 1))
    (card,) = window.cards.values()
    assert card.title.text() == "Alice Example"


def test_controls_are_disabled_while_disconnected(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(url=server.proxied_url)
    call_id = pop_call(server, window, TALKING)
    hangup = window.cards[call_id].controls.buttons[CMD_HANGUP]
    assert hangup.isEnabled()
    server.proxy.cut()
    server.run(until(lambda: window.controller.link_state.value == "reconnecting"))
    assert window.link.text().startswith("Disconnected - reconnecting")
    assert not hangup.isEnabled()
    assert hangup.toolTip() == "Not connected to the server"
    assert not window.dialbar.dial.isEnabled()
    assert window.dialbar.dial.toolTip() == "Not connected to the server"
    server.proxy.restore()
    server.run(until(lambda: window.controller.connected))
    assert hangup.isEnabled()


def offered(window: MainWindow, name: str) -> None:
    assert name in (window.controller.capabilities or ()), f"the test server offers {name}"


def phase_of(window: MainWindow, call_id: str) -> Phase | None:
    record = window.controller.board.get(call_id)
    return record.phase if record is not None else None


def test_answer_button_answers_a_ringing_call(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    offered(window, CMD_ANSWER)
    call_id = pop_call(server, window, RINGING)
    window.cards[call_id].controls.buttons[CMD_ANSWER].click()
    server.run(until(lambda: result_text(window, call_id)))
    assert result_text(window, call_id).startswith("Answer: done")
    server.run(until(lambda: phase_of(window, call_id) is Phase.ANSWERED))
    assert window.cards[call_id].status.text() == "In conversation"


def test_hold_then_resume_follow_the_call_state(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    offered(window, CMD_HOLD)
    offered(window, CMD_RESUME)
    call_id = pop_call(server, window, TALKING)
    controls = window.cards[call_id].controls
    assert not controls.buttons[CMD_RESUME].isEnabled()
    # The simulator draws the resumed call's talk time (5-40 ms at this time scale): a
    # busy machine could see it resumed and ended between two looks at the card.
    server.pbx.talk_time = (LONG_MS, LONG_MS)
    controls.buttons[CMD_HOLD].click()
    server.run(until(lambda: phase_of(window, call_id) is Phase.HELD))
    assert controls.result.text().startswith("Hold: done")
    assert controls.buttons[CMD_RESUME].isEnabled() and not controls.buttons[CMD_HOLD].isEnabled()
    assert window.shortcut("hold") is True  # on a held call the hold key resumes
    server.run(until(lambda: phase_of(window, call_id) is Phase.ANSWERED))
    server.run(until(lambda: controls.result.text().startswith("Resume")))
    assert controls.result.text().startswith("Resume: done")


@pytest.mark.parametrize("mode", ["blind", "attended"])
def test_transfer_to_a_colleague_moves_the_call_away(
    server: LiveServer, open_window: WindowFactory, mode: str
) -> None:
    window = open_window()
    offered(window, CMD_TRANSFER)
    call_id = pop_call(server, window, TALKING)
    controls = window.cards[call_id].controls
    controls.target.setEditText("1002")
    controls.mode.setCurrentIndex(controls.mode.findData(mode))
    controls.buttons[CMD_TRANSFER].click()
    server.run(until(lambda: controls.result.text()))
    assert controls.result.text().startswith("Transfer: done"), controls.result.text()
    server.run(until(lambda: phase_of(window, call_id) is Phase.ENDED))
    assert window.cards[call_id].banner.text() == "Transferred to 1002"


def test_click_to_dial_finds_a_contact_and_dials_its_number(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    offered(window, CMD_DIAL)
    bar = window.dialbar
    bar.query.setText("alice")
    bar.find_button.click()
    server.run(until(lambda: bar.results.count() == 1))
    bar.results.itemActivated.emit(bar.results.item(0))  # the contact: load its numbers
    server.run(until(lambda: "+14155550123" in (bar.results.item(0) or bar).text()))  # type: ignore[union-attr]
    row = bar.results.item(0)
    assert row is not None and row.text() == "Call Alice Example  +14155550123 (mobile)"
    bar.results.itemActivated.emit(row)
    server.run(until(lambda: bar.result.text().startswith("Dial")))
    assert bar.result.text().startswith("Dial: done - ")
    server.run(until(lambda: len(window.cards) == 1))  # the outbound call pops


def test_call_back_on_the_card_dials_the_caller_once_their_call_has_ended(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    offered(window, CMD_DIAL)
    call_id = pop_call(server, window, TALKING)
    card = window.cards[call_id]
    assert not card.call_back.isEnabled()  # the caller is still on the line
    assert card.call_back.toolTip() == CALLER_BUSY
    card.controls.buttons[CMD_HANGUP].click()
    server.run(until(lambda: phase_of(window, call_id) is Phase.ENDED))
    assert card.call_back.isEnabled()
    assert card.call_back.toolTip() == f"Call {ALICE[0]} now"
    card.call_back.click()
    server.run(until(lambda: window.dialbar.result.text()))
    assert window.dialbar.result.text().startswith("Dial: done - ")
    server.run(until(lambda: len(window.cards) == 2))  # the PBX rings the agent: a new pop
    (outbound,) = (c for cid, c in window.cards.items() if cid != call_id)
    assert outbound.number.text() == ALICE[0]
