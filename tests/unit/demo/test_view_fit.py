"""The live table fits the terminal: one line per event, whole headers, newest on screen.

Rendered by rich's own Console at fixed sizes into a string, as a terminal would show it.
"""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from cti.demo import TerminalView
from cti.demo.layout import COLUMNS
from cti.protocol import CallAnswered, PopRetracted, event_envelope
from tests.unit.demo.frames import JORG, ringing

SIZES = [(80, 24), (120, 40), (200, 50)]
LONG = dict(JORG, name="Örjan Guðmundsdóttir-Szczepańska", company="Tailspin Toys & Sons")
CJK = dict(JORG, name="鈴木美咲", company="株式会社サンプル商事")


def fed_view(width: int, height: int, calls: int = 40) -> TerminalView:
    """A view fed `calls` calls (ring, answer, retract elsewhere): far more than fit."""
    console = Console(file=io.StringIO(), width=width, height=height, color_system=None)
    view = TerminalView(console, live=False)
    seq = 0
    for n in range(calls):
        call, contact = f"1700000000.{n}", (LONG, CJK, JORG)[n % 3]
        for agent, extension in (("agent1001", "1001"), ("agent1002", "1002")):
            seq += 1
            pop = ringing(
                call_id=call, extension=extension, contact=contact, name="WIRELESS CALLER"
            )
            view.feed.apply(agent, event_envelope(pop, seq, stamp(seq)))
        answered = CallAnswered(call_id=call, extension="1001")
        retracted = PopRetracted(call_id=call, extension="1002", reason="answered_elsewhere")
        view.feed.apply("agent1001", event_envelope(answered, seq + 1, stamp(seq + 1)))
        view.feed.apply("agent1002", event_envelope(retracted, seq + 2, stamp(seq + 2)))
        seq += 2
    for number in range(4):
        view.link(number, f"agent100{number + 1}", "connected", "")
    return view


def stamp(seq: int) -> str:
    """A distinct time per event, so the screen shows which events made it."""
    return f"2026-06-01T{10 + seq // 3600:02d}:{seq // 60 % 60:02d}:{seq % 60:02d}.000Z"


def screen_lines(view: TerminalView) -> list[str]:
    console = view.console
    with console.capture() as capture:
        console.print(view.screen())
    return capture.get().splitlines()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_screen_fits_the_terminal_with_one_line_per_event(width: int, height: int) -> None:
    view = fed_view(width, height)

    lines = screen_lines(view)

    assert len(lines) <= height - 1, "one line is left for the cursor"
    assert all(cell_len(line) <= width for line in lines)
    events = [line for line in lines if line[:2].isdigit()]
    assert len(events) == view.table().row_count == height - 4, "no row wraps"


@pytest.mark.parametrize(("width", "height"), [*SIZES, (80, 10), (100, 60)])
def test_the_newest_event_is_always_the_last_row_on_screen(width: int, height: int) -> None:
    view = fed_view(width, height)
    newest = view.feed.rows[-1]

    events = [line for line in screen_lines(view) if line[:2].isdigit()]

    assert events[-1].startswith(f"{newest.time} {newest.agent} retracted")
    times = [line[:8] for line in events]
    assert times == sorted(times)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_headers_are_whole_words(width: int, height: int) -> None:
    header = screen_lines(fed_view(width, height))[1]

    assert "…" not in header
    shown = [spec.header for spec in COLUMNS if spec.header in header]
    assert header.split() == " ".join(shown).split()


def test_at_80_columns_the_most_important_columns_come_first() -> None:
    header = screen_lines(fed_view(80, 24))[1]

    assert header.split() == ["Time", "Agent", "Event", "Caller", "Contact", "Queue"]


def test_wider_terminals_add_status_then_dialled_and_history() -> None:
    at_120 = screen_lines(fed_view(120, 40))[1].split()
    at_200 = " ".join(screen_lines(fed_view(200, 50))[1].split())

    assert at_120[-1] == "Status"
    assert at_200.endswith("Queue Status Dialled Last interaction")


def test_cjk_names_take_two_cells_and_still_fit() -> None:
    lines = screen_lines(fed_view(80, 24))

    cjk = [line for line in lines if "鈴木" in line]
    assert cjk, "the CJK contact is on screen"
    assert all(cell_len(line) <= 80 for line in cjk)


def test_connection_line_shows_each_agent_now_not_a_stale_note() -> None:
    view = fed_view(80, 24)
    assert screen_lines(view)[-1] == "4 agents connected"

    view.link(1, "agent1002", "reconnecting in 0.5s", "agent1002: disconnected")
    assert screen_lines(view)[-1] == "3 of 4 agents connected; agent1002 reconnecting in 0.5s"

    view.link(1, "agent1002", "connected", "agent1002: connected (extension 1002, seq 0)")
    lines = screen_lines(view)
    assert lines[-1] == "4 agents connected"
    assert not any("seq 0" in line for line in lines)


def test_before_any_agent_signs_in_the_line_says_connecting() -> None:
    view = TerminalView(Console(file=io.StringIO(), width=80, height=24), live=False)

    lines = screen_lines(view)

    assert lines[-1] == "connecting…"
    assert lines[1].split()[:6] == ["Time", "Agent", "Event", "Caller", "Contact", "Queue"]
    assert len(lines) == 3
