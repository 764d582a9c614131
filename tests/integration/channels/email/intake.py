"""A recording Intake for the email channel's tests: a real object that keeps what it got."""

from __future__ import annotations

import asyncio

from cti.channels.inbound import Channel, Inbound

DEADLINE = 30.0


class RecordingIntake:
    def __init__(self) -> None:
        self.arrivals: list[Inbound] = []
        self.departures: list[tuple[Channel, str, str]] = []

    def arrived(self, inbound: Inbound) -> None:
        self.arrivals.append(inbound)

    def left(self, channel: Channel, thread_key: str, reason: str) -> None:
        self.departures.append((channel, thread_key, reason))

    async def wait_for(self, count: int, deadline: float = DEADLINE) -> list[Inbound]:
        """Poll until `count` mails arrived (a busy machine may take a while)."""
        loop = asyncio.get_running_loop()
        until = loop.time() + deadline
        while len(self.arrivals) < count:
            assert loop.time() < until, f"{len(self.arrivals)} of {count} mails in {deadline}s"
            await asyncio.sleep(0.02)
        return list(self.arrivals)
