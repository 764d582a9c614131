"""A real broker on 127.0.0.1:0 and real WebSocket clients."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
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
    DesktopSettings,
    build_context,
    make_runner,
)
from cti.lookup import ContactDirectory, ContactStore, LookupService, LookupSettings, StoreSource
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
    gate: asyncio.Event | None = None  # when set up, dial waits for it
    others: list[tuple[str, ...]] = field(default_factory=list)  # hold, transfer, ...

    # A desk phone that does not answer on NOTIFY: everything but call.answer.
    commands: list[str] = field(
        default_factory=lambda: [
            "call.hangup",
            "call.hold",
            "call.resume",
            "call.transfer",
            "call.dial",
        ]
    )

    def capabilities(self, extension: str) -> list[str]:
        return list(self.commands)

    async def hangup(self, call_id: str, extension: str) -> None:
        if call_id in self.gone:
            raise CommandError("call-gone", f"call {call_id} already ended")
        self.hangups.append((call_id, extension))

    async def dial(self, extension: str, number: str) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.dials.append((extension, number))

    async def transfer(self, call_id: str, extension: str, to: str, mode: str) -> str:
        self.others.append(("transfer", call_id, extension, to, mode))
        return mode

    async def complete_transfer(self, call_id: str, extension: str) -> None:
        self.others.append(("complete", call_id, extension))

    async def cancel_transfer(self, call_id: str, extension: str) -> None:
        self.others.append(("cancel", call_id, extension))

    async def hold(self, call_id: str, extension: str) -> None:
        self.others.append(("hold", call_id, extension))

    async def resume(self, call_id: str, extension: str) -> None:
        self.others.append(("resume", call_id, extension))

    async def answer(self, call_id: str, extension: str) -> None:
        self.others.append(("answer", call_id, extension))


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
        self, token: str, last_seq: int | None = None, epoch: str | None = "", **kwargs: Any
    ) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
        """Say hello; `epoch` "" stands for this broker's own (a client that saw it)."""
        ws = await self.raw(**kwargs)
        if epoch == "":
            epoch = self.ctx.broker.epoch
        await ws.send_json(hello_frame(token, last_seq, epoch))
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

    async def start(
        directory: Any = None, contacts: Any = None, desktop: Any = None, **overrides: Any
    ) -> BrokerServer:
        settings = replace(SETTINGS, **overrides)
        control = RecordingCallControl()
        ctx = build_context(
            settings,
            AgentDirectory(TOKENS),
            control,
            directory,
            contacts=contacts,
            desktop=desktop,
        )
        runner = make_runner(ctx, shutdown_timeout=2.0)
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


@pytest.fixture
async def book(tmp_path: Path) -> AsyncIterator[ContactDirectory]:
    """The real contact book: a SQLite file behind the same lookup service as the pops."""
    store = ContactStore(tmp_path / "contacts.db")
    service = LookupService([StoreSource(store)], LookupSettings(default_region="FR"))
    yield ContactDirectory(service, store)
    await service.aclose()
    store.close()


@pytest.fixture
async def contacts_broker(start_broker: StartServer, book: ContactDirectory) -> BrokerServer:
    desktop = DesktopSettings("https://crm.example.com/c/{crm_id}", ("resolved", "callback"))
    return await start_broker(directory=book, contacts=book, desktop=desktop)
