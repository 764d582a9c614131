"""Shared test helpers: fixture paths, the expected events of each recorded scenario
(calls, agent states, presence), and a compact view of events for sequence asserts."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cti.ami.messages import Event
from cti.ami.parser import AmiParser
from cti.protocol import WireEvent

FIXTURES = Path(__file__).parent / "fixtures"
AMI_FIXTURES = FIXTURES / "ami"

ALICE = "+14155550123"
CAROL = "+14155550199"
SIP_QUEUE = "support-sip"

Brief = tuple[Any, ...]

# -- builders: the brief of each event type (see `brief`) ------------------------------


def queued(number: str, position: int = 1, count: int = 1, queue: str = "support") -> Brief:
    return ("call.queued", queue, position, count, number)


def agent(
    ext: str, state: str, call: str | None = None, seats: str = "support", reason: str | None = None
) -> Brief:
    """``seats``: the agent's queues, ``queue:reason`` when paused, comma-separated."""
    return ("agent.state", ext, state, reason, seats, call)


def on_hold(ext: str, call: str | None, seats: str = "support") -> Brief:
    return agent(ext, "on-hold", call, seats, reason="hold")


def presence(ext: str, state: str) -> Brief:
    return ("presence", ext, state)


def ended(by: str | None, abandoned: bool = False) -> Brief:
    """Its ``queue`` and ``waited_seconds`` are checked on their own (every queued call
    ends with its queue and wait: test_call_tracker_transcripts)."""
    return ("call.ended", 16, by, abandoned)


def ring(
    ext: str, call: str, number: str = ALICE, seats: str = "", direction: str = "inbound"
) -> list[Brief]:
    """A pop, and the agent it rings; ``seats`` empty while the replay has not yet seen
    the agent in a queue (its QueueMemberStatus comes after the ring)."""
    return [
        ("call.ringing", ext, direction, number),
        agent(ext, "ringing", call, seats),
        presence(ext, "ringing"),
    ]


def learned(ext: str, call: str) -> Brief:
    """QueueMemberStatus of a ringing agent: the replay learns its queue."""
    return agent(ext, "ringing", call)


def answers_1001(call: str, then_1002: str | None = "in-use") -> list[Brief]:
    """1001 answers, 1002's pop goes; 1002's presence falls back to its phone: a Local
    device is still INUSE while its ringing channel hangs up (core_local.c)."""
    tail = [] if then_1002 is None else [presence("1002", then_1002)]
    return [
        ("call.answered", "1001"),
        ("pop.retracted", "1002", "answered_elsewhere"),
        agent("1001", "on-call", call),
        presence("1001", "in-use"),
        agent("1002", "available"),
        *tail,
    ]


def ends_on(ext: str, seats: str = "support") -> list[Brief]:
    """The call ends with `ext` on it; its phone hung up before the caller did."""
    return [ended(ext), agent(ext, "available", seats=seats), presence(ext, "idle")]


def hold_and_resume(call: str) -> list[Brief]:
    return [
        ("call.held",),
        on_hold("1001", call),
        presence("1001", "on-hold"),
        ("call.resumed",),
        agent("1001", "on-call", call),
        presence("1001", "in-use"),
    ]


def queue_call_answered_by_1001(number: str = ALICE) -> list[Brief]:
    """Queue support rings 1002, then 1001 (AgentCalled each); both QueueMemberStatus
    (Status 2) follow the two rings, 1002's first; 1001 answers; 1002's Local device goes
    NOT_INUSE after its hang-up; 1001's phone hangs up before the caller."""
    return [
        queued(number),
        *ring("1002", "A", number),
        *ring("1001", "A", number),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *ends_on("1001"),
    ]


def consultation_of_1002(rings_support: bool = True) -> list[Brief]:
    """1001 starts an attended transfer (AMI Atxfer): the caller waits (held: 1001 is on
    hold), and 1002 rings for the consultation with the caller's pop."""
    return [
        ("call.held",),
        on_hold("1001", "A"),
        presence("1001", "on-hold"),
        *ring("1002", "A", seats="support" if rings_support else ""),
    ]


#: What each recorded scenario must produce, derived from its raw events, its timeline
#: and its .md note: the call events, then the agent.state / presence events each AMI
#: event caused (agents in extension order), as `cti replay` prints them. The replay has
#: no config: agents are learned from the events (their ids are null), and an agent is
#: seen in a queue only from its first member event, so a ringing agent's queues can
#: arrive in a second agent.state. Calls are A, B, ... in order of appearance.
EXPECTED: dict[str, list[Brief]] = {
    # Queue support (ringall, Local/1001@agents and Local/1002@agents): the caller is
    # queued at position 1 of 1, both ring, 1001 answers after 2 s; the wait ends at the
    # answer, so call.ended carries the queue.
    "queue_answered": queue_call_answered_by_1001(),
    # The same queue call on a real SIP trunk (PJSIP/trunk caller, Local agents).
    "sip_inbound_queue": queue_call_answered_by_1001(),
    # AGI lookup first, then the queue as queue_answered; the second caller hangs up in
    # its slow AGI before it reaches the queue: no event at all.
    "agi_lookup": queue_call_answered_by_1001(),
    # Two originates that reach no agent (no event), then queue_answered; the
    # QueueMember items answer the recorder's own QueueStatus and change nothing.
    "actions_responses": queue_call_answered_by_1001(),
    # queue_answered while a supervisor's ChanSpy listens: the spy's channel is a call
    # of its own on pstn-sim, no agent's, so nothing more.
    "chanspy_listen": queue_call_answered_by_1001(),
    # Dial(Local/1001@agents): no queue, so no call.queued and call.ended's queue null;
    # 1001's QueueMemberStatus (it is a member of support) comes after its ring.
    "direct_answered": [
        *ring("1001", "A"),
        learned("1001", "A"),
        ("call.answered", "1001"),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        *ends_on("1001"),
    ],
    # The direct call held by the agent's handset (MusicOnHold only, Local channels).
    "hold_unhold": [
        *ring("1001", "A"),
        learned("1001", "A"),
        ("call.answered", "1001"),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        *hold_and_resume("A"),
        *ends_on("1001"),
    ],
    # Carol gives up while both ring: the pops go at QueueCallerAbandon, both Local
    # devices are still INUSE (in-use), then NOT_INUSE (1002 first); the call ends later
    # with the last channel, abandoned, to supervisors only.
    "abandoned_ringing": [
        queued(CAROL),
        *ring("1002", "A", CAROL),
        *ring("1001", "A", CAROL),
        learned("1002", "A"),
        learned("1001", "A"),
        ("pop.retracted", "1002", "abandoned"),
        ("pop.retracted", "1001", "abandoned"),
        agent("1001", "available"),
        presence("1001", "in-use"),
        agent("1002", "available"),
        presence("1002", "in-use"),
        presence("1002", "idle"),
        presence("1001", "idle"),
        ended(None, abandoned=True),
    ],
    # A direct call to 1002 abandoned while it rings: 1002's device went NOT_INUSE
    # before the caller's own hang-up retracts the pop, so it is idle at once.
    "abandoned_ringing_direct": [
        *ring("1002", "A", CAROL),
        learned("1002", "A"),
        ("pop.retracted", "1002", "abandoned"),
        agent("1002", "available"),
        presence("1002", "idle"),
        ended(None, abandoned=True),
    ],
    # 1001 rings at its Newstate Ringing (before its AgentCalled) and answers at
    # Newstate Up; AMI BlindTransfer hands the call to 1002 (1001 still in use until its
    # NOT_INUSE), which rings and answers through [transfer].
    "blind_transfer": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        ("call.transferred", "1001", "1002", "blind"),
        agent("1001", "available"),
        presence("1001", "idle"),
        *ring("1002", "A", seats="support"),
        ("call.answered", "1002"),
        agent("1002", "on-call", "A"),
        presence("1002", "in-use"),
        *ends_on("1002"),
    ],
    # AMI Redirect of the caller: 1001 is available at once; its device goes NOT_INUSE
    # only after 1002's DialBegin.
    "redirect_transfer": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        ("call.transferred", "1001", "1002", "redirect"),
        agent("1001", "available"),
        *ring("1002", "A", seats="support"),
        presence("1001", "idle"),
        ("call.answered", "1002"),
        agent("1002", "on-call", "A"),
        presence("1002", "in-use"),
        *ends_on("1002"),
    ],
    # Real SIP agents (PJSIP/100x, queue support-sip): PJSIP devices say RINGING, so
    # 1002's presence stays ringing when its pop goes, until NOT_INUSE; the phone's
    # Hold/Unhold put 1001 on hold and back.
    "sip_queue_sip_agents_hold": [
        queued(ALICE, queue=SIP_QUEUE),
        *ring("1002", "A"),
        agent("1002", "ringing", "A", SIP_QUEUE),
        *ring("1001", "A"),
        agent("1001", "ringing", "A", SIP_QUEUE),
        ("call.answered", "1001"),
        ("pop.retracted", "1002", "answered_elsewhere"),
        agent("1001", "on-call", "A", SIP_QUEUE),
        presence("1001", "in-use"),
        agent("1002", "available", seats=SIP_QUEUE),
        presence("1002", "idle"),
        ("call.held",),
        on_hold("1001", "A", SIP_QUEUE),
        presence("1001", "on-hold"),
        ("call.resumed",),
        agent("1001", "on-call", "A", SIP_QUEUE),
        presence("1001", "in-use"),
        *ends_on("1001", seats=SIP_QUEUE),
    ],
    # Click-to-dial: 1001's own phone rings first (the call's origin: no pop), its
    # QueueMemberStatus makes it known (available; no device state yet: idle), then
    # INUSE; the outbound pop comes when it dials the number.
    "click_to_dial_originate": [
        agent("1001", "available"),
        presence("1001", "idle"),
        presence("1001", "in-use"),
        *ring("1001", "A", seats="support", direction="outbound"),
        ("call.answered", "1001"),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        *ends_on("1001"),
    ],
    "login_failed": [],
    # Only the recorder's own QueueStatus items: nothing to tell.
    "readonly_permissions": [],
    # -- the second set (Asterisk 22.10.1, fixtures/README.md "The second set") ---------
    # Atxfer to 1002 (TRANSFER_EXTEN): 1002 answers the consultation, 1001 hangs up and
    # completes it; 1001 leaves hold as the transfer ends, its device still INUSE.
    "attended_transfer_complete": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *consultation_of_1002(),
        ("call.answered", "1002"),  # its own Newstate Up, not its ringing BridgeEnter
        agent("1002", "on-call", "A"),
        presence("1002", "in-use"),
        ("call.resumed",),
        ("call.transferred", "1001", "1002", "attended"),
        agent("1001", "available"),
        presence("1001", "in-use"),
        presence("1001", "idle"),
        *ends_on("1002"),
    ],
    # Dial(Local/1001@agents&Local/1002@agents): 1001 rings at its Newstate (its device
    # NOT_INUSE: the Local channel has no caretaker yet), 1002 answers; 1001 was never
    # seen in a queue here, so it is simply available.
    "ring_group": [
        *ring("1001", "A"),
        *ring("1002", "A"),
        learned("1002", "A"),
        ("call.answered", "1002"),
        ("pop.retracted", "1001", "answered_elsewhere"),
        agent("1001", "available", seats=""),
        presence("1001", "idle"),
        agent("1002", "on-call", "A"),
        presence("1002", "in-use"),
        *ends_on("1002"),
    ],
    # 1002 is paused consult-only in support-sip from the start; the queue call rings
    # 1001 only; 1001's phone holds A and calls 1002 (B), then REFERs: PJSIP/1002 joins
    # A (its on-call call becomes A), B ends, 1002 is paused again when A ends, then
    # unpaused by the recorder.
    "sip_refer_attended": [
        agent("1002", "paused", seats=f"{SIP_QUEUE}:consult-only", reason="consult-only"),
        presence("1002", "idle"),
        queued(ALICE, queue=SIP_QUEUE),
        *ring("1001", "A"),
        agent("1001", "ringing", "A", SIP_QUEUE),
        ("call.answered", "1001"),
        agent("1001", "on-call", "A", SIP_QUEUE),
        presence("1001", "in-use"),
        ("call.held",),
        on_hold("1001", "A", SIP_QUEUE),
        presence("1001", "on-hold"),
        ("call.ringing", "1002", "internal", "1001"),  # call B: 1001's phone calls 1002
        agent("1002", "ringing", "B", f"{SIP_QUEUE}:consult-only"),
        presence("1002", "ringing"),
        ("call.answered", "1002"),
        agent("1002", "on-call", "B", f"{SIP_QUEUE}:consult-only"),
        presence("1002", "in-use"),
        ("call.resumed",),  # the REFER: A leaves hold ...
        agent("1001", "on-call", "A", SIP_QUEUE),
        presence("1001", "in-use"),
        ("call.ringing", "1002", "inbound", ALICE),  # ... and PJSIP/1002 joins A's bridge
        ("call.answered", "1002"),
        agent("1002", "on-call", "A", f"{SIP_QUEUE}:consult-only"),
        ("call.transferred", "1001", "1002", "attended"),
        agent("1001", "available", seats=SIP_QUEUE),
        ended("1002"),  # call B
        presence("1001", "idle"),
        ended("1002"),  # call A
        agent("1002", "paused", seats=f"{SIP_QUEUE}:consult-only", reason="consult-only"),
        presence("1002", "idle"),
        agent("1002", "available", seats=SIP_QUEUE),
    ],
    # 1001 paused with reason lunch (QueuePause) first; the queue call rings 1002 only;
    # then 1001 is unpaused. The QueueStatus items at the end change nothing.
    "queue_pause": [
        agent("1001", "paused", seats="support:lunch", reason="lunch"),
        presence("1001", "idle"),
        queued(ALICE),
        *ring("1002", "A"),
        learned("1002", "A"),
        ("call.answered", "1002"),
        agent("1002", "on-call", "A"),
        presence("1002", "in-use"),
        *ends_on("1002"),
        agent("1001", "available"),
    ],
    # QueueAdd of Local/1003@agents (dynamic), pause with reason break, unpause, remove:
    # 1003 was in a queue, so in none it is logged out. No device state for 1003.
    "queue_member_dynamic": [
        agent("1003", "available"),
        presence("1003", "idle"),
        agent("1003", "paused", seats="support:break", reason="break"),
        agent("1003", "available"),
        agent("1003", "logged-out", seats=""),
    ],
    # A is answered by 1001, B by 1002; C and D wait (positions 1 and 2 of 2) and never
    # ring anyone; when C abandons, D moves up to 1 (its QueueCallerAbandon says
    # OriginalPosition 2, Position 1); both end abandoned for supervisors only.
    "queue_abandon_waiting": [
        queued("+14155550101"),
        *ring("1002", "A", "+14155550101"),
        *ring("1001", "A", "+14155550101"),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        queued("+14155550102"),
        *ring("1002", "B", "+14155550102", seats="support"),
        ("call.answered", "1002"),
        agent("1002", "on-call", "B"),
        presence("1002", "in-use"),
        queued("+14155550103"),
        queued("+14155550104", position=2, count=2),
        queued("+14155550104"),  # C left: D is first of one
        ended(None, abandoned=True),  # C
        ended(None, abandoned=True),  # D
        *ends_on("1001"),  # A
        *ends_on("1002"),  # B
    ],
    # -- recorded by cti's own lab runs (tests/fixtures/ami/<name>.md) ------------------
    # The consulted 1002 answers, then is hung up (bare AMI Hangup): its pop goes while
    # its two Local devices (agents, cti-dial) are still INUSE; 1001 has the call again
    # and leaves hold.
    "at_cancel_answered": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *consultation_of_1002(),
        ("call.answered", "1002"),
        agent("1002", "on-call", "A"),
        presence("1002", "in-use"),
        ("pop.retracted", "1002", "transfer_cancelled"),
        ("call.transfer_failed", "1001", "1002", "target_hung_up"),  # a bare AMI Hangup
        ("call.answered", "1001"),
        agent("1002", "available"),
        ("call.resumed",),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        presence("1002", "idle"),
        *ends_on("1001"),
    ],
    # cti cancels the consultation while 1002 still rings.
    "at_cancel_ringing": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1001", "A"),
        learned("1002", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *consultation_of_1002(),
        ("pop.retracted", "1002", "not_answered"),
        ("call.transfer_failed", "1001", "1002", "not_answered"),
        agent("1002", "available"),
        presence("1002", "in-use"),
        ("call.resumed",),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        presence("1002", "idle"),
        *ends_on("1001"),
    ],
    # Nobody answers the consultation: Asterisk gives up after atxfernoanswertimeout.
    "at_noanswer": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1001", "A"),
        learned("1002", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *consultation_of_1002(),
        ("pop.retracted", "1002", "not_answered"),  # atxfernoanswertimeout (15 s)
        ("call.transfer_failed", "1001", "1002", "not_answered"),
        agent("1002", "available"),
        presence("1002", "in-use"),
        ("call.resumed",),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        presence("1002", "idle"),
        *ends_on("1001"),
    ],
    # The transferer hangs up while 1002 still rings: the caller is 1002's at once, and
    # 1002 answers afterwards.
    "at_blond": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1001", "A"),
        learned("1002", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *consultation_of_1002(),
        ("call.resumed",),
        ("call.transferred", "1001", "1002", "attended"),
        agent("1001", "available"),
        presence("1001", "in-use"),
        presence("1001", "idle"),
        ("call.answered", "1002"),
        agent("1002", "on-call", "A"),
        presence("1002", "in-use"),
        *ends_on("1002"),
    ],
    # cti's hold parks the caller; 1001 picks it up again (UnParkedCall). While parked,
    # 1001's phone is free (NOT_INUSE) but it is on hold.
    "park_retrieve": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1001", "A"),
        learned("1002", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *hold_and_resume("A"),
        *ends_on("1001"),
    ],
    # The park times out and rings 1001 back, which answers: resumed.
    "park_timeout": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *hold_and_resume("A"),
        *ends_on("1001"),
    ],
    # AMI Hangup of the parked caller: the call ends on hold.
    "park_hangup": [
        queued(ALICE),
        *ring("1002", "A"),
        learned("1002", "A"),
        *ring("1001", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        ("call.held",),
        on_hold("1001", "A"),
        presence("1001", "on-hold"),
        *ends_on("1001"),
    ],
    # The parked caller hangs up.
    "park_giveup": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1001", "A"),
        learned("1002", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        ("call.held",),
        on_hold("1001", "A"),
        presence("1001", "on-hold"),
        *ends_on("1001"),
    ],
    # cti's Atxfer to 123, which cti-dial does not have: Hold and Unhold, no target.
    "cti_atxfer_no_exten": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1001", "A"),
        learned("1002", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *hold_and_resume("A"),
        *ends_on("1001"),
    ],
    # The same; Hold and Unhold came before the music.
    "cti_atxfer_no_exten_2": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        *hold_and_resume("A"),
        *ends_on("1001"),
    ],
    # cti's hold of a click-to-dial call: both of 1001's memberships (Local/1001@agents in
    # support, PJSIP/1001 in support-sip) are paused with reason hold before the Park;
    # the called party gives up while parked; after the end 1001 is on hold by its
    # pauses alone until cti unpauses them, one by one.
    "cti_hold_c2d": [
        agent("1001", "available"),
        presence("1001", "idle"),
        presence("1001", "in-use"),
        *ring("1001", "A", seats="support", direction="outbound"),
        ("call.answered", "1001"),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        agent("1001", "on-call", "A", "support:hold"),
        agent("1001", "on-call", "A", "support:hold,support-sip:hold"),
        ("call.held",),
        on_hold("1001", "A", "support:hold,support-sip:hold"),
        presence("1001", "on-hold"),
        ended("1001"),
        on_hold("1001", None, "support:hold,support-sip:hold"),
        presence("1001", "idle"),
        agent("1001", "available", seats="support,support-sip:hold"),
        agent("1001", "available", seats="support,support-sip"),
    ],
    # cti's hold on a queue call (A): 1001 is paused (hold) in both queues, so the second
    # queue call (B, Carol) rings only 1002; cti's resume (UnParkedCall) and unpause.
    "cti_hold_queue": [
        queued(ALICE),
        *ring("1002", "A"),
        *ring("1001", "A"),
        learned("1002", "A"),
        learned("1001", "A"),
        *answers_1001("A"),
        presence("1002", "idle"),
        agent("1001", "on-call", "A", "support:hold"),
        agent("1001", "on-call", "A", "support:hold,support-sip:hold"),
        ("call.held",),
        on_hold("1001", "A", "support:hold,support-sip:hold"),
        presence("1001", "on-hold"),
        queued(CAROL),
        *ring("1002", "B", CAROL, seats="support"),
        ("call.answered", "1002"),
        agent("1002", "on-call", "B"),
        presence("1002", "in-use"),
        *ends_on("1002"),
        ("call.resumed",),
        agent("1001", "on-call", "A", "support:hold,support-sip:hold"),
        presence("1001", "in-use"),
        agent("1001", "on-call", "A", "support,support-sip:hold"),
        agent("1001", "on-call", "A", "support,support-sip"),
        *ends_on("1001", seats="support,support-sip"),
    ],
    # Both agents paused (break); X, Y, Z wait at 1, 2, 3. The lab had hints for 1001 and
    # 1002 (Idle, so both are idle from their first event). Y gives up: Z is second now,
    # although Asterisk says nothing about Z (its QueueCallerAbandon later says
    # OriginalPosition 3, Position 1). 1001 is unpaused and takes X: Z is first. Z gives
    # up; 1002 is unpaused; X ends. The QueueStatus, DeviceStateList and
    # ExtensionStateList items answer the recorder's own actions and change nothing.
    "queue_waiting_positions": [
        agent("1001", "paused", seats="support:break", reason="break"),
        presence("1001", "idle"),
        agent("1002", "paused", seats="support:break", reason="break"),
        presence("1002", "idle"),
        queued("+14155550111"),
        queued("+14155550112", position=2, count=2),
        queued("+14155550113", position=3, count=3),
        queued("+14155550113", position=2, count=2),  # Y left
        ended(None, abandoned=True),  # Y
        agent("1001", "available"),
        *ring("1001", "A", "+14155550111", seats="support"),
        ("call.answered", "1001"),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        queued("+14155550113"),  # X was taken: Z is first of one
        ended(None, abandoned=True),  # Z
        agent("1002", "available"),
        *ends_on("1001"),  # X
    ],
    # Click-to-dial, then the called party parked (hold); it hangs up while parked.
    "c2d_park": [
        agent("1001", "available"),
        presence("1001", "idle"),
        presence("1001", "in-use"),
        *ring("1001", "A", seats="support", direction="outbound"),
        ("call.answered", "1001"),
        agent("1001", "on-call", "A"),
        presence("1001", "in-use"),
        ("call.held",),
        on_hold("1001", "A"),
        presence("1001", "on-hold"),
        *ends_on("1001"),
    ],
}

CALL_TYPES = ("call.", "pop.")


def call_events(expected: Iterable[Brief]) -> list[Brief]:
    """The call events of an expected sequence, as the tracker alone produces them."""
    return [item for item in expected if item[0].startswith(CALL_TYPES)]


#: Each recording's call events alone (the tracker's part of EXPECTED).
CALLS: dict[str, list[Brief]] = {name: call_events(seq) for name, seq in EXPECTED.items()}


def in_queue(expected: Iterable[Brief], queue: str) -> list[Brief]:
    """The sequence with its callers queued in `queue`: the simulator plays a recording
    of queue support-sip on its one queue."""
    return [
        (*item[:1], queue, *item[2:]) if item[0] == "call.queued" else item for item in expected
    ]


def transcript_events(name: str) -> list[Event]:
    """Every Event frame of a recorded transcript, parsed without any socket."""
    messages = AmiParser().feed((AMI_FIXTURES / f"{name}.raw").read_bytes())
    return [m for m in messages if isinstance(m, Event)]


def brief(
    event_type: str, data: dict[str, Any], calls: dict[str, str] | None = None
) -> tuple[Any, ...]:
    """The fields that tell one event from another. ``calls`` names call ids A, B, ...
    in order of appearance (see `briefs`); without it agent states show the call id."""
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
    if event_type == "call.queued":
        number = data["caller"]["number"]
        return (event_type, data["queue"], data["position"], data["count"], number)
    if event_type == "agent.state":
        return _brief_agent(data, calls)
    if event_type == "presence":
        return (event_type, data["extension"], data["state"])
    return (event_type,)


def _brief_agent(data: dict[str, Any], calls: dict[str, str] | None) -> tuple[Any, ...]:
    seats = ",".join(
        f"{seat['queue']}:{seat['reason'] or ''}" if seat["paused"] else seat["queue"]
        for seat in data["queues"]
    )
    call = data["call_id"]
    if calls is not None and call is not None:
        call = calls.setdefault(call, chr(ord("A") + len(calls)))
    key = data["extension"] or data["interface"]
    return ("agent.state", key, data["state"], data["reason"], seats, call)


def brief_event(event: WireEvent) -> tuple[Any, ...]:
    return brief(event.type, event.data())


def briefs(events: Iterable[WireEvent | tuple[str, dict[str, Any]]]) -> list[tuple[Any, ...]]:
    """Briefs of a sequence (events, or (type, data) pairs as `cti replay` prints them),
    with its calls named A, B, ... in order of appearance."""
    calls: dict[str, str] = {}
    out = []
    for item in events:
        kind, data = item if isinstance(item, tuple) else (item.type, item.data())
        if "call_id" in data and kind != "agent.state":
            calls.setdefault(data["call_id"], chr(ord("A") + len(calls)))
        out.append(brief(kind, data, calls))
    return out
