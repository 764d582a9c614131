"""Sample domain events for broker tests."""

from __future__ import annotations

from cti.protocol import CallAnswered, Called, CallEnded, CallRinging, Party, PopRetracted


def ringing(call_id: str, extension: str, contact: dict[str, str] | None = None) -> CallRinging:
    return CallRinging(
        call_id=call_id,
        audience=frozenset({extension}),
        extension=extension,
        caller=Party("0612345678", "Jörg Müller", "+33612345678"),
        called=Called("support", "+33140000000"),
        queue="support",
        contact=contact,
    )


def answered(call_id: str, extension: str) -> CallAnswered:
    return CallAnswered(call_id=call_id, audience=frozenset({extension}), extension=extension)


def retracted(call_id: str, extension: str) -> PopRetracted:
    return PopRetracted(
        call_id=call_id, audience=frozenset({extension}), extension=extension, reason="abandoned"
    )


def ended(call_id: str, *extensions: str) -> CallEnded:
    return CallEnded(
        call_id=call_id,
        audience=frozenset(extensions),
        cause=16,
        cause_text="Normal Clearing",
        answered_by=None,
    )
