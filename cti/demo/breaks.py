"""Demo agents who take breaks, so the supervisor has paused agents to see.

Now and then one agent pauses with a reason from the config (`agent.pause` over its
own WebSocket, as a person at the desktop would) and comes back later
(`agent.unpause`). One agent at a time is away, so callers still get answered. Delays
and choices come from a seeded generator, in simulated seconds (divided by the demo's
speed). A refusal (the agent is logged out, the PBX link is down) is logged and the
break is skipped: the demo goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from random import Random

from cti.demo.client import NotConnected, PopClient

log = logging.getLogger(__name__)

FIRST = (2.0, 5.0)  # simulated seconds until the first break: the wallboard shows one soon
BETWEEN = (20.0, 40.0)  # simulated seconds from one break to the next
LENGTH = (8.0, 20.0)  # simulated seconds a break lasts


class Breaks:
    def __init__(
        self,
        agents: Mapping[str, PopClient],
        reasons: Sequence[str],
        rng: Random,
        speed: float = 1.0,
    ) -> None:
        self.agents, self.reasons, self.rng, self.speed = agents, list(reasons), rng, speed
        self.away: str | None = None
        self.taken: list[tuple[str, str]] = []  # (extension, reason) of each break begun

    async def run(self) -> None:
        """Breaks one after another until cancelled."""
        if not self.agents or not self.reasons:
            return
        gap = FIRST
        while True:
            await asyncio.sleep(self.rng.uniform(*gap) / self.speed)
            gap = BETWEEN
            extension = self.rng.choice(sorted(self.agents))
            reason = self.rng.choice(self.reasons)
            length = self.rng.uniform(*LENGTH) / self.speed
            await self.take(extension, reason, length)

    async def take(self, extension: str, reason: str, length: float) -> None:
        """`extension` pauses with `reason` for `length` seconds, then is back."""
        client = self.agents[extension]
        if not await self._ask(client, "agent.pause", {"reason": reason}):
            return
        self.away = extension
        self.taken.append((extension, reason))
        await asyncio.sleep(length)  # cancelled here, the demo is over: no unpause
        self.away = None
        await self._ask(client, "agent.unpause")

    async def _ask(self, client: PopClient, name: str, args: dict[str, str] | None = None) -> bool:
        try:
            result = await client.command(name, args)
        except (NotConnected, TimeoutError) as exc:
            log.info("demo break: %s %s not sent: %s", client.label, name, exc)
            return False
        if not result.get("ok"):
            log.info("demo break: %s %s refused: %s", client.label, name, result.get("message"))
            return False
        log.info("demo break: %s %s: %s", client.label, name, result.get("message"))
        return True
