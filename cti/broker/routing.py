"""The broker's own view of active calls, kept from the events it publishes.

It answers two questions: which calls does a welcome snapshot list for an agent, and
does an agent own a call (so may control it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cti.protocol import (
    CallAnswered,
    CallEnded,
    CallHeld,
    CallResumed,
    CallRinging,
    CallTransferred,
    DomainEvent,
    PopRetracted,
    WireEvent,
)


@dataclass(slots=True)
class ActiveCall:
    call_id: str
    pops: dict[str, dict[str, Any]] = field(default_factory=dict)  # extension → ringing data
    answered_by: str | None = None
    held: bool = False

    def owners(self) -> set[str]:
        owners = set(self.pops)
        if self.answered_by is not None:
            owners.add(self.answered_by)
        return owners

    def state(self) -> str:
        if self.answered_by is None:
            return "ringing"
        return "held" if self.held else "answered"

    def snapshot(self, extension: str | None) -> dict[str, Any]:
        """The call as a welcome lists it; a supervisor (no extension) sees every pop."""
        if extension is None:
            pop = next(iter(self.pops.values()), None)
        else:
            pop = self.pops.get(extension)
        return {
            "call_id": self.call_id,
            "state": self.state(),
            "answered_by": self.answered_by,
            "pop": pop,
        }


class CallBook:
    """Active calls by call_id, updated by `apply` for every published event."""

    def __init__(self) -> None:
        self._calls: dict[str, ActiveCall] = {}

    def get(self, call_id: str) -> ActiveCall | None:
        return self._calls.get(call_id)

    def calls_of(self, extension: str) -> list[dict[str, Any]]:
        return [
            call.snapshot(extension) for call in self._calls.values() if extension in call.owners()
        ]

    def all_calls(self) -> list[dict[str, Any]]:
        return [call.snapshot(None) for call in self._calls.values()]

    def apply(self, event: DomainEvent) -> None:
        call = self._calls.get(event.call_id)
        if isinstance(event, CallRinging):
            if call is None:
                call = self._calls[event.call_id] = ActiveCall(event.call_id)
            call.pops[event.extension] = event.data()
            return
        if call is None:
            return
        if isinstance(event, CallAnswered):
            call.answered_by = event.extension
        elif isinstance(event, CallHeld | CallResumed):
            call.held = isinstance(event, CallHeld)
        elif isinstance(event, PopRetracted):
            call.pops.pop(event.extension, None)
        elif isinstance(event, CallTransferred):
            self._transferred_away(call, event.from_extension)
        elif isinstance(event, CallEnded):
            del self._calls[event.call_id]
            return
        if not call.owners():
            del self._calls[event.call_id]

    @staticmethod
    def _transferred_away(call: ActiveCall, extension: str | None) -> None:
        if extension is None:
            return
        call.pops.pop(extension, None)
        if call.answered_by == extension:
            call.answered_by = None
            call.held = False


def receives(event: WireEvent, extension: str, is_supervisor: bool) -> bool:
    """Whether an agent receives an event: its extension is in the audience, it supervises,
    or the event is for everyone."""
    return event.everyone or is_supervisor or extension in event.audience
