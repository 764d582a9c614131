"""A real broker on 127.0.0.1:0 and real WebSocket clients."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from cti.broker import (
    AgentDirectory,
    AgentIdentity,
    BrokerContext,
    BrokerSettings,
    CommandError,
    build_context,
    make_app,
)
from cti.protocol import hello_frame

TOKENS = {
    "tok-alice": AgentIdentity("alice", "1001"),
    "tok-bob": AgentIdentity("bob", "1002"),
    "tok-sue": AgentIdentity("sue", "1900", "supervisor"),
}

SETTINGS = BrokerSettings(
    host="127.0.0.1",
    port=0,
    journal_size=8,
    send_queue_size=16,
    max_msg_size=4096,
    hello_timeout=0.5,
    allowed_origins=frozenset({"https://crm.example.com"}),
    command_timeout=1.0,
    auth_fail_delay=0.2,
    auth_fail_delay_max=1.0,
    close_timeout=0.5,
)


@dataclass
class RecordingCallControl:
    """Stands in for AMI: records what would be sent and refuses known-gone calls."""

    hangups: list[tuple[str, str]] = field(default_factory=list)
    dials: list[tuple[str, str]] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    hold: asyncio.Event | None = None  # when set up, dial waits for it

    async def hangup(self, call_id: str, extension: str) -> None:
        if call_id in self.gone:
            raise CommandError("call-gone", f"call {call_id} already ended")
        self.hangups.append((call_id, extension))

    async def dial(self, extension: str, number: str) -> None:
        if self.hold is not None:
            await self.hold.wait()
        self.dials.append((extension, number))


@dataclass
class BrokerServer:
    ctx: BrokerContext
    runner: web.AppRunner
    url: str
    http: aiohttp.ClientSession
    control: RecordingCallControl

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/ws"

    async def raw(self, **kwargs: Any) -> aiohttp.ClientWebSocketResponse:
        return await self.http.ws_connect(self.ws_url(), autoping=True, **kwargs)

    async def connect(
        self, token: str, last_seq: int | None = None, **kwargs: Any
    ) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
        ws = await self.raw(**kwargs)
        await ws.send_json(hello_frame(token, last_seq))
        welcome = await receive_json(ws)
        assert welcome["op"] == "welcome", welcome
        return ws, welcome

    def headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


async def receive_json(ws: aiohttp.ClientWebSocketResponse, timeout: float = 2.0) -> Any:
    msg = await ws.receive(timeout=timeout)
    assert msg.type == aiohttp.WSMsgType.TEXT, (msg.type, msg.data, msg.extra)
    return json.loads(msg.data)


async def receive_close(ws: aiohttp.ClientWebSocketResponse, timeout: float = 3.0) -> int | None:
    """Read until the server's close arrives; return its code."""
    while True:
        msg = await ws.receive(timeout=timeout)
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return ws.close_code
        assert msg.type != aiohttp.WSMsgType.ERROR, msg


async def wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the broker state has no event to await
            await asyncio.sleep(0.01)


StartServer = Callable[..., Awaitable[BrokerServer]]


@pytest.fixture
async def start_broker() -> AsyncIterator[StartServer]:
    servers: list[BrokerServer] = []

    async def start(directory: Any = None, **overrides: Any) -> BrokerServer:
        settings = replace(SETTINGS, **overrides)
        control = RecordingCallControl()
        ctx = build_context(settings, AgentDirectory(TOKENS), control, directory)
        runner = web.AppRunner(make_app(ctx), shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        host, port = runner.addresses[0][:2]
        server = BrokerServer(
            ctx, runner, f"http://{host}:{port}", aiohttp.ClientSession(), control
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.http.close()
        await server.runner.cleanup()


@pytest.fixture
async def broker(start_broker: StartServer) -> BrokerServer:
    return await start_broker()
