"""One FastAGI connection, from accept to close, under one deadline.

A protocol, not a stream reader: received bytes go straight through `AgiParser`, and each
reply sends the next command from the same callback, so a session costs one task (the
lookup) and one timer. The timer fires at ``accepted + budget``, whatever the session is
waiting for (the ``agi_*`` block, the lookup, a reply), and closes it: no peer can hold the
call, the connection slot or the loop past the budget. Writes are never awaited (a session
writes a few hundred bytes), so a peer that does not read cannot stall us either.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import struct
import termios
from collections import deque
from collections.abc import Callable
from typing import Protocol

from cti.agi.lookup import match_kind, number_to_look_up, variables_for
from cti.agi.protocol import (
    AgiEnvironment,
    AgiInput,
    AgiParser,
    AgiProtocolError,
    HangupNotice,
    set_variable,
    verbose,
)
from cti.agi.settings import AgiSettings
from cti.lookup.result import LookupResult

log = logging.getLogger(__name__)

SCRIPTS = ("lookup",)
LOOKUP_SHARE = 0.8
"""Part of the budget the directory may use; the rest is kept for setting the variables."""


class CallerLookup(Protocol):
    """What the session needs from `cti.lookup.LookupService`."""

    async def lookup(self, number: str | None) -> LookupResult: ...


SessionDone = Callable[["AgiSession", str], None]


def unread_bytes(transport: asyncio.BaseTransport) -> int:
    """Bytes the kernel received on ``transport``'s socket that were not read yet."""
    sock = transport.get_extra_info("socket")
    if sock is None:
        return 0
    try:
        pending = fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0")
    except OSError:  # closed meanwhile
        return 0
    return int(struct.unpack("i", pending)[0])


class AgiSession(asyncio.Protocol):
    """Reads the environment, runs the requested script, then reports how it ended.

    Outcomes: the match (``exact``, ``suffix``, ``multiple``, ``none``), ``unknown-script``,
    ``hangup``, ``idle`` (no ``agi_*`` block in time), ``timeout``, ``incomplete`` (closed
    before the blank line), ``closed``, ``malformed``, ``error`` (the lookup raised),
    ``evicted`` (no ``agi_*`` block yet, closed to make room for a new connection),
    ``stopped`` (server shut down).
    """

    def __init__(self, settings: AgiSettings, lookup: CallerLookup, done: SessionDone) -> None:
        self._settings = settings
        self._lookup = lookup
        self._done = done
        self._parser = AgiParser(settings.max_line_bytes)
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[LookupResult] | None = None
        self._commands: deque[bytes] = deque()
        self._outcome: str | None = None  # set when finished
        self._result = "none"  # the outcome once every command is answered
        self._channel = "?"
        self.started = asyncio.get_running_loop().time()  # accepted: the budget starts

    # -- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        if self._outcome is not None:  # finished (evicted, stopped) before it was made
            transport.close()
            return
        loop = asyncio.get_running_loop()
        self._transport = transport
        self._timer = loop.call_at(self.started + self._settings.budget_seconds, self._expire)

    def data_received(self, data: bytes) -> None:
        if self._outcome is not None:
            return
        try:
            items = self._parser.feed(data)
        except AgiProtocolError as exc:
            log.warning("FastAGI session on %s dropped: %s", self._channel, exc)
            self.finish("malformed")
            return
        for item in items:
            if self._outcome is None:
                self._handle(item)

    def eof_received(self) -> bool:
        self.finish("incomplete" if self._parser.in_environment else "closed")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.finish("incomplete" if self._parser.in_environment else "closed")

    # -- the conversation ----------------------------------------------------------------

    def _handle(self, item: AgiInput) -> None:
        if isinstance(item, AgiEnvironment):
            self._start(item)
        elif isinstance(item, HangupNotice) or item.code == 511:  # 511: dead channel
            self.finish("hangup")
        elif self._task is None:  # a reply to our last command
            if not item.ok:
                log.warning("Asterisk refused a command on %s: %s", self._channel, item.text)
            self._send_next()
        # a reply while the lookup runs answers nothing we sent: ignore it

    def _start(self, environment: AgiEnvironment) -> None:
        self._channel = environment.channel or "?"
        if environment.script not in SCRIPTS:
            log.warning(
                "FastAGI script %r requested by %s is unknown (this server runs: %s)",
                environment.script,
                self._channel,
                ", ".join(SCRIPTS),
            )
            message = f"CTI: unknown FastAGI script '{environment.script}'; known: lookup"
            self._result = "unknown-script"
            self._commands.append(verbose(message))
            self._send_next()
            return
        loop = asyncio.get_running_loop()
        lookup_deadline = self.started + self._settings.budget_seconds * LOOKUP_SHARE
        self._reschedule(loop.call_at(lookup_deadline, self._expire))
        self._task = loop.create_task(self._lookup.lookup(number_to_look_up(environment)))
        self._task.add_done_callback(lambda task: self._looked_up(environment, task))

    def _looked_up(self, environment: AgiEnvironment, task: asyncio.Task[LookupResult]) -> None:
        self._task = None
        if self._outcome is not None or task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("FastAGI lookup failed on %s; nothing set: %r", self._channel, error)
            self.finish("error")
            return
        result = task.result()
        budget_end = self.started + self._settings.budget_seconds
        self._reschedule(asyncio.get_running_loop().call_at(budget_end, self._expire))
        self._result = match_kind(result)
        settings = self._settings
        for name, value in variables_for(
            environment, result, settings.caller_name, settings.name_from
        ):
            self._commands.append(set_variable(name, value))
        self._send_next()

    def _send_next(self) -> None:
        if not self._commands:
            self.finish(self._result)
        elif self._transport is not None:
            self._transport.write(self._commands.popleft())

    def _expire(self) -> None:
        if self._parser.in_environment:  # not Asterisk, or not a call: the server sums these
            self.finish("idle")
            return
        log.warning(
            "FastAGI session on %s ended at the %.0f ms budget (lookup or replies too slow)",
            self._channel,
            self._settings.budget_seconds * 1000,
        )
        self.finish("timeout")

    def _reschedule(self, timer: asyncio.TimerHandle) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = timer

    def finish(self, outcome: str) -> None:
        """End the session now (idempotent): close the socket, report ``outcome`` once."""
        if self._outcome is not None:
            return
        self._outcome = outcome
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None:
            self._task.cancel()
        if self._transport is not None:
            self._transport.close()
        log.debug("FastAGI session on %s ended: %s", self._channel, outcome)
        self._done(self, outcome)

    @property
    def awaiting_environment(self) -> bool:
        """Open and still without its complete ``agi_*`` block."""
        return self._outcome is None and self._parser.in_environment

    def may_give_way(self) -> bool:
        """Whether a full server may close this session for a new connection: it has no
        complete ``agi_*`` block, and no bytes wait unread in its socket. In a burst of
        accepts, a block that arrived but that the loop has not read yet is not silence,
        and neither is a connection not made yet (its socket not even watched).
        """
        transport = self._transport
        return transport is not None and self.awaiting_environment and unread_bytes(transport) == 0

    @property
    def lookup_task(self) -> asyncio.Task[LookupResult] | None:
        """The lookup in progress, if any (the server awaits it when stopping)."""
        return self._task
