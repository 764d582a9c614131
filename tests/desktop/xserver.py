"""A real X display for tests: Xvfb plus a real window manager (matchbox).

Closing a window "from its close button" means the window manager sends the client a
WM_DELETE_WINDOW message. `wmctrl -c` asks the window manager for exactly that
(_NET_CLOSE_WINDOW to the root window; the manager then sends WM_DELETE_WINDOW), unlike
`xdotool windowclose`, which destroys the window behind the client's back. Keys go
through XTEST (`xdotool key`) to the window the manager focused, as a keyboard would.
scripts/setup-env.sh installs every tool named here; a missing one fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

TOOLS = ("Xvfb", "matchbox-window-manager", "wmctrl", "xdotool", "xprop")
DEADLINE_S = 30.0


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} must be installed (scripts/setup-env.sh installs it)"
    return path


def poll(condition: Callable[[], object], what: str, timeout: float = DEADLINE_S) -> None:
    """Re-check every 50 ms until `condition` holds; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


@dataclass(frozen=True, slots=True)
class XDisplay:
    name: str  # ":N"

    @property
    def env(self) -> dict[str, str]:
        """This process's environment pointed at the display, with Qt on real X (xcb)."""
        env = {**os.environ, "DISPLAY": self.name}
        env.pop("QT_QPA_PLATFORM", None)
        return env

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool(command[0]), *command[1:]],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=DEADLINE_S,
            check=False,
        )

    def windows_of(self, pid: int) -> list[str]:
        """Ids of the managed top-level windows the process `pid` owns (`wmctrl -l -p`)."""
        listing = self.run("wmctrl", "-l", "-p").stdout.splitlines()
        return [line.split()[0] for line in listing if line.split()[2:3] == [str(pid)]]

    def wait_for_window(self, pid: int) -> str:
        found: list[str] = []
        poll(lambda: found.extend(self.windows_of(pid)) or found, f"a window of pid {pid}")
        return found[0]

    def close_window(self, window_id: str) -> None:
        """Ask the window manager to close it, as its close button does."""
        done = self.run("wmctrl", "-i", "-c", window_id)
        assert done.returncode == 0, done.stderr

    def press_keys(self, window_id: str, keys: str) -> None:
        """Focus the window through the manager, then type `keys` (e.g. ctrl+q) via XTEST."""
        assert self.run("wmctrl", "-i", "-a", window_id).returncode == 0
        poll(lambda: self._active() == int(window_id, 16), f"window {window_id} to be focused")
        done = self.run("xdotool", "key", "--clearmodifiers", keys)
        assert done.returncode == 0, done.stderr

    def _active(self) -> int | None:
        out = self.run("xprop", "-root", "_NET_ACTIVE_WINDOW").stdout
        try:
            return int(out.rsplit(" ", 1)[-1], 16)
        except ValueError:
            return None

    def has_window_manager(self) -> bool:
        out = self.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").stdout
        return "window id" in out


def start_window_manager(display: XDisplay, attempts: int = 5) -> subprocess.Popen[str]:
    """matchbox, once the display answers. Now and then its first XOpenDisplay fails on a
    display that has just started (seen on Xvfb 21): then it is started again."""
    poll(lambda: display.run("xprop", "-root", "-len", "1").returncode == 0, "the display")
    errors = ""
    for _ in range(attempts):
        manager = subprocess.Popen(
            [tool("matchbox-window-manager"), "-use_titlebar", "yes"],
            env=display.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + DEADLINE_S
        while manager.poll() is None and time.monotonic() < deadline:
            if display.has_window_manager():
                return manager
            time.sleep(0.05)
        if manager.poll() is None:
            manager.kill()
        _, errors = manager.communicate()
    raise AssertionError(f"the window manager did not start: {errors}")


@contextmanager
def x_display(size: str = "1280x800", window_manager: bool = True) -> Iterator[XDisplay]:
    """A fresh Xvfb (it picks a free display number: -displayfd), with a window manager."""
    read, write = os.pipe()
    server = subprocess.Popen(
        [tool("Xvfb"), "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    manager: subprocess.Popen[str] | None = None
    try:
        assert number, "Xvfb did not report a display"
        display = XDisplay(f":{number}")
        if window_manager:
            manager = start_window_manager(display)
        yield display
    finally:
        for process in (manager, server):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(DEADLINE_S)
