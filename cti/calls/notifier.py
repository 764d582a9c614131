"""The only place that creates outgoing domain events about calls."""

from __future__ import annotations

from cti.calls.model import Call, QueueStay
from cti.protocol import (
    INBOUND,
    CallAnswered,
    Called,
    CallEnded,
    CallHeld,
    CallQueued,
    CallResumed,
    CallRinging,
    CallTransferFailed,
    CallTransferred,
    DomainEvent,
    Party,
    PopRetracted,
    iso_utc,
)


class CallNotifier:
    """Collects the domain events produced while one AMI event is handled."""

    def __init__(self) -> None:
        self._pending: list[DomainEvent] = []

    def drain(self) -> list[DomainEvent]:
        out, self._pending = self._pending, []
        return out

    def _emit(self, call: Call, event: DomainEvent) -> None:
        call.visible = True
        self._pending.append(event)

    def ringing(self, call: Call, extension: str, caller: Party, direction: str) -> None:
        did = call.origin.did if call.origin is not None and direction == INBOUND else None
        self._emit(
            call,
            CallRinging(
                call_id=call.call_id,
                audience=frozenset((extension,)),
                extension=extension,
                caller=caller,
                called=Called(number=call.dialled, did=did),
                queue=call.queue,
                direction=direction,
            ),
        )

    def queued(self, call: Call, stay: QueueStay, caller: Party) -> None:
        """To supervisors (an empty audience); the broker adds the queue's members
        where ``queues.announce_waiting`` says so."""
        self._emit(
            call,
            CallQueued(
                call_id=call.call_id,
                queue=stay.queue,
                position=stay.position,
                count=stay.count,
                caller=caller,
                waiting_since=iso_utc(stay.joined),
            ),
        )

    def answered(self, call: Call, extension: str) -> None:
        self._emit(
            call,
            CallAnswered(call_id=call.call_id, audience=call.connected(), extension=extension),
        )

    def retracted(self, call: Call, extension: str, reason: str) -> None:
        self._emit(
            call,
            PopRetracted(
                call_id=call.call_id,
                audience=frozenset((extension,)),
                extension=extension,
                reason=reason,
            ),
        )

    def held(self, call: Call) -> None:
        self._emit(call, CallHeld(call_id=call.call_id, audience=call.participants()))

    def resumed(self, call: Call) -> None:
        self._emit(call, CallResumed(call_id=call.call_id, audience=call.participants()))

    def transferred(self, call: Call, from_extension: str | None, to: str, mode: str) -> None:
        self._emit(
            call,
            CallTransferred(
                call_id=call.call_id,
                audience=call.participants(),
                from_extension=from_extension,
                to=to,
                mode=mode,
            ),
        )

    def transfer_failed(self, call: Call, from_extension: str | None, to: str, reason: str) -> None:
        audience = frozenset((from_extension,)) if from_extension else call.participants()
        self._emit(
            call,
            CallTransferFailed(
                call_id=call.call_id,
                audience=audience,
                from_extension=from_extension,
                to=to,
                reason=reason,
            ),
        )

    def ended(self, call: Call) -> None:
        self._emit(
            call,
            CallEnded(
                call_id=call.call_id,
                audience=call.participants(),
                cause=call.cause,
                cause_text=call.cause_text,
                answered_by=call.answered_by,
                abandoned=call.abandoned,
                waited_seconds=round(call.waited, 3) if call.queued else None,
                queue=call.queue,
            ),
        )
