"""`cti demo --supervisor` on a real X display (Xvfb and a window manager): the demo's
desktop signs in as the supervisor, whose window gets the Reports tab (the desktop's own
log says so), and the demo ends cleanly after its calls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.xserver import XDisplay, poll, x_display
from tests.e2e.test_demo_desktop_xvfb import (
    TRACE_MARKS,
    finish,
    grab,
    start_demo,
    wait_for_line,
)

pytest.importorskip("PyQt6")


@pytest.fixture
def display() -> Iterator[XDisplay]:
    with x_display("1280x800") as shown:
        yield shown


def test_supervisor_demo_opens_the_supervisors_desktop_with_the_reports_tab(
    display: XDisplay, tmp_path: Path
) -> None:
    demo = start_demo(
        display, "--supervisor", "--calls", "2", "--exit-after-calls", "--history-weeks", "1"
    )
    shot = tmp_path / "supervisor.png"
    try:
        lines = wait_for_line(demo, "reports tab shown: signed in as a supervisor", 90)
        assert any(
            "opening the desktop as the supervisor (9000): wallboard and Reports tab" in line
            for line in lines
        )
        colours: list[int] = []
        poll(lambda: colours.append(grab(display, shot)) or colours[-1] > 20, "a drawn window")
    finally:
        rest = finish(demo)
    output = "".join(lines) + rest
    assert demo.returncode == 0, output[-3000:]
    assert "demo: 2 calls played" in rest
    assert not [mark for mark in TRACE_MARKS if mark in output], output[-3000:]
