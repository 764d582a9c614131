"""A ring from the real broker pops a card with the caller, the contact and why they call."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel

from desktop.widgets.window import MainWindow
from tests.desktop.conftest import (
    ALICE,
    SHARED_NUMBER,
    LiveServer,
    WindowFactory,
    plan_ringing,
    until,
)

RINGING = plan_ringing()  # rings for the whole test


def card_texts(window: MainWindow, call_id: str) -> dict[str, str]:
    card = window.cards[call_id]
    texts = {name: label.text() for name, label in card.contact_labels.items()}
    texts |= {
        "title": card.title.text(),
        "number": card.number.text(),
        "reason": card.reason.text(),
        "tags": card.tags.text(),
        "status": card.status.text(),
        "history": card.history.text(),
    }
    return texts


def test_ringing_call_pops_a_visible_card_with_contact_and_queue(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    shown: list[str] = []
    window.card_shown.connect(shown.append)

    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: call_id in shown))

    card = window.cards[call_id]
    assert card.isVisible()
    texts = card_texts(window, call_id)
    assert texts["title"] == "Alice Example"
    assert texts["number"] == ALICE[0]
    assert texts["status"] == "Ringing"
    assert texts["Company"] == "Example Inc"
    assert texts["Email"] == "alice@example.test"
    assert texts["Notes"] == "Prefers mornings"
    assert texts["tags"] == "vip, beta"
    assert texts["reason"] == "dialled 1001"
    assert texts["history"] == "No earlier interactions"
    assert not card.create_form.isVisible()


def test_every_label_is_plain_text(server: LiveServer, open_window: WindowFactory) -> None:
    window = open_window()
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: call_id in window.cards))
    labels = window.findChildren(QLabel)
    assert len(labels) > 20
    rich = [
        label.objectName() or label.text()
        for label in labels
        if label.textFormat() != Qt.TextFormat.PlainText
    ]
    assert rich == []


def test_html_and_control_characters_in_the_caller_name_show_literally(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    name = "<b>x</b><img src=x>\x07Bob\u202eevil"
    caller = ("+14155550777", name)
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=caller, plan=RINGING)
    )
    server.run(until(lambda: call_id in window.cards))

    title = window.cards[call_id].title
    assert title.textFormat() == Qt.TextFormat.PlainText
    assert title.text() == "<b>x</b><img src=x>\u2407Bob\ufffdevil"
    assert window.cards[call_id].create_form.isVisible()  # unknown number: offer to create


def test_several_matches_show_a_chooser_and_the_chosen_contact(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    caller = (SHARED_NUMBER, "SMITH")
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=caller, plan=RINGING)
    )
    server.run(until(lambda: call_id in window.cards))
    card = window.cards[call_id]
    assert card.matches_box.isVisible()
    items = [card.matches.itemText(i) for i in range(card.matches.count())]
    assert sorted(items) == ["Sam Smith - Smith & Co", "Sam Smith Jr - Smith Junior"]
    assert not card.create_form.isVisible()

    index = items.index("Sam Smith Jr - Smith Junior")
    card.matches.activated.emit(index)
    server.run(until(lambda: card.contact_labels.get("Company") is not None))
    server.run(until(lambda: card.title.text() == "Sam Smith Jr"))
    assert card.contact_labels["Company"].text() == "Smith Junior"
    record = window.controller.board.get(call_id)
    assert record is not None and record.contact is not None
    server.run(until(lambda: "phones" in record.contact))  # type: ignore[operator]
