"""Builds and runs the server: AMI → call tracker → lookup → broker → agent desktops.

This is the one module that starts tasks and opens ports. Everything it wires is built
from a `Config`; `CtiApp.reload` applies a new one where that can happen live.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
import time
from collections.abc import Callable, Collection

from aiohttp import web

from cti.agents import QueueMembers
from cti.agents.announce import WaitingAnnouncer
from cti.agents.board import AgentBoard
from cti.agents.commands import AgentControl
from cti.agents.queue_actions import AgentLocks, QueueActions
from cti.agents.servicelevel import service_level_rule
from cti.agents.settings import MemberDevices, agent_settings
from cti.agents.stats import QueueStatsBook
from cti.agents.wrapup import WrapUp
from cti.agi import AgiServer, AgiSettings
from cti.ami.client import AmiClient
from cti.ami.messages import Event
from cti.assembly import (
    accounts,
    agent_directory,
    agent_profiles,
    broker_settings,
    build_lookup,
    changed_keys,
    desktop_settings,
    extension_rules,
    lookup_changed,
    lookup_settings,
    records_path,
    tls_context,
)
from cti.broker import BrokerContext, BrokerMetrics, build_context, make_runner
from cti.broker.context import CallNote
from cti.calls.tracker import CallTracker
from cti.config import Config, ConfigError, ami_settings
from cti.control import AmiCallControl, settings_from
from cti.control.spy import SpyControl
from cti.interactions.service import UniversalQueue
from cti.lookup import ContactDirectory
from cti.pipeline import EventPipeline, event_pipeline
from cti.protocol import AgentState, DomainEvent, WireEvent
from cti.publishing import LOOKUP_GRACE, PopPipeline
from cti.records import CallRecords
from cti.reports.service import ReportBook
from cti.reports.settings import report_settings

log = logging.getLogger(__name__)

STATS_TICK = 0.25
"""Seconds between looks at the queue statistics: a change held back by the once-a-second
limit, and the longest wait of waiting callers, go out this late at most."""

LIVE_KEYS = ("logging.", "lookup.", "desktop.")
"""Options `reload` applies live; secrets are compared one by one (see `reload`)."""


class CtiApp:
    """The whole server for one `Config`: `start()`, then `stop()`; `reload()` in between."""

    def __init__(self, config: Config, *, broker_port: int | None = None) -> None:
        """``broker_port`` overrides ``broker.port`` (tests pass 0 for any free port)."""
        self.config = config
        self.metrics = BrokerMetrics()
        self.records = CallRecords(records_path(config), config.records.keep_days)
        # the centre's day is the reports' day: the wallboard and `cti report` of today agree
        self.report_settings = report_settings(config)
        self.stats = QueueStatsBook(service_level_rule(config), tz=self.report_settings.timezone)
        self.lookup, self._store = build_lookup(config)
        control = settings_from(config.calls)
        extensions = [agent.extension for agent in agent_directory(config).identities()]
        agents = agent_settings(config)
        self.stats.add_queues(q for agent in agents.agents.values() for q in agent.queues)
        devices = MemberDevices(control, agents)
        self.feed: EventPipeline = event_pipeline(
            extension_rules(config),
            default_region=config.numbers.default_region,
            devices={extension: devices.device_channel(extension) for extension in extensions},
            profiles=agent_profiles(config),
        )
        self.tracker: CallTracker = self.feed.tracker
        self.board: AgentBoard = self.feed.board
        self.members: QueueMembers = self.board.members
        # read at each call: a reload's new value applies to the next waiting caller
        self.announcer = WaitingAnnouncer(
            self.board.members_of, lambda: self.config.queues.announce_waiting
        )
        self.ami = AmiClient(
            ami_settings(config),
            self._on_ami_event,
            self._on_ami_connected,
            self._on_ami_state,
            events=self.feed.handled_events,
        )
        self.control = AmiCallControl(
            self.ami, self.tracker.calls, control, extensions, self.tracker.changes, self.members
        )
        locks = AgentLocks()
        hold = self.control.parking.pause
        self.wrapup = WrapUp(QueueActions(self.ami), self.members, agents, locks, hold)
        self.wrapup.subscribe(self._wrapup_changed)  # its end shows in agent.state
        self.agent_control = AgentControl(self.ami, self.members, agents, self.wrapup, locks)
        self.directory = ContactDirectory(self.lookup, self._store)
        self.universal = UniversalQueue(
            config,
            self.board,
            self._publish,
            self.directory,
            _agent_ids(config),
            records_path(config),
            lookup_settings(config).history_limit,
        )
        self.interactions = self.universal.centre
        self.context: BrokerContext = build_context(
            broker_settings(config, broker_port),
            agent_directory(config),
            self.control,
            self.directory,
            self.metrics,
            contacts=self.directory,
            desktop=desktop_settings(config),
            agent_control=self.agent_control,
            spy=SpyControl(self.ami, self.tracker.calls, control),
            reports=ReportBook(self.records.path, self.report_settings),
            interactions=self.interactions,
        )
        self.context.broker.welcome_parts.append(
            lambda who: self.interactions.welcome_data(who.extension, who.is_supervisor)
        )
        self.context.note_listeners.append(self._note_saved)
        self.context.broker.call_log.use(self.records.recorder)  # notes survive restarts
        self.metrics.add_section(self.records.prometheus_lines)
        self.pipeline = PopPipeline(self._publish, self.lookup, self.metrics)
        agi = AgiSettings.from_config(config.agi)
        self.agi = AgiServer(agi, lambda: self.lookup) if config.agi.enabled else None
        if self.agi is not None:
            self.metrics.add_section(self.agi.stats.prometheus_lines)
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._ami_task: asyncio.Task[None] | None = None
        self._stats_task: asyncio.Task[None] | None = None
        self._stopped = False
        self._reloading = asyncio.Lock()

    async def start(self) -> None:
        """Open the broker's port, then connect to the AMI (retrying in the background)."""
        if self.agi is not None:  # first: a taken port stops start-up before anything runs
            await self.agi.start()
        runner = make_runner(self.context, mounts=[self.universal.mount])
        await runner.setup()
        self._runner = runner
        settings = self.context.settings
        tls = tls_context(self.config)
        site = web.TCPSite(runner, settings.host, settings.port, ssl_context=tls)
        await site.start()
        self.port = int(runner.addresses[0][1])
        scheme = "https" if tls else "http"
        log.info("broker listening on %s://%s:%d", scheme, settings.host, self.port)
        self.records.start()
        await self.universal.start()
        self.stats.seed(self.records.store.queue_calls_since(self.stats.day.start))
        self._stats_task = asyncio.create_task(self._tick_stats(), name="queue-stats")
        self._ami_task = asyncio.create_task(self.ami.run(), name="ami-client")

    async def stop(self) -> None:
        """Log off the AMI, close agent sockets (1001 going away), release the lookup."""
        if self._stopped:
            return
        self._stopped = True
        await self.ami.close()
        if self._ami_task is not None:
            await asyncio.gather(self._ami_task, return_exceptions=True)
            self._ami_task = None
        if self._stats_task is not None:
            self._stats_task.cancel()
            await asyncio.gather(self._stats_task, return_exceptions=True)
        await self.pipeline.close()
        await self.universal.aclose()
        self.wrapup.close()
        await self.records.aclose()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.agi is not None:
            await self.agi.stop()
        await self.lookup.aclose()
        self._store.close()
        log.info("stopped")

    async def reload(self, new: Config) -> list[str]:
        """Apply ``new`` where it can be applied live; returns the keys that need a restart.

        Live: the log level, the lookup (sources, budget, cache), desktop settings and tokens.
        Connected desktops and calls in progress are kept.
        """
        async with self._reloading:  # one at a time: two SIGHUPs must not interleave
            return await self._reload(new)

    async def _reload(self, new: Config) -> list[str]:
        old = self.config
        if lookup_changed(old, new):
            await self._swap_lookup(new)  # first: if a source cannot be built, nothing changed
        self.config = new
        # For welcomes from now on; the pause reasons are those the agent commands still
        # accept (queues.* needs a restart), so a desktop never offers a refused one.
        self.context.broker.desktop = dataclasses.replace(
            desktop_settings(new), pause_reasons=self.agent_control.pause_reasons
        )
        logging.getLogger().setLevel(new.logging.level)
        restart = [key for key in changed_keys(old, new) if not key.startswith(LIVE_KEYS)]
        if old.secrets.ami_secret != new.secrets.ami_secret:
            restart.append("ami.secret")
        restart.extend(self._apply_agents(old, new))
        if restart:
            log.warning("config reloaded; a restart is needed to apply: %s", ", ".join(restart))
        else:
            log.info("config reloaded")
        return restart

    async def _swap_lookup(self, config: Config) -> None:
        # on the loop thread: the SQLite connection may only be used by the thread that opened it
        lookup, store = build_lookup(config)
        old_lookup, old_store = self.lookup, self._store
        self.lookup, self._store = lookup, store
        self.pipeline.lookup = self.directory.service = lookup
        self.directory.store = store
        # lookups already running on the old service finish within its budget
        await asyncio.sleep(old_lookup.settings.budget_seconds + LOOKUP_GRACE)
        await old_lookup.aclose()
        old_store.close()
        log.info("lookup reconfigured: %d sources", len(lookup.sources))

    def _apply_agents(self, old: Config, new: Config) -> list[str]:
        """New tokens apply live; adding, removing or moving agents needs a restart."""

        def shape(config: Config) -> set[tuple[str, str, str]]:
            return {(a.agent_id, a.extension, a.role) for a in accounts(config)}

        if shape(old) != shape(new):
            return ["broker.agents"]
        if accounts(old) != accounts(new):
            self.context.broker.agents = agent_directory(new)
            log.info("agent tokens reloaded")
        return []

    def _on_ami_event(self, event: Event) -> None:
        started = time.monotonic()
        events = self.feed.handle(event)
        self.metrics.observe("ami_to_tracker", time.monotonic() - started)
        self._deliver(events)

    async def _on_ami_connected(self, client: AmiClient) -> None:
        self._deliver(await self.feed.resync(client))

    def _deliver(self, events: list[WireEvent]) -> None:
        """The events of one AMI event (or of a resync), in order: agent events chain
        behind the calls whose events came with them. The queue statistics they changed
        go out after all of them, so one AMI event makes one line per queue."""
        if not events:
            return
        calls = {event.call_id for event in events if isinstance(event, DomainEvent)}
        for event in events:
            self._feed(event, calls)
        self._send_stats()
        if any(isinstance(event, AgentState) for event in events):
            self.interactions.dispatch()  # an agent free again takes waiting work at once

    def _feed(self, event: WireEvent, after: Collection[str] = ()) -> None:
        """To the pop pipeline, and to the records and the queue statistics at the moment
        the tracker saw it (a slow contact lookup delays neither)."""
        event = self.announcer(event)
        self.pipeline.feed(event, after)
        if isinstance(event, DomainEvent):
            self.records.recorder.record(event)
        self.records.periods.record(event)
        self.stats.feed(event)

    def _send_stats(self) -> None:
        try:
            for line in self.stats.tick():
                self.context.broker.publish(line)
        except Exception:  # neither the AMI events nor the ticks may stop over it
            log.exception("queue statistics could not be sent")

    async def _tick_stats(self) -> None:
        while True:
            await asyncio.sleep(STATS_TICK)
            self._send_stats()

    def _note_saved(self, note: CallNote) -> None:
        """A note ends its call's wrap-up, and its disposition goes into the call's record."""
        self.records.recorder.note_saved(note.call_id, note.disposition, note.notes)
        self.wrapup.note_saved(note.call_id)

    def _wrapup_changed(self, extension: str) -> None:
        """A wrap-up started or ended: its end goes into the agent's state."""
        self._deliver(self.board.note_wrapup(extension, self.wrapup.until(extension)))

    def _publish(self, event: WireEvent) -> None:
        """To the agents; the records take the contact a ringing event was enriched with."""
        try:
            self.context.broker.publish(event)
        finally:
            if isinstance(event, DomainEvent):
                self.records.recorder.add_contact(event)
            self.wrapup.observe(event)  # a queue call's end starts its agent's wrap-up

    def _on_ami_state(self, state: str) -> None:
        self.metrics.set_ami_connected(state == "connected")
        # a retry changes nothing for desktops until it ends; a shutdown says 1001 itself
        if state != "connecting" and not self._stopped:
            self.context.broker.pbx_link(state == "connected")
        log.debug("AMI %s", state)  # the client logs the link's lines, with the next try


def _agent_ids(config: Config) -> dict[str, str]:
    """Extension → agent id, an agent's before a supervisor's on a shared extension."""
    ids: dict[str, str] = {}
    for account in sorted(accounts(config), key=lambda a: a.role == "supervisor"):
        ids.setdefault(account.extension, account.agent_id)
    return ids


async def reload_from(app: CtiApp, load: Callable[[], Config]) -> None:
    """Re-read the config with ``load``; keep the running one when the new one has errors."""
    try:
        config = await asyncio.to_thread(load)
    except ConfigError as exc:
        for problem in exc.problems:
            log.error("config reload refused: %s", problem)
        return
    try:
        await app.reload(config)
    except Exception as exc:
        log.error("config reload failed, running config kept: %r", exc)


async def run_until_stopped(app: CtiApp, load: Callable[[], Config]) -> None:
    """Start ``app`` and run it until SIGTERM or SIGINT; SIGHUP reloads from ``load``."""
    await app.start()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    reloads: set[asyncio.Task[None]] = set()

    def on_hup() -> None:
        task = asyncio.create_task(reload_from(app, load))
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, on_hup)
    try:
        await stop.wait()
        log.info("stop signal received; shutting down")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.remove_signal_handler(sig)
        await asyncio.gather(*reloads, return_exceptions=True)
        await app.stop()
