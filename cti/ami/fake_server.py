"""A real TCP AMI server on loopback for tests, ``cti replay`` and the PBX simulator.

It speaks with Asterisk 22's exact texts (banner, Login plain and MD5, Ping,
Logoff, unknown actions, CoreShowChannels, QueueStatus), replays recorded events
byte for byte and tracks the channels those events describe. Nothing is patched:
clients connect to it over a socket like they would to Asterisk.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType

from cti.ami.fake_channels import ChannelTable, QueueTable, format_frame
from cti.ami.fake_session import ActionHandler, ActionRequest, FakeAmiConnection, Reply, header
from cti.ami.messages import Event
from cti.ami.parser import AmiParser, parse_frame, parse_headers
from cti.ami.transcript import Transcript, TranscriptFrame, load_transcript, read_transcript

logger = logging.getLogger(__name__)

__all__ = [
    "ActionHandler",
    "ActionRequest",
    "FakeAmiConnection",
    "FakeAmiServer",
    "Reply",
    "Transcript",
    "TranscriptFrame",
    "load_transcript",
    "read_transcript",
]

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
MAX_ACTION_BYTES = 64 * 1024
_OPEN_ACTIONS = frozenset({"login", "challenge", "logoff"})


class FakeAmiServer:
    """Loopback AMI server; ``async with FakeAmiServer() as server: server.port``."""

    def __init__(
        self,
        username: str = "cti",
        secret: str = "ctisecret",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        login_failure_delay: float = 0.0,
        fully_booted: bool = False,
    ) -> None:
        self.username, self._secret = username, secret
        # Asterisk follows a login with Event: FullyBooted; off by default, because a
        # replayed recording already carries the one it got.
        self.fully_booted = fully_booted
        self.host, self._port = host, port
        self.login_failure_delay = login_failure_delay
        self.channels = ChannelTable()
        self.queues = QueueTable()
        self.actions: list[ActionRequest] = []
        self.login_attempts = 0
        self.logins = 0
        # Called with each event just before its bytes are written (benchmarks stamp here).
        self.before_write: Callable[[Event], None] | None = None
        self._connections: dict[FakeAmiConnection, asyncio.Task[None]] = {}
        self._server: asyncio.Server | None = None
        self._changed = asyncio.Condition()
        self._handlers: dict[str, ActionHandler] = {
            "login": self._login,
            "challenge": self._challenge,
            "logoff": self._logoff,
            "ping": self._ping,
            "coreshowchannels": self._core_show_channels,
            "queuestatus": self._queue_status,
        }

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeAmiServer is not started")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def connections(self) -> list[FakeAmiConnection]:
        return list(self._connections)

    def handle(self, action: str, handler: ActionHandler) -> None:
        """Answer `action` (any case) with `handler`; it may return the response fields."""
        self._handlers[action.lower()] = handler

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self._port)
        logger.info("fake AMI server listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        await self.drop_connections()
        if self._server is not None:
            await self._server.wait_closed()

    async def __aenter__(self) -> FakeAmiServer:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def send_frames(self, frames: Iterable[bytes | TranscriptFrame]) -> int:
        """Write frames verbatim to every logged-in client and track what they say."""
        count = 0
        for frame in frames:
            raw = frame.raw if isinstance(frame, TranscriptFrame) else frame
            message = frame.message if isinstance(frame, TranscriptFrame) else None
            if message is None:
                message = parse_frame(raw.rstrip(b"\r\n"))
            if isinstance(message, Event):
                self.channels.apply(message.name, message.headers)
                self.queues.apply(message.name, message.headers)
                if self.before_write is not None:
                    self.before_write(message)
            for connection in self._connections:
                if connection.logged_in:
                    connection.write(raw)
            count += 1
        await self._drain()
        return count

    async def replay(
        self,
        frames: Iterable[TranscriptFrame],
        *,
        until: Callable[[TranscriptFrame], bool] | None = None,
    ) -> int:
        """Send the recorded events (never recorded responses) until `until` is true.

        Returns how many frames of `frames` were consumed, to resume from there.
        """
        consumed = 0
        batch: list[TranscriptFrame] = []
        for frame in frames:
            if until is not None and until(frame):
                break
            consumed += 1
            if frame.is_event:
                batch.append(frame)
        await self.send_frames(batch)
        return consumed

    async def send_event(self, name: str, fields: Mapping[str, str] | None = None) -> None:
        await self.send_frames([format_frame([("Event", name), *(fields or {}).items()])])

    async def wait_logged_in(self, timeout: float = 5.0) -> FakeAmiConnection:
        """Wait until a client is logged in on a live connection; return it."""

        def logged_in() -> FakeAmiConnection | None:
            return next((c for c in self._connections if c.logged_in), None)

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: logged_in() is not None)
        connection = logged_in()
        assert connection is not None
        return connection

    async def wait_for_action(self, name: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` actions called `name` (any case) have arrived."""
        lowered = name.lower()
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(
                lambda: sum(a.name.lower() == lowered for a in self.actions) >= count
            )

    async def drop_connections(self) -> None:
        """Abort every client socket, as a crashing Asterisk would."""
        tasks = list(self._connections.values())
        for connection in list(self._connections):
            connection.abort()
        if tasks:
            await asyncio.wait(tasks)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = FakeAmiConnection(writer)
        task = asyncio.current_task()
        assert task is not None
        self._connections[connection] = task
        parser = AmiParser(MAX_ACTION_BYTES, banner=False)
        try:
            writer.write(BANNER)
            while not writer.is_closing() and (data := await reader.read(65536)):
                for raw in parser.feed_frames(data):
                    await self._dispatch(connection, raw)
                await writer.drain()
        except OSError as exc:
            logger.debug("fake AMI client went away: %s", exc)
        finally:
            del self._connections[connection]
            writer.close()
            await self._notify()

    async def _dispatch(self, connection: FakeAmiConnection, raw: bytes) -> None:
        headers, lists = parse_headers(raw)
        if not headers:
            return
        action = ActionRequest(headers=headers, lists=lists, name=header(headers, "Action"))
        self.actions.append(action)
        await self._notify()
        if not action.name:
            connection.respond(action, "Error", {"Message": "Missing action in request"})
            return
        name = action.name.lower()
        if not connection.logged_in and name not in _OPEN_ACTIONS:
            connection.respond(action, "Error", {"Message": "Permission denied"})
            return
        handler = self._handlers.get(name)
        if handler is None:
            message = (
                f"Invalid/unknown command: {action.name}. "
                "Use Action: ListCommands to show available commands."
            )
            connection.respond(action, "Error", {"Message": message})
            return
        try:
            reply = await handler(connection, action)
        except Exception:
            logger.exception("fake AMI handler for %s failed", action.name)
            reply = {"Response": "Error", "Message": f"{action.name} handler failed"}
        if reply is not None:
            fields = dict(reply)
            connection.respond(action, fields.pop("Response", "Success"), fields)

    async def _login(self, connection: FakeAmiConnection, action: ActionRequest) -> Reply:
        self.login_attempts += 1
        username = action.field("Username")
        if action.field("AuthType").lower() == "md5":
            expected = hashlib.md5(
                (connection.challenge + self._secret).encode(), usedforsecurity=False
            ).hexdigest()
            accepted = bool(connection.challenge) and action.field("Key") == expected
        else:
            accepted = secrets.compare_digest(action.field("Secret"), self._secret)
        if not (accepted and username == self.username):
            await asyncio.sleep(self.login_failure_delay)
            connection.respond(action, "Error", {"Message": "Authentication failed"})
            connection.close()
            return None
        connection.respond(action, "Success", {"Message": "Authentication accepted"})
        if self.fully_booted:
            uptime = str(int(time.monotonic()))
            booted = [("Event", "FullyBooted"), ("Privilege", "system,all")]
            booted += [("Uptime", uptime), ("LastReload", uptime), ("Status", "Fully Booted")]
            connection.write(format_frame(booted))
        connection.logged_in, connection.username = True, username
        self.logins += 1
        await self._notify()
        return None

    async def _challenge(self, connection: FakeAmiConnection, action: ActionRequest) -> Reply:
        if action.field("AuthType").lower() != "md5":
            return {"Response": "Error", "Message": "Must specify AuthType"}
        connection.challenge = str(secrets.randbelow(10**9))
        return {"Challenge": connection.challenge}

    async def _logoff(self, connection: FakeAmiConnection, action: ActionRequest) -> Reply:
        connection.respond(action, "Goodbye", {"Message": "Thanks for all the fish."})
        connection.close()
        return None

    async def _ping(self, connection: FakeAmiConnection, action: ActionRequest) -> Reply:
        return {"Ping": "Pong", "Timestamp": f"{time.time():.6f}"}

    async def _core_show_channels(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        for frame in self.channels.core_show_channels(action.field("ActionID")):
            conn.write(frame)
        return None

    async def _queue_status(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        for frame in self.queues.queue_status(action.field("ActionID"), action.field("Queue")):
            conn.write(frame)
        return None

    async def _drain(self) -> None:
        for connection in list(self._connections):
            with contextlib.suppress(ConnectionError):
                await connection.writer.drain()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()
