"""The contact centre on real widgets: two kinds of PBX behind the real server.

- `centre`: the PBX simulator with queue `support` of static members 1001-1003 (as
  queues.conf has them), QueuePause with app_queue's texts and no ring for a paused
  member, waiting callers, and a supervisor, sue (9000), among the accounts; dave (1004)
  is in no queue until he logs in to `support` (a dynamic member: QueueAdd).
- `queue_lab`: a loopback AMI server answering QueueAdd, QueueRemove and QueuePause as
  app_queue does (tests/app_queue.py), for login and logout, which the simulator does
  not carry out yet: alice (1001) has dynamic queues in cti.yaml, bob (1002) is a static
  member of support.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cti.ami.fake_server import FakeAmiServer
from cti.app import CtiApp
from cti.config import load_config
from cti.sim import PbxSimulator
from desktop.connection import Backoff
from desktop.main import build_main_window
from desktop.prefs import DesktopPrefs
from desktop.widgets.window import MainWindow
from tests.app_queue import AppQueue, serve_app_queue
from tests.desktop.conftest import (
    ALICE,
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    WAIT_S,
    LiveServer,
    add_contacts,
    until,
)
from tests.desktop.proxy import CuttableProxy

CAROL_TOKEN = "carol-token-0123456789a"
DAVE_TOKEN = "dave-token-0123456789ab"
SUE_TOKEN = "sue-token-0123456789abc"
BERT = ("+442071838750", "Bert Bloggs")
REASONS = ("lunch", "break", "training")
WRAPUP_S = 30
BOB_IFACE = "Local/1002@agents"


def write_centre_config(
    directory: Path, ami_port: int, extra: str = "", announce: bool = False, queues: str = ""
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cti.yaml").write_text(
        f"ami:\n  port: {ami_port}\n  reconnect_min: 0.05\n  reconnect_max: 0.2\n"
        "  ping_interval: 3600\n"  # the shared loop stands still between steps (conftest)
        f"lookup:\n  database: {directory / 'contacts.db'}\n"
        "agi:\n  enabled: false\n"
        f"queues:\n  pause_reasons: [{', '.join(REASONS)}]\n  wrapup_seconds: {WRAPUP_S}\n"
        f"  announce_waiting: {'true' if announce else 'false'}\n"
        f"{queues}{extra}",
        encoding="utf-8",
    )
    secrets = directory / "secrets.yaml"
    secrets.write_text(
        f"ami:\n  secret: {AMI_SECRET}\nbroker:\n  agents:\n"
        f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
        f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
        f"    carol: {{token: {CAROL_TOKEN}, extension: '1003'}}\n"
        f"    dave: {{token: {DAVE_TOKEN}, extension: '1004'}}\n"
        f"    sue: {{token: {SUE_TOKEN}, extension: '9000', role: supervisor}}\n"
    )
    secrets.chmod(0o600)


class CentreServer(LiveServer):
    """The simulator with queue support (1001-1003 static), and the whole server."""

    announce = False  # queues.announce_waiting
    queue_options = ""  # more of the `queues` section, indented
    more_config = ""  # more sections of cti.yaml

    async def start(self) -> None:
        self.pbx = await self.stack.enter_async_context(
            PbxSimulator(
                agents=["1001", "1002", "1003", "1004"],
                queues={"support": ["1001", "1002", "1003"]},
                contacts=[ALICE, BERT],
                seed=7,
                time_scale=0.001,
                secret=AMI_SECRET,
            )
        )
        dave = "agents:\n  '1004':\n    queues: [support]\n" + self.more_config
        write_centre_config(self.config_dir, self.pbx.port, dave, self.announce, self.queue_options)
        add_contacts(self.config_dir / "contacts.db")
        await self._start_app()
        await until(lambda: len(self.app.members.of_extension("1003")) == 1)

    async def _start_app(self) -> None:
        self.app = CtiApp(load_config(self.config_dir, require_secrets=True), broker_port=0)
        await self.app.start()
        self.stack.push_async_callback(self.app.stop)
        await until(lambda: self.app.ami.state == "connected")
        assert self.app.port is not None
        self.proxy = await self.stack.enter_async_context(CuttableProxy(self.app.port))


class AnnouncingCentre(CentreServer):
    """As `CentreServer`, with queues.announce_waiting: agents hear of waiting callers."""

    announce = True


class QueueLab(CentreServer):
    """app_queue's member table behind a loopback AMI server, and the whole server."""

    async def start(self) -> None:
        self.app_queue = AppQueue(["support", "sales"])
        self.app_queue.static("support", BOB_IFACE, "Agent 1002")
        self.ami = await self.stack.enter_async_context(FakeAmiServer("cti", AMI_SECRET))
        serve_app_queue(self.ami, self.app_queue)
        agents = "agents:\n  '1001':\n    queues: [support, sales]\n"
        dial = "calls:\n  dial_channel: 'Local/{extension}@agents'\n"
        write_centre_config(self.config_dir, self.ami.port, dial + agents)
        await self._start_app()
        await until(lambda: self.app.members.of_extension("1002") != [])


def serve(kind: type[LiveServer], loop: asyncio.AbstractEventLoop, path: Path) -> Iterator[Any]:
    live = kind(loop, path / "config")
    try:
        live.run(live.start())
        yield live
    finally:
        live.run(live.stack.aclose())


@pytest.fixture
def centre(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[CentreServer]:
    yield from serve(CentreServer, loop, tmp_path)


@pytest.fixture
def announcing(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[AnnouncingCentre]:
    yield from serve(AnnouncingCentre, loop, tmp_path)


@pytest.fixture
def queue_lab(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[QueueLab]:
    yield from serve(QueueLab, loop, tmp_path)


def seconds(text: str) -> int:
    """ "1:05" as 65."""
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total


def assert_ticks(server: LiveServer, read: Callable[[], str]) -> None:
    """The timer `read` shows moves on by itself (once a second, re-rendered)."""
    first = read()
    server.run(until(lambda: read() != first))
    assert seconds(read()) > seconds(first), (first, read())


async def hang_up_waiting(server: CentreServer, call_id: str) -> None:
    """The waiting caller gives up now (the simulator's abandon scene)."""
    call = server.pbx.calls[call_id]
    server.pbx.player.interrupt(call)
    server.pbx.player.send_soon(server.pbx.scenes.abandon(call))


DeskOpener = Callable[..., MainWindow]  # (server, token, url=None)


@pytest.fixture
def open_desk(tmp_path: Path, qtbot: Any) -> Iterator[DeskOpener]:
    """Signed-in desktops on either server, each with its own settings; all stop after."""
    windows: list[tuple[LiveServer, MainWindow]] = []

    def open_one(server: LiveServer, token: str, url: str | None = None) -> MainWindow:
        from PyQt6.QtCore import QSettings

        ini = tmp_path / f"desktop-{len(windows)}.ini"
        prefs = DesktopPrefs(QSettings(str(ini), QSettings.Format.IniFormat), keyring=None)
        window = build_main_window(
            url or server.url,
            token,
            prefs=prefs,
            backoff=Backoff(0.05, 0.2),
            heartbeat=None,
            command_timeout=WAIT_S,
        )
        windows.append((server, window))
        window.controller.start()
        window.show()
        server.run(until(lambda: window.controller.connected))
        return window

    yield open_one
    for server, window in windows:
        server.run(window.controller.stop())
        window.close()
        window.deleteLater()
