"""An AMI client on the simulator that keeps every event it sends, and what `cti
replay` makes of them (the tracker's own client skips queue and device events)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from cti.ami.client import AmiClient, AmiSettings
from cti.ami.messages import Event, Response
from cti.calls.extensions import ExtensionRules
from cti.pipeline import event_pipeline
from cti.sim import PbxSimulator
from tests.helpers import briefs


class Listener:
    def __init__(self, client: AmiClient, seen: list[Event]) -> None:
        self.client, self.seen = client, seen

    async def act(self, action: str, **fields: str) -> Response:
        return await self.client.send_action(action, fields)

    async def items(self, action: str, **fields: str) -> list[Event]:
        response, items = await self.client.send_list_action(action, fields)
        assert response.ok, response.message
        return items

    async def barrier(self) -> None:
        """Every event sent before the Pong is in `seen` once this returns."""
        await self.client.send_action("Ping")

    def named(self, *names: str) -> list[Event]:
        return [event for event in self.seen if event.name in names]

    def replayed(self) -> list[tuple[Any, ...]]:
        """Calls, agent states and presence, as a replay of this session shows them."""
        pipeline = event_pipeline(ExtensionRules.from_strings(), default_region="US")
        return briefs([out for event in self.seen for out in pipeline.handle(event)])


@asynccontextmanager
async def listening(pbx: PbxSimulator, secret: str = "ctisecret") -> AsyncIterator[Listener]:
    seen: list[Event] = []
    connected = asyncio.Event()

    async def on_connected(client: AmiClient) -> None:
        connected.set()

    settings = AmiSettings(port=pbx.port, username="cti", secret=secret, ping_interval=0)
    client = AmiClient(settings, seen.append, on_connected)
    runner = asyncio.create_task(client.run())
    try:
        async with asyncio.timeout(30):
            await connected.wait()
        yield Listener(client, seen)
    finally:
        await client.close()
        await runner
