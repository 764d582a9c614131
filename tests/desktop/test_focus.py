"""A new pop never moves another call's buttons under an agent who is on a call."""

from __future__ import annotations

from desktop.board import Phase
from desktop.widgets.deck import RINGING_TAB
from tests.desktop.conftest import (
    ALICE,
    LiveServer,
    WindowFactory,
    plan_ringing,
    plan_talking,
    until,
)

TALKING = plan_talking(0.5)
RINGING = plan_ringing()
STRANGER = ("+14155550777", "Second Caller")


def test_a_call_ringing_during_a_conversation_opens_behind_it_and_is_marked(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    talking = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=TALKING))
    server.run(until(lambda: talking in window.cards))
    board = window.controller.board
    server.run(until(lambda: board.get(talking).phase is Phase.ANSWERED))  # type: ignore[union-attr]
    assert window.deck.currentWidget() is window.cards[talking]

    ringing = server.run(
        server.pbx.place_call("direct", target="1001", caller=STRANGER, plan=RINGING)
    )
    server.run(until(lambda: ringing in window.cards))
    assert window.deck.currentWidget() is window.cards[talking], "the conversation stays in front"
    tabs = window.deck.tabBar()
    assert tabs is not None
    assert tabs.tabTextColor(window.deck.indexOf(window.cards[ringing])) == RINGING_TAB
    assert "Ringing" in window.deck.tabText(window.deck.indexOf(window.cards[ringing]))


def test_a_call_ringing_while_the_agent_is_free_comes_to_the_front(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    first = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: first in window.cards))
    second = server.run(
        server.pbx.place_call("direct", target="1001", caller=STRANGER, plan=RINGING)
    )
    server.run(until(lambda: second in window.cards))
    assert window.deck.currentWidget() is window.cards[second]
