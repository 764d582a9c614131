"""Builds the broker's aiohttp application; the caller (cti/app.py) runs it.

AMI call control and contact lookup are injected, so the broker runs and is tested
without either.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence

from aiohttp import web

from cti.broker.accesslog import RedactingAccessLogger
from cti.broker.agent_commands import AgentCommandControl, AgentCommands, SpyCommandControl
from cti.broker.auth import AgentDirectory, FailureThrottle
from cti.broker.commands import CallControl, CommandService
from cti.broker.contacts_api import add_contact_routes
from cti.broker.context import BROKER_CONTEXT, BrokerContext, ContactBook, Directory
from cti.broker.hub import Broker
from cti.broker.interaction_commands import InteractionCommands, InteractionDesk
from cti.broker.interaction_rest import add_interaction_routes
from cti.broker.metrics import BrokerMetrics
from cti.broker.pending import PendingHellos
from cti.broker.reports_api import add_report_routes
from cti.broker.rest import add_routes
from cti.broker.settings import BrokerSettings, DesktopSettings
from cti.broker.ws import websocket_handler
from cti.protocol import CLOSE_GOING_AWAY
from cti.reports.service import ReportBook

log = logging.getLogger(__name__)


def build_context(
    settings: BrokerSettings,
    agents: AgentDirectory,
    call_control: CallControl | None = None,
    directory: Directory | None = None,
    metrics: BrokerMetrics | None = None,
    contacts: ContactBook | None = None,
    desktop: DesktopSettings | None = None,
    agent_control: AgentCommandControl | None = None,
    spy: SpyCommandControl | None = None,
    reports: ReportBook | None = None,
    interactions: InteractionDesk | None = None,
) -> BrokerContext:
    """``agent_control`` and ``spy`` serve the contact-centre commands (agent.login...,
    supervisor.listen...), ``interactions`` the universal queue's (interaction.*);
    without them those commands answer not-configured, as the report routes do without
    ``reports``."""
    metrics = metrics or BrokerMetrics()
    broker = Broker(agents, settings.journal_size, metrics)
    broker.desktop = desktop or broker.desktop
    agent_commands = AgentCommands(lambda: broker.agents, agent_control, spy)
    interaction_commands = InteractionCommands(
        interactions, lambda: broker.desktop.dispositions, settings.command_timeout
    )
    return BrokerContext(
        settings=settings,
        broker=broker,
        commands=CommandService(
            broker.calls,
            call_control,
            settings.command_timeout,
            agent_commands,
            interaction_commands,
        ),
        throttle=FailureThrottle(
            settings.auth_fail_delay,
            settings.auth_fail_delay_max,
            settings.auth_fail_window,
            settings.auth_fail_addresses,
        ),
        metrics=metrics,
        directory=directory,
        pending=PendingHellos(settings.max_pending_hellos, settings.close_timeout, metrics),
        contacts=contacts,
        reports=reports,
        interactions=interactions,
    )


async def close_sockets(app: web.Application) -> None:
    """Runs on shutdown, before aiohttp waits for handlers: open sockets would hold it up."""
    ctx = app[BROKER_CONTEXT]
    count = len(ctx.broker.sessions())
    if count:
        log.info("closing %d agent sockets: going away", count)
    await ctx.broker.close_all(CLOSE_GOING_AWAY, "server shutting down")
    await ctx.pending.close_all(CLOSE_GOING_AWAY, "server shutting down")


async def broker_lifetime(app: web.Application) -> AsyncIterator[None]:
    """Log start and stop, and make sure no session outlives the app."""
    ctx = app[BROKER_CONTEXT]
    log.info("broker ready for %d agents", len(ctx.broker.agents.identities()))
    yield
    await ctx.broker.close_all(CLOSE_GOING_AWAY, "server shutting down")
    log.info("broker stopped")


Mount = Callable[[web.Application], None]


def make_app(ctx: BrokerContext, mounts: Sequence[Mount] = ()) -> web.Application:
    """``mounts`` add routes of other parts (the chat, web form and widget endpoints)."""
    app = web.Application(client_max_size=ctx.settings.max_msg_size)
    app[BROKER_CONTEXT] = ctx
    app.router.add_get("/ws", websocket_handler)
    add_routes(app)
    add_contact_routes(app)
    add_interaction_routes(app)
    add_report_routes(app)
    for mount in mounts:
        mount(app)
    app.on_shutdown.append(close_sockets)
    app.cleanup_ctx.append(broker_lifetime)
    return app


def make_runner(
    ctx: BrokerContext, shutdown_timeout: float = 60.0, mounts: Sequence[Mount] = ()
) -> web.AppRunner:
    """The runner to serve the broker with: its access log never shows a token."""
    return web.AppRunner(
        make_app(ctx, mounts),
        shutdown_timeout=shutdown_timeout,
        access_log_class=RedactingAccessLogger,
    )
