"""The issue-11 events the agents core adds, built exactly as the team's contract gives
their wire data, for the tests of what consumes them until the core's classes land.

Only the wire data matters to the consumers (`QueueStatsBook`, the recorder read it),
so these stand-ins carry exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cti.protocol import CallEnded, DomainEvent, Party, WireEvent


@dataclass(frozen=True, slots=True, kw_only=True)
class CallQueued(DomainEvent):
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
class QueueCallEnded(CallEnded):
    """`call.ended` with the contract's `waited_seconds` and `queue`."""

    waited_seconds: float | None = None
    queue: str | None = None

    def data(self) -> dict[str, Any]:
        return {
            **CallEnded.data(self),
            "waited_seconds": self.waited_seconds,
            "queue": self.queue,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentState(WireEvent):
    type: ClassVar[str] = "agent.state"
    agent: str
    extension: str
    state: str
    reason: str | None = None
    since: str = "2026-11-23T09:00:00.000Z"
    queues: tuple[dict[str, Any], ...] = ()
    call_id: str | None = None
    wrapup_until: str | None = None
    dnd: bool = False

    def data(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "extension": self.extension,
            "state": self.state,
            "reason": self.reason,
            "since": self.since,
            "queues": list(self.queues),
            "call_id": self.call_id,
            "wrapup_until": self.wrapup_until,
            "dnd": self.dnd,
        }


def member_of(
    *queues: str, paused: bool = False, reason: str | None = None
) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"queue": q, "paused": paused, "reason": reason, "membership": "dynamic"} for q in queues
    )
