"""The call recorder: the domain events of each call, turned into its durable record.

`record` takes each event when the tracker makes it (so the times are the PBX's
moments, not the pop's, which may wait for a contact lookup); `add_contact` takes the
published `call.ringing` or `call.queued` once the lookup has named the contact. A
queue call's record starts at its `call.queued` (its arrival is the queue join), so a
caller who gives up without ringing anyone is recorded too. Each change hands a
snapshot to the writer thread, so nothing here waits for the disk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from cti.eventdata import epoch_of, number_of, stored_contact_ids
from cti.protocol import (
    ABANDONED,
    INBOUND,
    NOT_ANSWERED,
    WRAP_UP,
    CallAnswered,
    CallEnded,
    CallHeld,
    CallQueued,
    CallResumed,
    CallRinging,
    CallTransferred,
    DomainEvent,
    PopRetracted,
)
from cti.records.model import (
    ANSWERED,
    TRANSFERRED,
    AgentLeg,
    CallRecord,
    Transfer,
    seconds_between,
)
from cti.records.periods import PeriodRow
from cti.records.rows import RecordRows, from_rows, to_rows

log = logging.getLogger(__name__)


class RecordSink(Protocol):
    """Where snapshots go (`RecordWriter`); a shared store could stand behind it later."""

    def submit(self, rows: RecordRows) -> None: ...

    def snapshot(self, call_id: str) -> RecordRows | None: ...


class RecordSource(Protocol):
    """Committed records (`RecordStore`)."""

    def rows(self, call_id: str) -> RecordRows | None: ...


class CallRecorder:
    """Keeps the calls in progress in memory and every call in the records."""

    def __init__(
        self, sink: RecordSink, source: RecordSource, clock: Callable[[], float] = time.time
    ) -> None:
        self._sink = sink
        self._source = source
        self._clock = clock
        self._live: dict[str, CallRecord] = {}

    def __len__(self) -> int:
        """Calls in progress."""
        return len(self._live)

    def find(self, call_id: str) -> CallRecord | None:
        """The newest state of a call: in progress, waiting to be written, or recorded."""
        live = self._live.get(call_id)
        if live is not None:
            return live
        rows = self._sink.snapshot(call_id) or self._source.rows(call_id)
        return None if rows is None else from_rows(rows)

    def record(self, event: DomainEvent) -> None:
        """Apply one event; a failure is logged and never reaches the event stream."""
        try:
            self._apply(event, self._clock())
        except Exception:
            log.exception("could not record %s for call %s", event.type, event.call_id)

    def note_saved(self, call_id: str, disposition: str, note: str | None) -> None:
        """The after-call note of a call (POST /api/interactions); the last one wins.

        The call may be in progress, waiting to be written or recorded before a restart:
        its newest state takes the note, so nothing else in the row goes back in time.
        """
        try:
            record = self.find(call_id)
            if record is None:
                log.warning("a note for call %s, which the records do not hold", call_id)
                return
            record.disposition, record.note = disposition, note
            self._sink.submit(to_rows(record))
        except Exception:
            log.exception("could not record the note of call %s", call_id)

    def period_ended(self, period: PeriodRow) -> None:
        """An agent's period ended: a wrap-up adds its length to its call's wrap-up."""
        if period.state != WRAP_UP or period.call_id is None or period.ended_at is None:
            return
        try:
            record = self.find(period.call_id)
            if record is None:
                return
            spent = seconds_between(period.started_at, period.ended_at)
            record.wrapup_seconds = round((record.wrapup_seconds or 0.0) + spent, 3)
            self._sink.submit(to_rows(record))
        except Exception:
            log.exception("could not record the wrap-up of call %s", period.call_id)

    def add_contact(self, event: DomainEvent) -> None:
        """Take the matched contacts (and the lookup's E.164) of a published ringing or
        queued event."""
        if not isinstance(event, CallRinging | CallQueued):
            return
        try:
            self._add_contact(event)
        except Exception:
            log.exception("could not record the contact of call %s", event.call_id)

    def _add_contact(self, event: CallRinging | CallQueued) -> None:
        if isinstance(event, CallRinging):
            ids = event.stored_contact_ids()
        else:
            ids = stored_contact_ids(event.contact, event.matches)
        e164 = event.caller.number_e164
        record = self.find(event.call_id)
        if record is None:
            return
        new_ids = bool(ids) and ids != record.contact_ids
        new_e164 = bool(e164) and e164 != record.caller_e164
        if new_ids or new_e164:
            record.contact_ids = ids or record.contact_ids
            record.caller_e164 = e164 or record.caller_e164
            self._sink.submit(to_rows(record))

    def _apply(self, event: DomainEvent, now: float) -> None:
        record = self._live.get(event.call_id)
        if record is None:
            record = self.find(event.call_id) or CallRecord(event.call_id, _arrival(event, now))
            if record.ended_at is not None:
                return  # an ended call stays as it ended
            self._live[event.call_id] = record
        if isinstance(event, CallQueued):
            _queued(record, event)
        elif isinstance(event, CallRinging):
            _ringing(record, event, now)
        elif isinstance(event, CallAnswered):
            _answered(record, event.extension, now)
        elif isinstance(event, PopRetracted):
            _leg_ended(record, event.extension, event.reason, now)
        elif isinstance(event, CallTransferred):
            _transferred(record, event, now)
        elif isinstance(event, CallHeld):
            record.held_since = record.held_since or now
        elif isinstance(event, CallResumed):
            _resumed(record, now)
        elif isinstance(event, CallEnded):
            _ended(record, event, now)
            del self._live[event.call_id]
        self._sink.submit(to_rows(record))


def _arrival(event: DomainEvent, now: float) -> float:
    """A queued call arrives when it joined the queue (a resync's call.queued says when
    a caller already waiting joined); any other call at its first event."""
    if not isinstance(event, CallQueued):
        return now
    joined = epoch_of(event.waiting_since)
    return now if joined is None else min(now, joined)


def _queued(record: CallRecord, event: CallQueued) -> None:
    caller = event.caller
    record.direction = INBOUND
    record.queue = event.queue or record.queue
    record.caller_number = caller.number or record.caller_number
    record.caller_e164 = caller.number_e164 or record.caller_e164
    record.caller_name = caller.name or record.caller_name
    record.contact_ids = stored_contact_ids(event.contact, event.matches) or record.contact_ids


def _ringing(record: CallRecord, event: CallRinging, now: float) -> None:
    caller = event.caller
    record.direction = event.direction
    record.queue = event.queue or record.queue
    record.caller_number = caller.number or record.caller_number
    record.caller_e164 = caller.number_e164 or record.caller_e164
    record.caller_name = caller.name or record.caller_name
    record.called_number = event.called.number or record.called_number
    record.did = event.called.did or record.did
    record.contact_ids = event.stored_contact_ids() or record.contact_ids
    if record.open_leg(event.extension) is None:
        record.legs.append(AgentLeg(event.extension, rang_at=now))


def _answered(record: CallRecord, extension: str, now: float) -> None:
    leg = record.open_leg(extension)
    if leg is None:  # answered without a ring cti saw (a resync, a pickup)
        leg = AgentLeg(extension, rang_at=now)
        record.legs.append(leg)
    if leg.answered_at is None:
        leg.answered_at = now
        leg.outcome = ANSWERED
    if record.answered_at is None:
        record.answered_at = now
        record.answered_by = extension


def _leg_ended(record: CallRecord, extension: str, outcome: str, now: float) -> None:
    leg = record.open_leg(extension)
    if leg is not None:
        leg.ended_at = now
        leg.outcome = outcome


def _transferred(record: CallRecord, event: CallTransferred, now: float) -> None:
    record.transfers.append(Transfer(now, event.from_extension, event.to, event.mode))
    if event.from_extension is not None:
        _leg_ended(record, event.from_extension, TRANSFERRED, now)


def _resumed(record: CallRecord, now: float) -> None:
    if record.held_since is not None:
        record.held_seconds = round(
            record.held_seconds + seconds_between(record.held_since, now), 3
        )
        record.held_since = None


def _ended(record: CallRecord, event: CallEnded, now: float) -> None:
    _resumed(record, now)
    record.queue = event.queue or record.queue
    record.waited = number_of(event.waited_seconds)
    record.ended_at = now
    record.cause = event.cause
    record.cause_text = event.cause_text
    record.abandoned = event.abandoned
    if record.answered_by is None and event.answered_by is not None:
        record.answered_by = event.answered_by  # answered before a restart: time unknown
    unanswered = ABANDONED if event.abandoned else NOT_ANSWERED
    for leg in record.legs:
        if leg.open:
            leg.ended_at = now
            leg.outcome = leg.outcome or unanswered
