"""The broker's PBX link in the terminal view: a status, never a row about call `?`."""

from __future__ import annotations

import io

from rich.console import Console

from cti.demo import PopFeed, TerminalView
from cti.protocol import PbxLink, event_envelope, pbx_data, welcome_frame
from tests.unit.demo.frames import event, ringing

DOWN_AT = "2026-06-01T12:40:01.000Z"
AGENTS = ("agent1001", "agent1002", "agent1003", "agent1004")


def link(connected: bool, seq: int, since: str = DOWN_AT) -> dict[str, object]:
    return event_envelope(PbxLink(connected=connected, since=since), seq)


def welcome(agent: str, connected: bool) -> dict[str, object]:
    pbx = pbx_data(connected, "2026-06-01T12:00:00.000Z")
    return welcome_frame(agent, agent[-4:], 0, [], epoch="e1", pbx=pbx)


def test_a_pbx_link_event_is_a_state_not_a_call_row() -> None:
    feed = PopFeed()

    assert feed.apply("agent1001", link(False, 1)) == []
    assert not feed.rows
    assert feed.pbx is not None
    assert (feed.pbx.connected, feed.pbx.since) == (False, "12:40:01")


def test_the_welcome_says_the_pbx_link_at_sign_in() -> None:
    feed = PopFeed()
    feed.apply("agent1001", welcome("agent1001", True))

    assert feed.pbx is not None and feed.pbx.connected
    assert feed.pbx.text() == "PBX link up since 12:00:00"


def test_piped_view_says_each_pbx_change_once_for_all_agents() -> None:
    out = io.StringIO()
    view = TerminalView(Console(file=out))
    for agent in AGENTS:
        view.handle(agent, welcome(agent, True))
    for seq, agent in enumerate(AGENTS, 1):
        view.handle(agent, link(False, seq))
    for seq, agent in enumerate(AGENTS, 5):
        view.handle(agent, link(True, seq, "2026-06-01T12:40:09.000Z"))

    assert out.getvalue().splitlines() == [
        "# PBX link down since 12:40:01: calls will not pop",
        "# PBX link up since 12:40:09",
    ]


def test_piped_view_says_at_start_when_the_link_is_already_down() -> None:
    out = io.StringIO()
    view = TerminalView(Console(file=out))

    view.handle("agent1001", welcome("agent1001", False))

    assert out.getvalue() == "# PBX link down since 12:00:00: calls will not pop\n"


def test_live_status_line_says_the_pbx_link_is_down_in_red() -> None:
    console = Console(file=io.StringIO(), width=100, height=24, force_terminal=True)
    view = TerminalView(console, live=False)
    view.handle("agent1001", event(ringing()))
    view.link(1, "agent1001", "connected", "")
    view.handle("agent1001", link(False, 2))

    with console.capture() as capture:
        console.print(view.screen())

    last = capture.get().splitlines()[-1]
    assert "PBX link down since 12:40:01: calls will not pop; 1 agent connected" in last
    assert "\x1b[1;31m" in last  # bold red
    assert "pbx.link" not in capture.get()
