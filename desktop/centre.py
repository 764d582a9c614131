"""The contact centre as this desktop knows it, built only from the welcome and events.

No Qt and no I/O, like `desktop.board`: the agent's own state (`agent.state`), every
colleague's phone (`presence`), and for a supervisor every agent, every queue's
`queue.stats` and every caller waiting now (`call.queued`). Frames come from the network,
so each one is checked: a malformed one is logged and skipped, never half applied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from cti.protocol import AgentState, CallAnswered, CallEnded, CallQueued, CallRinging, Presence
from desktop.centredata import (
    AgentStatus,
    PhoneState,
    QueueLine,
    WaitingCaller,
    parse_agent_state,
    parse_presence,
    parse_queue_stats,
    parse_waiting,
    text_of,
)

log = logging.getLogger(__name__)

QUEUE_STATS = "queue.stats"


class CentreBoard:
    """`apply` returns what changed: "agent", "presence", "queue", "waiting" or None.

    `now` is the broker's clock (`ServerClock.now`): a queue line keeps when it arrived.
    """

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now
        self.extension = ""
        self.own: AgentStatus | None = None
        self.presence: dict[str, PhoneState] = {}
        self.agents: dict[str, AgentStatus] = {}
        self.queues: dict[str, QueueLine] = {}
        self.waiting: dict[str, WaitingCaller] = {}
        self.callers: dict[str, dict[str, Any]] = {}  # call_id → {"caller", "contact"}

    def load(
        self, extension: str, own: object, presence: object, supervision: object = None
    ) -> None:
        """A fresh welcome: its snapshot replaces everything."""
        self.extension, self.own = extension, None
        self.presence.clear()
        self.agents.clear()
        self.queues.clear()
        self.waiting.clear()
        self.callers.clear()
        if isinstance(own, dict):
            self._agent(own)
        for entry in presence if isinstance(presence, list) else []:
            self._presence(entry)
        view = supervision if isinstance(supervision, dict) else {}
        for kind, key in (
            (AgentState.type, "agents"),
            (QUEUE_STATS, "queues"),
            (CallQueued.type, "waiting"),
        ):
            entries = view.get(key)
            for entry in entries if isinstance(entries, list) else []:
                self.apply(kind, entry)

    def remember_call(self, pop: object) -> None:
        """A call of the welcome's `calls`: who is on it, for the wallboard."""
        if isinstance(pop, dict):
            self._caller(pop)

    def apply(self, kind: str, data: Mapping[str, Any]) -> str | None:
        if not isinstance(data, Mapping):
            return None
        if kind == AgentState.type:
            return self._agent(data)
        if kind == Presence.type:
            return self._presence(data)
        if kind == QUEUE_STATS:
            return self._queue(data)
        if kind == CallQueued.type:
            return self._queued(data)
        if kind == CallRinging.type:
            self._caller(data)
        elif kind in (CallAnswered.type, CallEnded.type):
            return self._left(kind, data)
        return None

    def waiting_in(self, queue: str) -> list[WaitingCaller]:
        return sorted(
            (w for w in self.waiting.values() if w.queue == queue), key=lambda w: w.position
        )

    def caller_of(self, call_id: str | None) -> dict[str, Any]:
        return self.callers.get(call_id or "", {})

    def _agent(self, data: Mapping[str, Any]) -> str | None:
        status = parse_agent_state(data)
        if status is None:
            log.warning("ignoring an agent.state without a known state or an agent")
            return None
        if status.extension is None and not status.seats:
            self.agents.pop(status.key, None)  # an unknown member that left every queue
        else:
            self.agents[status.key] = status
        if status.extension is not None and status.extension == self.extension:
            self.own = status
        return "agent"

    def _presence(self, data: object) -> str | None:
        phone = parse_presence(data) if isinstance(data, Mapping) else None
        if phone is None:
            log.warning("ignoring a presence without an extension or a known state")
            return None
        self.presence[phone.extension] = phone
        return "presence"

    def _queue(self, data: Mapping[str, Any]) -> str | None:
        line = parse_queue_stats(data, self.now())
        if line is None:
            log.warning("ignoring a queue.stats without a queue")
            return None
        self.queues[line.queue] = line
        return "queue"

    def _queued(self, data: Mapping[str, Any]) -> str | None:
        waiting = parse_waiting(data)
        if waiting is None:
            log.warning("ignoring a call.queued without a call or a queue")
            return None
        self.waiting[waiting.call_id] = waiting
        self._caller(data)
        return "waiting"

    def _caller(self, data: Mapping[str, Any]) -> None:
        call_id = text_of(data, "call_id")
        caller, contact = data.get("caller"), data.get("contact")
        if call_id is not None and isinstance(caller, dict):
            known = self.callers.get(call_id, {})
            if not isinstance(contact, dict):
                contact = known.get("contact")
            self.callers[call_id] = {"caller": caller, "contact": contact}

    def _left(self, kind: str, data: Mapping[str, Any]) -> str | None:
        """A caller stops waiting once answered; an ended call is forgotten."""
        call_id = text_of(data, "call_id") or ""
        if kind == CallEnded.type:
            self.callers.pop(call_id, None)
        return "waiting" if self.waiting.pop(call_id, None) is not None else None
