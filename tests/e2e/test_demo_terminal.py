"""`cti demo` without a display, in a real 80x24 terminal (tmux), read back from the screen."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")  # scripts/setup-env.sh installs it with the dev extra
EVENT_LINE = re.compile(r"^\d\d:\d\d:\d\d ")
WIDTH, HEIGHT = 80, 24


class Terminal:
    """A private tmux server (its own socket) running one command in one pane."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        result = subprocess.run(
            [TMUX, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
            env=demo_environment(),
        )
        return result.stdout

    def screen(self) -> list[str]:
        return self.tmux("capture-pane", "-p", "-t", "demo").rstrip("\n").splitlines()


def demo_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return {**env, "PYTHONUTF8": "1", "TERM": "xterm-256color"}


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    assert TMUX is not None, "tmux must be installed (scripts/setup-env.sh installs it)"
    term = Terminal(f"cti-test-{uuid.uuid4().hex[:12]}")
    demo = (
        f"cd {ROOT} && {sys.executable} -m cti.cli demo --speed 4 --rate 1 "
        f"--data {tmp_path / 'demo'}; sleep 600"
    )
    size = ("-x", str(WIDTH), "-y", str(HEIGHT))
    term.tmux("new-session", "-d", "-s", "demo", *size, demo)
    try:
        yield term
    finally:
        term.tmux("kill-server")  # only this test's own server, by its socket


def events_on(screen: list[str]) -> list[str]:
    return [line for line in screen if EVENT_LINE.match(line)]


def wait_for_a_full_table(term: Terminal, timeout: float = 120.0) -> list[str]:
    """The screen once more events arrived than fit, so old ones had to scroll away."""
    deadline = time.monotonic() + timeout
    first_seen: str | None = None
    while time.monotonic() < deadline:
        screen = term.screen()
        events = events_on(screen)
        if len(events) >= HEIGHT - 6:
            first_seen = first_seen or events[0]
            if events[0] != first_seen:
                return screen
        time.sleep(0.5)
    raise AssertionError("the table never filled:\n" + "\n".join(term.screen()))


def seconds_since(clock: str, now: datetime) -> float:
    """How long before ``now`` HH:MM:SS (UTC) was, across midnight too."""
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    then = now.replace(hour=hours, minute=minutes, second=seconds, microsecond=0)
    return (now - then).total_seconds() % 86400


CHAT_LINE = re.compile(r"^demo: chat as a customer at http://127\.0\.0\.1:\d+/chat/demo$")
QUEUE_LINE = re.compile(
    r"^support: \d+ waiting( \(longest \d+ s\))?, \d+ answered, \d+ abandoned"
    r"( · agents( \d+ [a-z-]+)+)?"
)


def test_demo_at_80x24_shows_one_line_per_event_and_the_newest_event(terminal: Terminal) -> None:
    screen = wait_for_a_full_table(terminal)
    shown = "\n".join(screen)

    assert screen[0].startswith("Screen-pops (UTC) · terminal view only: no display")
    assert CHAT_LINE.match(screen[1]), shown
    assert screen[2].split() == ["Time", "Agent", "Event", "Caller", "Contact", "Queue"]
    events = events_on(screen)
    assert screen[3 : 3 + len(events)] == events, f"a row wrapped:\n{shown}"
    assert len(events) == HEIGHT - 6, "title, chat line, header, queue line, connections, cursor"
    queue_line = screen[3 + len(events)]
    assert QUEUE_LINE.match(queue_line) and len(queue_line) <= WIDTH, shown
    status = screen[4 + len(events)]
    assert status.startswith("4 agents and the supervisor connected"), shown
    assert len(status) <= WIDTH, "the status line is cut, never wrapped"
    assert re.search(r"· 100[1-4] (available|ringing|on-call|on-hold|wrap-up)", status), shown
    now = datetime.now(UTC)
    ages = [seconds_since(line[:8], now) for line in events]
    assert ages == sorted(ages, reverse=True), f"not oldest first:\n{shown}"
    assert ages[-1] < 20, f"the newest row is {ages[-1]} s old:\n{shown}"
    assert "seq 0" not in shown
