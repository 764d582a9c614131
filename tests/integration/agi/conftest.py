"""A real FastAGI server on 127.0.0.1:0 over a real SQLite directory, and a loop watchdog."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cti.agi import AgiServer, AgiSettings, CallerLookup
from cti.lookup import ContactStore, LookupService, StoreSource

ALICE_NUMBER = "+14155550123"

StartServer = Callable[..., Awaitable[AgiServer]]


class CountingSource(StoreSource):
    """The SQLite source, counting the numbers it was asked about."""

    def __init__(self, store: ContactStore) -> None:
        super().__init__(store)
        self.asked: list[str] = []

    async def lookup(self, e164: str, raw: str) -> list[dict[str, Any]]:
        self.asked.append(e164)
        return await super().lookup(e164, raw)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ContactStore]:
    contacts = ContactStore(tmp_path / "contacts.db")
    contacts.add_contact(
        "Alice Example",
        [(ALICE_NUMBER, ALICE_NUMBER, "mobile")],
        company="Example Inc",
        crm_id="crm-550123",
    )
    yield contacts
    contacts.close()


@pytest.fixture
def source(store: ContactStore) -> CountingSource:
    return CountingSource(store)


@pytest.fixture
async def service(source: CountingSource) -> AsyncIterator[LookupService]:
    lookup = LookupService([source])
    yield lookup
    await lookup.aclose()


@pytest.fixture
async def start_server(service: LookupService) -> AsyncIterator[StartServer]:
    """``await start_server(budget_seconds=..., lookup=...)``; stopped after the test."""
    servers: list[AgiServer] = []

    async def start(lookup: CallerLookup | None = None, **overrides: Any) -> AgiServer:
        chosen: CallerLookup = service if lookup is None else lookup
        server = AgiServer(AgiSettings(**({"port": 0} | overrides)), lambda: chosen)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


class LoopWatchdog:
    """Sleeps 10 ms at a time and records how late it wakes: the event loop's lag."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.ticks = 0

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, loop.time() - before - 0.01)
            self.ticks += 1


@pytest.fixture
async def watchdog() -> AsyncIterator[LoopWatchdog]:
    dog = LoopWatchdog()
    task = asyncio.create_task(dog.run())
    yield dog
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
