"""The interaction cards in the call deck, wired to the controller's `InteractionDesk`.

An offer opens a card (in front unless the agent is talking on a call); the card follows
the board; an offer that lapsed or was declined goes at once, a closed interaction after
`linger_ms` so the agent sees it was closed. A card whose visitor left stays until the
agent dismisses it. Offer countdowns advance with `tick`, once a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QFileDialog, QWidget

from cti.protocol import CMD_INTERACTION_REPLY
from desktop.controller import DesktopController
from desktop.interactiondesk import LINK
from desktop.interactions import QUEUE_CHANGED, Interaction, Status
from desktop.interactionview import CardView, SavedFile, card_view, safe_filename
from desktop.widgets.deck import RINGING_TAB, CardDeck
from desktop.widgets.interactioncard import InteractionCard

CLOSED_LINGER_MS = 2000
GONE_AT_ONCE = ("expired", "declined")  # an offer that is no longer this agent's


class InteractionTabs(QObject):
    offered = pyqtSignal(str)  # interaction_id: a new offer's card opened

    def __init__(self, controller: DesktopController, deck: CardDeck) -> None:
        super().__init__(deck)
        self.controller = controller
        self.desk = controller.interactions
        self.deck = deck
        self.linger_ms = CLOSED_LINGER_MS
        self.cards: dict[str, InteractionCard] = {}
        self._lingering: set[str] = set()
        self.desk.changed.connect(self.show)
        self.desk.reset.connect(self.rebuild)
        self.desk.done.connect(self._done)
        self.desk.contacts_found.connect(self._found)
        deck.foreign_tab_close.connect(self._tab_closing)

    def view_of(self, interaction: Interaction) -> CardView:
        welcome = self.controller.welcome
        dispositions = welcome.dispositions if welcome is not None else ()
        return card_view(interaction, self.controller.centre.clock, dispositions)

    def show(self, interaction_id: str) -> None:
        if interaction_id == QUEUE_CHANGED:
            return
        interaction = self.desk.board.get(interaction_id)
        if interaction is None:
            self.remove(interaction_id)
            return
        if interaction.status is Status.ENDED:
            self._ended(interaction)
        card = self.cards.get(interaction_id)
        if card is None and interaction.status is not Status.ENDED:
            card = self._open(interaction)
        if card is not None:
            self._render(card, interaction)

    def rebuild(self) -> None:
        """A welcome listed the open interactions: cards follow the list exactly."""
        for interaction_id in list(self.cards):
            if self.desk.board.get(interaction_id) is None:
                self.remove(interaction_id)
        for interaction in self.desk.board:
            self.show(interaction.interaction_id)

    def tick(self) -> None:
        for interaction_id, card in list(self.cards.items()):
            interaction = self.desk.board.get(interaction_id)
            if interaction is not None and interaction.status is Status.OFFERED:
                card.show_countdown(self.view_of(interaction).countdown)

    def _open(self, interaction: Interaction) -> InteractionCard:
        iid, desk = interaction.interaction_id, self.desk
        card = InteractionCard(iid)
        card.accept_requested.connect(desk.accept)
        card.decline_requested.connect(desk.decline)
        card.reply_requested.connect(desk.reply)
        card.typing_changed.connect(desk.typing)
        card.close_requested.connect(desk.close)
        card.dismiss_requested.connect(self.remove)
        card.save_requested.connect(self._save)
        card.linker.search_requested.connect(lambda query: desk.search(iid, query))
        card.linker.link_requested.connect(lambda contact_id: desk.link(iid, contact_id))
        card.linker.create_requested.connect(lambda draft: desk.create(iid, draft))
        self.cards[iid] = card
        self.deck.addTab(card, "")
        if not self.deck.in_conversation():
            self.deck.setCurrentWidget(card)
        self.deck.cards_changed.emit()
        if interaction.status is Status.OFFERED:
            self.offered.emit(iid)
        return card

    def _render(self, card: InteractionCard, interaction: Interaction) -> None:
        view = self.view_of(interaction)
        card.show_view(view)
        index = self.deck.indexOf(card)
        self.deck.setTabText(index, view.tab_text)
        self.deck.setTabToolTip(index, f"{view.title} {view.subject}".strip())
        colour = RINGING_TAB if view.offered else QColor()
        self.deck.tabBar().setTabTextColor(index, colour)  # type: ignore[union-attr]

    def _ended(self, interaction: Interaction) -> None:
        iid = interaction.interaction_id
        if interaction.end_reason in GONE_AT_ONCE:
            self.remove(iid)
        elif interaction.end_reason == "closed" and iid not in self._lingering:
            self._lingering.add(iid)
            timer = QTimer(self)  # the tabs' child: it dies with the window
            timer.setSingleShot(True)
            timer.timeout.connect(lambda: self.remove(iid))
            timer.timeout.connect(timer.deleteLater)
            timer.start(self.linger_ms)

    def remove(self, interaction_id: str) -> None:
        self._lingering.discard(interaction_id)
        card = self.cards.pop(interaction_id, None)
        interaction = self.desk.board.get(interaction_id)
        if interaction is not None and interaction.status is Status.ENDED:
            self.desk.board.forget(interaction_id)
        if card is not None:
            self.deck.removeTab(self.deck.indexOf(card))
            card.deleteLater()
            self.deck.cards_changed.emit()

    def ask_save_path(self, filename: str) -> Path | None:
        """Where the agent saves an attachment (tests replace this method)."""
        chosen, _ = QFileDialog.getSaveFileName(self.deck, "Save attachment", filename)
        return Path(chosen) if chosen else None

    def _save(self, interaction_id: str, saved: SavedFile) -> None:
        target = self.ask_save_path(safe_filename(saved.filename))
        if target is not None:
            self.desk.save_attachment(saved, interaction_id, target)

    def _tab_closing(self, widget: QWidget) -> None:
        """The tab's ✕: an ended card goes; an open one needs Close with a disposition."""
        if not isinstance(widget, InteractionCard):
            return
        interaction = self.desk.board.get(widget.interaction_id)
        if interaction is None or interaction.status is Status.ENDED:
            self.remove(widget.interaction_id)
        elif interaction.status is Status.OFFERED:
            widget.show_result(False, "Accept or decline the offer")
        else:
            widget.show_result(False, "Close it with a disposition first")

    def _done(self, interaction_id: str, name: str, ok: bool, text: str) -> None:
        card = self.cards.get(interaction_id)
        if card is None:
            return
        if name == CMD_INTERACTION_REPLY:
            card.reply_done(ok)
        if name == LINK:
            card.linker.show_result(ok, text)
        card.show_result(ok, text)

    def _found(self, interaction_id: str, contacts: list[dict[str, Any]], error: str) -> None:
        card = self.cards.get(interaction_id)
        if card is not None:
            card.linker.show_found(contacts, error)
