"""The interaction cards, the agent bar's channel count and the wallboard's universal
queue as real widgets of a real window, fed the broker's frames (no server: what the
frames carry is checked in `test_interactions_logic`, the round trip in
`test_interactions_live`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QLabel

from desktop.connection import LinkState
from desktop.main import build_main_window
from desktop.prefs import DesktopPrefs
from desktop.welcome import parse_welcome
from desktop.widgets.interactioncard import InteractionCard
from desktop.widgets.window import MainWindow
from tests.desktop.test_interactions_logic import HOSTILE, accepted, message, offered

AGENT = {"agent": "alice", "extension": "1001", "seq": 0,
         "settings": {"dispositions": ["resolved", "spam"]}}  # fmt: skip


@pytest.fixture
def window(loop: Any, qtbot: Any, prefs: DesktopPrefs) -> Iterator[MainWindow]:
    """Not connected; commands the cards send become tasks of `loop` that never run."""
    shown = build_main_window("http://127.0.0.1:1", "token-not-used", prefs=prefs)
    qtbot.addWidget(shown)
    shown.controller.on_welcome(parse_welcome(AGENT), True)
    yield shown


def card_of(window: MainWindow, iid: str = "i-1") -> InteractionCard:
    card = window.interaction_tabs.cards.get(iid)
    assert card is not None, f"no card for {iid}"
    return card


def feed(window: MainWindow, *events: tuple[str, dict[str, Any]]) -> None:
    for kind, data in events:
        window.controller.on_event(kind, data)


def test_an_offer_opens_a_card_in_the_call_deck_with_accept_decline_and_countdown(
    window: MainWindow,
) -> None:
    feed(window, ("interaction.offered", offered()))
    card = card_of(window)
    assert window.deck.indexOf(card) >= 0 and window.deck.currentWidget() is card
    assert card.offer.isVisibleTo(card) and not card.reply_box.isVisibleTo(card)
    assert card.offer.countdown.text().startswith("Accept within")
    assert card.offer.preview.text() == "Hello, my invoice is wrong"
    assert window.deck.tabText(window.deck.indexOf(card)) == "Offer: Email - Unknown sender"
    assert not window.empty.isVisibleTo(window)


def test_an_expired_offer_leaves_the_deck(window: MainWindow) -> None:
    feed(window, ("interaction.offered", offered()))
    feed(window, ("interaction.ended", {"interaction_id": "i-1", "reason": "expired"}))
    assert "i-1" not in window.interaction_tabs.cards
    assert window.deck.count() == 0 and window.controller.interactions.board.get("i-1") is None


def test_customer_text_shows_literally_never_as_markup(window: MainWindow) -> None:
    feed(
        window,
        ("interaction.offered", offered(subject=HOSTILE, text=HOSTILE)),
        ("interaction.accepted", accepted()),
        ("interaction.message", message(text=HOSTILE, author=HOSTILE)),
    )
    card = card_of(window)
    labels = [card.subject, *(w for item in card.thread_items for w in (item.header, item.text))]
    assert card.subject.text() == HOSTILE and card.thread_items[0].text.text() == HOSTILE
    assert card.thread_items[0].header.text().startswith(HOSTILE)
    assert all(label.textFormat() is Qt.TextFormat.PlainText for label in labels)
    assert all(label.textFormat() is Qt.TextFormat.PlainText for label in card.findChildren(QLabel))


def test_an_accepted_email_shows_its_thread_reply_box_and_dispositions(
    window: MainWindow,
) -> None:
    files = [{"filename": "invoice.pdf", "content_type": "application/pdf", "size": 2048}]
    feed(
        window,
        ("interaction.offered", offered()),
        ("interaction.accepted", accepted()),
        ("interaction.message", message(attachments=files)),
    )
    card = card_of(window)
    assert not card.offer.isVisibleTo(card) and card.reply_box.isVisibleTo(card)
    assert card.thread_items[0].files.text() == "Attachments:\ninvoice.pdf (2 KB, application/pdf)"
    assert [card.disposition.itemData(i) for i in range(card.disposition.count())] == [
        "resolved",
        "spam",
    ]
    assert card.linker.isVisibleTo(card)  # an unknown sender: link or create a contact
    assert card.linker.email.text() == "carol@example.test"


def test_typing_goes_out_once_on_and_once_off_after_the_agent_stops(
    window: MainWindow, qtbot: Any
) -> None:
    feed(window, ("interaction.offered", offered()), ("interaction.accepted", accepted()))
    card = card_of(window)
    card.typing_idle.setInterval(200)
    sent: list[bool] = []
    card.typing_changed.connect(lambda _, on: sent.append(on))
    for text in ("H", "He", "Hel", "Hell", "Hello"):
        card.reply.setPlainText(text)
    assert sent == [True]
    qtbot.waitUntil(lambda: sent == [True, False], timeout=30_000)
    card.reply.setPlainText("Hello again")
    card.send.click()  # sending ends the typing at once
    assert sent == [True, False, True, False]


def test_close_needs_a_disposition_and_a_blank_reply_is_not_sent(window: MainWindow) -> None:
    feed(window, ("interaction.offered", offered()), ("interaction.accepted", accepted()))
    card = card_of(window)
    asked: list[tuple[str, ...]] = []
    card.reply_requested.connect(lambda iid, text: asked.append(("reply", text)))
    card.close_requested.connect(lambda iid, disposition: asked.append(("close", disposition)))
    card.reply.setPlainText("   \n")
    card.send.click()
    assert asked == [] and card.result.text() == "Write a reply first"
    card.disposition.clear()
    card.close_button.click()
    assert asked == [] and card.result.text() == "Choose a disposition first"


def test_the_tab_cross_does_not_drop_an_open_interaction(window: MainWindow) -> None:
    feed(window, ("interaction.offered", offered()), ("interaction.accepted", accepted()))
    card = card_of(window)
    window.deck.tabCloseRequested.emit(window.deck.indexOf(card))
    assert window.interaction_tabs.cards.get("i-1") is card
    assert card.result.text() == "Close it with a disposition first"


def test_a_chat_whose_visitor_left_stays_until_dismissed(window: MainWindow) -> None:
    feed(
        window,
        ("interaction.offered", offered(channel="chat", subject=None)),
        ("interaction.accepted", accepted()),
        ("interaction.ended", {"interaction_id": "i-1", "reason": "visitor_left"}),
    )
    card = card_of(window)
    assert card.status.text() == "The visitor left the chat"
    assert not card.reply_box.isVisibleTo(card) and card.dismiss.isVisibleTo(card)
    card.dismiss.click()
    assert "i-1" not in window.interaction_tabs.cards


def test_the_agent_bar_counts_held_interactions_and_says_pause_covers_them(
    window: MainWindow,
) -> None:
    seat = {"queue": "support", "interface": "PJSIP/1001", "paused": False}
    own = {"agent": "alice", "extension": "1001", "state": "available", "queues": [seat]}
    welcome = {**AGENT, "agent_state": own, "settings": {"pause_reasons": ["lunch"]},
               "capabilities": ["agent.pause", "agent.unpause"]}  # fmt: skip
    window.controller.on_welcome(parse_welcome(welcome), True)
    window.controller.on_link(LinkState.CONNECTED, "")  # the selector offers Pause
    feed(
        window,
        *(("interaction.offered", offered(f"c{n}", "chat")) for n in range(2)),
        ("interaction.offered", offered("e1")),
        *(("interaction.accepted", accepted(iid)) for iid in ("c0", "c1", "e1")),
    )
    window.centre.refresh()
    bar = window.agentbar
    assert bar.held.text() == "email 1 · chat 2" and bar.held.isVisibleTo(bar)
    pause = bar.buttons["pause"]
    assert pause.isEnabled() and "emails, chats and web forms" in pause.toolTip()


def test_a_reconnect_welcome_rebuilds_the_offers_and_cards(window: MainWindow) -> None:
    feed(window, ("interaction.offered", offered("i-gone")))
    entries = [
        {**offered("i-1"), "status": "offered", "messages": []},
        {**offered("i-2", "chat", subject=None), "status": "active", "offer_expires_at": None,
         "messages": [message("i-2"), message("i-2", "m-2", direction="out", author="alice")]},
    ]  # fmt: skip
    window.controller.on_welcome(parse_welcome({**AGENT, "interactions": entries}), False)
    assert sorted(window.interaction_tabs.cards) == ["i-1", "i-2"]
    assert card_of(window, "i-1").offer.isVisibleTo(card_of(window, "i-1"))
    chat = card_of(window, "i-2")
    assert len(chat.thread_items) == 2 and chat.reply_box.isVisibleTo(chat)


def test_the_wallboard_shows_the_universal_queue_with_late_channels_in_alarm_colour(
    window: MainWindow,
) -> None:
    lines = [
        {"channel": "email", "waiting": 1, "oldest_seconds": 60, "target": 14400},
        {"channel": "chat", "waiting": 3, "oldest_seconds": 95, "target": 30},
    ]
    supervisor = {"agent": "sue", "extension": "9000", "seq": 0, "agents": [],
                  "interactions_queue": lines}  # fmt: skip
    window.controller.on_welcome(parse_welcome(supervisor), True)
    webform = {"channel": "webform", "waiting": 0, "oldest_seconds": 0, "target": 3600}
    feed(window, ("interactions.queue", webform))
    window.centre.refresh()
    wallboard = window.centre.wallboard
    assert wallboard is not None
    table = wallboard.channels
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]  # type: ignore[union-attr]
    assert [row[0] for row in rows] == ["Email", "Chat", "Web form"]
    assert rows[1][1:] == ["3", rows[1][2], "30 s"] and rows[1][2].startswith("1:3")
    assert rows[2][1:] == ["0", "", "1 h"]
    alarm = QColor("#b71c1c")
    colours = [table.item(r, 2).foreground().color() for r in range(3)]  # type: ignore[union-attr]
    assert colours[1] == alarm and colours[0] != alarm and colours[2] != alarm


def test_the_chat_visitor_typing_shows_until_their_message_arrives(window: MainWindow) -> None:
    chat = offered(channel="chat", subject=None)
    feed(window, ("interaction.offered", chat), ("interaction.accepted", accepted()))
    card = card_of(window)
    assert not card.customer_typing.isVisibleTo(card)
    feed(window, ("interaction.typing", {"interaction_id": "i-1", "on": True}))
    assert card.customer_typing.isVisibleTo(card)
    assert card.customer_typing.text() == "Visitor is typing..."
    feed(window, ("interaction.typing", {"interaction_id": "i-1", "on": "yes"}))  # malformed
    assert card.customer_typing.isVisibleTo(card)
    feed(window, ("interaction.message", message(author="Visitor")))
    assert not card.customer_typing.isVisibleTo(card)
