"""Calls the broker has seen, kept after they end so an agent can still file a note.

A note is written after the hang-up, when `CallBook` has already forgotten the call.
The log remembers who was on each call and whom it matched, for a bounded number of
calls and a bounded time after each one ended.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cti.protocol import INBOUND, CallAnswered, CallEnded, CallRinging, DomainEvent

MAX_CALLS = 10_000
MAX_AGE = 24 * 3600.0  # seconds an ended call is remembered


@dataclass(slots=True)
class CallRecord:
    """One call as far as notes care: its party, matched contacts and extensions."""

    call_id: str
    direction: str = INBOUND
    number: str | None = None  # the external party, E.164 when known
    contact_ids: tuple[int, ...] = ()  # contacts of the built-in store the number matched
    extensions: set[str] = field(default_factory=set)  # every extension it rang or reached
    ended_at: float | None = None


def stored_contact_ids(data: dict[str, Any]) -> tuple[int, ...]:
    """Ids of store contacts in a ringing event's matches (other sources carry no id)."""
    found = list(data.get("matches") or ())
    if not found and data.get("contact"):
        found = [data["contact"]]
    ids = [item.get("id") for item in found if isinstance(item, dict)]
    return tuple(dict.fromkeys(i for i in ids if type(i) is int))


class CallLog:
    """Call records by call_id, oldest first; bounded in count and in age."""

    def __init__(
        self,
        max_calls: int = MAX_CALLS,
        max_age: float = MAX_AGE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._records: OrderedDict[str, CallRecord] = OrderedDict()
        self._max_calls = max_calls
        self._max_age = max_age
        self._clock = clock

    def __len__(self) -> int:
        return len(self._records)

    def get(self, call_id: str) -> CallRecord | None:
        record = self._records.get(call_id)
        if record is not None and self._expired(record):
            del self._records[call_id]
            return None
        return record

    def apply(self, event: DomainEvent) -> None:
        if isinstance(event, CallRinging):
            self._ringing(event)
            return
        record = self._records.get(event.call_id)
        if record is None:
            return
        if isinstance(event, CallAnswered):
            record.extensions.add(event.extension)
        elif isinstance(event, CallEnded):
            record.ended_at = self._clock()
            if event.answered_by is not None:
                record.extensions.add(event.answered_by)

    def _ringing(self, event: CallRinging) -> None:
        record = self._records.get(event.call_id)
        if record is None:
            record = self._records[event.call_id] = CallRecord(event.call_id)
            self._evict()
        record.direction = event.direction
        record.number = event.caller.number_e164 or event.caller.number or record.number
        ids = stored_contact_ids({"contact": event.contact, "matches": event.matches})
        record.contact_ids = ids or record.contact_ids
        record.extensions.add(event.extension)

    def _expired(self, record: CallRecord) -> bool:
        ended = record.ended_at
        return ended is not None and self._clock() - ended > self._max_age

    def _evict(self) -> None:
        while len(self._records) > self._max_calls:
            self._records.popitem(last=False)
        while self._records:
            oldest = next(iter(self._records.values()))
            if not self._expired(oldest):
                break
            self._records.popitem(last=False)
