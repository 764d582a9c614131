"""The presenters of the contact centre, without widgets: the agent's state bar and its
selector, the transfer picker with presence, the wallboard's rows and a supervisor's
actions."""

from __future__ import annotations

from typing import Any

import pytest

from cti.protocol import (
    CMD_AGENT_DND,
    CMD_AGENT_LOGIN,
    CMD_AGENT_LOGOUT,
    CMD_AGENT_PAUSE,
    CMD_AGENT_UNPAUSE,
    CMD_DIAL,
    CMD_SUPERVISOR_BARGE,
    CMD_SUPERVISOR_LISTEN,
    CMD_SUPERVISOR_WHISPER,
)
from desktop.agentview import (
    CHOOSE_AVAILABLE,
    CHOOSE_DND,
    CHOOSE_LOGOUT,
    CHOOSE_PAUSE,
    NO_QUEUES,
    choice_command,
    status_view,
)
from desktop.centre import CentreBoard
from desktop.centredata import PhoneState, parse_agent_state
from desktop.presence import picked_target, transfer_targets
from desktop.servertime import ServerClock
from desktop.supervise import action_command, action_result, action_states
from desktop.wallboard import agent_rows, party_text, queue_rows, waiting_rows
from tests.desktop.test_centre_logic import T0, Wall, alice, queued, stamp

AGENT_CAPS = frozenset(
    {CMD_AGENT_LOGIN, CMD_AGENT_LOGOUT, CMD_AGENT_PAUSE, CMD_AGENT_UNPAUSE, CMD_AGENT_DND}
)
SUPERVISOR_CAPS = AGENT_CAPS | {CMD_SUPERVISOR_LISTEN, CMD_SUPERVISOR_WHISPER, CMD_SUPERVISOR_BARGE}
REASONS = ("lunch", "break")


def clock_at(seconds: float) -> ServerClock:
    """The broker's clock T0 + seconds (the PC's clock agrees with it)."""
    return ServerClock(Wall(T0 + seconds))


def status(**changes: Any) -> Any:
    parsed = parse_agent_state(alice(**changes) if changes else alice())
    assert parsed is not None
    return parsed


def logged_out() -> Any:
    return status(state="logged-out", reason=None, queues=[])


def test_state_bar_shows_state_reason_and_time_in_state() -> None:
    view = status_view(status(), REASONS, AGENT_CAPS, True, clock_at(192))
    assert (view.visible, view.text, view.timer, view.wrapup) == (True, "Paused: lunch", "3:12", "")
    dnd = status(reason="dnd", dnd=True)
    assert status_view(dnd, REASONS, AGENT_CAPS, True, clock_at(0)).text == (
        "Paused: do not disturb"
    )
    assert status_view(None, REASONS, AGENT_CAPS, True, clock_at(0)).visible is False


def test_wrap_up_counts_down_from_wrapup_until_and_never_below_zero() -> None:
    wrap = status(state="wrap-up", reason="wrap-up", wrapup_until=stamp(30))
    assert status_view(wrap, REASONS, AGENT_CAPS, True, clock_at(5)).wrapup == (
        "Wrap-up ends in 0:25"
    )
    assert status_view(wrap, REASONS, AGENT_CAPS, True, clock_at(45)).wrapup == (
        "Wrap-up ends in 0:00"
    )
    view = status_view(wrap, REASONS, AGENT_CAPS, True, clock_at(5))
    assert (view.text, view.timer) == ("Wrap-up", "0:05")
    no_end = status(state="wrap-up", reason="wrap-up")
    assert (
        "save the call's note" in status_view(no_end, REASONS, AGENT_CAPS, True, clock_at(1)).wrapup
    )


def test_selector_choices_map_to_agent_commands_by_state() -> None:
    paused, out = status(), logged_out()
    assert choice_command(CHOOSE_AVAILABLE, paused) == (CMD_AGENT_UNPAUSE, {})
    assert choice_command(CHOOSE_AVAILABLE, out) == (CMD_AGENT_LOGIN, {})
    assert choice_command(CHOOSE_PAUSE, paused, "break") == (CMD_AGENT_PAUSE, {"reason": "break"})
    assert choice_command(CHOOSE_DND, paused) == (CMD_AGENT_DND, {"on": True})
    assert choice_command(CHOOSE_DND, status(reason="dnd", dnd=True)) == (
        CMD_AGENT_DND,
        {"on": False},
    )
    assert choice_command(CHOOSE_LOGOUT, paused) == (CMD_AGENT_LOGOUT, {})


def test_selector_disables_what_cannot_work_and_says_why() -> None:
    available = status(state="available", reason=None)
    choices = status_view(available, REASONS, AGENT_CAPS, True, clock_at(0)).choices
    assert choices[CHOOSE_AVAILABLE].reason == "You are available"
    assert choices[CHOOSE_PAUSE].enabled and choices[CHOOSE_DND].enabled
    out = status_view(logged_out(), REASONS, AGENT_CAPS, True, clock_at(0)).choices
    assert out[CHOOSE_AVAILABLE].enabled  # logs in
    assert out[CHOOSE_PAUSE].reason.startswith("You are logged out")
    assert out[CHOOSE_LOGOUT].reason == "You are logged out already"
    static_out = status(state="logged-out", reason="logged-out")  # paused logged-out
    assert (
        not status_view(static_out, REASONS, AGENT_CAPS, True, clock_at(0))
        .choices[CHOOSE_LOGOUT]
        .enabled
    )
    none = status_view(available, (), AGENT_CAPS, True, clock_at(0)).choices
    assert none[CHOOSE_PAUSE].reason == "The server lists no pause reasons"
    no_queues = status_view(available, REASONS, frozenset({CMD_DIAL}), True, clock_at(0))
    assert {c.reason for c in no_queues.choices.values()} == {NO_QUEUES}
    offline = status_view(status(), REASONS, AGENT_CAPS, False, clock_at(0)).choices
    assert {(c.enabled, c.reason) for c in offline.values()} == {
        (False, "Not connected to the server")
    }
    held = status(
        state="on-hold",
        reason="hold",
        queues=[{"queue": "support", "paused": True, "reason": "hold"}],
    )
    held_view = status_view(held, REASONS, AGENT_CAPS, True, clock_at(0))
    assert held_view.text == "On hold"
    assert held_view.choices[CHOOSE_AVAILABLE].reason == "You are not paused"


def test_waiting_callers_of_the_agents_queues_show_with_the_longest_wait() -> None:
    board = CentreBoard(lambda: T0)
    board.apply("call.queued", queued("c1", 1, since=0))
    board.apply("call.queued", queued("c2", 2, since=40))
    waiting = list(board.waiting.values())
    view = status_view(status(), REASONS, AGENT_CAPS, True, clock_at(75), waiting=waiting)
    assert view.waiting == "2 callers waiting, longest 1:15"


def presence(**states: str) -> dict[str, PhoneState]:
    return {ext: PhoneState(ext, state, T0) for ext, state in states.items()}


def test_transfer_picker_puts_free_colleagues_first_and_never_the_agent_itself() -> None:
    phones = presence(
        **{"1001": "idle", "1002": "in-use", "1003": "idle", "1004": "dnd", "1010": "ringing"}
    )
    targets = transfer_targets(phones, ["1001", "1005", "1002"], own="1001")
    assert [t.label for t in targets] == [
        "1003 - free",
        "1010 - ringing",
        "1002 - on a call",
        "1004 - do not disturb",
        "1005",  # seen on a call, no presence: last
    ]
    assert [t.free for t in targets] == [True, False, False, False, False]


def test_transfer_picker_reads_an_entry_as_its_extension_and_anything_else_as_typed() -> None:
    targets = transfer_targets(presence(**{"1002": "idle", "1003": "in-use"}), [], "1001")
    assert picked_target("1002 - free", targets) == "1002"
    assert picked_target(" 1003 - on a call ", targets) == "1003"
    assert picked_target("1003", targets) == "1003"
    assert picked_target("+44 20 7183 8750", targets) == "+44 20 7183 8750"
    evil = transfer_targets({"10\u202e02": PhoneState("10\u202e02", "idle", None)}, [], "1")
    assert "\u202e" not in evil[0].label


def test_wallboard_queue_rows_tick_the_longest_wait_and_show_todays_numbers() -> None:
    now = [T0 + 10]
    board = CentreBoard(lambda: now[0])
    board.apply("agent.state", alice())
    board.apply("agent.state", alice("available", None, agent="bob", extension="1002"))
    board.apply(
        "queue.stats",
        {
            "queue": "support",
            "waiting": 1,
            "longest_wait_seconds": 10,
            "agents": {"available": 1, "paused": 1},
            "offered": 8,
            "answered": 6,
            "abandoned": 2,
            "service_level": 0.625,
            "service_level_seconds": 20,
        },
    )
    late = queue_rows(board, clock_at(25))[0]  # no waiting list: from the stats, ticking
    assert (late.queue, late.waiting, late.longest_wait, late.late) == (
        "support",
        "1",
        "0:25",
        True,
    )
    assert (late.service_level, late.answered, late.abandoned, late.offered) == (
        "62%",
        "6",
        "2",
        "8",
    )
    assert late.agents == "1 available, 1 paused"
    board.apply("call.queued", queued("c1", 1, since=12))
    listed = queue_rows(board, clock_at(20))[0]  # the waiting list wins: it is live
    assert (listed.waiting, listed.longest_wait, listed.late) == ("1", "0:08", False)
    board.apply("call.answered", {"call_id": "c1", "extension": "1002"})
    board.apply("queue.stats", {"queue": "support", "waiting": 0, "service_level": None})
    idle = queue_rows(board, clock_at(30))[0]
    assert (idle.waiting, idle.longest_wait, idle.service_level) == ("0", "", "-")


def test_wallboard_lists_queues_known_only_from_members_with_counts_of_their_states() -> None:
    board = CentreBoard(lambda: T0)
    board.apply("agent.state", alice())
    row = queue_rows(board, clock_at(0))[0]
    assert (row.queue, row.waiting, row.service_level, row.agents) == (
        "support",
        "0",
        "-",
        "1 paused",
    )


def test_wallboard_waiting_rows_and_agent_rows_with_the_current_calls_caller() -> None:
    board = CentreBoard(lambda: T0)
    board.apply("call.queued", queued("c2", 2, since=30))
    board.apply("call.queued", queued("c1", 1, since=0) | {"contact": {"name": "Ann Lee"}})
    assert [
        (r.call_id, r.position, r.caller, r.wait) for r in waiting_rows(board, clock_at(90))
    ] == [
        ("c1", "1", "Ann Lee (+14155550123)", "1:30"),
        ("c2", "2", "Ann (+14155550123)", "1:00"),
    ]
    board.apply("call.answered", {"call_id": "c1", "extension": "1001"})
    board.apply("agent.state", alice("on-call", None, call_id="c1", since=stamp(60)))
    board.apply(
        "agent.state",
        {
            "agent": None,
            "extension": None,
            "interface": "SIP/ghost",
            "state": "available",
            "queues": [{"queue": "support", "paused": False}],
        },
    )
    rows = agent_rows(board, clock_at(90))
    assert [(r.name, r.state, r.in_state, r.call_with) for r in rows] == [
        ("alice", "On a call", "0:30", "Ann Lee (+14155550123)"),
        ("unknown member SIP/ghost", "Available", "0:00", ""),
    ]


def test_party_text_prefers_the_contact_and_says_withheld() -> None:
    assert party_text({"caller": {"number": None, "anonymous": True}}) == "withheld"
    assert party_text({"caller": {"number": "555", "name": "555"}}) == "555"
    assert party_text({}) == "unknown caller"
    assert party_text({"caller": {"name": "<b>x</b>\u202e", "number": "1"}}) == "<b>x</b>\ufffd (1)"


def test_supervisor_actions_need_a_call_to_spy_and_a_logged_in_agent_to_pause() -> None:
    talking = status(
        state="on-call", reason=None, call_id="c1", queues=[{"queue": "support", "paused": False}]
    )
    states = action_states(talking, SUPERVISOR_CAPS, True, True, REASONS)
    assert all(states[a].enabled for a in (CMD_SUPERVISOR_LISTEN, CMD_SUPERVISOR_BARGE))
    assert states[CMD_AGENT_UNPAUSE].reason == "The agent is not paused"
    paused = action_states(status(), SUPERVISOR_CAPS, True, True, REASONS)
    assert paused[CMD_SUPERVISOR_WHISPER].reason == "Only while the agent talks on a call"
    assert paused[CMD_AGENT_UNPAUSE].enabled and paused[CMD_AGENT_PAUSE].enabled
    out = action_states(logged_out(), SUPERVISOR_CAPS, True, True, REASONS)
    assert out[CMD_AGENT_LOGOUT].reason == "The agent is logged out"
    ghost = parse_agent_state(
        {
            "extension": None,
            "interface": "SIP/ghost",
            "state": "available",
            "queues": [{"queue": "q"}],
        }
    )
    assert {s.reason for s in action_states(ghost, SUPERVISOR_CAPS, True).values()} == {
        "This queue member matches no agent of the server"
    }
    nobody = action_states(None, SUPERVISOR_CAPS, True)
    assert {s.reason for s in nobody.values()} == {"Choose an agent in the list first"}
    agent_only = action_states(talking, AGENT_CAPS, True)
    assert agent_only[CMD_SUPERVISOR_LISTEN].reason == "The server does not let you do this"


@pytest.mark.parametrize(
    ("action", "args"),
    [
        (CMD_SUPERVISOR_LISTEN, {"extension": "1001"}),
        (CMD_SUPERVISOR_BARGE, {"extension": "1001"}),
        (CMD_AGENT_PAUSE, {"agent": "alice", "reason": "break"}),
        (CMD_AGENT_UNPAUSE, {"agent": "alice"}),
        (CMD_AGENT_LOGOUT, {"agent": "alice"}),
    ],
)
def test_supervisor_action_commands_name_the_agent(action: str, args: dict[str, Any]) -> None:
    assert action_command(action, status(), "break") == args


def test_supervisor_action_results_say_who_and_what_the_server_said() -> None:
    assert action_result(CMD_AGENT_PAUSE, status(), True, "paused in support (lunch)", "") == (
        "Force pause alice: done - paused in support (lunch)"
    )
    assert action_result(CMD_SUPERVISOR_LISTEN, status(), False, "", "no-such-call") == (
        "Listen alice failed: no reason given (no-such-call)"
    )
