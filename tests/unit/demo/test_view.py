"""TerminalView: a rich table on a terminal, plain lines in a pipe, never caller markup."""

from __future__ import annotations

import io

from rich.console import Console

from cti.demo import PopFeed, TerminalView, plain_line
from cti.demo.view import CHROME_LINES
from cti.protocol import CallAnswered, PopRetracted
from tests.unit.demo.frames import CALL, JORG, event, ringing

MARKUP = "[bold red]x[/]"


def terminal(width: int = 220) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=width, color_system="truecolor"), out


def test_pipe_output_is_one_plain_line_per_event() -> None:
    out = io.StringIO()
    view = TerminalView(Console(file=out))
    assert not view.live

    view.handle("alice", event(ringing(contact=JORG)))
    view.handle("alice", event(CallAnswered(call_id=CALL, extension="1001"), 2))
    view.note("alice: connected")

    lines = out.getvalue().splitlines()
    assert lines == [
        "12:34:56 alice/1001 call.ringing call=1700000000.42 caller=+12125550161 MUELLER JOERG "
        "contact=Jörg Müller (Müller & Söhne GmbH) queue=support dialled=+18005550100 "
        "last=2026-05-30 email replied",
        "12:34:56 alice/1001 call.answered call=1700000000.42 caller=+12125550161 MUELLER JOERG "
        "contact=Jörg Müller (Müller & Söhne GmbH) queue=support dialled=+18005550100 "
        "last=2026-05-30 email replied (answered by 1001)",
        "# alice: connected",
    ]


def test_retracted_pops_are_marked() -> None:
    feed = PopFeed()
    feed.apply("alice", event(ringing()))
    [row] = feed.apply(
        "alice", event(PopRetracted(call_id=CALL, extension="1001", reason="answered_elsewhere"))
    )

    assert plain_line(row).endswith("(answered_elsewhere) [✖ retracted]")


def test_pipe_output_shows_markup_literally() -> None:
    out = io.StringIO()
    view = TerminalView(Console(file=out))
    view.handle("alice", event(ringing(name=MARKUP, contact=dict(JORG, name=MARKUP))))

    assert f"caller=+12125550161 {MARKUP} contact={MARKUP} (" in out.getvalue()


def test_table_shows_caller_markup_literally_and_unstyled() -> None:
    console, out = terminal()
    view = TerminalView(console, live=False)
    view.feed.apply("alice", event(ringing(name=MARKUP, contact=dict(JORG, company=MARKUP))))

    console.print(view.table())

    text = out.getvalue()
    assert text.count(MARKUP) == 2
    assert "\x1b[1;31mx" not in text  # "x" was not turned bold red


def test_table_marks_a_ringing_row_with_what_became_of_the_call() -> None:
    console, out = terminal()
    view = TerminalView(console, live=False)
    view.handle("alice", event(ringing(contact=JORG)))
    view.handle("alice", event(PopRetracted(call_id=CALL, extension="1001", reason="abandoned"), 2))

    console.print(view.table())

    plain = Console(file=io.StringIO(), width=220)
    with plain.capture() as capture:
        plain.print(view.table())
    rows = [line for line in capture.get().splitlines() if line.startswith("12:34:56")]
    assert len(rows) == 2
    assert all("✖ retracted" in line for line in rows)
    assert "Jörg Müller (Müller & Söhne GmbH)" in rows[0]
    assert "2026-05-30 email replied" in rows[0]
    assert "\x1b[2" in out.getvalue()  # finished calls are dimmed


def test_live_view_redraws_on_each_event() -> None:
    console, out = terminal()
    with TerminalView(console) as view:
        assert view.live
        view.link(object(), "alice", "connected", "alice: connected (extension 1001, seq 0)")
        view.handle("alice", event(ringing(name=MARKUP, contact=JORG)))

    text = out.getvalue()
    assert "Jörg Müller" in text
    assert MARKUP in text
    assert "1 agent connected" in text


def test_only_the_newest_rows_that_fit_the_height_are_drawn() -> None:
    view = TerminalView(Console(file=io.StringIO(), width=80, height=7))
    for n in range(10):
        view.feed.apply("alice", event(ringing(call_id=f"c{n}"), n + 1))

    assert view.table().row_count == 7 - CHROME_LINES


def agent_state(seq: int, state: str, reason: str | None = None) -> dict[str, object]:
    data = {"agent": "alice", "extension": "1001", "state": state, "reason": reason}
    return {"op": "event", "seq": seq, "type": "agent.state", "data": data}


def test_piped_agent_states_are_one_line_per_change_not_rows() -> None:
    out = io.StringIO()
    view = TerminalView(Console(file=out))
    assert view.handle("alice", agent_state(1, "paused", "lunch")) == []
    view.handle("alice", agent_state(2, "paused", "lunch"))  # no change: nothing said
    view.handle("alice", agent_state(3, "available"))
    assert out.getvalue().splitlines() == ["# agent 1001: paused: lunch", "# agent 1001: available"]


def test_live_status_line_names_each_agents_state() -> None:
    console, out = terminal(width=120)
    view = TerminalView(console, live=True)
    view.handle("alice", agent_state(1, "on-call"))
    console.print(view.screen())
    assert "1001 on-call" in out.getvalue()
