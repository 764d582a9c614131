"""``queues.announce_waiting``: waiting callers shown to the queue's agents too.

A `call.queued` goes to supervisors; with the option on, also to the agents logged in
to that queue then. Those agents must also learn when the caller stops waiting, so the
call's `call.answered` and `call.ended` go to them as well (they hold no pop of it:
their desktops only drop it from the waiting list).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable

from cti.protocol import CallAnswered, CallEnded, CallQueued, WireEvent

MAX_ANNOUNCED = 10_000
"""Calls whose announced agents are remembered until they end (a bound, should an end
be missed)."""


class WaitingAnnouncer:
    def __init__(self, members_of: Callable[[str], list[str]], enabled: Callable[[], bool]):
        """``members_of(queue)``: the agents logged in to it; ``enabled``: the option now."""
        self._members_of = members_of
        self._enabled = enabled
        self._told: OrderedDict[str, frozenset[str]] = OrderedDict()

    def __call__(self, event: WireEvent) -> WireEvent:
        """The event with the agents it is announced to added to its audience."""
        if isinstance(event, CallQueued) and self._enabled():
            told = self._told.pop(event.call_id, frozenset())
            told |= frozenset(self._members_of(event.queue))
            self._told[event.call_id] = told
            while len(self._told) > MAX_ANNOUNCED:
                self._told.popitem(last=False)
            return dataclasses.replace(event, audience=event.audience | told)
        if isinstance(event, CallAnswered | CallEnded) and event.call_id in self._told:
            told = self._told[event.call_id]
            if isinstance(event, CallEnded):
                del self._told[event.call_id]
            return dataclasses.replace(event, audience=event.audience | told)
        return event
