"""Protocol-v1 frames for the view tests, built by the real protocol classes."""

from __future__ import annotations

from typing import Any

from cti.protocol import (
    Called,
    CallRinging,
    DomainEvent,
    Party,
    event_envelope,
    welcome_frame,
)

CALL = "1700000000.42"
TS = "2026-06-01T12:34:56.789Z"

JORG = {
    "id": 1,
    "name": "Jörg Müller",
    "company": "Müller & Söhne GmbH",
    "match": "exact",
    "history": [
        {"ts": "2026-05-30T09:00:00+00:00", "channel": "email", "outcome": "replied"},
        {"ts": "2026-04-01T09:00:00+00:00", "channel": "call", "outcome": "resolved"},
    ],
}


def ringing(
    *,
    name: str | None = "MUELLER JOERG",
    number: str | None = "+12125550161",
    anonymous: bool = False,
    contact: dict[str, Any] | None = None,
    matches: tuple[dict[str, Any], ...] = (),
    extension: str = "1001",
    call_id: str = CALL,
) -> CallRinging:
    return CallRinging(
        call_id=call_id,
        extension=extension,
        caller=Party(number, name, number, anonymous),
        called=Called("600", "+18005550100"),
        queue="support",
        contact=contact,
        matches=matches,
    )


def event(domain_event: DomainEvent, seq: int = 1) -> dict[str, Any]:
    return event_envelope(domain_event, seq, TS)


def welcome(calls: list[dict[str, Any]], *, seq: int = 5, resync: bool = False) -> dict[str, Any]:
    return welcome_frame("alice", "1001", seq, calls, resync=resync)
