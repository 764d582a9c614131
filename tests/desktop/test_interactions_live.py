"""The universal queue end to end on the desktop: work handed to the real CtiApp's
`InteractionCentre` is offered on alice's real window, accepted, answered (a recording
channel registered as the email or chat way out), closed with a disposition, and joins
the customer's history; an unknown sender is linked or created from the card; an offer
lapses or is declined; a reconnect rebuilds the cards; a supervisor's wallboard shows
the universal queue."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cti.channels.inbound import Attachment, Channel, Inbound, Outbound, Party
from cti.lookup import ContactStore
from desktop.interactions import Status
from desktop.widgets.interactioncard import InteractionCard
from desktop.widgets.window import MainWindow
from tests.desktop.conftest import LiveServer, WindowFactory, until

SUPERVISOR_TOKEN = "sue-token-0123456789abcd"
# only alice (1001) takes work, so each test knows who is offered what
ONLY_ALICE = "  skills:\n    '1002': []\n"
NAMES = "  agent_names:\n    alice: Alice Agent\n"
SUPERVISOR = f"    sue: {{token: {SUPERVISOR_TOKEN}, extension: '9000', role: supervisor}}\n"
HOSTILE = "<b>x</b><img src=http://x>"


class RecordingReplies:
    """A channel's way out that keeps what agents sent and their typing states."""

    def __init__(self) -> None:
        self.sent: list[Outbound] = []
        self.typed: list[bool] = []

    async def send(self, outbound: Outbound) -> str:
        self.sent.append(outbound)
        return f"<sent-{len(self.sent)}@test>"

    async def typing(self, channel: Channel, thread_key: str, agent_name: str, on: bool) -> None:
        self.typed.append(on)


@pytest.fixture
def server(loop: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The conftest's server with the universal queue set up; a test may add YAML under
    `interactions:` through indirect parametrization (its own `skills` among them)."""
    lines = getattr(request, "param", "")
    extra = "interactions:\n" + NAMES + lines + ("" if "skills" in lines else ONLY_ALICE)
    live = LiveServer(loop, tmp_path / "config", extra, SUPERVISOR)
    try:
        live.run(live.start())
        yield live
    finally:
        live.run(live.stack.aclose())


def email(sender: str, *, n: int = 1, text: str = "My invoice is wrong", **extra: Any) -> Inbound:
    return Inbound(
        channel="email",
        thread_key=f"<thread-{n}@example.test>",
        message_id=f"<m-{n}@example.test>",
        sender=Party(name=None, email=sender),
        text=text,
        received_at=time.time(),
        subject=extra.pop("subject", "Broken invoice"),
        **extra,
    )


def chat(visitor: str = "Visitor Vic") -> Inbound:
    return Inbound(
        channel="chat",
        thread_key="chat-1",
        message_id="c-1",
        sender=Party(name=visitor),
        text="Hi, is anyone there?",
        received_at=time.time(),
    )


def the_card(window: MainWindow) -> InteractionCard | None:
    cards = list(window.interaction_tabs.cards.values())
    return cards[0] if len(cards) == 1 else None


def offered_card(server: LiveServer, window: MainWindow) -> InteractionCard:
    server.run(until(lambda: the_card(window) is not None))
    card = the_card(window)
    assert card is not None and card.offer.isVisibleTo(card)
    return card


def accept(server: LiveServer, card: InteractionCard) -> None:
    card.offer.accept.click()
    server.run(until(lambda: card.reply_box.isVisibleTo(card) and card.thread_items))


def history_text(card: InteractionCard) -> str:
    return card.history.text()


def test_an_email_is_offered_accepted_answered_closed_and_joins_the_history(
    server: LiveServer, open_window: WindowFactory, tmp_path: Path
) -> None:
    replies = RecordingReplies()
    server.app.interactions.register_replies("email", replies)
    window = open_window()
    saved = tmp_path / "invoice.pdf"
    saved.write_bytes(b"%PDF-1.4 test")
    invoice = Attachment("invoice.pdf", "application/pdf", 2048, str(saved))
    server.app.interactions.arrived(
        email("alice@example.test", subject=HOSTILE, attachments=(invoice,))
    )
    card = offered_card(server, window)
    assert card.title.text() == "Alice Example"  # matched by email address
    assert card.subject.text() == HOSTILE
    assert card.offer.countdown.text().startswith("Accept within 0:")
    accept(server, card)
    (first,) = card.thread_items
    assert first.text.text() == "My invoice is wrong"
    assert first.files.text() == "Attachments:\ninvoice.pdf (2 KB, application/pdf)"
    card.reply.setPlainText("We fixed it.\n<b>Alice</b>")
    card.send.click()
    server.run(until(lambda: len(card.thread_items) == 2))
    (outbound,) = replies.sent
    assert outbound.text == "We fixed it.\n<b>Alice</b>" and outbound.agent_name == "Alice Agent"
    assert card.thread_items[1].text.text() == "We fixed it.\n<b>Alice</b>"
    assert card.reply.toPlainText() == ""
    card.disposition.setCurrentIndex(card.disposition.findData("resolved"))
    card.close_button.click()
    server.run(until(lambda: the_card(window) is None))
    server.app.interactions.arrived(email("alice@example.test", n=2, subject="Thanks"))
    second = offered_card(server, window)
    assert history_text(second).splitlines()[0].endswith("[email]  resolved (alice): " + HOSTILE)


def test_a_kept_attachment_is_saved_from_the_card_where_the_agent_chooses(
    server: LiveServer, open_window: WindowFactory, tmp_path: Path
) -> None:
    window = open_window()
    kept = tmp_path / "kept-by-server.bin"
    kept.write_bytes(b"%PDF-1.4 \x00\x01 binary")
    files = (
        Attachment("../../invoice.pdf", "application/pdf", 17, str(kept)),
        Attachment("huge.zip", "application/zip", 90_000_000, None, "over the limit"),
    )
    server.app.interactions.arrived(email("alice@example.test", attachments=files))
    card = offered_card(server, window)
    accept(server, card)
    (save,) = card.thread_items[0].save_buttons  # the refused one cannot be saved
    asked: list[str] = []
    target = tmp_path / "downloads" / "chosen.pdf"
    target.parent.mkdir()
    window.interaction_tabs.ask_save_path = lambda name: (asked.append(name), target)[1]  # type: ignore[method-assign]
    save.click()
    server.run(until(lambda: target.exists() and card.result.text().startswith("Saved")))
    assert asked == ["invoice.pdf"]
    assert target.read_bytes() == kept.read_bytes()


def test_an_unknown_sender_is_created_as_a_contact_from_the_card(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    server.app.interactions.arrived(email("carol@new.example"))
    card = offered_card(server, window)
    assert card.title.text() == "Unknown sender"
    accept(server, card)
    assert card.title.text() == "carol@new.example" and card.linker.isVisibleTo(card)
    assert card.linker.email.text() == "carol@new.example"
    card.linker.name.setText("Carol New")
    card.linker.create_contact.click()
    server.run(until(lambda: not card.linker.isVisibleTo(card)))
    assert card.title.text() == "Carol New"
    assert card.contact_labels["Email"].text() == "carol@new.example"
    assert history_text(card) == "No earlier interactions"
    store = ContactStore(server.config_dir / "contacts.db")
    try:
        assert [c["name"] for c in store.find_by_email("carol@new.example")] == ["Carol New"]
    finally:
        store.close()


def test_an_unknown_sender_is_linked_to_a_contact_found_from_the_card(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    server.app.interactions.arrived(email("alice.private@elsewhere.example"))
    card = offered_card(server, window)
    accept(server, card)
    card.linker.query.setText("Alice")
    card.linker.search.click()
    server.run(until(lambda: card.linker.found.count() == 1))
    assert card.linker.found.currentText() == "Alice Example - Example Inc"
    card.linker.link.click()
    server.run(until(lambda: card.title.text() == "Alice Example"))
    assert not card.linker.isVisibleTo(card) and card.history_box.isVisibleTo(card)


@pytest.mark.parametrize("server", ["  offer_timeout_seconds: 5\n"], indirect=True)
def test_an_offer_not_accepted_lapses_and_leaves_the_deck(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    server.app.interactions.arrived(email("carol@new.example"))
    offered_card(server, window)
    server.run(until(lambda: the_card(window) is None))
    assert window.deck.count() == 0 and window.empty.isVisibleTo(window)


def test_a_declined_offer_leaves_the_deck_and_the_interaction_waits_again(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    server.app.interactions.arrived(email("carol@new.example"))
    card = offered_card(server, window)
    card.offer.decline.click()
    server.run(until(lambda: the_card(window) is None))
    queue = server.app.interactions.router.queue
    assert card.interaction_id in queue  # back in the queue: nobody else takes email


def test_a_chat_reply_and_the_agents_typing_reach_the_channel(
    server: LiveServer, open_window: WindowFactory
) -> None:
    replies = RecordingReplies()
    server.app.interactions.register_replies("chat", replies)
    window = open_window()
    server.app.interactions.arrived(chat())
    card = offered_card(server, window)
    accept(server, card)
    assert card.title.text() == "Visitor Vic"
    card.reply.setPlainText("Hello Vic")  # typing starts at the first key
    server.run(until(lambda: replies.typed == [True]))
    card.send.click()
    server.run(until(lambda: len(replies.sent) == 1 and replies.typed == [True, False]))
    assert replies.sent[0].text == "Hello Vic"
    server.app.interactions.left("chat", "chat-1", "gone")
    server.run(until(lambda: card.status.text() == "The visitor left the chat"))
    assert not card.reply_box.isVisibleTo(card)


def test_a_reconnect_rebuilds_the_card_with_its_thread(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(url=server.proxied_url)
    server.app.interactions.arrived(email("alice@example.test"))
    card = offered_card(server, window)
    accept(server, card)
    server.proxy.cut()
    server.run(until(lambda: not window.controller.connected))
    server.proxy.restore()
    server.run(until(lambda: window.controller.connected))
    rebuilt = the_card(window)
    assert rebuilt is card and len(card.thread_items) == 1 and card.reply_box.isVisibleTo(card)
    interaction = window.controller.interactions.board.get(card.interaction_id)
    assert interaction is not None and interaction.status is Status.ACTIVE


@pytest.mark.parametrize("server", ["  skills:\n    '1001': []\n    '1002': []\n"], indirect=True)
def test_the_supervisors_wallboard_shows_the_universal_queue_by_channel(
    server: LiveServer, open_window: WindowFactory
) -> None:
    server.app.interactions.arrived(chat())  # nobody takes chats: it waits
    window = open_window(SUPERVISOR_TOKEN)
    server.run(until(lambda: window.centre.wallboard is not None))
    wallboard = window.centre.wallboard
    assert wallboard is not None
    table = wallboard.channels

    def chat_row() -> list[str]:
        rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]  # type: ignore[union-attr]
        return next((row for row in rows if row[0] == "Chat"), [])

    server.run(until(lambda: chat_row()[:2] == ["Chat", "1"]))
    assert chat_row()[3] == "1 min"  # the default chat target, 60 s
    assert window.interaction_tabs.cards == {}  # a supervisor gets no card for others' work
