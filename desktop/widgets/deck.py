"""The pop cards of the window, one tab per call, wired to the controller.

A card whose call is over and needs no note (answered elsewhere, caller hung up)
stays marked for `linger_ms` so the agent sees what happened, then closes itself; once
its note is saved, after `saved_linger_ms`. Tabs and timers say each call's state and
time, re-rendered by `tick` once a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QTabWidget, QWidget

from desktop.board import CallRecord, Phase
from desktop.calltime import card_timer, tab_text
from desktop.controller import DesktopController
from desktop.popview import PopView, pop_view
from desktop.presence import TransferTarget, transfer_targets
from desktop.widgets.popcard import PopCard

LINGER_MS = 8000
SAVED_LINGER_MS = 2000  # "Note saved" stays this long, then the ended call's tab closes
RINGING_TAB = QColor("#b00020")  # a ringing call's tab stands out when it is not in front
TALKING = (Phase.ANSWERED, Phase.HELD)


class CardDeck(QTabWidget):
    card_shown = pyqtSignal(str)  # call_id
    cards_changed = pyqtSignal()
    foreign_tab_close = pyqtSignal(QWidget)  # the ✕ of a tab that is no call's card

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
        self.saved_linger_ms = SAVED_LINGER_MS
        self.cards: dict[str, PopCard] = {}
        self._lingering: dict[str, QTimer] = {}
        self._notes_revealed: set[str] = set()
        self.setTabsClosable(True)
        self.tabCloseRequested.connect(self._close_tab)
        self.currentChanged.connect(lambda _: self._reveal_note())
        directory = controller.directory
        controller.command_done.connect(self._command_done)
        directory.contact_saved.connect(lambda cid, ok, text: self._form(cid, "create", ok, text))
        directory.note_saved.connect(self._note_saved)

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
        card.contact_submitted.connect(c.directory.create_contact)
        card.note_submitted.connect(c.directory.save_note)
        card.crm_requested.connect(lambda url: self.open_url(url))
        card.dial_requested.connect(c.dial)
        card.close_requested.connect(self.remove)
        self.cards[call_id] = card
        self.addTab(card, "")
        self.cards_changed.emit()
        return card

    def view_of(self, record: CallRecord) -> PopView:
        c = self.controller
        leg = c.phone.leg_for(record.call_id)
        others = (other for other in c.board if other is not record)
        return pop_view(record, c.welcome, c.connected, leg, pbx_up=c.pbx_up, calls=others)

    def show_call(self, call_id: str) -> None:
        card, record = self.cards.get(call_id), self.controller.board.get(call_id)
        if card is None or record is None:
            return
        card.show_view(self.view_of(record))
        card.controls.set_targets(self.known_extensions())
        self._show_time(card, record)
        ringing = record.active and record.phase is Phase.RINGING
        self.tabBar().setTabTextColor(self.indexOf(card), RINGING_TAB if ringing else QColor())  # type: ignore[union-attr]
        if not record.active and not record.needs_note and call_id not in self._lingering:
            self._linger(call_id, self.saved_linger_ms if record.note_saved else self.linger_ms)
        if record.needs_note and self.currentWidget() is card:
            self._reveal_note()

    def show_all(self) -> None:
        for call_id in list(self.cards):
            self.show_call(call_id)

    def tick(self) -> None:
        """Advance every card's timer and tab (once a second, from the window)."""
        for call_id, card in list(self.cards.items()):
            record = self.controller.board.get(call_id)
            if record is not None:
                self._show_time(card, record)

    def _show_time(self, card: PopCard, record: CallRecord) -> None:
        now, title = time.monotonic(), card.title.text()
        card.show_time(card_timer(record, now))
        index = self.indexOf(card)
        self.setTabText(index, tab_text(title, record, now, datetime.now()))
        self.setTabToolTip(index, f"{title} {card.number.text()}".strip())

    def _reveal_note(self) -> None:
        """Once per call: the card in front needs its note, so the form comes into view."""
        card = self.current_card()
        record = self.controller.board.get(card.call_id) if card is not None else None
        if card is None or record is None or not record.needs_note:
            return
        if card.call_id not in self._notes_revealed:
            self._notes_revealed.add(card.call_id)
            card.reveal_note()

    def known_extensions(self) -> list[TransferTarget]:
        """The transfer picker's suggestions: every colleague the broker sent presence of,
        and extensions seen on calls, free ones first."""
        own = self.controller.welcome.extension if self.controller.welcome else ""
        seen = {
            ext
            for record in self.controller.board
            for ext in ((record.pop or {}).get("extension"), record.answered_by)
            if isinstance(ext, str) and ext
        }
        return transfer_targets(self.controller.centre.board.presence, seen, own)

    def _linger(self, call_id: str, delay_ms: int) -> None:
        """Close the card later; the timer is the deck's child, so it dies with the deck."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._close_if_done(call_id))
        timer.timeout.connect(timer.deleteLater)
        self._lingering[call_id] = timer
        timer.start(delay_ms)

    def _close_if_done(self, call_id: str) -> None:
        self._lingering.pop(call_id, None)
        record = self.controller.board.get(call_id)
        if record is None or (not record.active and not record.needs_note):
            self.remove(call_id)

    def remove(self, call_id: str) -> None:
        card = self.cards.pop(call_id, None)
        self._notes_revealed.discard(call_id)
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
        elif card is not None:
            self.foreign_tab_close.emit(card)

    def current_card(self) -> PopCard | None:
        card = self.currentWidget()
        return card if isinstance(card, PopCard) else None

    def _choose_contact(self, call_id: str, index: int) -> None:
        record = self.controller.board.get(call_id)
        if record is not None and 0 <= index < len(record.matches):
            self.controller.directory.choose_contact(call_id, record.matches[index])

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
