"""A real Intake for channel tests: it records what the channels hand over, waitably."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from cti.channels.inbound import Channel, Inbound


@dataclass
class RecordingIntake:
    arrivals: list[Inbound] = field(default_factory=list)
    departures: list[tuple[Channel, str, str]] = field(default_factory=list)
    _changed: asyncio.Event | None = None

    def arrived(self, inbound: Inbound) -> None:
        self.arrivals.append(inbound)
        self._poke()

    def left(self, channel: Channel, thread_key: str, reason: str) -> None:
        self.departures.append((channel, thread_key, reason))
        self._poke()

    def _poke(self) -> None:
        if self._changed is not None:
            self._changed.set()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        """Wait until ``predicate`` holds, re-checking after each call the channel makes."""
        self._changed = self._changed or asyncio.Event()
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()
