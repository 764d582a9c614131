"""The contact centre's side of the controller: it keeps `CentreBoard` up to date from the
welcome and events, and sends the agent's own state choices and a supervisor's actions.

Widgets connect to `changed` and the two result signals and call `choose` and `act`; the
network stays in the controller's connection (`command`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from cti.protocol import AgentState, CallQueued, Presence
from desktop.agentview import AGENT_LABELS, choice_command
from desktop.centre import QUEUE_STATS, CentreBoard
from desktop.centredata import AgentStatus
from desktop.connection import CommandOutcome
from desktop.servertime import ServerClock
from desktop.supervise import action_command, action_result
from desktop.welcome import Welcome

log = logging.getLogger(__name__)

CENTRE_ONLY = frozenset({AgentState.type, Presence.type, CallQueued.type, QUEUE_STATS})
"""Event types about the centre, not about this agent's calls: the call board never sees them."""

Command = Callable[[str, dict[str, Any]], Awaitable[CommandOutcome]]
Spawn = Callable[[Coroutine[Any, Any, None]], None]


def choice_result(outcome: CommandOutcome) -> str:
    label = AGENT_LABELS.get(outcome.name, outcome.name)
    if outcome.ok:
        return f"{label}: done" + (f" - {outcome.message}" if outcome.message else "")
    return f"{label} failed: {outcome.message or f'no reason given ({outcome.error})'}"


class CentreDesk(QObject):
    changed = pyqtSignal(str)  # what changed: agent, presence, queue, waiting, welcome
    choice_done = pyqtSignal(str, bool, str)  # command name, ok, text (the agent's own)
    action_done = pyqtSignal(str, str, bool, str)  # action, agent key, ok, text

    def __init__(self, command: Command, spawn: Spawn, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._command, self._spawn = command, spawn
        self.clock = ServerClock()
        self.board = CentreBoard(self.clock.now)
        self.reasons: tuple[str, ...] = ()
        self.supervisor = False

    def reset(self) -> None:
        """Signed in anew (maybe elsewhere, as someone else): nothing known carries over."""
        self.clock = ServerClock()
        self.board = CentreBoard(self.clock.now)
        self.reasons, self.supervisor = (), False
        self.changed.emit("welcome")

    def load(self, welcome: Welcome, fresh: bool) -> None:
        """A fresh welcome replaces the centre; a replay continues from what was known."""
        self.reasons, self.supervisor = welcome.pause_reasons, welcome.supervisor
        if fresh:
            self.board.load(
                welcome.extension, welcome.agent_state, welcome.presence, welcome.supervision
            )
            for call in welcome.calls:
                self.board.remember_call(call.get("pop"))
        self.changed.emit("welcome")

    def waits(self, call_id: object) -> bool:
        """Whether the call is a caller waiting in a queue (supervisors, announce_waiting)."""
        return isinstance(call_id, str) and call_id in self.board.waiting

    def apply(self, kind: str, data: Mapping[str, Any]) -> bool:
        """Take the event in; True when it is about the centre only (`CENTRE_ONLY`)."""
        part = self.board.apply(kind, data)
        if part is not None:
            self.changed.emit(part)
        return kind in CENTRE_ONLY

    # -- commands ------------------------------------------------------------------------

    def choose(self, choice: str, reason: str = "") -> None:
        """The agent's own state selector: Available, Pause (reason), DND or Log out."""
        name, args = choice_command(choice, self.board.own, reason)
        self._spawn(self._choose(name, args))

    async def _choose(self, name: str, args: dict[str, Any]) -> None:
        outcome = await self._command(name, args)
        log.info("agent command %s: ok=%s error=%s", name, outcome.ok, outcome.error)
        self.choice_done.emit(name, outcome.ok, choice_result(outcome))

    def act(self, action: str, key: str, reason: str = "") -> None:
        """A supervisor's action on the agent the wallboard lists under `key`."""
        status = self.board.agents.get(key)
        if status is None:
            self.action_done.emit(action, key, False, "That agent is no longer listed")
            return
        self._spawn(self._act(action, status, action_command(action, status, reason)))

    async def _act(self, action: str, status: AgentStatus, args: dict[str, Any]) -> None:
        outcome = await self._command(action, args)
        log.info("supervisor command %s: ok=%s error=%s", action, outcome.ok, outcome.error)
        text = action_result(action, status, outcome.ok, outcome.message, outcome.error or "")
        self.action_done.emit(action, status.key, outcome.ok, text)
