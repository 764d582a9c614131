"""The card's logic without widgets: call timers, tab and list lines, Call back, and what
the server's PBX link allows."""

from __future__ import annotations

from datetime import datetime

import pytest

from cti.protocol import CMD_ANSWER, CMD_DIAL, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER
from desktop.board import CallBoard, CallRecord
from desktop.calltime import card_timer, clock_text, list_text, tab_text
from desktop.controls import (
    CALLER_BUSY,
    NO_NUMBER,
    PBX_DOWN,
    PBX_DOWN_NOTICE,
    ControlState,
    call_back_state,
    control_states,
    dial_state,
    local_time,
    pbx_notice,
)
from desktop.phonelegs import SoftLeg
from desktop.popview import pop_view
from desktop.softphone.events import CallState, IncomingCall
from desktop.welcome import Welcome
from tests.desktop.test_logic import RING

EVERY = frozenset({CMD_ANSWER, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_HANGUP, CMD_DIAL})
WALL = datetime(2026, 12, 7, 14, 30, 0)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def talked(board: CallBoard, clock: Clock, call_id: str = "c1") -> CallRecord:
    """A call that rang 5 s, then was answered here 20 s ago."""
    record = board.apply("call.ringing", RING | {"call_id": call_id})
    clock.now += 5
    board.apply("call.answered", {"call_id": call_id, "extension": "1001"})
    clock.now += 20
    assert record is not None
    return record


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (7.9, "0:07"), (754, "12:34"), (3723, "1:02:03"), (-3, "0:00")],
)
def test_clock_text_shows_whole_seconds_never_negative(seconds: float, shown: str) -> None:
    assert clock_text(seconds) == shown


def test_the_timer_shows_time_in_this_state_and_then_the_whole_call() -> None:
    clock = Clock()
    board = CallBoard("1001", clock=clock)
    record = board.apply("call.ringing", RING)
    assert record is not None
    clock.now += 12
    assert card_timer(record, clock.now) == "0:12"
    clock.now -= 12
    record = talked(board, clock)
    assert card_timer(record, clock.now) == "0:20 · total 0:25"
    board.apply("call.held", {"call_id": "c1"})
    clock.now += 30
    assert card_timer(record, clock.now) == "0:30 · total 0:55"


def test_a_repeated_event_does_not_restart_the_timer() -> None:
    clock = Clock()
    board = CallBoard("1001", clock=clock)
    record = talked(board, clock)
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})  # replayed twice
    board.apply("call.resumed", {"call_id": "c1"})  # resumed while talking: no change
    assert card_timer(record, clock.now) == "0:20 · total 0:25"


def test_an_ended_call_stops_its_timer_and_says_when_it_ended() -> None:
    clock = Clock()
    board = CallBoard("1001", clock=clock)
    record = talked(board, clock)
    board.apply("call.ended", {"call_id": "c1"})
    clock.now += 600  # ten minutes later the card and tab still say the same
    assert card_timer(record, clock.now) == "0:25 in all"
    assert tab_text("Alice", record, clock.now, WALL) == "Alice · Ended 14:20"


def test_a_retracted_pop_stops_its_timer_too() -> None:
    clock = Clock()
    board = CallBoard("1001", clock=clock)
    record = board.apply("call.ringing", RING)
    clock.now += 4
    board.apply("pop.retracted", {"call_id": "c1", "reason": "answered_elsewhere"})
    clock.now += 60
    assert record is not None and card_timer(record, clock.now) == "0:04 in all"
    assert tab_text("Alice", record, clock.now, WALL) == "Alice · Answered elsewhere 14:29"


def test_tabs_of_the_same_caller_differ_by_state_and_time() -> None:
    clock = Clock()
    board = CallBoard("1001", clock=clock)
    first = talked(board, clock, "c1")
    board.apply("call.ended", {"call_id": "c1"})
    clock.now += 90
    second = board.apply("call.ringing", RING | {"call_id": "c2"})
    clock.now += 3
    assert second is not None
    tabs = {tab_text("Alice", r, clock.now, WALL) for r in (first, second)}
    assert tabs == {"Alice · Ended 14:28", "Alice · Ringing 0:03"}


def test_a_list_line_puts_state_and_time_before_the_caller() -> None:
    clock = Clock()
    board = CallBoard("1001", clock=clock)
    record = talked(board, clock)
    line = list_text("Alice Example", "+14155550123", record, clock.now, WALL)
    assert line == "Talking 0:20 · Alice Example +14155550123"
    assert list_text("+1415", "+1415", record, clock.now, WALL) == "Talking 0:20 · +1415"


def test_call_back_waits_while_that_caller_has_a_ringing_or_live_call() -> None:
    clock = Clock()
    board = CallBoard("1001", clock=clock)
    record = talked(board, clock)
    dial = ControlState(True)
    assert call_back_state(record, [], dial) == ControlState(False, CALLER_BUSY)
    board.apply("call.ended", {"call_id": "c1"})
    assert call_back_state(record, [], dial) == ControlState(True)
    again = board.apply("call.ringing", RING | {"call_id": "c2"})  # the same caller again
    assert again is not None
    assert call_back_state(record, [again], dial) == ControlState(False, CALLER_BUSY)
    other = board.apply(
        "call.ringing", RING | {"call_id": "c3", "caller": {"number": "+14155550999"}}
    )
    assert call_back_state(record, [other], dial) == ControlState(True)  # type: ignore[list-item]
    assert call_back_state(record, [], ControlState(False, "offline")).reason == "offline"


def test_call_back_is_disabled_for_a_withheld_number() -> None:
    board = CallBoard("1001")
    board.apply("call.ringing", RING | {"caller": {"number": None, "anonymous": True}})
    record = board.apply("call.ended", {"call_id": "c1"})
    assert record is not None
    view = pop_view(record, Welcome("a", "1001", 1, capabilities=EVERY), connected=True)
    assert view.number == "Withheld"
    assert view.call_back == ControlState(False, NO_NUMBER)


def test_without_the_pbx_link_every_command_says_why_but_the_softphone_still_works() -> None:
    board = CallBoard("1001")
    record = talked(board, Clock())
    states = control_states(record, EVERY, True, pbx_up=False)
    assert {state.reason for state in states.values()} == {PBX_DOWN}
    assert dial_state(EVERY, True, pbx_up=False) == ControlState(False, PBX_DOWN)
    assert pop_view(record, None, True, pbx_up=False).call_back.reason == PBX_DOWN
    sip = IncomingCall("sip-1", "+14155550123", "Alice", "sip:alice@127.0.0.1")
    leg = SoftLeg(sip, CallState.CONFIRMED, pop_call_id="c1")
    on_sip = control_states(record, EVERY, True, leg, pbx_up=False)
    assert on_sip[CMD_HOLD].enabled and on_sip[CMD_HANGUP].enabled  # SIP, not AMI
    assert on_sip[CMD_TRANSFER].reason == PBX_DOWN
    offline = control_states(record, EVERY, False, pbx_up=False)
    assert {state.reason for state in offline.values()} == {"Not connected to the server"}


def test_the_pbx_notice_shows_only_while_connected_and_the_link_is_down() -> None:
    assert pbx_notice(True, True, None).text == ""
    assert pbx_notice(False, False, None).text == ""  # own state says disconnected already
    down = pbx_notice(True, False, "2026-12-07T09:00:00Z")
    assert down.text == PBX_DOWN_NOTICE == "PBX link down: calls will not pop"
    assert local_time("2026-12-07T09:00:00Z") in down.detail
    assert "no call pops here" in down.detail
    assert pbx_notice(True, False, "garbage").detail.startswith("The server lost its link to")
    assert local_time("2026-12-07T09:00:00") == ""  # no zone: not guessed
