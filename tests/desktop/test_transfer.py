"""An attended transfer that falls through, on real widgets against the broker and the
simulated PBX: the transferer's card says why, in plain words, and gives back the
ordinary in-call buttons (the caller is back on the line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PyQt6.QtWidgets import QWidget

from cti.protocol import CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER
from desktop.board import Phase
from desktop.connection import CommandOutcome
from desktop.controls import TRANSFER_CANCEL, TRANSFER_COMPLETE
from desktop.widgets.popcard import PopCard
from desktop.widgets.window import MainWindow
from tests.desktop.conftest import (
    ALICE,
    BOB_TOKEN,
    LONG_MS,
    LiveServer,
    WindowFactory,
    plan_talking,
    until,
)

NO_ANSWER_S = 2.0  # real seconds until the simulated Asterisk gives up on the target


def talking_card(server: LiveServer, window: MainWindow) -> PopCard:
    """Alice's card of a call she answered and talks on."""
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=ALICE, plan=plan_talking())
    )
    server.run(until(lambda: call_id in window.cards))
    board = window.controller.board
    server.run(until(lambda: board.get(call_id).phase is Phase.ANSWERED))  # type: ignore[union-attr]
    return window.cards[call_id]


def consultations(server: LiveServer, answer_after: float) -> None:
    """How the simulator plays the next consultation: the target answers after
    `answer_after` (simulated s), and nobody completes the transfer or hangs up on their
    own afterwards (the simulator draws both from these ranges at Atxfer and at cancel)."""
    server.pbx.answer_delay = (answer_after, answer_after)
    server.pbx.talk_time = (LONG_MS, LONG_MS)


def start_attended_transfer(card: PopCard, target: str) -> None:
    controls = card.controls
    controls.target.setEditText(target)
    controls.mode.setCurrentIndex(controls.mode.findData("attended"))
    controls.buttons[CMD_TRANSFER].click()


def hold_results_until(window: MainWindow, condition: Callable[[], bool]) -> None:
    """Command results reach the controller only once `condition` holds, as when the
    broker's events overtake a result on a busy machine (only the timing is changed)."""
    connection = window.controller.connection
    assert connection is not None
    command = connection.command

    async def late(name: str, args: dict[str, Any]) -> CommandOutcome:
        outcome = await command(name, args)
        await until(condition)
        return outcome

    connection.command = late  # type: ignore[method-assign]


def steps_shown(card: PopCard) -> bool:
    buttons = card.controls.buttons
    return any(not buttons[name].isHidden() for name in (TRANSFER_COMPLETE, TRANSFER_CANCEL))


def in_view(card: PopCard, widget: QWidget) -> bool:
    """The whole widget shows in the card's visible area, with no scrolling."""
    viewport = card.scroll_area.viewport()
    assert viewport is not None
    corner = widget.mapTo(viewport, widget.rect().bottomRight())
    return widget.isVisible() and viewport.rect().contains(corner)


def wait_until_back_in_conversation(
    server: LiveServer, window: MainWindow, card: PopCard, banner: str
) -> None:
    """Until the failure is on the card, the caller talks again and the start's result
    is in: a result that overtook or trailed the failure has then played its part."""
    record = window.controller.board.get(card.call_id)
    assert record is not None
    server.run(until(lambda: card.banner.text() == banner))
    server.run(until(lambda: record.phase is Phase.ANSWERED))
    server.run(until(lambda: card.controls.result.text()))
    assert card.controls.result.text().startswith("Transfer: done")


def assert_in_call_controls_are_back(card: PopCard, banner: str) -> None:
    assert card.banner.text() == banner and card.banner.isVisibleTo(card)
    assert card.status.text() == "In conversation"
    assert not steps_shown(card), "Complete/Cancel transfer must go once the transfer failed"
    buttons = card.controls.buttons
    for name in (CMD_HOLD, CMD_TRANSFER, CMD_HANGUP):
        assert buttons[name].isEnabled(), (name, buttons[name].toolTip())
    assert not buttons[CMD_RESUME].isEnabled()
    assert card.controls.target.isEnabled() and card.controls.mode.isEnabled()


def test_cancelled_attended_transfer_puts_the_caller_back_on_the_card(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    window.resize(900, 640)  # the README screenshots' size
    card = talking_card(server, window)
    consultations(server, answer_after=LONG_MS)
    server.pbx.builder.noanswer_timeout = LONG_MS * 2  # Asterisk never gives up on its own
    start_attended_transfer(card, "1002")
    server.run(until(lambda: steps_shown(card)))
    buttons = card.controls.buttons
    server.run(until(lambda: in_view(card, buttons[TRANSFER_CANCEL])))
    assert in_view(card, buttons[CMD_HANGUP]), "the steps must not widen the card"
    assert not card.scroll_area.horizontalScrollBar().isVisible()  # type: ignore[union-attr]
    assert buttons[TRANSFER_CANCEL].isEnabled() and buttons[TRANSFER_COMPLETE].isEnabled()
    assert card.banner.text() == (
        "Transfer to 1002: the caller is on hold while you consult; complete or cancel it"
    )
    for name in (CMD_HOLD, CMD_RESUME, CMD_TRANSFER):  # they would act on the consultation
        assert not buttons[name].isEnabled()
        assert buttons[name].toolTip() == (
            "A transfer to 1002 is in progress: complete or cancel it"
        )

    buttons[TRANSFER_CANCEL].click()
    banner = "Transfer to 1002 cancelled: the caller is back with you"
    record = window.controller.board.get(card.call_id)
    assert record is not None
    server.run(until(lambda: card.banner.text() == banner))
    server.run(until(lambda: record.phase is Phase.ANSWERED))
    server.run(until(lambda: "cancelled" in card.controls.result.text()))
    assert_in_call_controls_are_back(card, banner)


@pytest.mark.parametrize("result_order", ["result first", "result after the failure"])
def test_unanswered_attended_transfer_puts_the_caller_back_on_the_card(
    server: LiveServer, open_window: WindowFactory, result_order: str
) -> None:
    """Asterisk gives up after atxfernoanswertimeout. The simulator's 15 s run at its time
    scale (15 ms here) would let the consultation start and end before the broker looks
    for it, so this test gives it 2 s. The broker's result for the start can still come
    after the failure; the second case makes sure it does by holding it back."""
    assert server.pbx.builder.noanswer_timeout == 15.0 and server.pbx.time_scale == 0.001
    server.pbx.builder.noanswer_timeout = NO_ANSWER_S / server.pbx.time_scale
    window = open_window()
    open_window(token=BOB_TOKEN)  # the target's desktop rings, then its pop is retracted
    card = talking_card(server, window)
    if result_order == "result after the failure":
        record = window.controller.board.get(card.call_id)
        assert record is not None
        hold_results_until(window, lambda: record.failed_transfer is not None)
    consultations(server, answer_after=LONG_MS)
    start_attended_transfer(card, "1002")
    banner = "Transfer to 1002 not answered: the caller is back with you"
    wait_until_back_in_conversation(server, window, card, banner)
    assert_in_call_controls_are_back(card, banner)


def test_target_hanging_up_after_answering_puts_the_caller_back_on_the_card(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    bob = open_window(token=BOB_TOKEN)
    card = talking_card(server, window)
    consultations(server, answer_after=1.0)  # bob picks up the consultation at once
    start_attended_transfer(card, "1002")
    call_id = card.call_id
    server.run(until(lambda: call_id in bob.cards))
    bob_board = bob.controller.board
    server.run(until(lambda: bob_board.get(call_id).phase is Phase.ANSWERED))  # type: ignore[union-attr]
    server.run(until(lambda: steps_shown(card)))
    assert card.banner.text() == "1002 answered: complete the transfer, or cancel it"

    bob.cards[call_id].controls.buttons[CMD_HANGUP].click()  # bob declines the caller
    banner = "1002 hung up: the caller is back with you"
    wait_until_back_in_conversation(server, window, card, banner)
    assert_in_call_controls_are_back(card, banner)
