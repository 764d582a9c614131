"""Closing the desktop is clean: exit status 0 and no traceback, however it is closed.

The real `cti-desktop` runs on a real X server (Xvfb) under a real window manager,
signed in to the live broker; it is closed as an agent closes it: the window's close
button (the window manager's close request), Ctrl+Q typed on the keyboard, or SIGTERM
(a session logging out, `cti demo` ending).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PyQt6.QtGui import QKeySequence

from tests.desktop.conftest import ALICE_TOKEN, WAIT_S, LiveServer, WindowFactory, until
from tests.desktop.xserver import XDisplay, poll, x_display

T = TypeVar("T")
CTI_DESKTOP = Path(sys.executable).with_name("cti-desktop")
TRACE_MARKS = ("Traceback", "RuntimeError", "Task was destroyed", "Unclosed", "Error:")


def blocking(server: LiveServer, work: Callable[[], T]) -> T:
    """Run blocking `work` in a thread while the qasync loop keeps serving the broker."""

    async def in_thread() -> T:
        return await asyncio.get_running_loop().run_in_executor(None, work)

    return server.run(in_thread())


def start_desktop(server: LiveServer, display: XDisplay, tmp_path: Path) -> subprocess.Popen[Any]:
    stderr = (tmp_path / "desktop.err").open("w")
    return subprocess.Popen(
        [str(CTI_DESKTOP), "--url", server.url, "--settings", str(tmp_path / "desktop.ini")],
        env=display.env | {"CTI_DESKTOP_TOKEN": ALICE_TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def close_and_wait(
    how: str, display: XDisplay, desktop: subprocess.Popen[Any], log: Path
) -> tuple[int, str]:
    window = display.wait_for_window(desktop.pid)
    poll(lambda: "connected as alice" in log.read_text(), "the desktop to be signed in")
    if how == "close button":
        display.close_window(window)
    elif how == "ctrl+q":
        display.press_keys(window, "ctrl+q")
    else:
        desktop.send_signal(signal.SIGTERM)
    try:
        code = desktop.wait(WAIT_S)
    finally:
        if desktop.poll() is None:
            desktop.kill()
            desktop.wait()
    return code, log.read_text()


@pytest.mark.parametrize("how", ["close button", "ctrl+q", "sigterm"])
def test_cti_desktop_exits_0_without_a_traceback_when_closed(
    server: LiveServer, tmp_path: Path, how: str
) -> None:
    with x_display() as display:
        desktop = start_desktop(server, display, tmp_path)
        code, errors = blocking(
            server, lambda: close_and_wait(how, display, desktop, tmp_path / "desktop.err")
        )
    assert code == 0, errors
    assert not [mark for mark in TRACE_MARKS if mark in errors], errors
    assert ALICE_TOKEN not in errors
    server.run(until(lambda: not server.app.context.broker.sessions()))


def test_the_server_menu_has_quit_on_ctrl_q_and_it_closes_the_window(
    open_window: WindowFactory,
) -> None:
    window = open_window()
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    assert window.quit_action.text() == "&Quit"
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    assert window.quit_action in window.server_menu.actions()
    window.quit_action.trigger()
    assert closed == [True]
    assert not window.isVisible()
