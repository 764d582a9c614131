"""Wrap-up: time after a queue call to finish its paperwork before the next one rings.

When a call from a queue ends (``call.ended`` with the queue its ringing named and
``answered_by``), that agent's memberships are paused with reason ``wrap-up`` for
``queues.wrapup_by_queue[queue]`` or ``queues.wrapup_seconds`` (0: no wrap-up). They
are unpaused by themselves when the time is up, or as soon as the agent's note for the
call is saved, whichever comes first.

Only memberships that are free are paused: a pause the agent or a supervisor set stays
as it is, and a `hold` pause only once cti's hold has let go of the agent (the call
that ended was the parked one). A wrap-up that another pause, DND or a logout replaced
is left to that (`cancel`); its end unpauses only what is still paused ``wrap-up``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from cti.agents.members import Membership, QueueMembers
from cti.agents.queue_actions import AgentLocks, QueueActions
from cti.agents.settings import AgentSettings
from cti.broker.commands import CommandError
from cti.config.queue_options import HOLD, WRAP_UP
from cti.protocol import CallEnded, CallRinging, WireEvent

log = logging.getLogger(__name__)

MAX_QUEUED_CALLS = 10_000
"""Calls whose queue is remembered until they end (a bound, should an end be missed)."""


class HoldingAgents(Protocol):
    """cti's hold pause (`cti.control.holdpause.HoldPause`)."""

    def holding(self, extension: str) -> bool: ...

    async def settled(self) -> None: ...


@dataclass(slots=True)
class WrapUpState:
    call_id: str
    queue: str
    until: float  # wall clock (time.time())
    timer: asyncio.TimerHandle | None = None


class WrapUp:
    def __init__(
        self,
        actions: QueueActions,
        members: QueueMembers,
        settings: AgentSettings,
        locks: AgentLocks,
        hold: HoldingAgents | None = None,
    ) -> None:
        self._actions, self._members, self.settings = actions, members, settings
        self._locks, self._hold = locks, hold
        self._states: dict[str, WrapUpState] = {}
        self._queue_of: OrderedDict[str, str] = OrderedDict()
        self._listeners: list[Callable[[str], None]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def subscribe(self, listener: Callable[[str], None]) -> None:
        """``listener(extension)`` when an agent's wrap-up starts or ends (`until` changed)."""
        self._listeners.append(listener)

    def until(self, extension: str) -> float | None:
        """When the agent's wrap-up ends (``time.time()``), or None outside one."""
        state = self._states.get(extension)
        return None if state is None else state.until

    def observe(self, event: WireEvent) -> None:
        """Fed every published event: a queue call's end starts its agent's wrap-up."""
        if isinstance(event, CallRinging) and event.queue:
            self._queue_of[event.call_id] = event.queue
            while len(self._queue_of) > MAX_QUEUED_CALLS:
                self._queue_of.popitem(last=False)
        elif isinstance(event, CallEnded):
            queue = self._queue_of.pop(event.call_id, None)
            extension = event.answered_by
            if queue is None or extension is None or event.abandoned:
                return
            seconds = self.settings.wrapup_for(queue)
            if seconds > 0:
                state = self._begin(extension, event.call_id, queue, seconds)
                self._spawn(self._start(extension, state))

    def note_saved(self, call_id: str) -> None:
        """The after-call note of ``call_id`` is saved: its wrap-up ends now."""
        for extension, state in list(self._states.items()):
            if state.call_id == call_id:
                self._spawn(self._end(extension, state, "its note is saved"))

    def cancel(self, extension: str) -> None:
        """Another pause, DND, unpause or logout takes over; the memberships stay as they are."""
        state = self._states.pop(extension, None)
        if state is not None:
            if state.timer is not None:
                state.timer.cancel()
            log.info("wrap-up of %s ends: another command took over", extension)
            self._changed(extension)

    async def settled(self) -> None:
        """Until every start and end begun so far is done (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    def close(self) -> None:
        for state in self._states.values():
            if state.timer is not None:
                state.timer.cancel()
        self._states.clear()

    def _begin(self, extension: str, call_id: str, queue: str, seconds: float) -> WrapUpState:
        old = self._states.get(extension)
        if old is not None and old.timer is not None:
            old.timer.cancel()
        state = self._states[extension] = WrapUpState(call_id, queue, time.time() + seconds)
        loop = asyncio.get_running_loop()
        state.timer = loop.call_later(seconds, self._expire, extension, state)
        return state

    def _expire(self, extension: str, state: WrapUpState) -> None:
        self._spawn(self._end(extension, state, "its time is up"))

    async def _start(self, extension: str, state: WrapUpState) -> None:
        if self._hold is not None:
            await self._hold.settled()  # a hold's own unpause goes first
        async with self._locks(extension):
            if self._states.get(extension) is not state:
                return  # cancelled or replaced meanwhile
            free = [m for m in self._members.of_extension(extension) if self._free(extension, m)]
            if not free:
                log.info("no wrap-up for %s: in no queue, or paused already", extension)
                del self._states[extension]
                if state.timer is not None:
                    state.timer.cancel()
                return
            self._changed(extension)
            for member in free:
                await self._set(member, paused=True)
            log.info(
                "wrap-up of %s after %s from %s: paused in %s until %.0f",
                extension, state.call_id, state.queue,
                ", ".join(m.queue for m in free), state.until,
            )  # fmt: skip

    async def _end(self, extension: str, state: WrapUpState, why: str) -> None:
        async with self._locks(extension):
            if self._states.get(extension) is not state:
                return
            del self._states[extension]
            if state.timer is not None:
                state.timer.cancel()
            wrapped = [
                m for m in self._members.of_extension(extension) if m.paused and m.reason == WRAP_UP
            ]
            for member in wrapped:
                await self._set(member, paused=False)
            log.info("wrap-up of %s ends, %s: unpaused in %d queues", extension, why, len(wrapped))
            self._changed(extension)

    def _free(self, extension: str, member: Membership) -> bool:
        if not member.paused or member.reason == WRAP_UP:
            return True
        return member.reason == HOLD and not (self._hold and self._hold.holding(extension))

    async def _set(self, member: Membership, paused: bool) -> None:
        try:
            if paused:
                await self._actions.pause(member.queue, member.interface, WRAP_UP)
            else:
                await self._actions.unpause(member.queue, member.interface)
        except CommandError as exc:  # nobody waits for an answer: the log is the report
            what = "pause" if paused else "unpause"
            log.warning(
                "wrap-up: could not %s %s in %s: %s",
                what, member.interface, member.queue, exc.message,
            )  # fmt: skip

    def _changed(self, extension: str) -> None:
        for listener in self._listeners:
            try:
                listener(extension)
            except Exception:
                log.exception("wrap-up listener failed for %s", extension)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
