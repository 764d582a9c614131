"""Calls the broker has seen, kept after they end so an agent can still file a note.

A note is written after the hang-up, when `CallBook` has already forgotten the call.
The whole server (`cti.app`) backs the log with the durable call records (`use`), so a
note for a call that ended before a restart or a crash is still accepted. A broker on
its own keeps the calls in memory, for a bounded number of calls and a bounded time
after each one ended.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from typing import Protocol

from cti.protocol import INBOUND, CallAnswered, CallEnded, CallRinging, DomainEvent

MAX_CALLS = 10_000
MAX_AGE = 24 * 3600.0  # seconds an ended call is remembered in memory


@dataclass(slots=True)
class CallRecord:
    """One call as far as notes care: its party, matched contacts and extensions."""

    call_id: str
    direction: str = INBOUND
    number: str | None = None  # the external party, E.164 when known
    contact_ids: tuple[int, ...] = ()  # contacts of the built-in store the number matched
    extensions: set[str] = field(default_factory=set)  # every extension it rang or reached
    ended_at: float | None = None


class RecordedCall(Protocol):
    """A call as durable records know it (`cti.records.CallRecord` is one)."""

    @property
    def call_id(self) -> str: ...

    @property
    def direction(self) -> str: ...

    @property
    def number(self) -> str | None: ...

    @property
    def contact_ids(self) -> tuple[int, ...]: ...

    @property
    def extensions(self) -> Set[str]: ...


class CallHistory(Protocol):
    """Durable call records: every call still kept, whether or not it has ended."""

    def find(self, call_id: str) -> RecordedCall | None: ...


class CallLog:
    """Call records by call_id: from `CallHistory` once `use`d, else in memory.

    In memory the log is bounded in count and in age, oldest first.
    """

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
        self._history: CallHistory | None = None

    def __len__(self) -> int:
        return len(self._records)

    def use(self, history: CallHistory) -> None:
        """Answer from ``history`` from now on; the memory is dropped (one source of truth)."""
        self._history = history
        self._records.clear()

    def get(self, call_id: str) -> CallRecord | None:
        if self._history is not None:
            return _from_history(self._history.find(call_id))
        record = self._records.get(call_id)
        if record is not None and self._expired(record):
            del self._records[call_id]
            return None
        return record

    def apply(self, event: DomainEvent) -> None:
        if self._history is not None:
            return  # the history is fed by its own recorder
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
        record.contact_ids = event.stored_contact_ids() or record.contact_ids
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


def _from_history(found: RecordedCall | None) -> CallRecord | None:
    if found is None:
        return None
    return CallRecord(
        found.call_id,
        found.direction,
        found.number,
        found.contact_ids,
        set(found.extensions),
    )
