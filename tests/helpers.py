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
#: 1001 starts an attended transfer (AMI Atxfer): the caller waits, 1002 rings with its pop
_CONSULTING_1002 = [("call.held",), ("call.ringing", "1002", "inbound", ALICE)]
#: a parked (held) call that ends while parked: call.ended only, never call.resumed first
_PARKED_THEN_ENDED = [
    *_QUEUE_CALL_ANSWERED_BY_1001[:4],
    ("call.held",),
    ("call.ended", 16, "1001", False),
]

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
    # -- the second set (Asterisk 22.10.1, fixtures/README.md "The second set") ---------
    "attended_transfer_complete": [
        *_TRANSFER_PREFIX,
        *_CONSULTING_1002,
        ("call.answered", "1002"),  # its own Newstate Up, not its ringing BridgeEnter
        ("call.resumed",),
        ("call.transferred", "1001", "1002", "attended"),
        ("call.ended", 16, "1002", False),
    ],
    "ring_group": [
        ("call.ringing", "1001", "inbound", ALICE),
        ("call.ringing", "1002", "inbound", ALICE),
        ("call.answered", "1002"),
        ("pop.retracted", "1001", "answered_elsewhere"),
        ("call.ended", 16, "1002", False),
    ],
    "sip_refer_attended": [
        ("call.ringing", "1001", "inbound", ALICE),  # call A
        ("call.answered", "1001"),
        ("call.held",),  # 1001's phone holds A by re-INVITE
        ("call.ringing", "1002", "internal", "1001"),  # call B: 1001's phone calls 1002
        ("call.answered", "1002"),
        ("call.resumed",),  # the REFER: A leaves hold ...
        ("call.ringing", "1002", "inbound", ALICE),  # ... and PJSIP/1002 joins A's bridge
        ("call.answered", "1002"),
        ("call.transferred", "1001", "1002", "attended"),
        ("call.ended", 16, "1002", False),  # call B
        ("call.ended", 16, "1002", False),  # call A, when the caller hangs up
    ],
    # queue membership and waiting callers get their own events with the next issue;
    # today these replay without errors and pop only the calls that rang someone
    "queue_pause": [  # 1001 is paused: only 1002 rings
        ("call.ringing", "1002", "inbound", ALICE),
        ("call.answered", "1002"),
        ("call.ended", 16, "1002", False),
    ],
    "queue_member_dynamic": [],
    "queue_abandon_waiting": [  # callers C and D wait and give up without ringing anyone
        ("call.ringing", "1002", "inbound", "+14155550101"),
        ("call.ringing", "1001", "inbound", "+14155550101"),
        ("call.answered", "1001"),
        ("pop.retracted", "1002", "answered_elsewhere"),
        ("call.ringing", "1002", "inbound", "+14155550102"),
        ("call.answered", "1002"),
        ("call.ended", 16, "1001", False),
        ("call.ended", 16, "1002", False),
    ],
    "chanspy_listen": _QUEUE_CALL_ANSWERED_BY_1001,  # the spy is a call of its own, no pop
    # -- recorded by cti's own lab runs (tests/fixtures/ami/<name>.md) ------------------
    "at_cancel_answered": [
        *_TRANSFER_PREFIX,
        *_CONSULTING_1002,
        ("call.answered", "1002"),
        ("pop.retracted", "1002", "transfer_cancelled"),
        ("call.transfer_failed", "1001", "1002", "target_hung_up"),  # a bare AMI Hangup
        ("call.answered", "1001"),
        ("call.resumed",),
        ("call.ended", 16, "1001", False),
    ],
    "at_cancel_ringing": [
        *_TRANSFER_PREFIX,
        *_CONSULTING_1002,
        ("pop.retracted", "1002", "not_answered"),
        ("call.transfer_failed", "1001", "1002", "not_answered"),
        ("call.resumed",),
        ("call.ended", 16, "1001", False),
    ],
    "at_noanswer": [
        *_TRANSFER_PREFIX,
        *_CONSULTING_1002,
        ("pop.retracted", "1002", "not_answered"),  # atxfernoanswertimeout (15 s)
        ("call.transfer_failed", "1001", "1002", "not_answered"),
        ("call.resumed",),
        ("call.ended", 16, "1001", False),
    ],
    "at_blond": [  # the transferer hangs up while 1002 still rings
        *_TRANSFER_PREFIX,
        *_CONSULTING_1002,
        ("call.resumed",),
        ("call.transferred", "1001", "1002", "attended"),
        ("call.answered", "1002"),
        ("call.ended", 16, "1002", False),
    ],
    "park_retrieve": [
        *_QUEUE_CALL_ANSWERED_BY_1001[:4],
        ("call.held",),
        ("call.resumed",),  # UnParkedCall: 1001 picked the call up again
        ("call.ended", 16, "1001", False),
    ],
    "park_timeout": [
        *_QUEUE_CALL_ANSWERED_BY_1001[:4],
        ("call.held",),
        ("call.resumed",),  # the park timed out, rang 1001 back, and 1001 answered
        ("call.ended", 16, "1001", False),
    ],
    "park_hangup": _PARKED_THEN_ENDED,  # AMI Hangup of the parked caller
    "park_giveup": _PARKED_THEN_ENDED,  # the parked caller hangs up
    "cti_atxfer_no_exten": [  # cti's Atxfer to 123, which cti-dial does not have
        *_QUEUE_CALL_ANSWERED_BY_1001[:4],
        ("call.held",),
        ("call.resumed",),
        ("call.ended", 16, "1001", False),
    ],
    "cti_atxfer_no_exten_2": [  # the same; Hold and Unhold came before the music
        *_QUEUE_CALL_ANSWERED_BY_1001[:4],
        ("call.held",),
        ("call.resumed",),
        ("call.ended", 16, "1001", False),
    ],
    "cti_hold_c2d": [  # as c2d_park, with ParkedCallGiveUp before MusicOnHoldStop
        ("call.ringing", "1001", "outbound", ALICE),
        ("call.answered", "1001"),
        ("call.held",),
        ("call.ended", 16, "1001", False),
    ],
    "cti_hold_queue": [  # cti's hold; a second queue call rings only 1002; cti's resume
        *_QUEUE_CALL_ANSWERED_BY_1001[:4],
        ("call.held",),
        ("call.ringing", "1002", "inbound", "+14155550199"),
        ("call.answered", "1002"),
        ("call.ended", 16, "1002", False),
        ("call.resumed",),
        ("call.ended", 16, "1001", False),
    ],
    "c2d_park": [  # click-to-dial, then the called party parked (hold)
        ("call.ringing", "1001", "outbound", ALICE),
        ("call.answered", "1001"),
        ("call.held",),
        ("call.ended", 16, "1001", False),  # the called party hangs up while parked
    ],
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
    if event_type == "call.transfer_failed":
        return (event_type, data["from"], data["to"], data["reason"])
    if event_type == "call.ended":
        return (event_type, data["cause"], data["answered_by"], data["abandoned"])
    return (event_type,)


def brief_event(event: DomainEvent) -> tuple[Any, ...]:
    return brief(event.type, event.data())
