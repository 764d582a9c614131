"""Attended transfers on Asterisk 22's recorded events: which channel is the
consultation leg, when the target really answers, and how a consultation that ends
without a transfer is reported (recordings attended_transfer_complete, at_*, and
sip_refer_attended)."""

from __future__ import annotations

from collections.abc import Iterator

from cti.ami.messages import Event
from cti.calls.tracker import CallTracker
from cti.protocol import CallEnded, CallRinging, CallTransferFailed, DomainEvent
from tests.helpers import brief_event, transcript_events


def replay(name: str, tracker: CallTracker) -> Iterator[tuple[Event, list[DomainEvent]]]:
    for event in transcript_events(name):
        yield event, tracker.handle(event)


def until_event(
    name: str, tracker: CallTracker, done: str, channel: str, nth: int = 1
) -> list[DomainEvent]:
    """Feed `name` up to and including the `nth` `done` event about `channel`."""
    out: list[DomainEvent] = []
    for event, produced in replay(name, tracker):
        out += produced
        if event.name == done and event.get("Channel") == channel:
            nth -= 1
            if not nth:
                return out
    raise AssertionError(f"no {done} for {channel} in {name}")


def test_consultation_leg_is_the_channel_the_atxfer_created_never_the_callers_half() -> None:
    tracker = CallTracker(default_region="US")
    transferer = "Local/1001@agents-00000017;1"
    until_event("attended_transfer_complete", tracker, "BridgeEnter", transferer, nth=2)
    consultation = tracker.calls["1796601376.42"].consultation
    assert consultation is not None
    assert consultation.transferer.name == transferer
    assert consultation.target is not None
    assert consultation.target.name == "Local/1002@cti-dial-00000018;1"
    assert consultation.target_number == "1002"
    caller_half = tracker.calls["1796601376.42"].channels["1796601376.43"]
    assert caller_half.name == "Local/hold-60@pstn-sim-00000015;2"
    assert caller_half.bridge is None, "unbridged, like the leg the old cancel hung up"


def test_ringing_target_entering_the_consultation_bridge_has_not_answered() -> None:
    tracker = CallTracker(default_region="US")
    out = until_event(
        "attended_transfer_complete", tracker, "Newstate", "Local/1002@cti-dial-00000018;1"
    )
    assert ("call.answered", "1002") not in [brief_event(e) for e in out]
    assert tracker.calls["1796601376.42"].answered_by == "1001"
    rest: list[DomainEvent] = []
    for event, produced in replay("attended_transfer_complete", CallTracker()):
        agent_leg = event.get("Channel") == "Local/1002@agents-00000019;1"
        if event.name == "Newstate" and agent_leg and event.get("ChannelStateDesc") == "Up":
            rest = produced
    assert [brief_event(e) for e in rest] == [("call.answered", "1002")], "1002's own Up"


def test_target_that_never_answers_gives_the_call_back_with_transfer_failed() -> None:
    tracker = CallTracker(default_region="US")
    out = [e for _, produced in replay("at_noanswer", tracker) for e in produced]
    failed = next(e for e in out if isinstance(e, CallTransferFailed))
    assert failed.audience == frozenset({"1001"}), "told to the transferer only"
    assert failed.data() == {
        "call_id": "1796604647.10",
        "from": "1001",
        "to": "1002",
        "reason": "not_answered",
    }
    ended = out[-1]
    assert isinstance(ended, CallEnded)
    assert ended.answered_by == "1001", "the caller is back with the transferer"


def test_cti_cancel_is_reported_as_cancelled() -> None:
    tracker = CallTracker(default_region="US")
    out: list[DomainEvent] = []
    for _, produced in replay("at_cancel_answered", tracker):
        out += produced
        call = tracker.calls.get("1796604624.0")
        if call is not None and call.consultation is not None and call.answered_by == "1002":
            call.consultation.cancelling = True  # what TransferControl.cancel marks
    briefs = [brief_event(e) for e in out]
    assert ("call.transfer_failed", "1001", "1002", "cancelled") in briefs
    assert ("pop.retracted", "1002", "transfer_cancelled") in briefs


def test_phone_initiated_refer_moves_call_a_to_1002_and_ends_call_b_on_its_own() -> None:
    tracker = CallTracker(default_region="US")
    out = [e for _, produced in replay("sip_refer_attended", tracker) for e in produced]
    call_a, call_b = "1796601688.135", "1796601693.138"
    # call A: queued, ringing, answered, held; B rings 1002 and is answered; ...
    assert [e.call_id for e in out] == [call_a] * 4 + [call_b] * 2 + [call_a] * 4 + [
        call_b,
        call_a,
    ]
    pops = [e for e in out if isinstance(e, CallRinging) and e.call_id == call_a]
    pop = pops[-1]
    assert pop.extension == "1002"
    assert (pop.caller.number, pop.caller.name) == ("+14155550123", "Alice Example")
    assert pop.queue == "support-sip", "the pop keeps the call's context"
    assert all(c.consultation is None for c in tracker.calls.values())
