"""Attended transfer control on recorded Asterisk 22 sessions: TRANSFER_EXTEN then
Atxfer, a start that succeeds only once the consultation leg exists, and complete and
cancel that act on exactly the legs the events name (recordings
attended_transfer_complete and at_cancel_answered)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from cti.ami.messages import Response
from cti.broker import CommandError
from cti.control import AmiCallControl, ControlSettings
from tests.helpers import brief_event
from tests.pbx_replay import RecordedPbx, until

LAB = ControlSettings(dial_context="cti-dial", dial_channel="Local/{extension}@agents")
CALL = "1796601376.42"  # attended_transfer_complete
TRANSFERER = "Local/1001@agents-00000017;1"
CONSULTATION = "Local/1002@cti-dial-00000018;1"


def answered(recording: str = "attended_transfer_complete") -> RecordedPbx:
    """The recorded queue call, up to agent 1001 talking to the caller."""
    pbx = RecordedPbx(recording, follow={"Atxfer": ["3"], "Hangup": ["4"]})
    pbx.play("login", "1")
    return pbx


def control(pbx: RecordedPbx, settings: ControlSettings = LAB) -> AmiCallControl:
    return AmiCallControl(pbx, pbx.tracker.calls, settings, changes=pbx.tracker.changes)


async def test_start_sets_transfer_exten_then_atxfer_and_waits_for_the_consultation_leg() -> None:
    pbx = answered()
    pbx.follow.clear()
    start = asyncio.create_task(control(pbx).transfer(CALL, "1001", "1002", "attended"))
    await until(lambda: pbx.actions("Atxfer"))
    await asyncio.sleep(0.05)
    assert not start.done(), "no answer before the consultation leg exists"
    pbx.play("3")  # what Asterisk sent after the Atxfer
    assert await start == "attended"
    assert pbx.sent == [
        ("Setvar", {"Channel": TRANSFERER, "Variable": "TRANSFER_EXTEN", "Value": "1002"}),
        ("Atxfer", {"Channel": TRANSFERER, "Exten": "1002", "Context": "cti-dial"}),
        ("Setvar", {"Channel": TRANSFERER, "Variable": "TRANSFER_EXTEN", "Value": ""}),
    ]
    consultation = pbx.tracker.calls[CALL].consultation
    assert consultation is not None and consultation.target is not None
    assert consultation.target.name == CONSULTATION


async def test_start_without_a_consultation_fails_and_leaves_nothing_set() -> None:
    pbx = answered()
    pbx.follow.clear()  # Asterisk accepts the Atxfer, and nothing follows
    quick = ControlSettings(dial_context="cti-dial", consult_timeout=0.2)
    with pytest.raises(CommandError) as caught:
        await control(pbx, quick).transfer(CALL, "1001", "1002", "attended")
    assert caught.value.error_id == "failed"
    assert "did not call 1002" in caught.value.message
    assert "the caller is still with you" in caught.value.message
    assert [(name, fields.get("Value")) for name, fields in pbx.sent] == [
        ("Setvar", "1002"),
        ("Atxfer", None),
        ("Setvar", ""),
    ], "the variable is cleared and no channel is hung up"


async def test_refused_atxfer_is_reported_and_the_variable_cleared() -> None:
    pbx = answered()
    refusal = "No attended transfer feature code found"
    pbx.replies["Atxfer"] = Response({"Message": refusal}, status="Error")
    with pytest.raises(CommandError) as caught:
        await control(pbx).transfer(CALL, "1001", "1002", "attended")
    assert caught.value.message == refusal
    assert [name for name, _ in pbx.sent] == ["Setvar", "Atxfer", "Setvar"]


async def test_complete_and_cancel_refuse_until_a_consultation_leg_is_known() -> None:
    pbx = answered()
    cti = control(pbx)
    for step in (cti.complete_transfer, cti.cancel_transfer):
        with pytest.raises(CommandError) as caught:
            await step(CALL, "1001")
        assert caught.value.error_id == "bad-args"
    assert pbx.sent == [], "nothing was hung up"


async def test_cancel_hangs_up_exactly_the_consultation_leg_not_the_callers_other_half() -> None:
    pbx = answered()
    cti = control(pbx)
    await cti.transfer(CALL, "1001", "1002", "attended")
    caller_half = pbx.tracker.calls[CALL].channels["1796601376.43"]
    assert caller_half.bridge is None, "the unbridged ;2 half the old cancel picked"
    pbx.follow.clear()
    await cti.cancel_transfer(CALL, "1001")
    assert pbx.sent[-1] == ("Hangup", {"Channel": CONSULTATION})
    assert len(pbx.actions("Hangup")) == 1


async def test_complete_hangs_up_the_transferer_and_the_caller_moves_to_1002() -> None:
    pbx = answered()
    cti = control(pbx)
    await cti.transfer(CALL, "1001", "1002", "attended")
    await cti.complete_transfer(CALL, "1001")
    assert pbx.actions("Hangup") == [("Hangup", {"Channel": TRANSFERER})]
    await asyncio.sleep(0)  # the recorded completion follows the Hangup's response
    assert ("call.transferred", "1001", "1002", "attended") in [brief_event(e) for e in pbx.out]


async def test_another_extension_cannot_finish_the_consultation() -> None:
    pbx = answered()
    cti = control(pbx)
    await cti.transfer(CALL, "1001", "1002", "attended")
    for step in (cti.complete_transfer, cti.cancel_transfer):
        with pytest.raises(CommandError) as caught:
            await step(CALL, "1002")
        assert caught.value.error_id == "bad-args"
    assert not pbx.actions("Hangup")


async def test_a_second_start_during_a_consultation_is_refused() -> None:
    pbx = answered()
    cti = control(pbx)
    await cti.transfer(CALL, "1001", "1002", "attended")
    sent = len(pbx.sent)
    with pytest.raises(CommandError) as caught:
        await cti.transfer(CALL, "1001", "1003", "attended")
    assert caught.value.error_id in ("bad-args", "call-gone")
    assert len(pbx.sent) == sent


async def test_cti_cancel_is_reported_to_the_transferer_as_cancelled() -> None:
    pbx = RecordedPbx("at_cancel_answered", follow={"Atxfer": ["4"], "Hangup": ["5"]})
    pbx.play("login", "2")
    cti = control(pbx)
    call_id = "1796604624.0"
    await cti.transfer(call_id, "1001", "1002", "attended")
    await cti.cancel_transfer(call_id, "1001")
    assert pbx.actions("Hangup") == [("Hangup", {"Channel": "Local/1002@cti-dial-00000003;1"})]
    await asyncio.sleep(0)
    briefs = [brief_event(e) for e in pbx.out]
    assert ("call.transfer_failed", "1001", "1002", "cancelled") in briefs
    assert briefs[-1] == ("call.resumed",), "the caller is back with 1001, off hold"


async def test_start_complete_and_cancel_each_log_one_line_naming_the_channels(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="cti.control.transfer")
    pbx = RecordedPbx("at_cancel_answered", follow={"Atxfer": ["4"], "Hangup": ["5"]})
    pbx.play("login", "2")
    cti = control(pbx)
    await cti.transfer("1796604624.0", "1001", "1002", "attended")
    await cti.cancel_transfer("1796604624.0", "1001")
    lines = [r.getMessage() for r in caplog.records if r.name == "cti.control.transfer"]
    assert len(lines) == 2
    assert "Local/1001@agents-00000002;1" in lines[0]
    assert "Local/1002@cti-dial-00000003;1" in lines[0]
    assert "cancelled" in lines[1] and "Local/1002@cti-dial-00000003;1" in lines[1]
    caplog.clear()
    pbx = answered()
    cti = control(pbx)
    await cti.transfer(CALL, "1001", "1002", "attended")
    await cti.complete_transfer(CALL, "1001")
    lines = [r.getMessage() for r in caplog.records if r.name == "cti.control.transfer"]
    assert len(lines) == 2 and "completed" in lines[1] and TRANSFERER in lines[1]


async def test_start_that_asterisk_gives_straight_back_fails_without_waiting_out() -> None:
    """cti_atxfer_no_exten: no extension 123 in cti-dial, so Asterisk holds the caller
    and gives it back at once; the start fails then, not after consult_timeout."""
    pbx = RecordedPbx("cti_atxfer_no_exten", prefix="lab_g")
    events = pbx.parts["lab_g-2"]
    answered_at = next(
        i
        for i, event in enumerate(events)
        if event.name == "BridgeEnter" and event.get("Channel").startswith("Local/hold-60")
    )
    pbx.feed(events[: answered_at + 1])
    patient = ControlSettings(dial_context="cti-dial", consult_timeout=30.0)
    start = asyncio.create_task(
        control(pbx, patient).transfer("1796606310.144", "1001", "123", "attended")
    )
    await until(lambda: pbx.actions("Atxfer"))
    pbx.feed(events[answered_at + 1 :])  # Hold, music, then music stops and Unhold
    async with asyncio.timeout(5):  # far less than the 30 s it could have waited
        with pytest.raises(CommandError) as caught:
            await start
    assert caught.value.error_id == "failed"
    assert "gave the caller back at once (is 123 an extension of cti-dial?)" in str(caught.value)
    assert [(name, fields.get("Value")) for name, fields in pbx.sent] == [
        ("Setvar", "123"),
        ("Atxfer", None),
        ("Setvar", ""),
    ]


class EarlyPbx(RecordedPbx):
    """Asterisk whose whole reaction to the Atxfer arrives before the Atxfer's response:
    the consultation starts and already fails (recording at_noanswer, section 4)."""

    async def send_action(self, name: str, fields: dict[str, str]) -> Response:
        if name == "Atxfer":
            self.play("4")
        return await super().send_action(name, fields)


async def test_a_consultation_that_comes_and_goes_before_the_atxfer_response_is_not_missed() -> (
    None
):
    pbx = EarlyPbx("at_noanswer")
    pbx.play("login", "2", "3")
    [call_id] = list(pbx.tracker.calls)
    patient = ControlSettings(dial_context="cti-dial", consult_timeout=9)
    with pytest.raises(CommandError) as caught:
        await control(pbx, patient).transfer(call_id, "1001", "1002", "attended")
    assert caught.value.error_id == "failed"
    assert "the PBX called 1002, but that call ended at once" in caught.value.message
    assert "the caller is still with you" in caught.value.message
    failed = [brief_event(e) for e in pbx.out if e.type == "call.transfer_failed"]
    assert len(failed) == 1, "the transferer was told how the consultation ended"
    assert pbx.actions("Hangup") == [], "nothing is hung up afterwards"
