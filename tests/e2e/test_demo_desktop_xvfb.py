"""`cti demo` with a real X display (Xvfb): the desktop opens and a screenshot shows the pop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PyQt6")
ROOT = Path(__file__).resolve().parents[2]
XVFB = shutil.which("Xvfb")  # scripts/setup-env.sh installs it; the test fails without it


@pytest.fixture
def display() -> Iterator[str]:
    """A fresh Xvfb server; its number is the one it picked (-displayfd)."""
    assert XVFB is not None, "Xvfb must be installed (scripts/setup-env.sh installs it)"
    read, write = os.pipe()
    server = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        assert number, "Xvfb did not report a display"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


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


def test_demo_opens_the_desktop_and_a_real_x_screenshot_shows_the_pop(
    display: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DISPLAY": display, "PYTHONUTF8": "1"}
    env.pop("QT_QPA_PLATFORM", None)  # the real xcb platform, not offscreen
    demo = subprocess.Popen(
        [sys.executable, "-m", "cti.cli", "demo", "--calls", "2", "--speed", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
    )
    shot = tmp_path / "desktop.png"
    try:
        lines = wait_for_line(demo, "agent1001/1001 call.ringing", 60)
        assert any("opening the agent desktop" in line for line in lines)
        time.sleep(0.5)  # the card stays on screen while the call rings and is talked on
        grab = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "xshot.py"), str(shot)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert grab.returncode == 0, grab.stderr
        rest, _ = demo.communicate(timeout=120)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.communicate()
    assert demo.returncode == 0, rest[-3000:]
    assert "connected as agent1001" in "".join(lines) + rest
    from PyQt6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 640, 7)}
    assert len(colours) > 20, "the window area is not a blank screen"
