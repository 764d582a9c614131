"""The desktop's side of protocol v1: one WebSocket to the broker, kept open.

Plain asyncio and aiohttp, no Qt, so it is tested and reused without widgets. It says
hello with the token and the newest seq it handled, hands the welcome and every new
event to a listener, matches command results by id, and reconnects with exponential
backoff plus jitter. The token goes into the hello frame only, never into a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import aiohttp

from cti.protocol import (
    CLOSE_BAD_HELLO,
    CLOSE_BAD_TOKEN,
    CLOSE_NO_TOKEN,
    CLOSE_UNSUPPORTED_VERSION,
    OP_EVENT,
    OP_RESULT,
    OP_WELCOME,
    command_frame,
    hello_frame,
)
from desktop.servertime import ServerClock
from desktop.welcome import Welcome, parse_welcome

log = logging.getLogger(__name__)

REFUSALS = {
    CLOSE_BAD_HELLO: "the server did not understand this desktop's hello",
    CLOSE_NO_TOKEN: "the server got no token",
    CLOSE_BAD_TOKEN: "the server refused the token",
    CLOSE_UNSUPPORTED_VERSION: "the server speaks another protocol version",
}
ERR_NOT_CONNECTED = "not-connected"
ERR_CONNECTION_LOST = "connection-lost"
ERR_NO_ANSWER = "no-answer"


class LinkState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    REFUSED = "refused"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    """The broker's answer to one command, or the reason none came."""

    name: str
    ok: bool
    error: str | None
    message: str


class BrokerListener(Protocol):
    def on_link(self, state: LinkState, detail: str) -> None: ...

    def on_welcome(self, welcome: Welcome, fresh: bool) -> None: ...

    def on_event(self, kind: str, data: Mapping[str, Any]) -> None: ...


class Backoff:
    """Exponential delays with jitter, so a restarted broker is not hit by every desktop at once."""

    def __init__(
        self, first: float = 0.5, limit: float = 15.0, rng: random.Random | None = None
    ) -> None:
        self.first, self.limit = first, limit
        self._rng = rng or random.Random()
        self._next = first

    def reset(self) -> None:
        self._next = self.first

    def delay(self) -> float:
        current = self._next
        self._next = min(current * 2, self.limit)
        return current * self._rng.uniform(0.5, 1.0)


def endpoints(server_url: str) -> tuple[str, str]:
    """(REST base, WebSocket address) from what the agent typed: http(s) or ws(s), any path."""
    url = server_url.strip().rstrip("/")
    if url.endswith("/ws"):
        url = url[: -len("/ws")]
    if "://" not in url:
        url = "http://" + url
    scheme, rest = url.split("://", 1)
    scheme = {"ws": "http", "wss": "https"}.get(scheme.lower(), scheme.lower())
    base = f"{scheme}://{rest}"
    return base, base + "/ws"


class BrokerConnection:
    """``run()`` until cancelled or refused; ``command()`` any time (fails fast offline)."""

    def __init__(
        self,
        server_url: str,
        token: str,
        listener: BrokerListener,
        session: aiohttp.ClientSession,
        *,
        backoff: Backoff | None = None,
        heartbeat: float | None = 20.0,
        command_timeout: float = 15.0,
        clock: ServerClock | None = None,
    ) -> None:
        """`clock` learns the broker's time from every event's `ts`."""
        self.rest_url, self.ws_url = endpoints(server_url)
        self._token = token
        self._listener = listener
        self._session = session
        self.backoff = backoff or Backoff()
        self.heartbeat = heartbeat
        self.command_timeout = command_timeout
        self.clock = clock or ServerClock()
        self.last_seq: int | None = None
        self.epoch: str | None = None  # of the broker journal last_seq counts in
        self.state = LinkState.STOPPED
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[str, asyncio.Future[CommandOutcome]] = {}
        self._ids = itertools.count(1)

    @property
    def connected(self) -> bool:
        return self.state is LinkState.CONNECTED

    def _set_state(self, state: LinkState, detail: str = "") -> None:
        self.state = state
        self._listener.on_link(state, detail)

    async def run(self) -> None:
        self._set_state(LinkState.CONNECTING, self.rest_url)
        try:
            while True:
                try:
                    code = await self._connect_once()
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    log.debug("cannot reach %s: %s", self.ws_url, exc)
                    code, reason = None, f"cannot reach the server ({exc.__class__.__name__})"
                else:
                    reason = f"connection closed (code {code})"
                self._fail_pending(ERR_CONNECTION_LOST, "the connection was lost before an answer")
                if code in REFUSALS:
                    self._set_state(LinkState.REFUSED, REFUSALS[code])
                    return
                pause = self.backoff.delay()
                self._set_state(LinkState.RECONNECTING, f"{reason}; retrying in {pause:.1f} s")
                await asyncio.sleep(pause)
        finally:
            self._fail_pending(ERR_CONNECTION_LOST, "the desktop stopped before an answer")
            if self.state is not LinkState.REFUSED:
                self._set_state(LinkState.STOPPED, "")

    async def _connect_once(self) -> int | None:
        async with self._session.ws_connect(self.ws_url, heartbeat=self.heartbeat) as ws:
            await ws.send_json(hello_frame(self._token, self.last_seq, self.epoch))
            self._ws = ws
            try:
                async for msg in ws:
                    if msg.type == aiohttp.WSMsgType.TEXT:
                        self._receive(msg.data)
                    elif msg.type == aiohttp.WSMsgType.ERROR:
                        break
            finally:
                self._ws = None
            return ws.close_code

    async def drop(self) -> None:
        """Close the socket (as a network failure would); `run` reconnects."""
        if self._ws is not None:
            await self._ws.close()

    def _receive(self, text: str) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            log.warning("ignoring a frame that is not JSON")
            return
        if not isinstance(frame, dict):
            return
        op = frame.get("op")
        try:
            if op == OP_EVENT:
                self._event(frame)
            elif op == OP_RESULT:
                self._result(frame)
            elif op == OP_WELCOME:
                self._welcome(frame)
            else:
                log.debug("ignoring %s frame", op)
        except Exception:  # a bug showing one frame must not cut the agent off
            log.exception("could not handle a %s frame", op)

    def _welcome(self, frame: dict[str, Any]) -> None:
        welcome = parse_welcome(frame)
        fresh = self.last_seq is None or welcome.resync or welcome.epoch != self.epoch
        self.epoch = welcome.epoch
        if fresh:
            self.last_seq = welcome.seq  # nothing replayed: start from the broker's present
        self.backoff.reset()
        log.info("connected as %s, extension %s", welcome.agent, welcome.extension)
        self._set_state(LinkState.CONNECTED, f"extension {welcome.extension}")
        self._listener.on_welcome(welcome, fresh)

    def _event(self, frame: dict[str, Any]) -> None:
        seq, kind, data = frame.get("seq"), frame.get("type"), frame.get("data")
        if not isinstance(seq, int) or not isinstance(kind, str) or not isinstance(data, dict):
            log.warning("ignoring a malformed event frame")
            return
        self.clock.observe(frame.get("ts"))
        if self.last_seq is not None and seq <= self.last_seq:
            return  # already handled before a reconnect
        self.last_seq = seq
        self._listener.on_event(kind, data)

    def _result(self, frame: dict[str, Any]) -> None:
        future = self._pending.pop(str(frame.get("id")), None)
        if future is None or future.done():
            return
        ok = frame.get("ok") is True
        error = frame.get("error")
        message = frame.get("message")
        future.set_result(
            CommandOutcome(
                name="",
                ok=ok,
                error=None if ok else str(error or "failed"),
                message=str(message) if message else "",
            )
        )

    async def command(self, name: str, args: dict[str, Any]) -> CommandOutcome:
        """Send one command and wait for its result; never raises for a refusal."""
        ws = self._ws
        if ws is None or not self.connected:
            return CommandOutcome(name, False, ERR_NOT_CONNECTED, "not connected to the server")
        command_id = f"d{next(self._ids)}"
        future: asyncio.Future[CommandOutcome] = asyncio.get_running_loop().create_future()
        self._pending[command_id] = future
        try:
            await ws.send_json(command_frame(command_id, name, args))
            async with asyncio.timeout(self.command_timeout):
                outcome = await future
        except TimeoutError:
            outcome = CommandOutcome(name, False, ERR_NO_ANSWER, "the server did not answer")
        except (aiohttp.ClientError, ConnectionError) as exc:
            outcome = CommandOutcome(name, False, ERR_CONNECTION_LOST, f"could not send: {exc}")
        finally:
            self._pending.pop(command_id, None)
        return CommandOutcome(name, outcome.ok, outcome.error, outcome.message)

    def _fail_pending(self, error: str, message: str) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_result(CommandOutcome("", False, error, message))


async def cancel_quietly(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
