"""The pop cards of the window, one tab per call, wired to the controller.

A card whose call is over and needs no note (answered elsewhere, caller hung up)
stays marked for `linger_ms` so the agent sees what happened, then closes itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QTabWidget, QWidget

from desktop.board import Phase
from desktop.controller import DesktopController
from desktop.controls import dial_state
from desktop.popview import pop_view
from desktop.widgets.popcard import PopCard

LINGER_MS = 8000
RINGING_TAB = QColor("#b00020")  # a ringing call's tab stands out when it is not in front
TALKING = (Phase.ANSWERED, Phase.HELD)


class CardDeck(QTabWidget):
    card_shown = pyqtSignal(str)  # call_id
    cards_changed = pyqtSignal()

    def __init__(
        self,
        controller: DesktopController,
        open_url: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.open_url = open_url
        self.linger_ms = LINGER_MS
        self.cards: dict[str, PopCard] = {}
        self._lingering: dict[str, QTimer] = {}
        self.setTabsClosable(True)
        self.tabCloseRequested.connect(self._close_tab)
        controller.command_done.connect(self._command_done)
        controller.contact_saved.connect(lambda cid, ok, text: self._form(cid, "create", ok, text))
        controller.note_saved.connect(self._note_saved)

    def open(self, call_id: str, focus: bool = True) -> PopCard:
        """The call's card, created if needed; in front unless `focus` is False."""
        card = self.cards.get(call_id) or self._new_card(call_id)
        self.show_call(call_id)
        if focus:
            self.setCurrentWidget(card)
        return card

    def in_conversation(self) -> bool:
        """Whether the card in front is a call the agent is talking on or holding.

        A new pop then opens behind it (its tab marked): bringing it forward would move
        another call's buttons under the agent's pointer mid-click.
        """
        card = self.currentWidget()
        record = self.controller.board.get(card.call_id) if isinstance(card, PopCard) else None
        return record is not None and record.active and record.phase in TALKING

    def _new_card(self, call_id: str) -> PopCard:
        c = self.controller
        card = PopCard(call_id)
        card.shown.connect(self.card_shown)
        card.command_requested.connect(lambda name, args: c.send(name, args, call_id))
        card.contact_chosen.connect(self._choose_contact)
        card.contact_submitted.connect(c.create_contact)
        card.note_submitted.connect(c.save_note)
        card.crm_requested.connect(lambda url: self.open_url(url))
        card.dial_requested.connect(c.dial)
        card.close_requested.connect(self.remove)
        self.cards[call_id] = card
        self.addTab(card, "")
        self.cards_changed.emit()
        return card

    def show_call(self, call_id: str) -> None:
        card, record = self.cards.get(call_id), self.controller.board.get(call_id)
        if card is None or record is None:
            return
        leg = self.controller.phone.leg_for(call_id)
        view = pop_view(record, self.controller.welcome, self.controller.connected, leg)
        dial = dial_state(self.controller.capabilities, self.controller.connected)
        card.show_view(view, dial.enabled, dial.reason)
        card.controls.set_targets(self.known_extensions())
        index = self.indexOf(card)
        self.setTabText(index, f"{view.title} ({view.status})")
        ringing = record.active and record.phase is Phase.RINGING
        self.tabBar().setTabTextColor(index, RINGING_TAB if ringing else QColor())  # type: ignore[union-attr]
        if not record.active and not record.needs_note and call_id not in self._lingering:
            self._linger(call_id)

    def show_all(self) -> None:
        for call_id in list(self.cards):
            self.show_call(call_id)

    def known_extensions(self) -> list[str]:
        """Colleagues' extensions seen on calls: the transfer picker's suggestions."""
        own = self.controller.welcome.extension if self.controller.welcome else ""
        seen = {
            ext
            for record in self.controller.board
            for ext in ((record.pop or {}).get("extension"), record.answered_by)
            if isinstance(ext, str) and ext and ext != own
        }
        return sorted(seen)

    def _linger(self, call_id: str) -> None:
        """Close the card later; the timer is the deck's child, so it dies with the deck."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._close_if_done(call_id))
        timer.timeout.connect(timer.deleteLater)
        self._lingering[call_id] = timer
        timer.start(self.linger_ms)

    def _close_if_done(self, call_id: str) -> None:
        self._lingering.pop(call_id, None)
        record = self.controller.board.get(call_id)
        if record is None or (not record.active and not record.needs_note):
            self.remove(call_id)

    def remove(self, call_id: str) -> None:
        card = self.cards.pop(call_id, None)
        record = self.controller.board.get(call_id)
        if record is not None and not record.active:
            self.controller.forget(call_id)
        if card is not None:
            self.removeTab(self.indexOf(card))
            card.deleteLater()
        self.cards_changed.emit()

    def _close_tab(self, index: int) -> None:
        card = self.widget(index)
        if isinstance(card, PopCard):
            self.remove(card.call_id)

    def current_card(self) -> PopCard | None:
        card = self.currentWidget()
        return card if isinstance(card, PopCard) else None

    def _choose_contact(self, call_id: str, index: int) -> None:
        record = self.controller.board.get(call_id)
        if record is not None and 0 <= index < len(record.matches):
            self.controller.choose_contact(call_id, record.matches[index])

    def _command_done(self, call_id: str, name: str, ok: bool, text: str) -> None:
        card = self.cards.get(call_id)
        if card is not None:
            card.controls.show_result(ok, text)

    def _note_saved(self, call_id: str, ok: bool, text: str) -> None:
        self._form(call_id, "note", ok, text)
        if ok:
            self.show_call(call_id)

    def _form(self, call_id: str, form: str, ok: bool, text: str) -> None:
        card = self.cards.get(call_id)
        if card is not None:
            target: Any = card.after_call if form == "note" else card.create_form
            target.show_result(ok, text)
