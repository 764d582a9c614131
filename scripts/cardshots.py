"""Screenshots of the pop card in each state of one call, reproducibly, on a real X display.

``DISPLAY=:N python scripts/cardshots.py docs/`` runs the PBX simulator, the server (as
`cti demo` configures them, seeded directory) and the agent desktop in this process,
plays one call from a caller with a history, clicks the card's own buttons (Answer,
Hold, Resume, Hang up), types a note, and after each step grabs the X screen (X
GetImage of the root window, what the X server really shows) into:
desktop-card-ringing.png, desktop-card-on-call.png, desktop-card-on-hold.png and
desktop-card-after-call.png. `scripts/screenshot.sh` runs it on Xvfb.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

SIZE = (900, 640)  # the window, and the Xvfb screen screenshot.sh starts
SETTLE_S = 2.2  # on screen this long before each grab: the timers read 0:02
NOTE = "Wants the renewal quote by Friday; prefers e-mail."


async def until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - widgets have no awaitable state
            await asyncio.sleep(0.02)


def caller_with_history(database: Path, callers: list[tuple[str, str]]) -> tuple[str, str]:
    """The first demo caller whose contact has a company, tags and earlier interactions."""
    from cti.lookup import ContactStore

    store = ContactStore(database)
    try:
        for number, name in callers:
            for contact in store.find(number):
                full = store.get_contact(int(contact["id"])) or {}
                if full.get("company") and full.get("tags") and store.history(int(contact["id"])):
                    return number, name
    finally:
        store.close()
    raise SystemExit("cardshots: no demo caller with a history (another seed?)")


async def shoot(out: Path, seed: int) -> None:
    from PyQt6.QtWidgets import QApplication

    from cti.app import CtiApp
    from cti.demo.session import DEMO_AGENTS, DESKTOP_AGENT, build_directory, write_demo_config
    from cti.protocol import CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME
    from cti.sim import CallPlan, PbxSimulator
    from desktop.board import Phase
    from desktop.main import build_main_window
    from desktop.prefs import DesktopPrefs

    work = Path(tempfile.mkdtemp(prefix="cti-cardshots-"))
    callers = build_directory(work / "contacts.db", 300, seed)
    caller = caller_with_history(work / "contacts.db", callers)
    secret = secrets.token_urlsafe(16)
    tokens = {ext: secrets.token_urlsafe(24) for ext in DEMO_AGENTS}
    async with PbxSimulator(agents=DEMO_AGENTS, contacts=callers, seed=seed, secret=secret) as pbx:
        app = CtiApp(write_demo_config(work, pbx.port, secret, tokens), broker_port=0)
        await app.start()
        from PyQt6.QtCore import QSettings

        settings = QSettings(str(work / "desktop.ini"), QSettings.Format.IniFormat)
        window = build_main_window(
            f"http://127.0.0.1:{app.port}", tokens[DESKTOP_AGENT], DesktopPrefs(settings)
        )
        window.setGeometry(0, 0, *SIZE)
        window.controller.start()
        window.show()
        try:
            await until(lambda: window.controller.connected)
            ringing = CallPlan(answer_after=600.0, talk=600.0)  # the card's buttons drive it
            call_id = await pbx.place_call("direct", target=DESKTOP_AGENT, caller=caller, plan=ringing)
            await until(lambda: call_id in window.cards)
            card = window.cards[call_id]
            board = window.controller.board

            async def grab(name: str) -> None:
                await asyncio.sleep(SETTLE_S)
                window.tick()
                await asyncio.sleep(0.3)
                screen = QApplication.primaryScreen()
                assert screen is not None
                image = screen.grabWindow(0)
                path = out / f"desktop-card-{name}.png"
                if image.isNull() or not image.save(str(path), "PNG"):
                    raise SystemExit(f"cardshots: could not save {path}")
                print(f"{path}: {image.width()}x{image.height()}")

            async def press(command: str, phase: Phase) -> None:
                button = card.controls.buttons[command]
                await until(button.isEnabled)
                button.click()
                await until(lambda: (r := board.get(call_id)) is not None and r.phase is phase)

            await grab("ringing")
            await press(CMD_ANSWER, Phase.ANSWERED)
            await grab("on-call")
            await press(CMD_HOLD, Phase.HELD)
            await grab("on-hold")
            await press(CMD_RESUME, Phase.ANSWERED)
            await press(CMD_HANGUP, Phase.ENDED)
            await until(lambda: window.focusWidget() is card.after_call.notes)
            card.after_call.notes.setPlainText(NOTE)
            card.after_call.notes.moveCursor(card.after_call.notes.textCursor().MoveOperation.End)
            await grab("after-call")
        finally:
            await window.controller.stop()
            window.close()
            await app.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory for the PNG files")
    parser.add_argument("--seed", type=int, default=4, help="demo directory seed (default 4)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("cardshots: DISPLAY is not set (scripts/screenshot.sh starts Xvfb)", file=sys.stderr)
        return 2
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    import qasync
    from PyQt6.QtWidgets import QApplication

    qt = QApplication(sys.argv[:1])
    qt.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qt)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(shoot(args.out, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
