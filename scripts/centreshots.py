"""Screenshots of the contact-centre parts of the desktop, reproducibly, on a real X display.

``DISPLAY=:N python scripts/centreshots.py docs/`` runs the PBX simulator (queue `support`
of agents 1001-1005, `sales` of 1003-1004), the server and two desktops in this process:
alice (agent 1001) and sue (a supervisor). It drives them with their own buttons and
grabs the X screen (what the X server shows) after each step into:
desktop-agent-paused.png (the state selector after a pause for lunch),
desktop-agent-wrapup.png (the wrap-up countdown after a queue call),
desktop-transfer-presence.png (the transfer picker open, colleagues by presence) and
desktop-wallboard.png (sue's wallboard: waiting callers, paused agents, a call).
`scripts/screenshot.sh` runs it on Xvfb.
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
from typing import Any

SIZE = (900, 640)  # the window, and the Xvfb screen screenshot.sh starts
SETTLE_S = 2.2  # on screen this long before each grab: timers read 0:02
AGENTS = {"1001": "alice", "1002": "bob", "1003": "carol", "1004": "dave", "1005": "erin"}
QUEUES = {"support": ["1001", "1002", "1003", "1004", "1005"], "sales": ["1003", "1004"]}
LONG = 600_000.0  # simulated seconds: for as long as the screenshots take


async def until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - widgets have no awaitable state
            await asyncio.sleep(0.02)


def write_config(work: Path, port: int, secret: str, tokens: dict[str, str]) -> Path:
    (work / "cti.yaml").write_text(
        f"ami:\n  port: {port}\nlookup:\n  database: {work / 'contacts.db'}\n"
        "agi:\n  enabled: false\nqueues:\n  wrapup_seconds: 30\n",
        encoding="utf-8",
    )
    accounts = "".join(
        f"    {name}: {{token: {tokens[ext]}, extension: '{ext}'}}\n"
        for ext, name in AGENTS.items()
    )
    accounts += f"    sue: {{token: {tokens['9000']}, extension: '9000', role: supervisor}}\n"
    secrets_file = work / "secrets.yaml"
    secrets_file.write_text(f"ami:\n  secret: {secret}\nbroker:\n  agents:\n{accounts}")
    secrets_file.chmod(0o600)
    return work


class Shooter:
    def __init__(self, out: Path, windows: dict[str, Any]) -> None:
        self.out, self.windows = out, windows

    async def grab(self, who: str, name: str, then: Callable[[], object] = lambda: None) -> None:
        """Bring `who`'s window alone on screen, do `then` (open a drop-down), let the
        timers run, grab the X screen."""
        from PyQt6.QtWidgets import QApplication

        for other, window in self.windows.items():
            window.setVisible(other == who)
        window = self.windows[who]
        window.raise_()
        window.activateWindow()
        await asyncio.sleep(0.3)
        then()
        await asyncio.sleep(SETTLE_S)
        window.tick()
        await asyncio.sleep(0.3)
        screen = QApplication.primaryScreen()
        assert screen is not None
        image = screen.grabWindow(0)
        path = self.out / f"desktop-{name}.png"
        if image.isNull() or not image.save(str(path), "PNG"):
            raise SystemExit(f"centreshots: could not save {path}")
        print(f"{path}: {image.width()}x{image.height()}")


async def shoot(out: Path, seed: int) -> None:
    from PyQt6.QtCore import QSettings

    from cti.app import CtiApp
    from cti.config import load_config
    from cti.demo.session import build_directory
    from cti.sim import PbxSimulator
    from desktop.main import build_main_window
    from desktop.prefs import DesktopPrefs

    work = Path(tempfile.mkdtemp(prefix="cti-centreshots-"))
    callers = build_directory(work / "contacts.db", 300, seed)
    secret = secrets.token_urlsafe(16)
    tokens = {ext: secrets.token_urlsafe(24) for ext in (*AGENTS, "9000")}
    async with PbxSimulator(
        agents=list(AGENTS), queues=QUEUES, contacts=callers, seed=seed, secret=secret
    ) as pbx:
        app = CtiApp(load_config(write_config(work, pbx.port, secret, tokens)), broker_port=0)
        await app.start()
        windows: dict[str, Any] = {}
        try:
            await until(lambda: app.ami.state == "connected")
            for who, ext in (("alice", "1001"), ("sue", "9000")):
                settings = QSettings(str(work / f"{who}.ini"), QSettings.Format.IniFormat)
                window = build_main_window(
                    f"http://127.0.0.1:{app.port}", tokens[ext], DesktopPrefs(settings)
                )
                window.setGeometry(0, 0, *SIZE)
                window.controller.start()
                window.show()
                windows[who] = window
                await until(lambda w=window: w.controller.connected)
            await Scenes(pbx, windows, callers, Shooter(out, windows)).play()
        finally:
            for window in windows.values():
                await window.controller.stop()
                window.close()
            await app.stop()


class Scenes:
    def __init__(self, pbx: Any, windows: dict[str, Any], callers: list[Any], shots: Shooter):
        self.pbx, self.shots, self.callers = pbx, shots, callers
        self.alice, self.sue = windows["alice"], windows["sue"]

    async def play(self) -> None:
        await self.paused()
        await self.wrapup()
        await self.picker()
        await self.wallboard()

    async def choose(self, choice: str, state: str, reason: str = "") -> None:
        bar = self.alice.agentbar
        if reason:
            bar.reason.setCurrentIndex(bar.reason.findData(reason))
        await until(bar.buttons[choice].isEnabled)
        bar.buttons[choice].click()
        await until(lambda: bar.state.text() == state)

    async def paused(self) -> None:
        await until(lambda: self.alice.agentbar.state.text() == "Available")
        await self.choose("pause", "Paused: lunch", "lunch")
        await self.shots.grab("alice", "agent-paused")
        await self.choose("available", "Available")

    async def supervise(self, action: str, ext: str, reason: str = "") -> None:
        wallboard = self.sue.centre.wallboard
        await until(lambda: wallboard.agents.row_of(ext) >= 0)
        wallboard.agents.selectRow(wallboard.agents.row_of(ext))
        if reason:
            wallboard.reason.setCurrentIndex(wallboard.reason.findData(reason))
        await until(wallboard.buttons[action].isEnabled)
        wallboard.result.clear()
        wallboard.buttons[action].click()
        await until(lambda: wallboard.result.text())

    async def wrapup(self) -> None:
        from cti.protocol import CMD_HANGUP
        from cti.sim import CallPlan

        for ext in ("1002", "1003", "1004", "1005"):  # only alice is free: the call is hers
            await self.supervise("agent.pause", ext, "training")
        plan = CallPlan(answer_by="1001", answer_after=2.0, talk=LONG)
        call_id = await self.pbx.place_call(
            "queue", target="support", caller=self.callers[3], plan=plan
        )
        await until(lambda: self.alice.agentbar.state.text() == "On a call")
        card = self.alice.cards[call_id]
        card.controls.buttons[CMD_HANGUP].click()
        await until(lambda: self.alice.agentbar.state.text() == "Wrap-up")
        await self.shots.grab("alice", "agent-wrapup")
        await self.choose("available", "Available")
        self.alice.deck.remove(call_id)

    async def picker(self) -> None:
        from cti.sim import CallPlan

        for ext in ("1002", "1003", "1004"):  # erin (1005) stays in training
            await self.supervise("agent.unpause", ext)
        talk = CallPlan(answer_by="1001", answer_after=2.0, talk=LONG)
        call_id = await self.pbx.place_call(
            "direct", target="1001", caller=self.callers[5], plan=talk
        )
        await until(lambda: self.alice.agentbar.state.text() == "On a call")
        ring = CallPlan(answer_after=LONG)
        await self.pbx.place_call("direct", target="1003", caller=self.callers[7], plan=ring)
        busy = CallPlan(answer_by="1004", answer_after=2.0, talk=LONG)
        await self.pbx.place_call("direct", target="1004", caller=self.callers[9], plan=busy)
        card = self.alice.cards[call_id]
        combo = card.controls.target
        await until(
            lambda: [combo.itemText(i) for i in range(combo.count())][-1:] == ["1004 - on a call"]
        )
        await self.shots.grab("alice", "transfer-presence", then=combo.showPopup)
        combo.hidePopup()

    async def wallboard(self) -> None:
        from cti.sim import CallPlan

        await self.supervise("agent.pause", "1002", "lunch")
        waits = CallPlan(abandon_after=LONG)
        for index in (11, 13, 15):
            await self.pbx.place_call(
                "queue", target="support", caller=self.callers[index], plan=waits
            )
            await asyncio.sleep(0.8)  # one after the other, as callers arrive
        await self.pbx.place_call("queue", target="sales", caller=self.callers[17], plan=waits)
        wallboard = self.sue.centre.wallboard
        await until(lambda: wallboard.waiting.rowCount() == 4)
        self.sue.views.setCurrentWidget(wallboard)
        wallboard.agents.selectRow(wallboard.agents.row_of("1001"))
        await self.shots.grab("sue", "wallboard")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory for the PNG files")
    parser.add_argument("--seed", type=int, default=4, help="demo directory seed (default 4)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print(
            "centreshots: DISPLAY is not set (scripts/screenshot.sh starts Xvfb)", file=sys.stderr
        )
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
