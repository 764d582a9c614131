"""WebSockets that have not finished their hello yet, capped: the oldest gives way.

Each such socket holds a file descriptor for up to `hello_timeout` seconds, so without
a cap a flood of silent connections exhausts them. Closing the oldest rather than
refusing the newest keeps the broker reachable: a real desktop says hello at once and
leaves the list within milliseconds, while a flood's sockets are the old ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import OrderedDict

from aiohttp import web

from cti.broker.metrics import BrokerMetrics
from cti.protocol import CLOSE_TRY_AGAIN

log = logging.getLogger(__name__)


class PendingHellos:
    """Sockets between upgrade and welcome (or refusal), oldest first."""

    def __init__(self, limit: int, close_timeout: float, metrics: BrokerMetrics) -> None:
        self._limit = limit
        self._close_timeout = close_timeout
        self._metrics = metrics
        self._waiting: OrderedDict[int, web.WebSocketResponse] = OrderedDict()
        self._tickets = itertools.count()
        self._closing: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._waiting)

    def admit(self, ws: web.WebSocketResponse) -> int:
        """Add a new socket, first closing the oldest ones if the list is full."""
        while len(self._waiting) >= self._limit:
            self._evict(self._waiting.popitem(last=False)[1])
        ticket = next(self._tickets)
        self._waiting[ticket] = ws
        return ticket

    def leave(self, ticket: int) -> None:
        """The socket was welcomed, refused or closed: it no longer counts."""
        self._waiting.pop(ticket, None)

    async def close_all(self, code: int, message: str) -> None:
        """On shutdown: a silent socket must not hold the server up until its hello_timeout."""
        while self._waiting:
            self._close_later(self._waiting.popitem(last=False)[1], code, message)
        if self._closing:
            await asyncio.wait(set(self._closing))

    def _evict(self, ws: web.WebSocketResponse) -> None:
        self._metrics.hello_evictions += 1
        count = self._metrics.hello_evictions
        if count == 1 or count % 1000 == 0:  # a flood must not flood the log as well
            log.warning(
                "more than %d sockets without hello: closing the oldest (%d so far)",
                self._limit,
                count,
            )
        self._close_later(ws, CLOSE_TRY_AGAIN, "too many sockets without hello")

    def _close_later(self, ws: web.WebSocketResponse, code: int, message: str) -> None:
        task = asyncio.create_task(self._close(ws, code, message))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close(self, ws: web.WebSocketResponse, code: int, message: str) -> None:
        """Send the close frame, then let go of the connection without waiting for a reply.

        The socket's handler is waiting for its hello, so aiohttp closes the transport as
        soon as the frame is out: a silent peer cannot keep its descriptor. The timeout
        bounds a peer that does not even read (its send buffer full).
        """
        # aiohttp closes the transport itself when its close is cancelled by the timeout.
        with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
            async with asyncio.timeout(self._close_timeout):
                await ws.close(code=code, message=message.encode())
