"""A real broker on 127.0.0.1:0 for the terminal-view tests, and a polling helper."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from cti.broker import (
    AgentDirectory,
    AgentIdentity,
    BrokerContext,
    BrokerSettings,
    build_context,
    make_app,
)
from cti.demo import ws_url

TOKENS = {
    "tok-alice": AgentIdentity("alice", "1001"),
    "tok-bob": AgentIdentity("bob", "1002"),
}
SETTINGS = BrokerSettings(host="127.0.0.1", port=0, hello_timeout=2.0, heartbeat=None)


@dataclass
class Running:
    ctx: BrokerContext
    url: str
    http: aiohttp.ClientSession


@pytest.fixture
async def broker() -> AsyncIterator[Running]:
    ctx = build_context(SETTINGS, AgentDirectory(TOKENS))
    runner = web.AppRunner(make_app(ctx), shutdown_timeout=2.0)
    await runner.setup()
    await web.TCPSite(runner, SETTINGS.host, SETTINGS.port).start()
    host, port = runner.addresses[0][:2]
    async with aiohttp.ClientSession() as http:
        yield Running(ctx, ws_url(host, port), http)
    await runner.cleanup()


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll until true; the deadline is generous so a busy machine does not fail tests."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - polling printed output
            await asyncio.sleep(0.01)
