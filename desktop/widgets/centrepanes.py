"""The window's contact-centre parts, wired to the controller: the agent's state bar, and
for a supervisor the wallboard tab. The tab exists only while the server welcomes this
desktop as a supervisor: an agent never has it, not even hidden."""

from __future__ import annotations

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QTabWidget

from desktop.agentview import status_view
from desktop.controller import DesktopController
from desktop.interactionview import channel_rows, held_text
from desktop.supervise import action_states
from desktop.wallboard import agent_name, agent_rows, queue_rows, waiting_rows
from desktop.widgets.agentbar import AgentBar
from desktop.widgets.wallboard import Wallboard

WALLBOARD_TAB = "Wallboard"
COALESCE_MS = 100  # events in a burst re-render once: a refresh of 300 agents takes ~5 ms


class CentrePanes(QObject):
    presence_changed = pyqtSignal()  # at most once a refresh: the transfer pickers follow

    def __init__(self, controller: DesktopController, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self.controller = controller
        self.tabs = tabs
        self.agentbar = AgentBar()
        self.wallboard: Wallboard | None = None
        self._presence = False  # a presence changed since the last refresh
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(COALESCE_MS)
        self._soon.timeout.connect(self.refresh)
        centre = controller.centre
        centre.changed.connect(self._changed)
        centre.choice_done.connect(lambda _, ok, text: self.agentbar.show_result(ok, text))
        self.agentbar.choice_requested.connect(centre.choose)
        centre.action_done.connect(self._action_done)
        controller.interactions.changed.connect(lambda _: self._changed("interactions"))
        controller.interactions.reset.connect(lambda: self._changed("interactions"))

    def _changed(self, part: str) -> None:
        self._presence = self._presence or part in ("presence", "welcome")
        if not self._soon.isActive():
            self._soon.start()

    def refresh(self) -> None:
        c = self.controller
        centre = c.centre
        own = centre.board.own
        waiting = [w for w in centre.board.waiting.values() if not centre.supervisor]
        view = status_view(
            own,
            centre.reasons,
            c.capabilities,
            c.connected,
            centre.clock,
            pbx_up=c.pbx_up,
            waiting=waiting,
        )
        self.agentbar.show_view(view)
        self.agentbar.show_held(held_text(c.interactions.board))
        self._show_wallboard(centre.supervisor)
        if self._presence:
            self._presence = False
            self.presence_changed.emit()

    def _show_wallboard(self, supervisor: bool) -> None:
        if supervisor and self.wallboard is None:
            self.wallboard = self._new_wallboard()
        elif not supervisor and self.wallboard is not None:
            self.tabs.removeTab(self.tabs.indexOf(self.wallboard))
            self.wallboard.deleteLater()
            self.wallboard = None
        if self.wallboard is None:
            return
        board, clock = self.controller.centre.board, self.controller.centre.clock
        self.wallboard.show_board(
            queue_rows(board, clock), waiting_rows(board, clock), agent_rows(board, clock)
        )
        self.wallboard.show_channels(channel_rows(self.controller.interactions.board, clock))
        self._show_actions()

    def _new_wallboard(self) -> Wallboard:
        wallboard = Wallboard()
        centre = self.controller.centre
        wallboard.action_requested.connect(centre.act)
        wallboard.agent_chosen.connect(lambda _: self._show_actions())
        self.tabs.insertTab(1, wallboard, WALLBOARD_TAB)  # after Calls, before Reports
        return wallboard

    def _show_actions(self) -> None:
        if self.wallboard is None:
            return
        c = self.controller
        key = self.wallboard.agents.selected_key()
        status = c.centre.board.agents.get(key) if key is not None else None
        states = action_states(status, c.capabilities, c.connected, c.pbx_up, c.centre.reasons)
        who = "" if status is None else f"{agent_name(status)} ({status.extension or '?'})"
        self.wallboard.show_actions(who, states, c.centre.reasons)

    def _action_done(self, action: str, key: str, ok: bool, text: str) -> None:
        if self.wallboard is not None:
            self.wallboard.show_result(ok, text)

    def show_calls(self) -> None:
        """The calls tab to the front (a call of the supervisor's own phone pops)."""
        self.tabs.setCurrentIndex(0)
