"""The softphone's calls as the desktop sees them, and which broker pop each belongs to.

No Qt and no pjsua2: the Qt bridge (`desktop.phone`) feeds it the engine's events and
the board's records. A SIP leg is linked to a pop once `matches_pop` says so (the
`X-CTI-Call-Id` header, else the caller's number); from then on the card's Answer, Hold,
Resume and Hang up act on that leg.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers

from desktop.board import CallRecord
from desktop.softphone.events import CallState, IncomingCall, Registration
from desktop.softphone.matching import matches_pop

LEG_TEXT = {
    CallState.INCOMING: "ringing",
    CallState.EARLY: "ringing",
    CallState.CALLING: "calling",
    CallState.CONNECTING: "answering",
    CallState.CONFIRMED: "in conversation",
    CallState.DISCONNECTED: "ended",
}


class PhoneStatus(enum.StrEnum):
    OFF = "off"  # desk-phone mode, nothing shown
    UNAVAILABLE = "unavailable"  # enabled, but the `softphone` extra is missing
    REGISTERING = "registering"
    REGISTERED = "registered"
    READY = "ready"  # no registrar configured: calls come straight to our address
    FAILED = "failed"


STATUS_COLOUR = {
    PhoneStatus.OFF: "#e2e3e5",
    PhoneStatus.UNAVAILABLE: "#f8d7da",
    PhoneStatus.REGISTERING: "#fff3cd",
    PhoneStatus.REGISTERED: "#d4edda",
    PhoneStatus.READY: "#d4edda",
    PhoneStatus.FAILED: "#f8d7da",
}


def registration_status(event: Registration) -> tuple[PhoneStatus, str]:
    """What the window says about a registration outcome."""
    if event.ok:
        return PhoneStatus.REGISTERED, "Softphone registered"
    if event.code in (401, 407):
        why = f"wrong user name or password ({event.code} {event.reason})"
    elif event.code == 403:
        why = f"refused by the registrar ({event.code} {event.reason})"
    elif event.code == 408:
        why = event.reason  # the engine's own deadline says how long it waited
    elif 200 <= event.code < 300:
        return PhoneStatus.FAILED, "Softphone not registered"
    else:
        why = f"{event.code} {event.reason}"
    return PhoneStatus.FAILED, f"Softphone registration failed: {why}"


@dataclass
class SoftLeg:
    """One SIP call on the softphone, as last reported; `pop_call_id` once linked."""

    incoming: IncomingCall
    state: CallState = CallState.INCOMING
    held: bool = False
    pop_call_id: str | None = None

    @property
    def sip_call_id(self) -> str:
        return self.incoming.call_id

    @property
    def live(self) -> bool:
        return self.state is not CallState.DISCONNECTED

    @property
    def ringing(self) -> bool:
        return self.state in (CallState.INCOMING, CallState.EARLY)

    @property
    def text(self) -> str:
        if self.held and self.state is CallState.CONFIRMED:
            return "On your softphone: on hold"
        return f"On your softphone: {LEG_TEXT[self.state]}"


def region_of(e164: str | None) -> str | None:
    """The country of the pop's E.164 number: how a national SIP caller ID is read."""
    if not e164:
        return None
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def belongs_to(leg: SoftLeg, record: CallRecord) -> bool:
    caller: Any = (record.pop or {}).get("caller")
    caller = caller if isinstance(caller, dict) else {}
    number, e164 = caller.get("number"), caller.get("number_e164")
    number = number if isinstance(number, str) else None
    e164 = e164 if isinstance(e164, str) else None
    return matches_pop(leg.incoming, record.call_id, number, e164, region_of(e164))


class LegBook:
    """SIP legs by Call-ID and their links to pops (call_id of the broker)."""

    def __init__(self) -> None:
        self.legs: dict[str, SoftLeg] = {}

    def add(self, incoming: IncomingCall) -> SoftLeg:
        self._prune()
        leg = SoftLeg(incoming)
        self.legs[incoming.call_id] = leg
        return leg

    def get(self, sip_call_id: str) -> SoftLeg | None:
        return self.legs.get(sip_call_id)

    def for_pop(self, call_id: str) -> SoftLeg | None:
        """The pop's leg: a live one first (a new ring of the same call after a transfer)."""
        linked = [leg for leg in self.legs.values() if leg.pop_call_id == call_id]
        live = [leg for leg in linked if leg.live]
        found = live or linked
        return found[-1] if found else None

    def link_leg(self, leg: SoftLeg, records: Iterable[CallRecord]) -> str | None:
        """Give a new leg to the ringing pop it matches, if any; returns that call_id."""
        for record in records:
            if record.active and self._free(record.call_id) and belongs_to(leg, record):
                leg.pop_call_id = record.call_id
                return record.call_id
        return None

    def link_pop(self, record: CallRecord) -> SoftLeg | None:
        """Give a (new or changed) pop an unclaimed live leg it matches, if any."""
        if not record.active or not self._free(record.call_id):
            return None
        for leg in self.legs.values():
            if leg.pop_call_id is None and leg.live and belongs_to(leg, record):
                leg.pop_call_id = record.call_id
                return leg
        return None

    def clear(self) -> None:
        self.legs.clear()

    def _free(self, call_id: str) -> bool:
        leg = self.for_pop(call_id)
        return leg is None or not leg.live

    def _prune(self) -> None:
        """Ended legs are kept for their card's text until the next call arrives."""
        for sip_call_id in [cid for cid, leg in self.legs.items() if not leg.live]:
            del self.legs[sip_call_id]
