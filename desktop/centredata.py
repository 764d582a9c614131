"""The contact centre's entries as the desktop reads them from the wire: one agent's state,
one phone's presence, one waiting caller, one queue's statistics.

Frames come from the network, so each parser checks what it reads: an entry without
what identifies it is None (the caller logs and skips it); a field of the wrong type
reads as nothing (no reason, no time, zero) rather than failing the whole entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cti.protocol import (
    AGENT_STATES,
    LOGGED_OUT,
    PRESENCE_STATES,
    REASON_HOLD,
    REASON_LOGGED_OUT,
)
from desktop.servertime import parse_utc

NOT_UNPAUSED = frozenset({REASON_HOLD, REASON_LOGGED_OUT})  # agent.unpause leaves these


def text_of(data: Mapping[str, Any], key: str) -> str | None:
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
    state = text_of(data, "state")
    extension, interface = text_of(data, "extension"), text_of(data, "interface")
    key = extension or interface
    if state not in AGENT_STATES or key is None:
        return None
    queues = data.get("queues")
    seats = tuple(
        Seat(str(seat["queue"]), seat.get("paused") is True, text_of(seat, "reason"))
        for seat in (queues if isinstance(queues, list) else [])
        if isinstance(seat, dict) and text_of(seat, "queue")
    )
    return AgentStatus(
        key=key,
        agent=text_of(data, "agent"),
        extension=extension,
        interface=interface,
        state=state,
        reason=text_of(data, "reason"),
        since=parse_utc(data.get("since")),
        seats=seats,
        call_id=text_of(data, "call_id"),
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
    extension, state = text_of(data, "extension"), text_of(data, "state")
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
    call_id, queue = text_of(data, "call_id"), text_of(data, "queue")
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
    queue = text_of(data, "queue")
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
