"""Desktop tests: real Qt widgets (offscreen) against a real broker on loopback.

One qasync loop runs both sides: the PBX simulator speaking AMI, `CtiApp` (the whole
server) and the desktop's WebSocket client, so each test drives real sockets while Qt
renders. Test bodies are coroutines run with `LiveServer.run`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists

import pytest
import qasync
from PyQt6.QtCore import QSettings
from PyQt6.QtWidgets import QApplication

from cti.app import CtiApp
from cti.config import load_config
from cti.lookup import ContactStore
from cti.sim import CallPlan, PbxSimulator
from desktop.connection import Backoff
from desktop.main import build_main_window
from desktop.prefs import DesktopPrefs
from desktop.widgets.window import MainWindow
from tests.desktop.proxy import CuttableProxy

T = TypeVar("T")
ALICE = ("+14155550123", "Alice Example")
ALICE_TOKEN = "alice-token-0123456789"
BOB_TOKEN = "bob-token-0123456789ab"
AMI_SECRET = "sim-secret-for-tests"
SHARED_NUMBER = "+14155550188"  # two contacts share it: the card offers a chooser
CRM_URL = "https://crm.example.test/contacts/{contact_id}?n={number}"


def write_config(directory: Path, ami_port: int, extra: str = "", agents: str = "") -> Path:
    """`extra`: YAML sections appended to cti.yaml; `agents`: more `broker.agents` lines."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cti.yaml").write_text(
        # one qasync loop runs the server and the desktop and stands still between a
        # test's steps: a keep-alive Ping due meanwhile times out before its answer is
        # read, and the server would reconnect in the middle of a test (cti serve has a
        # loop of its own, which never stands still)
        f"ami:\n  port: {ami_port}\n  reconnect_min: 0.05\n  reconnect_max: 0.2\n"
        "  ping_interval: 3600\n"
        f"lookup:\n  database: {directory / 'contacts.db'}\n"
        "agi:\n  enabled: false\n"
        # alice's desk phone answers on NOTIFY (call.answer offered); bob's model is unknown
        "calls:\n  devices:\n    '1001': {kind: deskphone, model: Yealink T54W}\n"
        f"desktop:\n  crm_url: '{CRM_URL}'\n" + extra,
        encoding="utf-8",
    )
    secrets = directory / "secrets.yaml"
    secrets.write_text(
        f"ami:\n  secret: {AMI_SECRET}\nbroker:\n  agents:\n"
        f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
        f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n" + agents
    )
    secrets.chmod(0o600)
    return directory


def add_contacts(database: Path) -> int:
    store = ContactStore(database)
    try:
        alice = store.add_contact(
            "Alice Example",
            [(ALICE[0], ALICE[0], "mobile")],
            company="Example Inc",
            email="alice@example.test",
            notes="Prefers mornings",
            tags=["vip", "beta"],
        )
        for name, company in (("Sam Smith", "Smith & Co"), ("Sam Smith Jr", "Smith Junior")):
            store.add_contact(name, [(SHARED_NUMBER, SHARED_NUMBER, "work")], company=company)
        return alice
    finally:
        store.close()


# Generous deadlines: a condition that holds returns at once, so only a broken test waits
# this long, and a machine whose cores are all busy still passes (issue 10, item 4).
WAIT_S = 30.0
RUN_S = 90.0  # one `server.run` may hold several waits
LONG_MS = 600_000.0  # simulated plan durations (ms at time_scale 0.001): 10 min real


def plan_ringing() -> CallPlan:
    """A call that keeps ringing for as long as any test runs."""
    return CallPlan(answer_after=LONG_MS)


def plan_talking(answer_after: float = 1.0) -> CallPlan:
    """A call alice (1001) answers at once and talks on for as long as any test runs."""
    return CallPlan(answer_by="1001", answer_after=answer_after, talk=LONG_MS)


async def until(condition: Callable[[], object], timeout: float = WAIT_S) -> None:
    """Wait while Qt and asyncio both run (qasync), re-checking every 10 ms."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - widgets have no awaitable state
            await asyncio.sleep(0.01)


def run_in(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float) -> T:
    """Run ``coro`` on the qasync loop. Not qasync's run_until_complete: it processes Qt
    events once more after the loop stopped, when asyncio code cannot run."""
    future = asyncio.ensure_future(asyncio.wait_for(coro, timeout), loop=loop)
    future.add_done_callback(lambda _: loop.stop())
    loop.run_forever()
    running_between_runs(loop)
    return future.result()


def running_between_runs(loop: asyncio.AbstractEventLoop | None) -> None:
    """Keep ``loop`` the running loop after `run_forever` returns.

    qasync runs the loop's timers and socket callbacks whenever Qt processes events, and
    pytest-qt processes events after each test phase, between two runs: without a running
    loop, `asyncio.get_running_loop()` fails inside them (a task that creates a task, a
    fan-out's write batch), and the server or desktop loses that step.
    """
    asyncio.events._set_running_loop(loop)


class LiveServer:
    """PBX simulator + CtiApp, reachable directly or through a proxy that can cut sockets.

    The server reaches the PBX through `ami_proxy`, so a test can take the server's AMI
    link down (`ami_proxy.cut()`) and bring it back (`restore()`).
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        config_dir: Path,
        extra_config: str = "",
        extra_agents: str = "",
    ) -> None:
        """`extra_config`, `extra_agents`: see `write_config`."""
        self.loop = loop
        self.config_dir = config_dir
        self.extra_config, self.extra_agents = extra_config, extra_agents
        self.stack = AsyncExitStack()
        self.pbx: PbxSimulator
        self.app: CtiApp
        self.proxy: CuttableProxy
        self.ami_proxy: CuttableProxy

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = RUN_S) -> T:
        return run_in(self.loop, coro, timeout)

    async def start(self) -> None:
        self.pbx = await self.stack.enter_async_context(
            PbxSimulator(
                agents=["1001", "1002"],
                contacts=[ALICE],
                seed=7,
                time_scale=0.001,
                secret=AMI_SECRET,
            )
        )
        self.ami_proxy = await self.stack.enter_async_context(CuttableProxy(self.pbx.port))
        write_config(self.config_dir, self.ami_proxy.port, self.extra_config, self.extra_agents)
        add_contacts(self.config_dir / "contacts.db")
        self.app = CtiApp(load_config(self.config_dir, require_secrets=True), broker_port=0)
        await self.app.start()
        self.stack.push_async_callback(self.app.stop)
        await until(lambda: self.app.ami.state == "connected")
        assert self.app.port is not None
        self.proxy = await self.stack.enter_async_context(CuttableProxy(self.app.port))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.app.port}"

    @property
    def proxied_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy.port}"


@pytest.fixture
def loop(qapp: QApplication, qtbot: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """Requests qtbot first, so asyncio is closed before pytest-qt closes the widgets."""
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    running_between_runs(event_loop)
    try:
        yield event_loop
    finally:
        try:
            finish_tasks(event_loop)
        finally:
            running_between_runs(None)
            event_loop.close()
            asyncio.set_event_loop(None)


def finish_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """What asyncio.run does before it closes a loop: cancel the tasks still pending and
    let each run to its end, so none is destroyed before its first step (a coroutine
    'never awaited' warning) or in the middle of its clean-up."""
    run_in(loop, asyncio.sleep(0.01), WAIT_S)
    for _ in range(3):  # a task's clean-up may start another; three rounds end them all
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        if not pending:
            break
        for task in pending:
            task.cancel()
        run_in(loop, asyncio.wait(pending), WAIT_S)
    run_in(loop, loop.shutdown_asyncgens(), WAIT_S)


@pytest.fixture
def server(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(loop, tmp_path / "config")
    try:
        live.run(live.start())
        yield live
    finally:
        live.run(live.stack.aclose())


@pytest.fixture
def prefs(tmp_path: Path) -> DesktopPrefs:
    settings = QSettings(str(tmp_path / "desktop.ini"), QSettings.Format.IniFormat)
    return DesktopPrefs(settings, keyring=None)


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def open_window(server: LiveServer, prefs: DesktopPrefs, qtbot: Any) -> Iterator[WindowFactory]:
    """Open signed-in desktops (no dialog) the way `cti demo` does; all stop afterwards."""
    windows: list[MainWindow] = []

    def open_one(token: str = ALICE_TOKEN, url: str | None = None, wait: bool = True) -> MainWindow:
        window = build_main_window(
            url or server.url,
            token,
            prefs=prefs,
            backoff=Backoff(0.05, 0.2),
            heartbeat=None,
            command_timeout=WAIT_S,
        )
        windows.append(window)  # not qtbot.addWidget: pytest-qt would close it too early
        window.controller.start()
        window.show()
        if wait:
            server.run(until(lambda: window.controller.connected))
        return window

    yield open_one
    for window in windows:
        server.run(window.controller.stop())
        window.close()
        window.deleteLater()
