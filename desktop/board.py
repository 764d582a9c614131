"""The agent's calls as the desktop knows them, built only from welcome and events.

No Qt and no I/O: the controller feeds it frames, widgets read it. A call stays on the
board after it ends so the agent can file the after-call note; `forget` removes it.

Call timers count on this desktop's monotonic clock from the moment it learned of each
change: an agent PC's wall clock may be minutes off the server's, and timers must never
run backwards. A call found in a welcome snapshot is timed from that welcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cti.protocol import ABANDONED, ANSWERED_ELSEWHERE, TRANSFER_CANCELLED


class Phase(StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    HELD = "held"
    ENDED = "ended"


RETRACTION_TEXT = {
    ANSWERED_ELSEWHERE: "Answered elsewhere",
    ABANDONED: "Caller hung up",
    TRANSFER_CANCELLED: "Transfer cancelled",
}


@dataclass(frozen=True, slots=True)
class FailedTransfer:
    """An attended transfer whose consultation ended without a transfer: the caller is
    back with this agent. `to` and `reason` are as the broker sent them (or None)."""

    to: str | None
    reason: str | None


@dataclass(slots=True)
class CallRecord:
    call_id: str
    phase: Phase
    pop: dict[str, Any] | None = None
    answered_by: str | None = None
    answered_here: bool = False
    retracted: str | None = None  # reason of pop.retracted
    end_text: str | None = None  # why the call ended for this agent
    note_saved: bool = False
    consulting: str | None = None  # target of an attended transfer in progress
    failed_transfer: FailedTransfer | None = None  # the last one, while the call goes on
    transfers_over: int = 0  # attended transfers of this call that ended, either way
    chosen_contact: dict[str, Any] | None = None  # picked among matches, or created
    seen: float = 0.0  # monotonic time the desktop first saw the call
    since: float = 0.0  # ... the current phase began
    until: float | None = None  # ... the call stopped being active here (ended, retracted)

    def enter(self, phase: Phase, now: float) -> None:
        """Move to `phase`; its timer restarts only when the phase really changes."""
        if phase is not self.phase:
            self.phase, self.since = phase, now
        if not self.active and self.until is None:
            self.until = now

    @property
    def party_number(self) -> str | None:
        """The other party's number (E.164 when known): the caller, or whom the agent dialled."""
        caller = (self.pop or {}).get("caller")
        if not isinstance(caller, dict):
            return None
        number = caller.get("number_e164") or caller.get("number")
        return number if isinstance(number, str) and number else None

    @property
    def active(self) -> bool:
        return self.phase is not Phase.ENDED and self.retracted is None

    @property
    def contact(self) -> dict[str, Any] | None:
        """The contact the card is about: the one chosen, else the broker's single match."""
        if self.chosen_contact is not None:
            return self.chosen_contact
        contact = (self.pop or {}).get("contact")
        return contact if isinstance(contact, dict) else None

    @property
    def matches(self) -> list[dict[str, Any]]:
        matches = (self.pop or {}).get("matches")
        if not isinstance(matches, list):
            return []
        return [match for match in matches if isinstance(match, dict)]

    @property
    def retraction_text(self) -> str | None:
        if self.retracted is None:
            return None
        return RETRACTION_TEXT.get(self.retracted, "No longer ringing here")

    @property
    def needs_note(self) -> bool:
        """The agent talked to this caller and has not filed the outcome yet."""
        return self.phase is Phase.ENDED and self.answered_here and not self.note_saved


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


class CallBoard:
    """Calls by call_id for one agent (extension); `apply` returns the call it changed."""

    def __init__(self, extension: str = "", clock: Callable[[], float] = time.monotonic) -> None:
        self.extension = extension
        self.clock = clock
        self._calls: dict[str, CallRecord] = {}

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(list(self._calls.values()))

    def __len__(self) -> int:
        return len(self._calls)

    def get(self, call_id: str) -> CallRecord | None:
        return self._calls.get(call_id)

    def forget(self, call_id: str) -> None:
        self._calls.pop(call_id, None)

    def rebuild(self, extension: str, calls: list[dict[str, Any]]) -> None:
        """Replace everything with a welcome's snapshot; ended calls awaiting a note stay."""
        self.extension = extension
        kept = {cid: call for cid, call in self._calls.items() if call.needs_note}
        self._calls = kept
        for entry in calls:
            call_id = _text(entry, "call_id")
            if call_id is None:
                continue
            phase = {"answered": Phase.ANSWERED, "held": Phase.HELD}.get(
                str(entry.get("state")), Phase.RINGING
            )
            answered_by = _text(entry, "answered_by")
            pop = entry.get("pop") if isinstance(entry.get("pop"), dict) else None
            now = self.clock()
            self._calls[call_id] = CallRecord(
                call_id,
                phase,
                pop=pop,
                answered_by=answered_by,
                answered_here=answered_by == extension and phase is not Phase.RINGING,
                seen=now,
                since=now,
            )

    def apply(self, kind: str, data: Mapping[str, Any]) -> CallRecord | None:
        call_id = _text(data, "call_id")
        if call_id is None:
            return None
        handler = getattr(self, "_on_" + kind.replace(".", "_"), None)
        if handler is None:
            return self._calls.get(call_id)
        result: CallRecord | None = handler(call_id, data)
        return result

    def _on_call_ringing(self, call_id: str, data: Mapping[str, Any]) -> CallRecord:
        now = self.clock()
        record = CallRecord(call_id, Phase.RINGING, pop=dict(data), seen=now, since=now)
        self._calls[call_id] = record  # a new ring (say after a transfer) starts afresh
        return record

    def _known(self, call_id: str) -> CallRecord:
        record = self._calls.get(call_id)
        if record is None:
            now = self.clock()
            record = CallRecord(call_id, Phase.RINGING, seen=now, since=now)
            self._calls[call_id] = record
        return record

    def _on_call_answered(self, call_id: str, data: Mapping[str, Any]) -> CallRecord:
        record = self._known(call_id)
        record.answered_by = _text(data, "extension")
        if record.answered_by == self.extension:
            record.answered_here = True
            record.retracted = None
            record.until = None
        record.enter(Phase.ANSWERED, self.clock())
        return record

    def _on_call_held(self, call_id: str, data: Mapping[str, Any]) -> CallRecord:
        record = self._known(call_id)
        record.enter(Phase.HELD, self.clock())
        return record

    def _on_call_resumed(self, call_id: str, data: Mapping[str, Any]) -> CallRecord:
        record = self._known(call_id)
        record.enter(Phase.ANSWERED, self.clock())
        return record

    def transfers_over(self, call_id: str) -> int:
        """Mark taken as an attended transfer's start leaves: see `consultation_started`."""
        record = self._calls.get(call_id)
        return record.transfers_over if record is not None else 0

    def consultation_started(self, call_id: str, target: str, mark: int) -> CallRecord | None:
        """The broker reports an attended transfer started (its result). Its events can
        overtake that result: when a transfer ended since `mark` (`transfers_over` as the
        command left), this consultation is already over and offers nothing."""
        record = self._calls.get(call_id)
        if record is None:
            return None
        if record.active and record.transfers_over == mark:
            record.consulting, record.failed_transfer = target, None
        return record

    def consultation_finished(self, call_id: str) -> CallRecord | None:
        """The broker completed or cancelled it; the events say how it went."""
        record = self._calls.get(call_id)
        if record is not None:
            record.consulting = None
        return record

    def _on_call_transfer_failed(self, call_id: str, data: Mapping[str, Any]) -> CallRecord:
        record = self._known(call_id)
        record.consulting = None
        record.transfers_over += 1
        record.failed_transfer = FailedTransfer(_text(data, "to"), _text(data, "reason"))
        return record

    def _on_call_transferred(self, call_id: str, data: Mapping[str, Any]) -> CallRecord:
        record = self._known(call_id)
        target = _text(data, "to") or "?"
        record.consulting = None
        record.transfers_over += 1
        if target != self.extension:
            record.end_text = f"Transferred to {target}"
            record.enter(Phase.ENDED, self.clock())
        return record

    def _on_call_ended(self, call_id: str, data: Mapping[str, Any]) -> CallRecord:
        record = self._known(call_id)
        record.enter(Phase.ENDED, self.clock())
        record.consulting = None
        cause = _text(data, "cause_text")
        if data.get("abandoned") is True:
            record.end_text = "Caller hung up before an answer"
        elif record.end_text is None:
            record.end_text = f"Call ended ({cause})" if cause else "Call ended"
        return record

    def _on_pop_retracted(self, call_id: str, data: Mapping[str, Any]) -> CallRecord:
        record = self._known(call_id)
        record.retracted = _text(data, "reason") or "retracted"
        record.enter(record.phase, self.clock())
        return record
