"""Waiting for the call picture to change, without polling it.

Call control sometimes has to see the PBX's reaction before it can answer (an
attended transfer is started only once its consultation leg exists), and the hold
pause has to follow parked calls. The tracker calls `changed()` after every event it
handled; waiters and listeners then look at the tracker's state themselves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class CallChanges:
    def __init__(self) -> None:
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        """`listener` runs (synchronously) after every change; it must be quick."""
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in self._listeners:
            try:
                listener()
            except Exception:  # one listener must not stop the tracker or the others
                log.exception("call change listener failed")
        if not self._waiters:
            return
        waiting = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            if predicate():
                future.set_result(None)
            else:
                waiting.append((predicate, future))
        self._waiters = waiting

    def watch(self, predicate: Callable[[], bool]) -> asyncio.Future[None]:
        """A future done once `predicate` holds, checked now and after each change from
        now on: registered before an action is sent, it cannot miss a reaction that comes
        and goes before the action's response."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if predicate():
            future.set_result(None)
        else:
            self._waiters.append((predicate, future))
        return future

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """True once `predicate` holds (checked now and after each change), False when
        `timeout` seconds pass first."""
        return await self.settle(self.watch(predicate), predicate, timeout)

    @staticmethod
    async def settle(
        future: asyncio.Future[None], predicate: Callable[[], bool], timeout: float
    ) -> bool:
        """Wait up to `timeout` for a `watch` future; False when it did not come true."""
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return predicate()
        finally:
            future.cancel()
        return True
