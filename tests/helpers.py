"""Shared test helpers: fixture paths, the expected domain events of each recorded
scenario, and a compact view of domain events for sequence asserts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cti.ami.messages import Event
from cti.ami.parser import AmiParser
from cti.protocol import DomainEvent

FIXTURES = Path(__file__).parent / "fixtures"
AMI_FIXTURES = FIXTURES / "ami"

ALICE = "+14155550123"
CAROL = "+14155550199"

_QUEUE_CALL_ANSWERED_BY_1001 = [
    ("call.ringing", "1002", "inbound", ALICE),
    ("call.ringing", "1001", "inbound", ALICE),
    ("call.answered", "1001"),
    ("pop.retracted", "1002", "answered_elsewhere"),
    ("call.ended", 16, "1001", False),
]
_TRANSFER_PREFIX = _QUEUE_CALL_ANSWERED_BY_1001[:4]

#: What each recorded scenario must produce, derived from its raw events and .md note.
EXPECTED: dict[str, list[tuple[Any, ...]]] = {
    "queue_answered": _QUEUE_CALL_ANSWERED_BY_1001,
    "sip_inbound_queue": _QUEUE_CALL_ANSWERED_BY_1001,
    "agi_lookup": _QUEUE_CALL_ANSWERED_BY_1001,  # the slow-AGI caller hangs up before any ring
    "actions_responses": _QUEUE_CALL_ANSWERED_BY_1001,  # the other originates reach no agent
    "direct_answered": [
        ("call.ringing", "1001", "inbound", ALICE),
        ("call.answered", "1001"),
        ("call.ended", 16, "1001", False),
    ],
    "abandoned_ringing": [
        ("call.ringing", "1002", "inbound", CAROL),
        ("call.ringing", "1001", "inbound", CAROL),
        ("pop.retracted", "1002", "abandoned"),
        ("pop.retracted", "1001", "abandoned"),
        ("call.ended", 16, None, True),
    ],
    "abandoned_ringing_direct": [
        ("call.ringing", "1002", "inbound", CAROL),
        ("pop.retracted", "1002", "abandoned"),
        ("call.ended", 16, None, True),
    ],
    "blind_transfer": [
        *_TRANSFER_PREFIX,
        ("call.transferred", "1001", "1002", "blind"),
        ("call.ringing", "1002", "inbound", ALICE),
        ("call.answered", "1002"),
        ("call.ended", 16, "1002", False),
    ],
    "redirect_transfer": [
        *_TRANSFER_PREFIX,
        ("call.transferred", "1001", "1002", "redirect"),
        ("call.ringing", "1002", "inbound", ALICE),
        ("call.answered", "1002"),
        ("call.ended", 16, "1002", False),
    ],
    "hold_unhold": [
        ("call.ringing", "1001", "inbound", ALICE),
        ("call.answered", "1001"),
        ("call.held",),
        ("call.resumed",),
        ("call.ended", 16, "1001", False),
    ],
    "sip_queue_sip_agents_hold": [
        *_TRANSFER_PREFIX,
        ("call.held",),
        ("call.resumed",),
        ("call.ended", 16, "1001", False),
    ],
    "click_to_dial_originate": [
        ("call.ringing", "1001", "outbound", ALICE),
        ("call.answered", "1001"),
        ("call.ended", 16, "1001", False),
    ],
    "login_failed": [],
    "readonly_permissions": [],
}


def transcript_events(name: str) -> list[Event]:
    """Every Event frame of a recorded transcript, parsed without any socket."""
    messages = AmiParser().feed((AMI_FIXTURES / f"{name}.raw").read_bytes())
    return [m for m in messages if isinstance(m, Event)]


def brief(event_type: str, data: dict[str, Any]) -> tuple[Any, ...]:
    """The fields that tell one domain event from another."""
    if event_type == "call.ringing":
        return (event_type, data["extension"], data["direction"], data["caller"]["number"])
    if event_type == "call.answered":
        return (event_type, data["extension"])
    if event_type == "pop.retracted":
        return (event_type, data["extension"], data["reason"])
    if event_type == "call.transferred":
        return (event_type, data["from"], data["to"], data["mode"])
    if event_type == "call.ended":
        return (event_type, data["cause"], data["answered_by"], data["abandoned"])
    return (event_type,)


def brief_event(event: DomainEvent) -> tuple[Any, ...]:
    return brief(event.type, event.data())
