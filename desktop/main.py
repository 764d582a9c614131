"""`cti-desktop`: sign in (or reuse what was remembered), then run the agent window.

`build_main_window` is the entry point without the sign-in dialog, for `cti demo` and
the pop benchmark: give it the server address and a token, call
``window.controller.start()`` with the qasync loop set, and listen to `card_shown`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from typing import Any

from PyQt6.QtCore import QSettings
from PyQt6.QtWidgets import QApplication, QDialog

from desktop.controller import DesktopController
from desktop.phoneprefs import load_softphone
from desktop.prefs import DesktopPrefs, system_keyring
from desktop.widgets.signin import SignInDialog
from desktop.widgets.window import MainWindow

log = logging.getLogger(__name__)
TOKEN_ENV = "CTI_DESKTOP_TOKEN"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)  # close the window as its close button does


def build_main_window(
    server_url: str, token: str, prefs: DesktopPrefs | None = None, **options: Any
) -> MainWindow:
    """The window and its controller for one agent, not yet connected.

    ``options`` go to the connection (``backoff``, ``heartbeat``, ``command_timeout``).
    """
    prefs = prefs or DesktopPrefs(keyring=system_keyring())
    controller = DesktopController(server_url, token, **options)
    window = MainWindow(controller, prefs)
    controller.setParent(window)
    controller.phone.apply(load_softphone(prefs))  # off unless the agent turned it on
    return window


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cti-desktop", description="CTI agent desktop")
    parser.add_argument("--url", help="server address, e.g. http://127.0.0.1:8765")
    parser.add_argument(
        "--token-env",
        default=TOKEN_ENV,
        help=f"environment variable holding the agent token (default {TOKEN_ENV})",
    )
    parser.add_argument("--sign-in", action="store_true", help="show the sign-in dialog")
    parser.add_argument("--settings", help="settings file (INI) instead of the user's")
    parser.add_argument(
        "--exit-when-connected",
        action="store_true",
        help="quit once the server has welcomed this desktop (start-up checks, benchmarks)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def credentials(args: argparse.Namespace, prefs: DesktopPrefs) -> tuple[str, str] | None:
    """Server and token from the arguments, the environment, memory, or the dialog."""
    url = args.url or prefs.server_url
    token = os.environ.get(args.token_env, "") or (prefs.token(url) if url else "")
    if url and token and not args.sign_in:
        return url, token
    dialog = SignInDialog(prefs)
    if url:
        dialog.url.setText(url)
        dialog.url.setCursorPosition(0)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.credentials()


async def run_until_closed(window: MainWindow) -> None:
    """Until the window is closed (its close button, Quit, SIGTERM or SIGINT), then stop
    the connection while the loop still runs, so the process ends cleanly with status 0.

    Qt must not quit on its own when the last window closes (see `main`): that would
    stop the loop under this coroutine, the "Event loop stopped before Future
    completed" crash of every close.
    """
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, window.close)
    try:
        window.controller.start()
        window.show()
        await closed.wait()
        log.info("window closed: signing out")
        await window.controller.stop()
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


async def run_until_connected(window: MainWindow, started: float) -> int:
    """Start, wait for the welcome (or a refusal), report how long it took, stop."""
    settled = asyncio.Event()
    window.controller.link_changed.connect(
        lambda state, _: settled.set() if state in ("connected", "refused") else None
    )
    window.controller.start()
    window.show()
    await settled.wait()
    elapsed = time.monotonic() - started
    await window.controller.stop()
    if window.controller.welcome is None:
        print(f"refused: {window.controller.link_detail}", file=sys.stderr)
        return 2
    print(f"connected in {elapsed:.3f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    import qasync

    started = time.monotonic()
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # run_until_closed ends the loop, not Qt
    settings = QSettings(args.settings, QSettings.Format.IniFormat) if args.settings else None
    prefs = DesktopPrefs(settings, keyring=system_keyring())
    found = credentials(args, prefs)
    if found is None:
        return 1
    window = build_main_window(*found, prefs=prefs)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        if args.exit_when_connected:
            code: int = loop.run_until_complete(run_until_connected(window, started))
            return code
        loop.run_until_complete(run_until_closed(window))
    return 0


if __name__ == "__main__":
    sys.exit(main())
