"""Blind transfer from the softphone: REFER with the right Refer-To, progress from the
NOTIFY, the softphone's own leg dropped once the transfer is done; a refused REFER is
reported and leaves the call up."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop.softphone import (
    CallState,
    CallStateChanged,
    OperationFailed,
    SoftphoneError,
    TransferProgress,
)
from desktop.softphone.errors import INVALID_TARGET
from tests.softphone.conftest import Phone
from tests.softphone.sipp import Sipp
from tests.softphone.test_calls import answer, ring

TARGET = "sip:2002@127.0.0.1"  # what the scenarios expect in Refer-To


def test_blind_transfer_sends_refer_then_drops_own_leg(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_transfer.xml")
    answer(phone, call_id)
    phone.engine.transfer(call_id, TARGET)
    done = phone.wait_for(TransferProgress, final=True)
    assert (done.call_id, done.code) == (call_id, 200)
    ended = phone.wait_for(CallStateChanged, call_id=call_id, state=CallState.DISCONNECTED)
    assert ended.code == 200  # our BYE was answered
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()  # Refer-To checked, BYE seen
    assert not phone.of(OperationFailed)


def test_refused_transfer_is_reported_and_the_call_stays_up(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_transfer_refused.xml")
    answer(phone, call_id)
    phone.engine.transfer(call_id, TARGET)
    failure = phone.wait_for(OperationFailed, operation="transfer")
    assert failure.code == 403
    assert "transfer refused: 403" in failure.reason
    phone.settle(0.2)
    assert phone.engine.call_state(call_id) is CallState.CONFIRMED
    phone.engine.hangup(call_id)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()


def test_transfer_to_something_that_is_not_an_address_is_refused(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp, call_id = ring(phone, start_sipp, "caller_declined.xml")
    with pytest.raises(SoftphoneError) as refused:
        phone.engine.transfer(call_id, "bob's desk")
    assert refused.value.code == INVALID_TARGET
    phone.engine.hangup(call_id)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()
