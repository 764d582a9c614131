"""The desktop's plain-Python parts, without sockets or widgets."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import pytest

from cti.protocol import CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER
from desktop.board import CallBoard, Phase
from desktop.connection import Backoff, BrokerConnection, CommandOutcome, LinkState, endpoints
from desktop.controller import describe
from desktop.controls import TRANSFER_CANCEL, TRANSFER_COMPLETE, control_states
from desktop.popview import PopMode, pop_view, pops_now
from desktop.text import crm_link, visible_text
from desktop.welcome import Welcome, parse_welcome

RING = {
    "call_id": "c1",
    "extension": "1001",
    "caller": {"number": "+14155550123", "name": "Alice", "number_e164": "+14155550123"},
    "called": {"number": "600", "did": "+14155550100"},
    "queue": "support",
    "contact": {"id": 7, "name": "Alice Example", "crm_id": "A-7", "tags": ["vip"]},
    "matches": [],
}


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, Mapping[str, Any]]] = []
        self.welcomes: list[tuple[Welcome, bool]] = []
        self.links: list[tuple[LinkState, str]] = []

    def on_link(self, state: LinkState, detail: str) -> None:
        self.links.append((state, detail))

    def on_welcome(self, welcome: Welcome, fresh: bool) -> None:
        self.welcomes.append((welcome, fresh))

    def on_event(self, kind: str, data: Mapping[str, Any]) -> None:
        self.events.append((kind, data))


def connection(listener: Recorder) -> BrokerConnection:
    return BrokerConnection("http://127.0.0.1:1", "t", listener, session=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<b>x</b>", "<b>x</b>"),
        ("a\x07b", "a\u2407b"),
        ("a\nb", "a\u240ab"),
        ("a\x7fb", "a\u2421b"),
        ("a\u202eb", "a\ufffdb"),
        ("a\x85b", "a\ufffdb"),
        ("Jörg 😀", "Jörg 😀"),
        (None, ""),
    ],
)
def test_control_characters_become_visible_symbols(raw: str | None, shown: str) -> None:
    assert visible_text(raw) == shown


def test_notes_keep_their_line_breaks() -> None:
    assert visible_text("a\nb\tc\x00", multiline=True) == "a\nb\tc\u2400"


def test_crm_link_encodes_values_and_needs_every_field() -> None:
    template = "https://crm/x/{contact_id}?n={number}"
    assert (
        crm_link(template, {"contact_id": 7, "number": "+1 415"}) == "https://crm/x/7?n=%2B1%20415"
    )
    assert crm_link(template, {"contact_id": None, "number": "1"}) is None
    assert crm_link("https://crm/{oops", {}) is None
    assert crm_link(None, {}) is None


@pytest.mark.parametrize(
    ("typed", "rest", "ws"),
    [
        ("http://h:8765", "http://h:8765", "http://h:8765/ws"),
        ("ws://h:8765/ws", "http://h:8765", "http://h:8765/ws"),
        ("wss://h/", "https://h", "https://h/ws"),
        ("h:8765", "http://h:8765", "http://h:8765/ws"),
    ],
)
def test_endpoints_from_what_the_agent_typed(typed: str, rest: str, ws: str) -> None:
    assert endpoints(typed) == (rest, ws)


def test_backoff_doubles_up_to_the_limit_with_jitter_and_resets() -> None:
    backoff = Backoff(1.0, 4.0, random.Random(1))
    delays = [backoff.delay() for _ in range(5)]
    assert [0.5 <= d <= 1.0 for d in delays[:1]] == [True]
    assert all(2.0 <= d <= 4.0 for d in delays[3:])
    assert len(set(delays)) == 5  # jitter: no two alike
    backoff.reset()
    assert backoff.delay() <= 1.0


def test_welcome_without_capabilities_is_unknown_not_empty() -> None:
    old = parse_welcome({"op": "welcome", "agent": "a", "extension": "1", "seq": 3, "calls": []})
    assert old.capabilities is None
    new = parse_welcome({"agent": "a", "seq": 1, "capabilities": ["call.hangup", 5]})
    assert new.capabilities == frozenset({"call.hangup"})
    broken = parse_welcome({"seq": "x", "calls": "no", "settings": []})
    assert (broken.seq, broken.calls, broken.dispositions) == (0, [], ())


def test_events_with_an_old_seq_or_malformed_are_dropped() -> None:
    listener = Recorder()
    link = connection(listener)
    link._receive('{"op":"welcome","agent":"a","extension":"1001","seq":4,"calls":[]}')
    for text in (
        '{"op":"event","seq":4,"type":"call.held","data":{"call_id":"x"}}',  # already seen
        '{"op":"event","seq":"5","type":"call.held","data":{}}',
        '{"op":"event","seq":5,"type":"call.held","data":[]}',
        "not json",
        "[1, 2]",
        '{"op":"event","seq":5,"type":"call.held","data":{"call_id":"c"}}',
    ):
        link._receive(text)
    assert listener.events == [("call.held", {"call_id": "c"})]
    assert link.last_seq == 5
    assert listener.welcomes[0][1] is True


def test_a_resync_welcome_is_fresh_and_a_replay_welcome_is_not() -> None:
    listener = Recorder()
    link = connection(listener)
    link.last_seq = 10
    link._receive('{"op":"welcome","agent":"a","extension":"1","seq":12,"calls":[]}')
    link._receive('{"op":"welcome","agent":"a","extension":"1","seq":3,"calls":[],"resync":true}')
    assert [fresh for _, fresh in listener.welcomes] == [False, True]
    assert link.last_seq == 3


def test_board_follows_a_call_from_ring_to_end() -> None:
    board = CallBoard("1001")
    board.apply("call.ringing", RING)
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    board.apply("call.held", {"call_id": "c1"})
    record = board.apply("call.resumed", {"call_id": "c1"})
    assert record is not None and record.phase is Phase.ANSWERED and record.answered_here
    board.apply("call.ended", {"call_id": "c1", "cause_text": "Normal Clearing"})
    assert record.needs_note and record.end_text == "Call ended (Normal Clearing)"
    assert board.apply("call.ended", {"no": "id"}) is None


def test_board_marks_retracted_and_transferred_calls() -> None:
    board = CallBoard("1001")
    board.apply("call.ringing", RING)
    record = board.apply("pop.retracted", {"call_id": "c1", "reason": "abandoned"})
    assert record is not None and record.retraction_text == "Caller hung up"
    board.apply("call.ringing", RING | {"call_id": "c2"})
    board.apply("call.answered", {"call_id": "c2", "extension": "1001"})
    moved = board.apply("call.transferred", {"call_id": "c2", "to": "1002", "mode": "blind"})
    assert (
        moved is not None and moved.phase is Phase.ENDED and moved.end_text == "Transferred to 1002"
    )


def test_a_snapshot_rebuilds_the_board_but_keeps_notes_to_file() -> None:
    board = CallBoard("1001")
    board.apply("call.ringing", RING)
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    board.apply("call.ended", {"call_id": "c1"})
    board.apply("call.ringing", RING | {"call_id": "gone"})
    board.rebuild("1001", [{"call_id": "c3", "state": "held", "answered_by": "1001", "pop": RING}])
    assert sorted(record.call_id for record in board) == ["c1", "c3"]
    assert board.get("c3").phase is Phase.HELD  # type: ignore[union-attr]


def test_controls_follow_call_state_and_capabilities() -> None:
    board = CallBoard("1001")
    record = board.apply("call.ringing", RING)
    every = frozenset({CMD_ANSWER, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_HANGUP})
    enabled = {name for name, state in control_states(record, every, True).items() if state.enabled}
    assert enabled == {CMD_ANSWER, CMD_HANGUP}
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    states = control_states(record, frozenset({CMD_HANGUP, CMD_HOLD}), True)
    assert {n for n, s in states.items() if s.enabled} == {CMD_HANGUP, CMD_HOLD}
    assert states[CMD_TRANSFER].reason == "Transfer is not available for your phone on this server"
    offline = control_states(record, every, False)
    assert {s.reason for s in offline.values()} == {"Not connected to the server"}


def test_a_refusal_never_reads_as_success() -> None:
    refused = CommandOutcome("call.hold", False, "not-supported", "call.hold is not supported")
    assert describe(refused) == "Hold failed: call.hold is not supported"
    silent = CommandOutcome("call.hold", False, "failed", "")
    assert describe(silent) == "Hold failed: no reason given (failed)"
    assert describe(CommandOutcome("call.hangup", True, None, "hung up c1")) == (
        "Hang up: done - hung up c1"
    )


def test_pop_view_shows_queue_did_contact_and_crm_link() -> None:
    board = CallBoard("1001")
    record = board.apply("call.ringing", RING)
    assert record is not None
    welcome = Welcome("a", "1001", 1, crm_url="https://crm/{crm_id}", capabilities=frozenset())
    view = pop_view(record, welcome, connected=True)
    assert (view.title, view.number) == ("Alice Example", "+14155550123")
    assert view.reason == "Queue support, dialled +14155550100"
    assert view.tags == "vip"
    assert view.crm_url == "https://crm/A-7"
    no_link = pop_view(record, Welcome("a", "1001", 1), connected=True)
    assert (no_link.crm_url, no_link.crm_reason) == (
        None,
        "No CRM link is configured on the server",
    )


def test_several_matches_offer_a_chooser_and_no_create_form() -> None:
    board = CallBoard("1001")
    matches = [{"id": 1, "name": "A", "company": "X"}, {"id": 2, "name": "B"}]
    record = board.apply("call.ringing", RING | {"contact": None, "matches": matches})
    assert record is not None
    view = pop_view(record, None, connected=True)
    assert (view.matches, view.unknown, view.chosen_match) == (["A - X", "B"], False, -1)
    record.chosen_contact = matches[1]
    assert pop_view(record, None, connected=True).chosen_match == 1


@pytest.mark.parametrize(
    ("mode", "kind", "answered_here", "pops"),
    [
        ("ring", "call.ringing", False, True),
        ("ring", "snapshot", False, True),
        ("ring", "call.held", False, False),
        ("answer", "call.ringing", False, False),
        ("answer", "call.answered", True, True),
        ("answer", "call.answered", False, False),
        ("never", "call.ringing", False, False),
    ],
)
def test_pop_mode_decides_when_a_card_opens(
    mode: str, kind: str, answered_here: bool, pops: bool
) -> None:
    board = CallBoard("1001")
    record = board.apply("call.ringing", RING)
    assert record is not None
    record.answered_here = answered_here
    assert pops_now(PopMode(mode), record, kind) is pops


def test_a_note_to_file_opens_the_card_unless_never() -> None:
    board = CallBoard("1001")
    board.apply("call.ringing", RING)
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    record = board.apply("call.ended", {"call_id": "c1"})
    assert record is not None and record.needs_note
    assert pops_now(PopMode.ON_ANSWER, record, "call.ended")
    assert not pops_now(PopMode.NEVER, record, "call.ended")


def test_the_desktop_imports_nothing_from_the_server_but_the_protocol() -> None:
    code = (
        "import sys, desktop.main;"
        "print(sorted(m for m in sys.modules if m == 'cti' or m.startswith('cti.')))"
    )
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    # cti.protocol re-exports its parts, which import nothing from the server either
    assert done.stdout.strip() == (
        "['cti', 'cti.protocol', 'cti.protocol_base', 'cti.protocol_centre',"
        " 'cti.protocol_interactions']"
    )


def test_a_listener_error_does_not_cut_the_connection() -> None:
    class Broken(Recorder):
        def on_event(self, kind: str, data: Mapping[str, Any]) -> None:
            raise RuntimeError("widget bug")

    link = connection(Broken())
    link._receive('{"op":"welcome","agent":"a","extension":"1","seq":0,"calls":[]}')
    link._receive('{"op":"event","seq":1,"type":"call.held","data":{"call_id":"c"}}')
    assert link.last_seq == 1


def test_an_attended_transfer_in_progress_offers_complete_and_cancel_only() -> None:
    board = CallBoard("1001")
    record = board.apply("call.ringing", RING)
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    assert record is not None
    caps = frozenset({CMD_TRANSFER, CMD_HANGUP})
    before = control_states(record, caps, True)
    assert before[CMD_TRANSFER].enabled and not before[TRANSFER_COMPLETE].enabled
    record.consulting = "1002"
    during = control_states(record, caps, True)
    assert during[TRANSFER_COMPLETE].enabled and during[TRANSFER_CANCEL].enabled
    assert during[CMD_TRANSFER].reason == (
        "A transfer to 1002 is in progress: complete or cancel it"
    )
    board.apply("call.transferred", {"call_id": "c1", "to": "1002", "mode": "attended"})
    assert record.consulting is None
