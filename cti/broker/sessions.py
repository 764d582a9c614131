"""One agent connection: a bounded send queue drained by its own writer task.

Publishing never waits for a socket. A frame for a socket with nothing queued and room
in its buffers is written at once (non-blocking) when it is urgent (an agent's own pop
or state), else joins the socket's share of a `WriteBatch` written after this turn of
the event loop; any other frame joins the queue, so a socket that cannot keep up never
slows the broker or other agents. When its queue overflows it is closed with 4008 and
the client resumes with last_seq.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
import time
from collections import deque
from dataclasses import dataclass

from aiohttp import web

from cti.broker.auth import AgentIdentity
from cti.broker.metrics import BrokerMetrics
from cti.protocol import CLOSE_INTERNAL_ERROR, CLOSE_TOO_SLOW

log = logging.getLogger(__name__)


WRITE_NOW_LIMIT = 64 * 1024
"""Bytes a transport may hold unsent for a frame to be written in this turn (asyncio's
default high-water mark); above it frames queue for the writer task, which waits for
the drain.

Writing from the batch spares a task wake-up (a future, a handle, a task step) per
frame. With 1,000 supervisors those objects made the garbage collector run about 300
times in a benchmark run, with full collections of 50-240 ms; written from the batch,
once (bench/agent_fanout.py, docs/decisions.md)."""


FLUSH_CHUNK = 100
"""Sockets written per turn of the event loop: between two chunks the loop reads its
sockets, so an AMI event that arrives during a fan-out to 1,000 supervisors (a
`call.ringing`, another agent's state) waits for one chunk (~2 ms), not the whole."""


class WriteBatch:
    """The frames of one turn of the event loop, one write per socket after it.

    Everything one AMI event causes is published in one turn: a supervisor's
    `agent.state` and the `queue.stats` it changed leave in one system call, and the
    sockets are written in the order they first got a frame, `FLUSH_CHUNK` at a time.
    """

    def __init__(self) -> None:
        self._sessions: dict[Session, None] = {}  # an ordered set
        self._scheduled = False

    def add(self, session: Session) -> None:
        self._sessions[session] = None
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Write the next chunk; what is left waits for the next turn."""
        sessions = self._sessions
        for _ in range(min(FLUSH_CHUNK, len(sessions))):
            session = next(iter(sessions))
            del sessions[session]
            session.flush()
        self._scheduled = bool(sessions)
        if self._scheduled:
            asyncio.get_running_loop().call_soon(self.flush)


def text_frame(text: str) -> bytes:
    """``text`` as one unmasked, unfragmented WebSocket text frame (RFC 6455 5.2), the
    frame aiohttp's own writer makes without compression (the broker turns it off)."""
    data = text.encode("utf-8")
    size = len(data)
    if size < 126:
        return bytes((0x81, size)) + data
    if size < 65536:
        return struct.pack("!BBH", 0x81, 126, size) + data
    return struct.pack("!BBQ", 0x81, 127, size) + data


@dataclass(frozen=True, slots=True)
class Outgoing:
    text: str
    pop: bool
    queued_at: float


class Session:
    """A connected WebSocket of one agent."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        identity: AgentIdentity,
        queue_size: int,
        metrics: BrokerMetrics,
        close_timeout: float,
        transport: asyncio.BaseTransport | None = None,
        batch: WriteBatch | None = None,
    ) -> None:
        """Without a ``batch``, frames for an idle socket are written at once."""
        self.ws = ws
        self.identity = identity
        self._limit = queue_size
        self._allowance = 0  # extra room for the welcome and replay burst
        self._pending: deque[Outgoing] = deque()
        self._wakeup = asyncio.Event()
        self._metrics = metrics
        self._close_timeout = close_timeout
        self._transport = transport
        self._writer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None
        self.closing = False
        self._idle = False
        self._batch = batch
        self._outbox: list[bytes] = []  # this turn's frames, in the batch
        self._outbox_size = 0

    def start(self, backlog: list[str]) -> None:
        """Queue the welcome and replay frames, then begin writing."""
        self._allowance = len(backlog)
        for text in backlog:
            self._pending.append(Outgoing(text, False, time.monotonic()))
        self._wakeup.set()
        self._writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{id(self)}")

    def send(self, text: str, pop: bool = False, urgent: bool = True) -> bool:
        """Queue a frame without waiting; False when the session is closing or overflowed.

        ``urgent`` frames (an agent's own pop, state, command results) are written at
        once; others (what a supervisor or every agent gets) join the `WriteBatch`.
        """
        if self.closing:
            return False
        if self._write_in_turn(text, urgent):
            self._metrics.observe("socket_write", 0.0)
            if pop:
                self._metrics.pops_sent += 1
            return True
        if self._outbox:  # this turn's frames go before anything the writer task sends
            self.flush()
        if len(self._pending) >= self._limit + self._allowance:
            log.warning(
                "agent %s cannot keep up (%d frames queued); disconnecting",
                self.identity.agent_id,
                len(self._pending),
            )
            self._metrics.slow_disconnects += 1
            self.close_soon(CLOSE_TOO_SLOW, "too slow: reconnect with last_seq")
            return False
        self._pending.append(Outgoing(text, pop, time.monotonic()))
        self._wakeup.set()
        return True

    def close_soon(self, code: int, message: str) -> None:
        self.closing = True
        if self._closer is None:
            self._closer = asyncio.create_task(self.close(code, message))

    async def close(self, code: int, message: str) -> None:
        """Stop writing and close; a peer that will not take the close frame is aborted."""
        self.closing = True
        await self._stop_writer()
        try:
            async with asyncio.timeout(self._close_timeout):
                await self.ws.close(code=code, message=message.encode())
        except TimeoutError:
            log.warning("agent %s did not take the close frame; aborting", self.identity.agent_id)
            if isinstance(self._transport, asyncio.WriteTransport):
                self._transport.abort()
        except (ConnectionError, RuntimeError) as exc:
            log.debug("closing agent %s socket: %s", self.identity.agent_id, exc)

    async def wait_closed(self) -> None:
        """Let a pending close finish, so handlers end with the code the broker chose."""
        await self._stop_writer()
        if self._closer is not None:
            with contextlib.suppress(Exception):
                await self._closer

    async def _stop_writer(self) -> None:
        """Cancel the writer and wait for it; its own failure was logged where it happened."""
        writer, self._writer = self._writer, None
        if writer is None or writer is asyncio.current_task():
            return
        writer.cancel()
        await asyncio.wait({writer})  # never re-raises the writer's error: close must go on

    async def _write_loop(self) -> None:
        """Drain the queue until cancelled; a failed write closes the session, never silently.

        A writer that died quietly would leave a socket open, counted as connected, that
        no longer receives pops.
        """
        try:
            await self._drain_forever()
        except (ConnectionError, RuntimeError) as exc:
            log.info("agent %s socket write failed: %s", self.identity.agent_id, exc)
            self.close_soon(CLOSE_INTERNAL_ERROR, "write failed")
        except Exception:
            log.exception(
                "agent %s: a frame could not be sent; closing so the desktop resumes",
                self.identity.agent_id,
            )
            self.close_soon(CLOSE_INTERNAL_ERROR, "a frame could not be sent: reconnect")

    def flush(self) -> None:
        """Write this turn's frames (`WriteBatch`), unless the socket went meanwhile.

        A session closing since (too slow) still writes them: they come before what its
        client will replay from its last seq, and its close frame is sent after them.
        """
        frames = self._outbox
        if not frames:
            return
        data = frames[0] if len(frames) == 1 else b"".join(frames)
        frames.clear()  # the same list next turn: no new object per socket per event
        self._outbox_size = 0
        transport = self._transport
        if isinstance(transport, asyncio.WriteTransport) and self._open():
            transport.write(data)

    def _open(self) -> bool:
        transport = self._transport
        return not (self.ws.closed or transport is None or transport.is_closing())

    def _write_in_turn(self, text: str, urgent: bool) -> bool:
        """Take the frame into this turn's writes when the writer task has nothing to
        do and the socket has room; else False, and the frame queues for the writer.

        The queue's writer wakes after the batch is written, so a frame that queues
        behind this turn's frames still leaves after them.
        """
        transport = self._transport
        if self.closing or not (self._idle and not self._pending and self._open()):
            return False
        if not isinstance(transport, asyncio.WriteTransport):
            return False
        if transport.get_write_buffer_size() + self._outbox_size > WRITE_NOW_LIMIT:
            return False
        try:
            frame = text_frame(text)
        except UnicodeEncodeError:
            return False  # the writer task meets the same error, logs it and closes
        if self._batch is not None and not self._outbox:
            self._batch.add(self)
        self._outbox.append(frame)
        self._outbox_size += len(frame)
        if urgent or self._batch is None:
            self.flush()  # with the frames of this turn before it, in order
        return True

    async def _drain_forever(self) -> None:
        while True:
            self._idle = True
            await self._wakeup.wait()
            self._idle = False
            while self._pending:
                item = self._pending.popleft()
                await self.ws.send_str(item.text)
                self._metrics.observe("socket_write", time.monotonic() - item.queued_at)
                if item.pop:
                    self._metrics.pops_sent += 1
            self._wakeup.clear()
