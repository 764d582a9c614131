"""Shared AMI fixtures: a real fake server on 127.0.0.1:0 and clients that record."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cti.ami.client import AmiClient, AmiSettings
from cti.ami.fake_server import FakeAmiServer
from cti.ami.messages import Event

AMI_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ami"


@dataclass
class ClientRun:
    """A running AmiClient plus everything its callbacks reported, waitable."""

    client: AmiClient
    task: asyncio.Task[None]
    events: list[Event] = field(default_factory=list)
    states: list[tuple[float, str]] = field(default_factory=list)
    connected_calls: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def names(self) -> list[str]:
        return [event.name for event in self.events]

    def state_names(self) -> list[str]:
        return [state for _, state in self.states]

    def poke(self) -> None:
        self.changed.set()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 3.0) -> None:
        """Wait until `predicate` holds, re-checking after every callback."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self.changed.clear()
                await self.changed.wait()

    async def wait_state(self, state: str, count: int = 1, timeout: float = 3.0) -> None:
        await self.wait_for(lambda: self.state_names().count(state) >= count, timeout)


ClientFactory = Callable[..., Awaitable[ClientRun]]


@pytest.fixture
async def ami_server() -> AsyncIterator[FakeAmiServer]:
    async with FakeAmiServer() as server:
        yield server


@pytest.fixture
async def start_client(ami_server: FakeAmiServer) -> AsyncIterator[ClientFactory]:
    """Start AmiClient.run() against `ami_server`; every client is closed afterwards."""
    runs: list[ClientRun] = []

    async def start(
        on_connected: Callable[[AmiClient], Awaitable[None]] | None = None,
        on_event: Callable[[Event], None] | None = None,
        **overrides: Any,
    ) -> ClientRun:
        options: dict[str, Any] = {
            "port": ami_server.port,
            "username": "cti",
            "secret": "ctisecret",
            "reconnect_min": 0.01,
            "reconnect_max": 0.05,
            "ping_interval": 0,
            "action_timeout": 2.0,
        }
        settings = AmiSettings(**(options | overrides))
        run: ClientRun

        def record_event(event: Event) -> None:
            run.events.append(event)
            run.poke()
            if on_event is not None:
                on_event(event)

        def record_state(state: str) -> None:
            run.states.append((time.monotonic(), state))
            run.poke()

        async def connected(client: AmiClient) -> None:
            run.connected_calls += 1
            run.poke()
            if on_connected is not None:
                await on_connected(client)

        client = AmiClient(settings, record_event, connected, record_state)
        run = ClientRun(client, asyncio.create_task(client.run()))
        runs.append(run)
        return run

    yield start
    for run in runs:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(run.client.close(), 2.0)
        run.task.cancel()
        with contextlib.suppress(BaseException):
            await run.task
