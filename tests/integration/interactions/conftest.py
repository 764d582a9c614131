"""A real broker on 127.0.0.1:0 with a real InteractionCentre (router, notifier, timers)
behind its `interaction.*` commands, and real WebSocket and REST clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from cti.broker import AgentDirectory, BrokerContext, build_context, make_runner
from cti.channels.inbound import Channel, Inbound, Outbound, Party
from cti.interactions.centre import InteractionCentre
from cti.interactions.notifier import InteractionNotifier
from cti.interactions.router import AgentAvailability, InteractionRouter
from cti.interactions.rules import RoutingRules
from cti.interactions.settings import InteractionSettings
from cti.protocol import AVAILABLE, command_frame, hello_frame
from tests.integration.broker.conftest import SETTINGS, TOKENS

AGENT_IDS = {"1001": "alice", "1002": "bob"}


@dataclass
class RecordingReplies:
    """The channel side: what the centre sent out; `gate` holds sends back when set."""

    sent: list[Outbound] = field(default_factory=list)
    typing_calls: list[tuple[str, str, str, bool]] = field(default_factory=list)
    gate: asyncio.Event | None = None

    async def send(self, outbound: Outbound) -> str:
        if self.gate is not None:
            await self.gate.wait()
        self.sent.append(outbound)
        return f"<out-{len(self.sent)}@cti>"

    async def typing(self, channel: Channel, thread_key: str, agent_name: str, on: bool) -> None:
        self.typing_calls.append((channel, thread_key, agent_name, on))


class Desktop:
    """One agent's WebSocket: events kept by type, command results by id."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, welcome: dict[str, Any]) -> None:
        self.ws, self.welcome = ws, welcome
        self.events: list[dict[str, Any]] = []
        self._results: dict[str, dict[str, Any]] = {}
        self._count = 0

    async def _read(self, timeout: float) -> None:
        msg = await self.ws.receive(timeout=timeout)
        assert msg.type == aiohttp.WSMsgType.TEXT, (msg.type, msg.data)
        frame = msg.json()
        if frame["op"] == "result":
            self._results[frame["id"]] = frame
        elif frame["op"] == "event":
            self.events.append(frame)

    async def command(self, name: str, **args: Any) -> dict[str, Any]:
        self._count += 1
        command_id = f"c{self._count}"
        await self.ws.send_json(command_frame(command_id, name, args))
        async with asyncio.timeout(30):
            while command_id not in self._results:
                await self._read(30)
        return self._results.pop(command_id)

    async def event(self, kind: str, **match: Any) -> dict[str, Any]:
        """The first event of `kind` whose data has `match`, waiting up to 30 s."""
        async with asyncio.timeout(30):
            while True:
                for frame in self.events:
                    data = frame["data"]
                    if frame["type"] == kind and all(data.get(k) == v for k, v in match.items()):
                        return frame
                await self._read(30)

    def seen(self, kind: str) -> list[dict[str, Any]]:
        return [frame["data"] for frame in self.events if frame["type"] == kind]


@dataclass
class Desk:
    ctx: BrokerContext
    url: str
    http: aiohttp.ClientSession
    centre: InteractionCentre | None
    staff: list[AgentAvailability]
    replies: RecordingReplies

    async def desktop(self, token: str) -> Desktop:
        ws = await self.http.ws_connect(self.url.replace("http://", "ws://") + "/ws")
        await ws.send_json(hello_frame(token, None, None))
        welcome = (await ws.receive(timeout=30)).json()
        assert welcome["op"] == "welcome", welcome
        return Desktop(ws, welcome)

    def mail(self, text: str, thread: str = "<root@x>", subject: str = "Router") -> None:
        assert self.centre is not None
        sender = Party(name="Carla", email="carla@example.com")
        inbound = Inbound("email", thread, f"<{time.monotonic_ns()}@x>", sender, text, time.time())
        self.centre.arrived(replace(inbound, subject=subject))

    async def rest(self, token: str, name: str, **args: Any) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {token}"}
        body = {"name": name, "args": args}
        async with self.http.post(f"{self.url}/api/commands", json=body, headers=headers) as r:
            return r.status, await r.json()


StartDesk = Callable[..., Awaitable[Desk]]


def make_centre(ctx_box: list[BrokerContext], staff: list[AgentAvailability]) -> InteractionCentre:
    """The centre publishes through the broker built after it, as CtiApp will."""
    rules = RoutingRules(offer_timeout_seconds=600, reoffer_after_seconds=600)
    return InteractionCentre(
        InteractionSettings(rules=rules),
        InteractionRouter(rules, lambda: staff),
        InteractionNotifier(AGENT_IDS.get, {"email": 3600}),
        lambda event: ctx_box[0].broker.publish(event),
    )


@pytest.fixture
async def start_desk() -> AsyncIterator[StartDesk]:
    desks: list[tuple[Desk, web.AppRunner]] = []

    async def start(with_centre: bool = True, replies: bool = True, **overrides: Any) -> Desk:
        """``replies`` False: the email channel registered no way to answer."""
        staff = [AgentAvailability("1001", AVAILABLE, time.time() - 60)]
        box: list[BrokerContext] = []
        centre = make_centre(box, staff) if with_centre else None
        recording = RecordingReplies()
        if centre is not None and replies:
            centre.register_replies("email", recording)
        settings = replace(SETTINGS, **{"max_msg_size": 64 * 1024, **overrides})
        ctx = build_context(settings, AgentDirectory(TOKENS), interactions=centre)
        box.append(ctx)
        runner = make_runner(ctx, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        desk = Desk(ctx, f"http://{host}:{port}", aiohttp.ClientSession(), centre, staff, recording)
        desks.append((desk, runner))
        return desk

    yield start
    for desk, runner in desks:
        if desk.centre is not None:
            await desk.centre.aclose()
        await desk.http.close()
        await runner.cleanup()


@pytest.fixture
async def desk(start_desk: StartDesk) -> Desk:
    return await start_desk()
