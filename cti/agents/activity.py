"""What each agent is doing on calls, read from the call tracker's own events.

The tracker already decided who rings, who answered, who holds and who handed a call
over; reading its events (not the AMI) keeps one truth for the pops and the states. An
agent rings on a call from its ``call.ringing`` until its pop is retracted or it
answers; it is on the call from ``call.answered`` until it transfers the call away, its
pop is retracted (a consultation it left) or the call ends. The agent who answered when
``call.held`` came holds the call until ``call.resumed``: a parked caller (cti's hold)
keeps its agent on hold although the agent's phone is free.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from cti.protocol import (
    ON_CALL,
    ON_HOLD,
    RINGING,
    CallAnswered,
    CallEnded,
    CallHeld,
    CallResumed,
    CallRinging,
    CallTransferred,
    DomainEvent,
    PopRetracted,
)


@dataclass(slots=True)
class CallPart:
    """The agents taking part in one call."""

    order: int  # calls seen earlier come first among equally busy ones
    ringing: set[str] = field(default_factory=set)
    connected: list[str] = field(default_factory=list)  # in answer order
    holder: str | None = None  # who answered when the caller was put on hold

    def agents(self) -> set[str]:
        found = self.ringing | set(self.connected)
        if self.holder is not None:
            found.add(self.holder)
        return found


class CallActivity:
    def __init__(self) -> None:
        self._calls: dict[str, CallPart] = {}
        self._by_agent: dict[str, set[str]] = {}  # extension → its call ids
        self._order = itertools.count()

    def apply(self, events: Iterable[DomainEvent]) -> set[str]:
        """Take the tracker's events; returns the extensions whose activity changed."""
        touched: set[str] = set()
        for event in events:
            part = self._calls.get(event.call_id)
            before = part.agents() if part is not None else set()
            part = self._apply(event, part)
            after = part.agents() if part is not None else set()
            self._index(event.call_id, before - after, after)
            touched |= before | after
        return touched

    def of(self, extension: str) -> tuple[str, str] | None:
        """(state, call_id) of the agent's busiest call: on-call, then on-hold, then
        ringing, the call seen first among equals (a customer's call before the
        consultation that hands it over); None when it takes part in no call."""
        best: tuple[int, int, str, str] | None = None
        for call_id in self._by_agent.get(extension, ()):
            part = self._calls[call_id]
            state = _state_in(part, extension)
            if state is None:
                continue
            rank = (_RANK[state], -part.order)
            if best is None or rank > best[:2]:
                best = (*rank, state, call_id)
        return None if best is None else (best[2], best[3])

    def _index(self, call_id: str, left: set[str], present: set[str]) -> None:
        for extension in left:
            calls = self._by_agent.get(extension, set())
            calls.discard(call_id)
            if not calls:
                self._by_agent.pop(extension, None)
        for extension in present:
            self._by_agent.setdefault(extension, set()).add(call_id)

    def _apply(self, event: DomainEvent, part: CallPart | None) -> CallPart | None:
        if isinstance(event, CallRinging):
            part = part or self._calls.setdefault(event.call_id, CallPart(next(self._order)))
            if event.extension not in part.connected:
                part.ringing.add(event.extension)
        elif part is None:
            return None
        elif isinstance(event, CallAnswered):
            part.ringing.discard(event.extension)
            if event.extension in part.connected:
                part.connected.remove(event.extension)
            part.connected.append(event.extension)
        elif isinstance(event, CallHeld):
            part.holder = part.connected[-1] if part.connected else None
        elif isinstance(event, CallResumed):
            part.holder = None
        elif isinstance(event, PopRetracted | CallTransferred):
            _leave(part, _who(event))
        elif isinstance(event, CallEnded):
            del self._calls[event.call_id]
            return None
        return part


_RANK = {RINGING: 1, ON_HOLD: 2, ON_CALL: 3}


def _who(event: PopRetracted | CallTransferred) -> str | None:
    return event.extension if isinstance(event, PopRetracted) else event.from_extension


def _leave(part: CallPart, extension: str | None) -> None:
    if extension is None:
        return
    part.ringing.discard(extension)
    if extension in part.connected:
        part.connected.remove(extension)
    if part.holder == extension:
        part.holder = None


def _state_in(part: CallPart, extension: str) -> str | None:
    if part.holder == extension:
        return ON_HOLD
    if extension in part.connected:
        return ON_CALL
    if extension in part.ringing:
        return RINGING
    return None
