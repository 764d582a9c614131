"""The demo supervisor's queue line from real protocol frames, and how the view shows it
live (under the pops) and piped (a `#` line per change)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from rich.console import Console

from cti.demo.centre import CentreFeed
from cti.demo.view import TerminalView
from cti.protocol import (
    AgentState,
    CallAnswered,
    CallEnded,
    CallQueued,
    Party,
    Seat,
    SupervisorView,
    event_envelope,
    welcome_frame,
)
from tests.unit.demo.frames import TS

NOW = datetime(2026, 6, 1, 12, 35, 27, tzinfo=UTC)  # 30.2 s after TS


def queued(call_id: str, number: str = "+14155550111", position: int = 1) -> dict[str, Any]:
    event = CallQueued(
        call_id=call_id,
        queue="support",
        position=position,
        count=position,
        caller=Party(number, "Caller", number, False),
        waiting_since=TS,
    )
    return event_envelope(event, 1, TS)


def ended(call_id: str, answered_by: str | None, abandoned: bool, waited: float) -> dict[str, Any]:
    event = CallEnded(
        call_id=call_id,
        cause=16,
        cause_text="Normal Clearing",
        answered_by=answered_by,
        abandoned=abandoned,
        waited_seconds=waited,
        queue="support",
    )
    return event_envelope(event, 2, TS)


def state(extension: str, now: str, reason: str | None = None) -> dict[str, Any]:
    seats = (Seat("support", f"PJSIP/{extension}", now == "paused", reason),)
    event = AgentState(
        agent=f"agent{extension}",
        extension=extension,
        state=now,
        since=TS,
        reason=reason,
        queues=seats,
    )
    return event_envelope(event, 3, TS)


def supervisor_welcome() -> dict[str, Any]:
    view = SupervisorView(
        agents=[state("1001", "available")["data"], state("1002", "on-call")["data"]],
        queues=[],
        waiting=[queued("A")["data"]],
    )
    return welcome_frame("sue", "9000", 0, [], supervision=view)


def test_the_line_counts_waiting_callers_answers_abandons_and_agents() -> None:
    centre = CentreFeed()
    centre.apply(supervisor_welcome())
    centre.apply(queued("B", position=2))
    assert centre.line(NOW) == (
        "support: 2 waiting (longest 30 s), 0 answered, 0 abandoned · agents 1 on-call 1 available"
    )
    centre.apply(event_envelope(CallAnswered(call_id="A", extension="1001"), 4, TS))
    assert centre.apply(ended("A", "1001", False, 2.0)) == []
    notes = centre.apply(ended("B", None, True, 4.4))
    assert notes == ["caller +14155550111 gave up in queue support after 4 s (call=B)"]
    centre.apply(state("1001", "paused", "lunch"))
    assert centre.line(NOW) == (
        "support: 0 waiting, 1 answered, 1 abandoned · agents 1 on-call 1 paused"
    )
    assert centre.summary() == "queue support: 0 waiting, 1 answered, 1 abandoned"


def test_the_servers_queue_stats_win_over_the_counts_made_here() -> None:
    centre = CentreFeed()
    centre.apply(ended("A", "1001", False, 2.0))
    stats = {"queue": "support", "answered": 41, "abandoned": 3, "service_level": 0.875}
    centre.apply({"op": "event", "seq": 5, "type": "queue.stats", "ts": TS, "data": stats})
    assert centre.line(NOW) == "support: 0 waiting, 41 answered, 3 abandoned, SL 88%"


def test_calls_without_a_queue_and_odd_frames_change_nothing() -> None:
    centre = CentreFeed()
    direct = CallEnded(call_id="D", cause=16, cause_text=None, answered_by="1001")
    assert centre.apply(event_envelope(direct, 1, TS)) == []
    for odd in (
        {"op": "event", "type": "call.queued", "data": "not a mapping"},
        {"op": "event", "type": "agent.state", "data": {"state": None}},
        {"op": "result", "id": "x", "ok": True},
        {"op": "event", "type": "queue.stats", "data": {"queue": 7}},
    ):
        assert centre.apply(odd) == []
    assert centre.line(NOW) == "no queue yet" and centre.summary() == ""


def test_a_hostile_caller_number_is_cleaned_before_it_reaches_a_line() -> None:
    centre = CentreFeed()
    centre.apply(queued("A", number="+1\x1b[2J\u202e555"))
    [note] = centre.apply(ended("A", None, True, 1.0))
    assert "\x1b" not in note and "\u202e" not in note


def test_piped_view_prints_the_counts_when_they_change_and_each_caller_who_gave_up() -> None:
    out = io.StringIO()
    view = TerminalView(Console(file=out), live=False)
    view.supervised_by("sue-client")
    view.supervise("supervisor", supervisor_welcome())
    view.supervise("supervisor", state("1001", "paused", "lunch"))  # no count changed
    view.supervise("supervisor", ended("A", None, True, 3.0))
    assert out.getvalue().splitlines() == [
        "# queue support: 1 waiting, 0 answered, 0 abandoned",
        "# queue support: 0 waiting, 0 answered, 1 abandoned",
        "# caller +14155550111 gave up in queue support after 3 s (call=A)",
    ]
    assert view.feed.rows == type(view.feed.rows)(), "a supervisor's frames add no pop rows"


def test_live_view_keeps_80x24_with_the_queue_line_above_the_connections() -> None:
    console = Console(file=io.StringIO(), width=80, height=24, color_system=None)
    view = TerminalView(console, live=True)
    view.supervised_by("sue-client")
    view.link("sue-client", "supervisor", "connected", "supervisor: connected")
    view.link("alice-client", "agent1001", "connected", "agent1001: connected")
    view.supervise("supervisor", supervisor_welcome())
    with console.capture() as captured:
        console.print(view.screen())
    lines = captured.get().rstrip("\n").splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    assert lines[-2].startswith("support: 1 waiting (longest ")
    assert lines[-1] == "1 agent and the supervisor connected"
