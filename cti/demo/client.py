"""A protocol-v1 WebSocket client that follows one agent's pops and survives restarts.

It is a real desktop-side client (hello with token and last_seq, gapless reconnect),
so the terminal view exercises the same contract as the Qt desktop. Tokens are
secrets: they go into the hello frame and nowhere else, never into a log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import aiohttp

from cti.demo.view import TerminalView
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

log = logging.getLogger(__name__)

# Close codes that retrying cannot fix: the token or the client itself is wrong.
FATAL_CLOSE_CODES = frozenset(
    {CLOSE_BAD_HELLO, CLOSE_NO_TOKEN, CLOSE_BAD_TOKEN, CLOSE_UNSUPPORTED_VERSION}
)

FrameHandler = Callable[[str, Mapping[str, Any]], object]
NoteHandler = Callable[[str], None]
# (client, agent, short state, full text): each client's latest state replaces its last
LinkHandler = Callable[["PopClient", str, str, str], None]


class NotConnected(ConnectionError):
    """A command was asked of a client that has no live connection (or lost it)."""


class ClientRefused(Exception):
    """The broker closed the socket with a code that a reconnect would only repeat."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"broker refused the connection (close code {code})")
        self.code = code


def ws_url(host: str, port: int) -> str:
    return f"ws://{host}:{port}/ws"


class PopClient:
    """Connects, says hello, hands every welcome and event to `on_frame`, and reconnects.

    `last_seq` is the newest event seq handled; a reconnect sends it so the broker
    replays what was missed. Duplicates (seq not above it) are dropped.
    """

    def __init__(
        self,
        url: str,
        token: str,
        on_frame: FrameHandler,
        session: aiohttp.ClientSession,
        *,
        on_note: NoteHandler | None = None,
        on_link: LinkHandler | None = None,
        backoff_min: float = 0.5,
        backoff_max: float = 10.0,
        heartbeat: float | None = 20.0,
        rng: random.Random | None = None,
    ) -> None:
        self.url = url
        self._token = token
        self._on_frame = on_frame
        self._on_note = on_note or (lambda text: None)
        self._on_link = on_link or (lambda client, agent, state, text: None)
        self._session = session
        self.backoff_min, self.backoff_max = backoff_min, backoff_max
        self.heartbeat = heartbeat
        self._rng = rng or random.Random()
        self.last_seq: int | None = None
        self.epoch: str | None = None  # of the broker journal last_seq counts in
        self.agent: str | None = None
        self.extension: str | None = None
        self.welcomes = 0  # how many times the broker let us in
        self.welcomed = asyncio.Event()  # set on each welcome, cleared on each drop
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._results: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._commands = 0

    @property
    def label(self) -> str:
        return self.agent or "agent"

    async def run(self) -> None:
        """Follow the agent until cancelled; raise ClientRefused on a fatal close code."""
        delay = self.backoff_min
        failures = 0
        while True:
            before = self.welcomes
            try:
                code = await self._connect_once()
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                failures += 1
                level = logging.WARNING if failures == 1 else logging.DEBUG  # once per outage
                log.log(level, "%s: cannot reach %s: %s", self.label, self.url, exc)
                code = None
            self.welcomed.clear()
            if code in FATAL_CLOSE_CODES:
                self._report("refused", f"refused by the broker (close code {code})")
                raise ClientRefused(code)
            if self.welcomes > before:
                delay, failures = self.backoff_min, 0
            pause = delay * self._rng.uniform(0.5, 1.0)  # jitter: agents do not stampede
            self._report(
                f"reconnecting in {pause:.1f}s",
                f"disconnected (code {code}); retrying in {pause:.2f}s from seq {self.last_seq}",
            )
            await asyncio.sleep(pause)
            delay = min(delay * 2, self.backoff_max)

    def _report(self, state: str, text: str) -> None:
        """A connection change, to the note (full text) and link (latest state) handlers."""
        self._on_note(f"{self.label}: {text}")
        self._on_link(self, self.label, state, f"{self.label}: {text}")

    async def command(
        self, name: str, args: dict[str, Any] | None = None, timeout: float = 15.0
    ) -> dict[str, Any]:
        """Send a protocol command as this agent; its result frame (``ok`` may be false).

        Raises `NotConnected` when there is no live connection or it drops meanwhile,
        and TimeoutError when no result comes within `timeout` seconds.
        """
        ws = self._ws
        if ws is None or ws.closed or not self.welcomed.is_set():
            raise NotConnected(f"{self.label} is not connected")
        self._commands += 1
        command_id = f"{name}-{self._commands}"
        result = self._results[command_id] = asyncio.get_running_loop().create_future()
        try:
            await ws.send_json(command_frame(command_id, name, args or {}))
            async with asyncio.timeout(timeout):
                frame: dict[str, Any] = await result
                return frame
        finally:
            self._results.pop(command_id, None)

    async def _connect_once(self) -> int | None:
        """One connection from hello to close; returns the broker's close code."""
        async with self._session.ws_connect(self.url, heartbeat=self.heartbeat) as ws:
            self._ws = ws
            try:
                await ws.send_json(hello_frame(self._token, self.last_seq, self.epoch))
                async for msg in ws:
                    if msg.type == aiohttp.WSMsgType.TEXT:
                        self._receive(msg.data)
                    elif msg.type == aiohttp.WSMsgType.ERROR:
                        log.warning("%s: socket error: %s", self.label, ws.exception())
                        break
            finally:
                self._ws = None
                self._drop_results()
            return ws.close_code

    def _drop_results(self) -> None:
        """Commands still waiting will get no result on this connection."""
        for result in self._results.values():
            if not result.done():
                result.set_exception(NotConnected(f"{self.label} lost its connection"))

    def _receive(self, text: str) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            log.warning("%s: ignoring a frame that is not JSON", self.label)
            return
        if not isinstance(frame, dict):
            return
        op = frame.get("op")
        if op == OP_WELCOME:
            self._welcome(frame)
        elif op == OP_RESULT:
            result = self._results.get(str(frame.get("id")))
            if result is not None and not result.done():
                result.set_result(frame)
        elif op == OP_EVENT:
            seq = frame.get("seq")
            if not isinstance(seq, int):
                log.warning("%s: event without a seq ignored", self.label)
                return
            if self.last_seq is not None and seq <= self.last_seq:
                log.debug("%s: duplicate event %d dropped", self.label, seq)
                return
            self.last_seq = seq
            self._on_frame(self.label, frame)
        else:
            log.debug("%s: ignoring %s frame", self.label, op)

    def _welcome(self, frame: dict[str, Any]) -> None:
        self.agent = str(frame.get("agent"))
        self.extension = str(frame.get("extension"))
        seq = frame.get("seq")
        epoch = frame.get("epoch") if isinstance(frame.get("epoch"), str) else None
        fresh = self.last_seq is None or frame.get("resync") or epoch != self.epoch
        self.epoch = epoch
        if fresh and isinstance(seq, int):
            self.last_seq = seq  # nothing to replay: start from the broker's present
        self.welcomes += 1
        log.info("%s: connected as extension %s (seq %s)", self.label, self.extension, seq)
        self._report("connected", f"connected (extension {self.extension}, seq {seq})")
        self._on_frame(self.label, frame)
        self.welcomed.set()


class Team:
    """The demo's agents, and its supervisor if it has one, as protocol-v1 clients whose
    frames go to `view` (the supervisor's to its queue line)."""

    def __init__(
        self,
        url: str,
        tokens: Mapping[str, str],
        view: TerminalView,
        http: aiohttp.ClientSession,
        supervisor_token: str | None = None,
        **options: Any,
    ) -> None:
        """``tokens`` maps each agent's extension to its token."""
        self.also: list[Callable[[str, Mapping[str, Any]], None]] = []
        self.agents = {
            extension: PopClient(
                url, token, self._handler(view, extension), http, on_link=view.link, **options
            )
            for extension, token in tokens.items()
        }
        self.supervisor: PopClient | None = None
        if supervisor_token is not None:
            self.supervisor = PopClient(
                url, supervisor_token, view.supervise, http, on_link=view.link, **options
            )
            view.supervised_by(self.supervisor)

    def _handler(self, view: TerminalView, extension: str) -> FrameHandler:
        """An agent's frames go to the view, then to whoever `also` (the demo's desk work)."""

        def handle(agent: str, frame: Mapping[str, Any]) -> object:
            rows = view.handle(agent, frame)
            for listener in self.also:
                listener(extension, frame)
            return rows

        return handle

    @property
    def clients(self) -> list[PopClient]:
        extra = [self.supervisor] if self.supervisor is not None else []
        return [*self.agents.values(), *extra]

    async def run(self) -> None:
        """Follow everyone until cancelled; a refused client ends it (ClientRefused)."""
        tasks = [asyncio.create_task(c.run(), name="pop-client") for c in self.clients]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def watch(
    url: str,
    tokens: Sequence[str],
    view: TerminalView,
    *,
    session: aiohttp.ClientSession | None = None,
    **options: Any,
) -> None:
    """Show the pops of every token's agent in `view` until cancelled or refused.

    `options` go to each PopClient (backoff, heartbeat).
    """
    own = session is None
    http = session or aiohttp.ClientSession()
    try:
        await Team(url, {str(i): t for i, t in enumerate(tokens)}, view, http, **options).run()
    finally:
        if own:
            await http.close()
