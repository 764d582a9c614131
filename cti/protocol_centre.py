"""Wire protocol v1: the contact-centre events (agent states, presence, waiting callers,
queue statistics).

Re-exported by `cti.protocol`, the module desktops import; like it, this imports nothing
from the server. The welcome's snapshots (`agent_state`, `agents`, `presence`,
`waiting`, `queues`) are these events' `data()`, so snapshots and events cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cti.protocol_base import DomainEvent, Party, WireEvent

# agent.state `state`
LOGGED_OUT = "logged-out"
AVAILABLE = "available"
RINGING = "ringing"
ON_CALL = "on-call"
ON_HOLD = "on-hold"
WRAP_UP = "wrap-up"
PAUSED = "paused"
AGENT_STATES = (LOGGED_OUT, AVAILABLE, RINGING, ON_CALL, ON_HOLD, WRAP_UP, PAUSED)

# Pause reasons with a meaning of their own (any other text is a pause code).
REASON_HOLD = "hold"  # cti's hold parked the agent's caller (cti/control/holdpause.py)
REASON_WRAP_UP = "wrap-up"
REASON_DND = "dnd"
REASON_LOGGED_OUT = "logged-out"  # a static member "logged out" (it cannot be removed)

# presence `state`
IDLE = "idle"
IN_USE = "in-use"
UNAVAILABLE = "unavailable"
DND = "dnd"
PRESENCE_STATES = (IDLE, RINGING, IN_USE, ON_HOLD, UNAVAILABLE, DND)


SeatData = dict[str, Any]
"""`queue`, `interface`, `paused`, `reason`, `membership` (see `Seat`)."""
AgentStateData = dict[str, Any]
"""The `data` of an `agent.state` event (the welcome's `agent_state` and `agents`)."""
PresenceData = dict[str, Any]
"""The `data` of a `presence` event (the welcome's `presence`)."""


@dataclass(frozen=True, slots=True)
class Seat:
    """One queue membership as agents and supervisors see it."""

    queue: str
    interface: str
    paused: bool = False
    reason: str | None = None
    membership: str = ""  # static (queues.conf) or dynamic (QueueAdd), as Asterisk says

    def data(self) -> SeatData:
        return {
            "queue": self.queue,
            "interface": self.interface,
            "paused": self.paused,
            "reason": self.reason,
            "membership": self.membership,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentState(WireEvent):
    """One agent's state changed (or its queues, its call, its wrap-up end).

    `extension` is null for a queue member whose interface matches no agent: it is
    shown by `interface`, and only supervisors receive it.
    """

    type: ClassVar[str] = "agent.state"
    agent: str | None
    extension: str | None
    state: str
    since: str
    reason: str | None = None
    queues: tuple[Seat, ...] = ()
    call_id: str | None = None
    wrapup_until: str | None = None
    dnd: bool = False
    interface: str | None = None

    def data(self) -> AgentStateData:
        return {
            "agent": self.agent,
            "extension": self.extension,
            "interface": self.interface,
            "state": self.state,
            "reason": self.reason,
            "since": self.since,
            "queues": [seat.data() for seat in self.queues],
            "call_id": self.call_id,
            "wrapup_until": self.wrapup_until,
            "dnd": self.dnd,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Presence(WireEvent):
    """What a colleague's phone is doing, for the transfer picker and BLF."""

    type: ClassVar[str] = "presence"
    everyone: ClassVar[bool] = True
    extension: str
    state: str
    since: str

    def data(self) -> PresenceData:
        return {"extension": self.extension, "state": self.state, "since": self.since}


@dataclass(frozen=True, slots=True, kw_only=True)
class CallQueued(DomainEvent):
    """A caller waits in a queue: sent when it joins and whenever its position changes."""

    type: ClassVar[str] = "call.queued"
    queue: str
    position: int
    count: int
    caller: Party
    waiting_since: str
    contact: dict[str, Any] | None = None
    matches: tuple[dict[str, Any], ...] = ()

    def data(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "queue": self.queue,
            "position": self.position,
            "count": self.count,
            "caller": self.caller.data(),
            "contact": self.contact,
            "matches": list(self.matches),
            "waiting_since": self.waiting_since,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueStats(WireEvent):
    """One queue's wallboard line: who waits now, its members by state, and today's
    counts (since local midnight; docs/service-level.md has the convention).

    Supervisors only: the audience stays empty, and the broker adds supervisors to every
    event's recipients.
    """

    type: ClassVar[str] = "queue.stats"
    queue: str
    waiting: int
    longest_wait_seconds: int  # the longest-waiting caller's wait now, 0 when nobody waits
    agents: dict[str, int]  # agent.state state -> members of the queue in it
    offered: int
    answered: int
    answered_within_target: int  # answered within service_level_seconds
    abandoned: int
    short_abandoned: int  # abandons shorter than queues.short_abandon_seconds
    service_level: float | None  # 0..1, None while nothing was offered today
    service_level_seconds: int
    since: str  # ISO-8601 UTC: the start of "today" (local midnight)

    def data(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "waiting": self.waiting,
            "longest_wait_seconds": self.longest_wait_seconds,
            "agents": dict(self.agents),
            "offered": self.offered,
            "answered": self.answered,
            "answered_within_target": self.answered_within_target,
            "abandoned": self.abandoned,
            "short_abandoned": self.short_abandoned,
            "service_level": self.service_level,
            "service_level_seconds": self.service_level_seconds,
            "since": self.since,
        }
