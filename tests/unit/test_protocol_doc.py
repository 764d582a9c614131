"""docs/protocol.md must describe exactly the events and fields the code sends."""

from __future__ import annotations

import re
from pathlib import Path

from cti.protocol import (
    CLOSE_BAD_TOKEN,
    CLOSE_NO_TOKEN,
    CLOSE_UNSUPPORTED_VERSION,
    EVENT_TYPES,
    AgentState,
    CallAnswered,
    Called,
    CallEnded,
    CallHeld,
    CallQueued,
    CallResumed,
    CallRinging,
    CallTransferFailed,
    CallTransferred,
    CustomerTyping,
    InteractionAccepted,
    InteractionEnded,
    InteractionMessage,
    InteractionOffered,
    InteractionsQueue,
    Party,
    PbxLink,
    PopRetracted,
    Presence,
    QueueStats,
    Seat,
    WireEvent,
    event_envelope,
)

DOC = Path(__file__).parents[2] / "docs" / "protocol.md"

SAMPLES: list[WireEvent] = [
    CallRinging(
        call_id="1",
        extension="1001",
        caller=Party("+1", "A"),
        called=Called("support", "support"),
    ),
    CallAnswered(call_id="1", extension="1001"),
    CallHeld(call_id="1"),
    CallResumed(call_id="1"),
    CallTransferred(call_id="1", to="1002", mode="blind", from_extension="1001"),
    CallTransferFailed(call_id="1", to="1002", reason="not_answered", from_extension="1001"),
    CallEnded(call_id="1", cause=16, cause_text="Normal Clearing", answered_by="1001"),
    PopRetracted(call_id="1", extension="1002", reason="abandoned"),
    PbxLink(connected=False, since="2026-12-07T09:00:00.000Z"),
    CallQueued(
        call_id="1",
        queue="support",
        position=1,
        count=1,
        caller=Party("+1", "A"),
        waiting_since="2026-12-07T09:00:00.000Z",
    ),
    AgentState(
        agent="alice",
        extension="1001",
        state="paused",
        reason="lunch",
        since="2026-12-07T09:00:00.000Z",
        queues=(Seat("support", "PJSIP/1001", True, "lunch", "dynamic"),),
    ),
    Presence(extension="1001", state="idle", since="2026-12-07T09:00:00.000Z"),
    QueueStats(
        queue="support",
        waiting=2,
        longest_wait_seconds=31,
        agents={"available": 1, "on-call": 2},
        offered=40,
        answered=36,
        answered_within_target=30,
        abandoned=4,
        short_abandoned=1,
        service_level=0.75,
        service_level_seconds=20,
        since="2026-12-06T23:00:00.000Z",
    ),
    InteractionOffered(
        interaction_id="i1",
        extension="1001",
        channel="email",
        contact=None,
        subject="Invoice",
        text="Hello",
        priority=1,
        arrived_at="2026-12-07T09:00:00.000Z",
        offer_expires_at="2026-12-07T09:00:30.000Z",
    ),
    InteractionAccepted(interaction_id="i1", agent="alice", extension="1001"),
    InteractionMessage(
        interaction_id="i1",
        message_id="<m1@example.org>",
        direction="in",
        author="bob@example.org",
        text="Hello",
        at="2026-12-07T09:00:00.000Z",
    ),
    InteractionEnded(interaction_id="i1", reason="closed", disposition="solved"),
    CustomerTyping(interaction_id="i1", on=True),
    InteractionsQueue(channel="chat", waiting=2, oldest_seconds=40, target=60),
]


def documented_events() -> dict[str, list[str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- event-table")[1].split("<!-- /event-table -->")[0]
    rows = re.findall(r"^\| `([a-z._]+)` \| (.+) \|$", table, flags=re.MULTILINE)
    return {name: re.findall(r"`([a-z_]+)`", fields) for name, fields in rows}


def test_every_event_type_is_documented_with_its_exact_fields() -> None:
    documented = documented_events()
    assert set(documented) == set(EVENT_TYPES)
    for sample in SAMPLES:
        assert documented[sample.type] == list(sample.data()), sample.type


def test_samples_cover_every_event_type() -> None:
    assert {s.type for s in SAMPLES} == set(EVENT_TYPES)


def test_close_codes_in_doc_match_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in (CLOSE_NO_TOKEN, CLOSE_BAD_TOKEN, CLOSE_UNSUPPORTED_VERSION):
        assert f"`{code}`" in text


def test_envelope_has_the_documented_shape() -> None:
    envelope = event_envelope(SAMPLES[1], seq=7, ts="2026-11-23T09:00:00.000Z")
    assert envelope == {
        "op": "event",
        "seq": 7,
        "type": "call.answered",
        "ts": "2026-11-23T09:00:00.000Z",
        "data": {"call_id": "1", "extension": "1001"},
    }
