"""Calls arriving on their own: Poisson arrivals for ``cti demo`` and the benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from random import Random

from cti.sim.model import PbxState
from cti.sim.player import Player

Place = Callable[[str], Awaitable[str]]


class CallGenerator:
    def __init__(
        self,
        rng: Random,
        state: PbxState,
        player: Player,
        agents: Sequence[str],
        *,
        calls_per_second: float,
        max_calls: int,
        queue_share: float,
        max_waiting: int | None = None,
    ) -> None:
        """``queue_share``: the share of calls to a queue (0 when there is none);
        ``max_waiting``: callers already waiting in a queue that turn a new one away."""
        self.rng, self.state, self.player = rng, state, player
        self.agents = list(agents)
        self.calls_per_second, self.max_calls = calls_per_second, max_calls
        self.queue_share, self.max_waiting = queue_share, max_waiting

    async def run(self, place: Place) -> None:
        """Arrivals at `calls_per_second` while fewer than `max_calls` are live.

        A queue caller arrives whatever the agents do: with nobody free it waits in the
        queue (and may give up there). A direct caller dials one agent, so it arrives
        once one is free, waiting a simulated minute at most.
        """
        while True:
            gap = self.rng.expovariate(self.calls_per_second)
            await asyncio.sleep(gap * self.player.time_scale)
            if len(self.state.calls) >= self.max_calls:
                continue
            if self.queue_share and self.rng.random() < self.queue_share:
                if not self._queues_full():
                    await place("queue")
            elif await self._free_agent():
                await place("direct")

    def _queues_full(self) -> bool:
        """Asterisk's ``maxlen`` as the caller meets it: too many waiting, no entry."""
        if self.max_waiting is None:
            return False
        waiting = [c for c in self.state.calls.values() if c.queue and c.answered is None]
        return len(waiting) >= self.max_waiting

    async def _free_agent(self) -> bool:
        if not self.state.free_agents(self.agents) and self.player.time_scale > 0:
            with contextlib.suppress(TimeoutError):
                await self.player.wait_until(
                    lambda: bool(self.state.free_agents(self.agents)),
                    60 * self.player.time_scale,
                )
        return bool(self.state.free_agents(self.agents))
