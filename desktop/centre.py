"""The contact centre as this desktop knows it, built only from the welcome and events.

No Qt and no I/O, like `desktop.board`: the agent's own state (`agent.state`), every
colleague's phone (`presence`), and for a supervisor every agent, every queue's
`queue.stats` and every caller waiting now (`call.queued`). Frames come from the network,
so each one is checked: a malformed one is logged and skipped, never half applied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cti.protocol import (
    AGENT_STATES,
    LOGGED_OUT,
    PRESENCE_STATES,
    REASON_HOLD,
    REASON_LOGGED_OUT,
    AgentState,
    CallAnswered,
    CallEnded,
    CallQueued,
    CallRinging,
    Presence,
)
from desktop.servertime import parse_utc

log = logging.getLogger(__name__)

QUEUE_STATS = "queue.stats"
NOT_UNPAUSED = frozenset({REASON_HOLD, REASON_LOGGED_OUT})  # agent.unpause leaves these


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _count(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


@dataclass(frozen=True, slots=True)
class Seat:
    """One queue membership of an agent."""

    queue: str
    paused: bool
    reason: str | None

    @property
    def logged_in(self) -> bool:
        return not (self.paused and self.reason == REASON_LOGGED_OUT)


@dataclass(frozen=True, slots=True)
class AgentStatus:
    """One `agent.state`; `key` is the extension, or the interface of an unknown member."""

    key: str
    agent: str | None
    extension: str | None
    interface: str | None
    state: str
    reason: str | None
    since: float | None  # broker time
    seats: tuple[Seat, ...]
    call_id: str | None
    wrapup_until: float | None
    dnd: bool

    @property
    def logged_in(self) -> bool:
        return self.state != LOGGED_OUT and any(seat.logged_in for seat in self.seats)

    @property
    def unpausable(self) -> bool:
        """Paused somewhere for a reason `agent.unpause` ends (not hold, not logged-out)."""
        return any(seat.paused and seat.reason not in NOT_UNPAUSED for seat in self.seats)


def parse_agent_state(data: Mapping[str, Any]) -> AgentStatus | None:
    state = _text(data, "state")
    extension, interface = _text(data, "extension"), _text(data, "interface")
    key = extension or interface
    if state not in AGENT_STATES or key is None:
        return None
    queues = data.get("queues")
    seats = tuple(
        Seat(str(seat["queue"]), seat.get("paused") is True, _text(seat, "reason"))
        for seat in (queues if isinstance(queues, list) else [])
        if isinstance(seat, dict) and _text(seat, "queue")
    )
    return AgentStatus(
        key=key,
        agent=_text(data, "agent"),
        extension=extension,
        interface=interface,
        state=state,
        reason=_text(data, "reason"),
        since=parse_utc(data.get("since")),
        seats=seats,
        call_id=_text(data, "call_id"),
        wrapup_until=parse_utc(data.get("wrapup_until")),
        dnd=data.get("dnd") is True,
    )


@dataclass(frozen=True, slots=True)
class PhoneState:
    """One `presence`: what a colleague's phone is doing."""

    extension: str
    state: str
    since: float | None


def parse_presence(data: Mapping[str, Any]) -> PhoneState | None:
    extension, state = _text(data, "extension"), _text(data, "state")
    if extension is None or state not in PRESENCE_STATES:
        return None
    return PhoneState(extension, state, parse_utc(data.get("since")))


@dataclass(frozen=True, slots=True)
class WaitingCaller:
    """One `call.queued`: a caller waiting in a queue now."""

    call_id: str
    queue: str
    position: int
    caller: dict[str, Any]
    contact: dict[str, Any] | None
    since: float | None  # broker time the caller joined


def parse_waiting(data: Mapping[str, Any]) -> WaitingCaller | None:
    call_id, queue = _text(data, "call_id"), _text(data, "queue")
    if call_id is None or queue is None:
        return None
    caller, contact = data.get("caller"), data.get("contact")
    return WaitingCaller(
        call_id,
        queue,
        _count(data, "position"),
        caller if isinstance(caller, dict) else {},
        contact if isinstance(contact, dict) else None,
        parse_utc(data.get("waiting_since")),
    )


@dataclass(frozen=True, slots=True)
class QueueLine:
    """One `queue.stats`, with the broker time it arrived (its waits tick from there)."""

    queue: str
    waiting: int
    longest_wait: int
    agents: dict[str, int]
    offered: int
    answered: int
    abandoned: int
    service_level: float | None
    service_level_seconds: int
    received: float


def parse_queue_stats(data: Mapping[str, Any], received: float) -> QueueLine | None:
    queue = _text(data, "queue")
    if queue is None:
        return None
    agents = data.get("agents")
    level = data.get("service_level")
    return QueueLine(
        queue=queue,
        waiting=_count(data, "waiting"),
        longest_wait=_count(data, "longest_wait_seconds"),
        agents={
            str(state): count
            for state, count in (agents.items() if isinstance(agents, dict) else [])
            if isinstance(count, int) and count > 0
        },
        offered=_count(data, "offered"),
        answered=_count(data, "answered"),
        abandoned=_count(data, "abandoned"),
        service_level=float(level)
        if isinstance(level, int | float) and not isinstance(level, bool) and 0 <= level <= 1
        else None,
        service_level_seconds=_count(data, "service_level_seconds"),
        received=received,
    )


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
        call_id = _text(data, "call_id")
        caller, contact = data.get("caller"), data.get("contact")
        if call_id is not None and isinstance(caller, dict):
            known = self.callers.get(call_id, {})
            if not isinstance(contact, dict):
                contact = known.get("contact")
            self.callers[call_id] = {"caller": caller, "contact": contact}

    def _left(self, kind: str, data: Mapping[str, Any]) -> str | None:
        """A caller stops waiting once answered; an ended call is forgotten."""
        call_id = _text(data, "call_id") or ""
        if kind == CallEnded.type:
            self.callers.pop(call_id, None)
        return "waiting" if self.waiting.pop(call_id, None) is not None else None
