"""An attended transfer on the board, the controls and the card's presenter, without
widgets: consulting, and a consultation that ends without a transfer."""

from __future__ import annotations

from typing import Any

import pytest

from cti.protocol import CMD_ANSWER, CMD_DIAL, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER
from desktop.board import CallBoard, CallRecord, Phase
from desktop.controls import TRANSFER_CANCEL, TRANSFER_COMPLETE, control_states
from desktop.popview import pop_view
from desktop.welcome import Welcome
from tests.desktop.test_logic import RING

EVERY = frozenset({CMD_ANSWER, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_HANGUP, CMD_DIAL})
WELCOME = Welcome("alice", "1001", 0, [], EVERY)
IN_PROGRESS = "A transfer to 1002 is in progress: complete or cancel it"


def consulting(board: CallBoard, to: str = "1002") -> CallRecord:
    """Alice (1001) talks to the caller, then starts an attended transfer to `to`."""
    record = board.apply("call.ringing", RING)
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    assert record is not None
    mark = board.transfers_over("c1")
    board.apply("call.held", {"call_id": "c1"})  # the caller waits while alice consults
    assert board.consultation_started("c1", to, mark) is record
    return record


def failed(board: CallBoard, reason: str) -> None:
    """The broker's sequence for the transferer: transfer_failed, then the caller back."""
    failure = {"call_id": "c1", "from": "1001", "to": "1002", "reason": reason}
    board.apply("call.transfer_failed", failure)
    if reason == "target_hung_up":
        board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    board.apply("call.resumed", {"call_id": "c1"})


def test_consulting_offers_complete_and_cancel_and_refuses_hold_and_resume() -> None:
    board = CallBoard("1001")
    record = consulting(board)
    states = control_states(record, EVERY, True)
    assert states[TRANSFER_COMPLETE].enabled and states[TRANSFER_CANCEL].enabled
    for name in (CMD_TRANSFER, CMD_HOLD, CMD_RESUME):
        assert states[name].enabled is False
        assert states[name].reason == IN_PROGRESS
    assert states[CMD_HANGUP].enabled
    view = pop_view(record, WELCOME, True)
    assert view.banner == (
        "Transfer to 1002: the caller is on hold while you consult; complete or cancel it"
    )
    board.apply("call.answered", {"call_id": "c1", "extension": "1002"})
    assert pop_view(record, WELCOME, True).banner == (
        "1002 answered: complete the transfer, or cancel it"
    )


@pytest.mark.parametrize(
    ("reason", "banner"),
    [
        ("cancelled", "Transfer to 1002 cancelled: the caller is back with you"),
        ("not_answered", "Transfer to 1002 not answered: the caller is back with you"),
        ("target_hung_up", "1002 hung up: the caller is back with you"),
        ("no-such-reason", "Transfer to 1002 failed: the caller is back with you"),
    ],
)
def test_a_failed_attended_transfer_says_why_and_gives_back_the_in_call_controls(
    reason: str, banner: str
) -> None:
    board = CallBoard("1001")
    record = consulting(board)
    failed(board, reason)
    assert record.consulting is None and record.phase is Phase.ANSWERED and record.active
    view = pop_view(record, WELCOME, True)
    assert view.banner == banner
    assert view.status == "In conversation"
    controls = view.controls
    assert not controls[TRANSFER_COMPLETE].enabled and not controls[TRANSFER_CANCEL].enabled
    for name in (CMD_HOLD, CMD_TRANSFER, CMD_HANGUP):
        assert controls[name].enabled, (name, controls[name].reason)
    assert not controls[CMD_RESUME].enabled


def test_a_start_result_that_arrives_after_its_failure_does_not_reopen_the_transfer() -> None:
    """The broker's ok for the start can trail the consultation's end (a 15 s timeout on a
    fast simulator, or a busy machine): the card must not offer complete and cancel."""
    board = CallBoard("1001")
    record = board.apply("call.ringing", RING)
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    assert record is not None
    mark = board.transfers_over("c1")  # taken when the command leaves
    failed(board, "not_answered")
    assert board.consultation_started("c1", "1002", mark) is record
    assert record.consulting is None
    assert not control_states(record, EVERY, True)[TRANSFER_CANCEL].enabled
    assert pop_view(record, WELCOME, True).banner == (
        "Transfer to 1002 not answered: the caller is back with you"
    )


def test_a_new_transfer_replaces_the_last_failure_and_the_call_end_replaces_both() -> None:
    board = CallBoard("1001")
    record = consulting(board)
    failed(board, "cancelled")
    board.consultation_started("c1", "1003", board.transfers_over("c1"))
    assert record.consulting == "1003"
    assert pop_view(record, WELCOME, True).banner.startswith("Transfer to 1003: ")
    board.apply("call.ended", {"call_id": "c1", "cause_text": "Normal Clearing"})
    assert record.consulting is None
    assert pop_view(record, WELCOME, True).banner == "Call ended (Normal Clearing)"


def test_a_start_on_a_call_that_ended_meanwhile_offers_nothing() -> None:
    board = CallBoard("1001")
    record = board.apply("call.ringing", RING)
    assert record is not None
    mark = board.transfers_over("c1")
    board.apply("call.ended", {"call_id": "c1"})
    board.consultation_started("c1", "1002", mark)
    assert record.consulting is None
    assert board.consultation_started("gone", "1002", 0) is None


@pytest.mark.parametrize(
    "data",
    [
        {"to": None, "reason": None},
        {"to": 1002, "reason": ["cancelled"]},
        {"to": "10\u202e02\x1b", "reason": "cancelled"},
    ],
)
def test_a_malformed_transfer_failure_still_gives_the_caller_back_in_readable_text(
    data: dict[str, Any],
) -> None:
    board = CallBoard("1001")
    record = consulting(board)
    board.apply("call.transfer_failed", {"call_id": "c1"} | data)
    assert record.consulting is None
    banner = pop_view(record, WELCOME, True).banner
    assert banner.endswith(": the caller is back with you")
    assert banner.isprintable() and "\u202e" not in banner
