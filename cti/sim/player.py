"""Plays call scripts in (scaled) real time, one task per call.

``time_scale`` multiplies every delay: 1.0 is real time, 0.01 runs a minute-long
call in 0.6 s, and 0 runs everything as fast as the event loop allows, while keeping
each call's own order. An action that changes a call interrupts its task and plays a
new script from the call's present state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from cti.sim.model import SimCall
from cti.sim.scenes import Frames
from cti.sim.scripts import Step

logger = logging.getLogger(__name__)

Sender = Callable[[Frames], Awaitable[int]]


class Player:
    def __init__(self, send: Sender, time_scale: float) -> None:
        self._send = send
        self.time_scale = time_scale
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._stepped = asyncio.Event()

    def play(self, call: SimCall, steps: list[Step]) -> None:
        """Run `steps` as the call's script, replacing whatever it was doing."""
        self.interrupt(call)
        call.task = self._start(steps, f"sim-call-{call.call_id}")

    def send_soon(self, frames: Frames) -> None:
        """Frames caused by an action that leaves the call's own script running."""
        self._start([(0.0, lambda: frames)], "sim-frames")

    def call_later(self, delay: float, action: Callable[[], None]) -> None:
        """Run `action` after `delay` simulated seconds (it may start scripts)."""

        def step() -> Frames:
            action()
            return []

        self._start([(delay, step)], "sim-later")

    def interrupt(self, call: SimCall) -> None:
        task = call.task
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        call.task = None

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Until every script has played out."""
        async with asyncio.timeout(timeout):
            await self._idle.wait()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Until `predicate` holds, re-checked after every step any script plays."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._stepped.clear()
                await self._stepped.wait()

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _start(self, steps: list[Step], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(self._run(steps), name=name)
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()
        if not task.cancelled() and task.exception() is not None:
            logger.error("simulated call failed", exc_info=task.exception())

    async def _run(self, steps: list[Step]) -> None:
        for delay, step in steps:
            await asyncio.sleep(delay * self.time_scale)
            frames = step()
            if frames:
                await self._send(frames)
            self._stepped.set()
