"""While cti's hold has an agent's caller parked, that agent's queues are paused.

Parking hangs up the agent's phone, so app_queue sees a free member and rings it with
the next caller. Before the Park, each membership of the agent that is not paused
gets AMI ``QueuePause`` with reason ``hold``; once none of the agent's parked calls is
parked any more (picked up again, caller gone, park timed out, call ended) those
memberships are unpaused, unless someone changed them meanwhile. A pause the agent
or a supervisor set for another reason is never touched.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from cti.agents import QueueMembers
from cti.broker.commands import CommandError
from cti.calls.changes import CallChanges
from cti.calls.model import Call
from cti.control.ami import ActionSender, send

log = logging.getLogger(__name__)

HOLD_REASON = "hold"
PARK_GRACE = 10.0
"""Seconds a hold waits for its ParkedCall event before the pause is taken back."""


@dataclass(slots=True)
class HeldCall:
    parked: bool = False  # ParkedCall seen (parked_space set)
    since: float = field(default_factory=time.monotonic)


@dataclass(slots=True)
class AgentPause:
    """The memberships cti paused for one agent, and the calls that keep them paused."""

    queues: list[tuple[str, str]]  # (queue, interface)
    calls: dict[str, HeldCall] = field(default_factory=dict)


class HoldPause:
    def __init__(
        self,
        client: ActionSender,
        calls: Mapping[str, Call],
        members: QueueMembers,
        changes: CallChanges,
    ) -> None:
        self._client, self._calls, self._members = client, calls, members
        self._agents: dict[str, AgentPause] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        changes.subscribe(self._follow)

    async def before_park(self, call_id: str, extension: str) -> None:
        """Pause the agent's unpaused queues; a second held call joins the first pause."""
        held = self._agents.get(extension)
        if held is not None:
            held.calls[call_id] = HeldCall()
            return
        members = [m for m in self._members.of_extension(extension) if not m.paused]
        held = self._agents[extension] = AgentPause([(m.queue, m.interface) for m in members])
        held.calls[call_id] = HeldCall()
        for queue, interface in held.queues:
            await self._queue_pause(queue, interface, True)
        if held.queues:
            queues = ", ".join(queue for queue, _ in held.queues)
            log.info("extension %s on hold: paused in %s (%s)", extension, queues, HOLD_REASON)

    def holding(self, extension: str) -> bool:
        """Whether a call of this agent is parked (or being parked) by cti's hold."""
        return extension in self._agents

    async def park_failed(self, call_id: str, extension: str) -> None:
        held = self._agents.get(extension)
        if held is not None:
            held.calls.pop(call_id, None)
            if not held.calls:
                del self._agents[extension]
                await self._release(extension, held)

    def _follow(self) -> None:
        """Tracker listener: drop calls that are no longer parked, release agents."""
        now = time.monotonic()
        for extension, held in list(self._agents.items()):
            for call_id, state in list(held.calls.items()):
                call = self._calls.get(call_id)
                parked = call is not None and call.parked_space is not None
                if parked:
                    state.parked = True
                elif call is None or state.parked or now - state.since > PARK_GRACE:
                    del held.calls[call_id]
            if not held.calls:
                del self._agents[extension]
                self._spawn(self._release(extension, held))

    async def _release(self, extension: str, held: AgentPause) -> None:
        for queue, interface in held.queues:
            member = self._members.get(queue, interface)
            if member is not None and (not member.paused or member.reason != HOLD_REASON):
                continue  # unpaused or re-paused by someone else meanwhile
            await self._queue_pause(queue, interface, False)
        if held.queues:
            log.info("extension %s off hold: unpaused where cti had paused it", extension)

    async def _queue_pause(self, queue: str, interface: str, paused: bool) -> None:
        fields = {"Interface": interface, "Queue": queue, "Paused": "true" if paused else "false"}
        if paused:
            fields["Reason"] = HOLD_REASON
        try:
            await send(self._client, "QueuePause", fields)
        except CommandError as exc:  # the hold itself goes on: it is what the agent asked
            what = "pause" if paused else "unpause"
            log.warning("could not %s %s in %s: %s", what, interface, queue, exc.message)

    async def settled(self) -> None:
        """Until every unpause started so far is done (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
