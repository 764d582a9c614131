"""`cti demo` with a real X display (Xvfb and a window manager): the desktop opens, a
screenshot shows the pop, and closing the window ends the demo cleanly."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.xserver import DEADLINE_S, XDisplay, poll, x_display

pytest.importorskip("PyQt6")

ROOT = Path(__file__).resolve().parents[2]
TRACE_MARKS = ("Traceback", "RuntimeError", "Task was destroyed", "Unclosed")


@pytest.fixture
def display() -> Iterator[XDisplay]:
    with x_display("1280x800") as shown:
        yield shown


def start_demo(display: XDisplay, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cti.cli", "demo", "--speed", "5", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=display.env | {"PYTHONUTF8": "1"},
        cwd=ROOT,
    )


def wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float) -> list[str]:
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"never saw {needle!r} in:\n{''.join(seen)[-3000:]}")


def finish(demo: subprocess.Popen[str]) -> str:
    try:
        rest, _ = demo.communicate(timeout=120)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.communicate()
    return rest


def grab(display: XDisplay, shot: Path) -> int:
    """Screenshot the X screen; the number of colours in the window's area."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "xshot.py"), str(shot)],
        capture_output=True,
        text=True,
        env=display.env,
        timeout=DEADLINE_S * 2,
    )
    assert done.returncode == 0, done.stderr
    from PyQt6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    return len({image.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 640, 7)})


def test_demo_opens_the_desktop_and_a_real_x_screenshot_shows_the_pop(
    display: XDisplay, tmp_path: Path
) -> None:
    demo = start_demo(display, "--calls", "2", "--exit-after-calls")
    shot = tmp_path / "desktop.png"
    try:
        lines = wait_for_line(demo, "agent1001/1001 call.ringing", 60)
        assert any("opening the agent desktop" in line for line in lines)
        colours: list[int] = []
        poll(lambda: colours.append(grab(display, shot)) or colours[-1] > 20, "a drawn window")
    finally:
        rest = finish(demo)
    assert demo.returncode == 0, rest[-3000:]
    assert "connected as agent1001" in "".join(lines) + rest
    assert "demo: 2 calls played" in rest


def test_closing_the_desktop_window_ends_the_demo_with_status_0_and_no_traceback(
    display: XDisplay,
) -> None:
    demo = start_demo(display)
    try:
        lines = wait_for_line(demo, "connected as agent1001", 60)
        window = display.wait_for_window(_desktop_pid(display, demo))
        display.close_window(window)  # the window manager's close request
    finally:
        rest = finish(demo)
    output = "".join(lines) + rest
    assert demo.returncode == 0, output[-3000:]
    assert not [mark for mark in TRACE_MARKS if mark in output], output[-3000:]


def test_with_calls_the_desktop_stays_open_after_the_last_call_until_it_is_closed(
    display: XDisplay,
) -> None:
    demo = start_demo(display, "--calls", "1")
    try:
        wait_for_line(demo, "close the desktop window to finish", 120)
        desktop = _desktop_pid(display, demo)
        window = display.wait_for_window(desktop)  # still open: its note can be written
        assert demo.poll() is None
        display.close_window(window)
    finally:
        rest = finish(demo)
    assert demo.returncode == 0, rest[-3000:]
    assert rest.splitlines()[-1] == "demo: 1 calls played"
    assert not [mark for mark in TRACE_MARKS if mark in rest], rest[-3000:]


def _desktop_pid(display: XDisplay, demo: subprocess.Popen[str]) -> int:
    """The demo's child running `desktop.main` (found in /proc, no extra tools)."""
    found: list[int] = []

    def look() -> bool:
        for status in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = status.read_text().rsplit(")", 1)[1].split()
                cmdline = (status.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == demo.pid and b"desktop.main" in cmdline:
                found.append(int(status.parent.name))
                return True
        return False

    poll(look, "the demo's desktop process")
    return found[0]
