"""`cti demo`: the whole product on one machine with no Asterisk.

It composes parts that each own their sockets: the PBX simulator (a real AMI server on
127.0.0.1), the server as `cti serve` runs it (`CtiApp`: AMI client, tracker, lookup,
broker) and protocol-v1 WebSocket clients that show every agent's pops in the terminal,
plus a supervisor's, whose view of the queue is the line under them. The agents log in
to queue `support` (`agent.login`: the simulator's app_queue adds them), take wrap-up
after each queue call and now and then a break (`cti.demo.breaks`); callers who find
every agent busy wait in the queue, and some give up. Nothing here opens a port itself.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random

import aiohttp

from cti.app import CtiApp
from cti.assembly import records_path
from cti.config import Config
from cti.demo.breaks import Breaks
from cti.demo.channels import DemoChannels, demo_channels
from cti.demo.client import Team, ws_url
from cti.demo.democonfig import (
    DEMO_AGENTS,
    QUEUE,
    SUPERVISOR,
    build_directory,
    write_demo_config,
)
from cti.demo.desktop import DesktopProcess
from cti.demo.history import (
    DEFAULT_WEEKS,
    QUEUE_LOG,
    DemoHistory,
    import_demo_history,
    write_demo_history,
)
from cti.demo.universal import start_queue_work
from cti.demo.view import TerminalView
from cti.sim import PbxSimulator

log = logging.getLogger(__name__)

DESKTOP_AGENT = "1001"
WRAPUP = 6.0  # simulated seconds of wrap-up after a queue call
ABANDON_RATIO = 0.1  # callers who give up (waiting or while agents ring)
PATIENCE = (20.0, 60.0)  # simulated seconds any other caller waits unrung, at most
TALK = (5.0, 25.0)  # simulated seconds of talk
MAX_WAITING = 3  # callers waiting in the queue turn new ones away (Asterisk's maxlen)
IMPATIENT_EVERY = 4  # with --calls: the 3rd, 7th, 11th... queue caller gives up
START_TIMEOUT = 30.0  # seconds for the AMI link, then the agents' sign-in (a busy machine)


class DemoStartError(TimeoutError):
    """The demo's own parts did not come up; `cti demo` says why and exits 1."""


@dataclass(frozen=True, slots=True)
class DemoOptions:
    workdir: Path
    calls: int | None = None  # None: run until cancelled
    calls_per_second: float = 0.2
    speed: float = 1.0  # 2.0 plays every call twice as fast
    seed: int = 7
    contacts: int = 300
    desktop: bool = False  # also open the desktop, signed in as DESKTOP_AGENT (or supervisor)
    exit_after_calls: bool = False  # with `calls`: close the desktop too, not wait for it
    history_weeks: int = DEFAULT_WEEKS  # simulated weeks of queue_log before today
    desktop_supervisor: bool = False  # the desktop signs in as the supervisor, not 1001
    customers_per_minute: float = 2.0  # simulated customers writing in; 0: none


def desktop_user(options: DemoOptions) -> str:
    """Who the demo's desktop signs in as, said for the terminal."""
    if options.desktop_supervisor:
        return f"the desktop as the supervisor ({SUPERVISOR}): wallboard and Reports tab"
    return f"the agent desktop as agent {DESKTOP_AGENT}"


async def run_demo(options: DemoOptions, view: TerminalView) -> int:
    """Run until `options.calls` calls have played out (or forever); returns the count."""
    callers = build_directory(options.workdir / "contacts.db", options.contacts, options.seed)
    numbers = [number for number, _ in callers]
    history = write_demo_history(options.workdir, numbers, options.history_weeks, options.seed)
    if history is not None:
        view.aside(
            f"demo: {history.weeks} weeks of simulated history, {history.calls} calls "
            f"({history.seconds:.1f} s)"
        )
    queue_log = options.workdir / QUEUE_LOG
    view.aside(f"demo: the PBX simulator's queue_log: {queue_log}")
    ami_secret = secrets.token_urlsafe(16)
    tokens = {ext: secrets.token_urlsafe(24) for ext in DEMO_AGENTS}
    supervisor_token = secrets.token_urlsafe(24)
    simulator = PbxSimulator(
        agents=DEMO_AGENTS,
        supervisors=[SUPERVISOR],
        queues={QUEUE: []},  # the agents join it by logging in (QueueAdd)
        contacts=callers,
        seed=options.seed,
        calls_per_second=0.0 if options.calls is not None else options.calls_per_second,
        abandon_ratio=ABANDON_RATIO,
        patience=PATIENCE,
        talk_time=TALK,
        max_waiting=MAX_WAITING,
        time_scale=1.0 / options.speed,
        secret=ami_secret,
        queue_log=queue_log,
    )
    async with (
        simulator,
        aiohttp.ClientSession() as http,
        demo_channels(options.workdir, email=options.customers_per_minute > 0) as channels,
    ):
        config = write_demo_config(
            options.workdir,
            simulator.port,
            ami_secret,
            tokens,
            supervisor_token=supervisor_token,
            wrapup_seconds=max(1, round(WRAPUP / options.speed)),
            speed=options.speed,
            channels=channels,
        )
        await _import_history(history, config, view)
        app = CtiApp(config, broker_port=channels.broker_port)
        channels.release_port()
        await app.start()
        assert app.port is not None
        url = ws_url("127.0.0.1", app.port)
        server = f"http://127.0.0.1:{app.port}"
        desk_token = supervisor_token if options.desktop_supervisor else tokens[DESKTOP_AGENT]
        desk = DesktopProcess(server, desk_token, options.workdir)
        team = Team(url, tokens, view, http, supervisor_token)
        tasks: list[asyncio.Task[None]] = []
        try:
            await wait_for_pbx_link(app, simulator.port)
            viewer = asyncio.create_task(team.run(), name="demo-team")
            tasks.append(viewer)
            if options.desktop:
                await desk.start()
            await _wait_connected(app, lambda: len(team.clients) + desk.running)
            await log_in(team)
            breaks = _breaks(team, options, config)
            tasks.append(asyncio.create_task(breaks.run(), name="demo-breaks"))
            tasks.append(_queue_work(team, breaks, channels, config, http, options, view))
            if options.calls is None:
                await _until_first(viewer, desk.wait() if options.desktop else None)
                return 0
            played = await _play(simulator, options.calls, options.speed)
            if options.desktop and not options.exit_after_calls:
                await _until_desktop_closed(viewer, desk, view, played)
            return played
        finally:
            await desk.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.stop()


def _queue_work(
    team: Team,
    breaks: Breaks,
    channels: DemoChannels,
    config: Config,
    http: aiohttp.ClientSession,
    options: DemoOptions,
    view: TerminalView,
) -> asyncio.Task[None]:
    """Customers write in (if asked for); the agents the demo drives answer them."""
    view.pin(f"demo: chat as a customer at {channels.chat_page}")
    if channels.email_off is not None:
        view.aside(f"demo: email off: {channels.email_off}")
    return start_queue_work(
        team=team,
        workers=breaks.agents,
        channels=channels,
        config=config,
        http=http,
        per_minute=options.customers_per_minute,
        speed=options.speed,
        seed=options.seed,
        note=lambda text: view.aside(f"demo: {text}"),
    )


def _breaks(team: Team, options: DemoOptions, config: Config) -> Breaks:
    """Breaks for the agents the demo drives (not the one a person has on the desktop)."""
    mine = {ext: client for ext, client in team.agents.items() if ext != DESKTOP_AGENT}
    agents = mine if options.desktop and not options.desktop_supervisor else team.agents
    return Breaks(agents, config.queues.pause_reasons, Random(options.seed), options.speed)


async def _import_history(history: DemoHistory | None, config: Config, view: TerminalView) -> None:
    """Before the server opens the records: the history's calls join them."""
    if history is not None:
        outcome = await asyncio.to_thread(import_demo_history, history, records_path(config))
        view.aside(f"demo: history {outcome}")


async def log_in(team: Team, timeout: float = START_TIMEOUT) -> None:
    """Every agent logs in to its queue (`agent.login`), as at the start of a shift."""
    for extension, client in team.agents.items():
        async with asyncio.timeout(timeout):
            await client.welcomed.wait()
        result = await client.command("agent.login", timeout=timeout)
        if not result.get("ok"):
            raise DemoStartError(f"agent {extension} could not log in: {result.get('message')}")
        log.info("demo agent %s: %s", extension, result.get("message"))


async def _until_first(viewer: asyncio.Task[None], desktop: Awaitable[int] | None) -> None:
    """Until the terminal view ends, or the user closes the desktop window."""
    if desktop is None:
        await viewer
        return
    closed = asyncio.ensure_future(desktop)
    try:
        await asyncio.wait({viewer, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        closed.cancel()
    if viewer.done():
        viewer.result()


async def _until_desktop_closed(
    viewer: asyncio.Task[None], desk: DesktopProcess, view: TerminalView, played: int
) -> None:
    """The last call's note is still to be written: the person closes the window."""
    view.note(f"demo: {played} calls played; close the desktop window to finish")
    await _until_first(viewer, desk.wait())


async def wait_for_pbx_link(app: CtiApp, ami_port: int, timeout: float = START_TIMEOUT) -> None:
    """Until the server's AMI link to the simulator is up. Agents (and the desktop) sign
    in only then: earlier, each would first be told "PBX link down", then "up" at once."""
    deadline = time.monotonic() + timeout
    while not app.context.broker.pbx.connected:
        where = f"the PBX simulator's AMI on 127.0.0.1:{ami_port}"
        if app.ami.state == "auth-failed":
            raise DemoStartError(f"{where} refused the server's login")
        if time.monotonic() > deadline:
            raise DemoStartError(
                f"the server could not reach {where} within {timeout:g} s "
                f"(AMI link {app.ami.state})"
            )
        await asyncio.sleep(0.05)


async def _wait_connected(
    app: CtiApp, sessions: Callable[[], int], timeout: float = START_TIMEOUT
) -> None:
    """Until the server is on the AMI and every demo view (and the desktop) is signed in.

    `sessions` is asked anew each time: a desktop window closed at once (or one that
    could not start) is no longer waited for.
    """
    deadline = time.monotonic() + timeout
    while len(app.context.broker.sessions()) < sessions() or app.ami.state != "connected":
        if time.monotonic() > deadline:
            raise DemoStartError(f"the demo agents did not sign in within {timeout:g} s")
        await asyncio.sleep(0.05)


async def _play(simulator: PbxSimulator, calls: int, speed: float) -> int:
    """Place `calls` calls a little apart, then wait until each one has ended.

    Two in three go to the queue, whatever the agents are doing: with none free they
    wait there. Every fourth of those gives up after a few seconds (waiting, or while
    agents ring). The others dial an agent directly, once one is free.
    """
    placed: list[str] = []
    agents = list(DEMO_AGENTS)
    queued = 0
    for index in range(calls):
        if index % 3 == 2:
            await simulator.wait_until(lambda: bool(simulator.state.free_agents(agents)), 120.0)
            placed.append(await simulator.place_call("direct", abandon=False))
        else:
            impatient = queued % IMPATIENT_EVERY == IMPATIENT_EVERY - 2
            placed.append(await simulator.place_call("queue", target=QUEUE, abandon=impatient))
            queued += 1
        await asyncio.sleep(1.0 / speed)
    await simulator.wait_until(lambda: not simulator.calls, timeout=120.0)
    await asyncio.sleep(0.2)  # let the last events reach the agents' screens
    return len(placed)
