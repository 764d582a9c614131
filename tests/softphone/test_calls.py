"""Calls between SIPp and the softphone: answer, hold/resume as re-INVITEs, hang-up by
either side, decline and cancel. SIPp's scenario checks the SIP side and must exit 0;
the test checks what the engine reported."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from desktop.softphone import (
    CallState,
    CallStateChanged,
    IncomingCall,
    MediaChanged,
    OperationFailed,
    SipAccountConfig,
    SoftphoneError,
)
from desktop.softphone.errors import WRONG_STATE
from tests.softphone.conftest import Phone
from tests.softphone.sipp import Sipp

AGENT = SipAccountConfig("sip:1001@127.0.0.1")
CALL_ID = "softphone-test-1@127.0.0.1"  # SIPp's -cid_str for its first call


def ring(phone: Phone, start_sipp: Callable[..., Sipp], scenario: str) -> tuple[Sipp, str]:
    phone.engine.register(AGENT)
    sipp = start_sipp(scenario, remote=phone.engine.local_address())
    incoming = phone.wait_for(IncomingCall)
    return sipp, incoming.call_id


def answer(phone: Phone, call_id: str) -> None:
    phone.engine.answer(call_id)
    phone.wait_for(CallStateChanged, call_id=call_id, state=CallState.CONFIRMED)


def states(phone: Phone) -> list[CallState]:
    return [event.state for event in phone.of(CallStateChanged)]


def test_incoming_call_reports_caller_number_name_and_sip_call_id(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_declined.xml")
    incoming = phone.of(IncomingCall)[0]
    assert incoming.call_id == CALL_ID
    assert incoming.number == "0612345678"
    assert incoming.display_name == "Alice Martin"
    assert incoming.remote_uri.startswith("sip:0612345678@127.0.0.1")
    assert incoming.x_headers == {"X-CTI-Call-Id": "1700000000.42"}
    phone.wait_for(CallStateChanged, state=CallState.EARLY, code=180)  # we sent 180 Ringing
    phone.engine.hangup(call_id)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()


def test_answer_hold_resume_as_reinvites_then_caller_hangs_up(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_hold_resume.xml")
    answer(phone, call_id)
    phone.engine.hold(call_id)
    phone.wait_for(MediaChanged, held=True)
    phone.engine.resume(call_id)
    phone.wait_for(MediaChanged, held=False)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()  # sendonly, then sendrecv
    phone.wait_for(CallStateChanged, state=CallState.DISCONNECTED)
    assert states(phone) == [
        CallState.EARLY,
        CallState.CONNECTING,
        CallState.CONFIRMED,
        CallState.DISCONNECTED,
    ]
    assert [(e.held, e.remote_held) for e in phone.of(MediaChanged)] == [
        (True, False),
        (False, False),
    ]
    assert not phone.of(OperationFailed)
    phone.settle()
    assert phone.engine.call_ids() == []  # ended calls are forgotten


def test_softphone_hangs_up_with_bye_after_resume(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_hold_resume_phone_hangs_up.xml")
    answer(phone, call_id)
    phone.engine.hold(call_id)
    phone.wait_for(MediaChanged, held=True)
    phone.engine.resume(call_id)
    phone.wait_for(MediaChanged, held=False)
    phone.engine.hangup(call_id)
    ended = phone.wait_for(CallStateChanged, state=CallState.DISCONNECTED)
    assert ended.call_id == call_id
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()


def test_operations_in_the_wrong_state_are_refused_with_a_reason(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_hold_resume_phone_hangs_up.xml")
    with pytest.raises(SoftphoneError, match=r"incoming|early") as not_yet:
        phone.engine.hold(call_id)  # still ringing
    answer(phone, call_id)
    with pytest.raises(SoftphoneError, match="not on hold") as not_held:
        phone.engine.resume(call_id)
    with pytest.raises(SoftphoneError, match="answer a call that is confirmed") as twice:
        phone.engine.answer(call_id)
    assert {not_yet.value.code, not_held.value.code, twice.value.code} == {WRONG_STATE}
    phone.engine.hold(call_id)
    with pytest.raises(SoftphoneError, match="hold still in progress"):
        phone.engine.transfer(call_id, "sip:2002@127.0.0.1")
    phone.wait_for(MediaChanged, held=True)
    with pytest.raises(SoftphoneError, match="already on hold"):
        phone.engine.hold(call_id)
    phone.engine.resume(call_id)
    phone.wait_for(MediaChanged, held=False)
    phone.engine.hangup(call_id)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()
    phone.settle()
    with pytest.raises(SoftphoneError) as gone:
        phone.engine.hangup(call_id)
    assert gone.value.code == "no-such-call"


def test_declining_a_ringing_call_sends_603(phone: Phone, start_sipp: Callable[..., Sipp]) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_declined.xml")
    phone.engine.hangup(call_id)
    ended = phone.wait_for(CallStateChanged, state=CallState.DISCONNECTED)
    assert ended.code == 603
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()  # SIPp expected the 603


def test_hanging_up_an_unanswered_outgoing_call_sends_cancel(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    phone.engine.register(AGENT)
    sipp = start_sipp("callee_never_answers.xml")
    call_id = phone.engine.dial(f"sip:2002@{sipp.uri_host}")
    phone.wait_for(CallStateChanged, call_id=call_id, state=CallState.EARLY)
    phone.engine.hangup(call_id)
    ended = phone.wait_for(CallStateChanged, call_id=call_id, state=CallState.DISCONNECTED)
    assert ended.code == 487
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()  # SIPp got the CANCEL


def test_listener_that_raises_does_not_stop_the_engine(
    phone: Phone, start_sipp: Callable[..., Sipp], caplog: pytest.LogCaptureFixture
) -> None:
    phone.recorder.explode = "on_incoming"
    sipp, call_id = ring(phone, start_sipp, "caller_declined.xml")
    assert "softphone listener failed on IncomingCall" in caplog.text
    phone.engine.hangup(call_id)
    phone.wait_for(CallStateChanged, state=CallState.DISCONNECTED, code=603)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()


def test_hold_towards_a_vanished_peer_fails_clearly_and_hangup_still_works(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_goes_away.xml")
    answer(phone, call_id)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()  # SIPp is gone, no BYE
    phone.engine.hold(call_id)
    failure = phone.wait_for(OperationFailed, timeout=3.0)  # engine deadline: 1 s
    assert (failure.call_id, failure.operation, failure.code) == (call_id, "hold", 408)
    assert "no answer to hold within 1 s" in failure.reason
    phone.engine.hangup(call_id)
    phone.wait_for(CallStateChanged, call_id=call_id, state=CallState.DISCONNECTED)


async def test_engine_pumped_by_an_asyncio_task_answers_and_hangs_up(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    """The desktop pumps from a timer on its (qasync) loop; here an asyncio task does."""

    pumped = asyncio.Event()

    async def pump_every_20_ms() -> None:
        while True:
            phone.engine.pump()
            pumped.set()
            await asyncio.sleep(0.02)

    async def reported(ready: Callable[[], bool]) -> None:
        while not ready():
            pumped.clear()
            await pumped.wait()

    phone.engine.register(AGENT)
    sipp = start_sipp("caller_hold_resume_phone_hangs_up.xml", remote=phone.engine.local_address())
    pump = asyncio.create_task(pump_every_20_ms())
    try:
        await asyncio.wait_for(reported(lambda: bool(phone.of(IncomingCall))), 5)
        call_id = phone.of(IncomingCall)[0].call_id
        phone.engine.answer(call_id)
        await asyncio.wait_for(reported(lambda: CallState.CONFIRMED in states(phone)), 5)
        phone.engine.hold(call_id)
        await asyncio.wait_for(reported(lambda: bool(phone.of(MediaChanged))), 5)
        phone.engine.resume(call_id)
        await asyncio.wait_for(reported(lambda: len(phone.of(MediaChanged)) == 2), 5)
        phone.engine.hangup(call_id)
        await asyncio.wait_for(reported(sipp.finished), 5)
    finally:
        pump.cancel()
    assert sipp.process.returncode == 0, sipp.report()
    assert states(phone)[-1] is CallState.DISCONNECTED


def test_hold_by_the_far_party_is_reported_as_remote_hold(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_holds.xml")
    answer(phone, call_id)
    held = phone.wait_for(MediaChanged)
    assert (held.call_id, held.held, held.remote_held) == (call_id, False, True)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()  # we answered a=recvonly
    phone.wait_for(CallStateChanged, state=CallState.DISCONNECTED)
