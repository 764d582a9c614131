"""The agent's main window: connection state on top, calls, pop cards, dialling.

It renders what the controller reports and turns clicks into controller calls; which
card pops when follows the agent's pop-mode setting (`desktop.popview.pops_now`).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from PyQt6.QtCore import QTimer, QUrl, pyqtSignal
from PyQt6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QShortcut,
)
from PyQt6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cti.protocol import CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME
from desktop.board import CallRecord, Phase
from desktop.calltime import list_text
from desktop.controller import DesktopController
from desktop.controls import dial_state, pbx_notice
from desktop.popview import PopMode, pop_view, pops_now
from desktop.prefs import DesktopPrefs
from desktop.widgets.calllist import CallList
from desktop.widgets.centrepanes import CentrePanes
from desktop.widgets.common import plain_label
from desktop.widgets.deck import CardDeck
from desktop.widgets.dialbar import DialBar
from desktop.widgets.interactiontabs import InteractionTabs
from desktop.widgets.linkbar import LinkBar
from desktop.widgets.popcard import PopCard
from desktop.widgets.reports_pane import ReportsPane
from desktop.widgets.signin import SignInDialog
from desktop.widgets.softphone import SoftphoneDialog
from desktop.widgets.tray import RingNotifier

log = logging.getLogger(__name__)

SHORTCUTS = {"answer": "Ctrl+Shift+A", "hangup": "Ctrl+Shift+E", "hold": "Ctrl+Shift+H"}
POP_MODES = (
    (PopMode.ON_RING, "Pop on ring"),
    (PopMode.ON_ANSWER, "Pop on answer"),
    (PopMode.NEVER, "Never pop"),
)
TICK_MS = 1000  # call timers advance once a second


class MainWindow(QMainWindow):
    card_shown = pyqtSignal(str)  # call_id: a pop card just became visible (showEvent)
    closed = pyqtSignal()  # the agent closed the window: `desktop.main` stops and exits

    def __init__(self, controller: DesktopController, prefs: DesktopPrefs) -> None:
        super().__init__()
        self.controller = controller
        self.prefs = prefs
        self.setWindowTitle("CTI desktop")
        self.linkbar = LinkBar()
        self.link, self.pbx = self.linkbar.link, self.linkbar.pbx
        self.phone_state, self.identity = self.linkbar.phone_state, self.linkbar.identity
        self.calls = CallList()
        self.ticker = QTimer(self)
        self.deck = CardDeck(controller, lambda url: self.open_url(url))
        self.cards = self.deck.cards
        self.interaction_tabs = InteractionTabs(controller, self.deck)
        self.empty = plain_label("No calls or messages. Pops and offers appear here.")
        self.dialbar = DialBar()
        self.notifier = RingNotifier(self)
        self.views = QTabWidget()  # calls; a supervisor's wallboard too
        self.views.setObjectName("views")
        self.centre = CentrePanes(controller, self.views)
        self.agentbar = self.centre.agentbar
        self.reports = ReportsPane(controller, self.views, lambda url: self.open_url(url))
        self._build()
        self._wire()
        self._menus()
        self._shortcuts()
        self.show_link(controller.link_state.value, controller.link_detail)
        self.show_phone(controller.phone.status.value, controller.phone.status_text)
        self.ticker.start(TICK_MS)
        if prefs.geometry is not None:
            self.restoreGeometry(prefs.geometry)
        else:
            self.resize(900, 640)

    def _build(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.linkbar)
        layout.addWidget(self.agentbar)
        split = QSplitter()
        split.addWidget(self.calls)
        pane = QWidget()
        pane_layout = QVBoxLayout(pane)
        pane_layout.addWidget(self.empty)
        pane_layout.addWidget(self.deck, 1)
        split.addWidget(pane)
        split.setStretchFactor(1, 1)
        self.views.addTab(split, "Calls")
        layout.addWidget(self.views, 1)
        layout.addWidget(self.dialbar)
        self.setCentralWidget(central)

    def _wire(self) -> None:
        c = self.controller
        c.link_changed.connect(self.show_link)
        c.phone.status_changed.connect(self.show_phone)
        c.welcomed.connect(self.refresh_all)
        c.board_reset.connect(self.rebuild)
        c.call_changed.connect(self.on_call_changed)
        c.pbx_changed.connect(lambda _: self.refresh_all())
        c.command_done.connect(self._dial_result)
        c.directory.search_done.connect(self.dialbar.show_contacts)
        self.centre.presence_changed.connect(self.deck.show_all)
        self.dialbar.dial_requested.connect(c.dial)
        self.dialbar.search_requested.connect(c.directory.search)
        self.dialbar.contact_requested.connect(c.directory.load_contact)
        self.deck.card_shown.connect(self.card_shown)
        self.deck.cards_changed.connect(self._render_list)
        self.interaction_tabs.offered.connect(lambda _: self._come_forward())
        self.calls.call_chosen.connect(self._pop_chosen)
        self.ticker.timeout.connect(self.tick)

    def _menus(self) -> None:
        server = self.server_menu = self.menuBar().addMenu("&Server")  # type: ignore[union-attr]
        sign_in = QAction("Sign in again...", self)
        sign_in.triggered.connect(self.ask_sign_in)
        server.addAction(sign_in)  # type: ignore[union-attr]
        server.addSeparator()  # type: ignore[union-attr]
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        server.addAction(self.quit_action)  # type: ignore[union-attr]
        phone = self.menuBar().addMenu("P&hone")  # type: ignore[union-attr]
        self.softphone_action = QAction("Softphone...", self)
        self.softphone_action.triggered.connect(self.ask_softphone)
        phone.addAction(self.softphone_action)  # type: ignore[union-attr]
        menu = self.menuBar().addMenu("&Pop")  # type: ignore[union-attr]
        group = QActionGroup(self)
        self.pop_actions: dict[PopMode, QAction] = {}
        for mode, text in POP_MODES:
            action = QAction(text, self)
            action.setCheckable(True)
            action.setChecked(self.prefs.pop_mode is mode)
            action.triggered.connect(lambda _=False, m=mode: self.set_pop_mode(m))
            group.addAction(action)
            menu.addAction(action)  # type: ignore[union-attr]
            self.pop_actions[mode] = action

    def _shortcuts(self) -> None:
        for action, keys in SHORTCUTS.items():
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda a=action: self.shortcut(a))

    def set_pop_mode(self, mode: PopMode) -> None:
        self.prefs.pop_mode = mode
        self.pop_actions[mode].setChecked(True)

    def ask_sign_in(self) -> SignInDialog:
        """Another address or token (say after a refusal); connects once accepted."""
        dialog = SignInDialog(self.prefs, self)
        dialog.accepted.connect(lambda: self.controller.sign_in_as(*dialog.credentials()))
        dialog.open()
        return dialog

    def ask_softphone(self) -> SoftphoneDialog:
        """The agent's SIP account; the softphone (re)registers once accepted."""
        phone = self.controller.phone
        dialog = SoftphoneDialog(self.prefs, phone.available(), self)
        dialog.accepted.connect(lambda: phone.apply(dialog.settings()))
        dialog.open()
        return dialog

    def show_phone(self, status: str, text: str) -> None:
        self.linkbar.show_phone(status, text)
        self.deck.show_all()

    def open_url(self, url: str) -> None:
        """Hands the CRM link to the system browser (tests replace this method)."""
        QDesktopServices.openUrl(QUrl(url))

    # -- state -----------------------------------------------------------------------------

    def show_link(self, state: str, detail: str) -> None:
        self.notifier.set_status(self.linkbar.show_link(state, detail))
        self.refresh_all()

    def refresh_all(self) -> None:
        c = self.controller
        if c.welcome is not None:
            self.identity.setText(f"{c.welcome.agent} - extension {c.welcome.extension}")
        notice = pbx_notice(c.connected, c.pbx_up, c.pbx_since)
        self.linkbar.show_pbx(notice)
        if notice.text:
            self.notifier.set_status(notice.text)
        self.dialbar.show_state(dial_state(c.capabilities, c.connected, c.pbx_up))
        self.deck.show_all()
        self.centre.refresh()
        self._render_list()

    def tick(self) -> None:
        self.deck.tick()
        self.interaction_tabs.tick()
        self.centre.refresh()
        self._render_list()

    def rebuild(self) -> None:
        """A fresh snapshot: drop cards of calls the broker no longer has, pop the rest."""
        for call_id in list(self.cards):
            if self.controller.board.get(call_id) is None:
                self.deck.remove(call_id)
        for record in self.controller.board:
            if pops_now(self.prefs.pop_mode, record, "snapshot"):
                self.pop(record.call_id)
        self._render_list()

    def on_call_changed(self, call_id: str, kind: str) -> None:
        record = self.controller.board.get(call_id)
        if record is None:
            return
        if kind == "call.ringing":
            self._notify_ring(record)
        if call_id not in self.cards and pops_now(self.prefs.pop_mode, record, kind):
            self.pop(call_id, focus=not self.deck.in_conversation())
        elif call_id in self.cards:
            self.deck.show_call(call_id)
            if record.needs_note and not self.deck.in_conversation():
                self.deck.setCurrentWidget(self.cards[call_id])
        self._render_list()

    def pop(self, call_id: str, focus: bool = True) -> PopCard:
        """Open (or raise) the call's card and bring the window forward."""
        card = self.deck.open(call_id, focus)
        record, welcome = self.controller.board.get(call_id), self.controller.welcome
        own = welcome is not None and record is not None and record.rings(welcome.extension)
        if focus and own:
            self.centre.show_calls()
        self._come_forward()
        return card

    def _come_forward(self) -> None:
        self.empty.hide()
        if not self.isVisible():
            self.show()
        self.raise_()
        self.activateWindow()

    def _pop_chosen(self, call_id: str) -> None:
        self.centre.show_calls()
        self.pop(call_id)

    def _render_list(self) -> None:
        now, wall_now = time.monotonic(), datetime.now()
        entries = []
        for record in self.controller.board:
            view = self.deck.view_of(record)
            entries.append(
                (record.call_id, list_text(view.title, view.number, record, now, wall_now))
            )
        self.calls.show_calls(entries)
        self.empty.setVisible(self.deck.count() == 0)

    def _dial_result(self, call_id: str, name: str, ok: bool, text: str) -> None:
        if call_id not in self.cards:
            self.dialbar.show_result(ok, text)

    def _notify_ring(self, record: CallRecord) -> None:
        view = pop_view(record, self.controller.welcome, self.controller.connected)
        self.notifier.notify(f"Incoming call: {view.title}", f"{view.number}\n{view.reason}")

    def shortcut(self, action: str) -> bool:
        """Answer, hang up or hold/resume the current card's call, if its button allows."""
        card = self.deck.current_card()
        record = self.controller.board.get(card.call_id) if card is not None else None
        if card is None or record is None:
            return False
        if action == "hold":
            leg = self.controller.phone.leg_for(record.call_id)
            held = leg.held if leg is not None and leg.live else record.phase is Phase.HELD
            name = CMD_RESUME if held else CMD_HOLD
        else:
            name = CMD_ANSWER if action == "answer" else CMD_HANGUP
        return card.controls.press(name)

    def closeEvent(self, event: QCloseEvent | None) -> None:
        self.prefs.geometry = self.saveGeometry()
        self.prefs.settings.sync()
        super().closeEvent(event)
        self.closed.emit()
