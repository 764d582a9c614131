"""Asyncio AMI client: login, actions and responses, the event stream, reconnect.

A thin transport around the sans-I/O parser. Events reach `on_event` synchronously
and in order straight from the read loop; the call tracker is sync and fast, and
any queue in between would only add latency and reordering risk.

The client owns the log lines about the link: one line when it comes up, and one line
per failed attempt or lost link that says why and when the next try is. State changes
(`on_state`) are for code, not for the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Literal

from cti.ami.actions import (
    ActionFields,
    ActionIds,
    AmiDisconnected,
    AmiError,
    AmiTimeout,
    PendingActions,
    encode_action,
)
from cti.ami.attempt import REFUSED_LOGIN, SessionEnd, unreachable_reason
from cti.ami.messages import Banner, Event, Response
from cti.ami.parser import AmiParser
from cti.ami.settings import AmiSettings, Backoff

logger = logging.getLogger(__name__)

__all__ = [
    "AmiClient",
    "AmiDisconnected",
    "AmiError",
    "AmiSettings",
    "AmiTimeout",
    "State",
]

State = Literal["connecting", "connected", "disconnected", "auth-failed"]
READ_SIZE = 65536


class AmiClient:
    """One AMI session at a time, re-established forever until `close()`."""

    def __init__(
        self,
        settings: AmiSettings,
        on_event: Callable[[Event], None],
        on_connected: Callable[[AmiClient], Awaitable[None]] | None = None,
        on_state: Callable[[str], None] | None = None,
        *,
        events: Collection[str] | None = None,
    ) -> None:
        """`events` limits parsing to the events `on_event` uses (see AmiParser)."""
        self.settings = settings
        self._events = events
        self.banner: Banner | None = None
        self._on_event = on_event
        self._on_connected = on_connected
        self._on_state = on_state
        self._state: State = "disconnected"
        self._ids = ActionIds()
        self._pending = PendingActions()
        self._backoff = Backoff(settings.reconnect_min, settings.reconnect_max)
        self._writer: asyncio.StreamWriter | None = None
        self._closing = False
        self._wake = asyncio.Event()
        self._attempt: asyncio.Task[SessionEnd] | None = None
        self._run_task: asyncio.Task[None] | None = None

    @property
    def state(self) -> str:
        return self._state

    async def run(self) -> None:
        """Connect, log in, read; reconnect with backoff; return after `close()`."""
        self._run_task = asyncio.current_task()
        try:
            while not self._closing:
                self._attempt = asyncio.create_task(self._attempt_session())
                try:
                    ended = await self._attempt
                except asyncio.CancelledError:
                    if self._closing and not _cancelling():
                        break
                    raise
                if self._closing:
                    break
                if ended.healthy:
                    self._backoff.reset()
                delay = self._backoff.next()
                logger.warning(ended.message + "; next try in %.1f s", *ended.args, delay)
                await self._pause(delay)
        finally:
            self._attempt = self._run_task = None
            self._set_state("disconnected")

    async def close(self) -> None:
        """Log off (best effort, briefly), close the socket, make `run()` return."""
        self._closing = True
        self._wake.set()
        if self._state == "connected":
            with contextlib.suppress(AmiError):
                await self._request("Logoff", None, min(2.0, self.settings.action_timeout))
        current, attempt, run_task = asyncio.current_task(), self._attempt, self._run_task
        if self._writer is not None:
            self._writer.close()
        if attempt is not None and attempt is not current:
            attempt.cancel()
            await asyncio.wait({attempt})
            if run_task is not None and run_task is not current:
                await asyncio.wait({run_task})

    async def send_action(
        self, name: str, fields: ActionFields | None = None, *, timeout: float | None = None
    ) -> Response:
        """Send one action and wait for its response (matched by our own ActionID).

        Raises AmiDisconnected when not connected or when the link drops meanwhile,
        AmiTimeout after `timeout` (default `action_timeout`) seconds.
        """
        self._require_connected()
        response, _ = await self._request(name, fields, timeout)
        return response

    async def send_list_action(
        self, name: str, fields: ActionFields | None = None, *, timeout: float | None = None
    ) -> tuple[Response, list[Event]]:
        """Send an action answered by ``EventList: start`` .. ``EventList: Complete``.

        Returns the response and the item events; ``(response, [])`` on an error.
        The items never reach `on_event`.
        """
        self._require_connected()
        return await self._request(name, fields, timeout, is_list=True)

    def _require_connected(self) -> None:
        if self._state != "connected":
            raise AmiDisconnected(f"AMI client is {self._state}, not connected")

    async def _request(
        self,
        name: str,
        fields: ActionFields | None,
        timeout: float | None,
        *,
        is_list: bool = False,
    ) -> tuple[Response, list[Event]]:
        writer = self._writer
        if writer is None or writer.is_closing():
            raise AmiDisconnected("not connected to AMI")
        action_id = self._ids.next()
        data = encode_action(name, action_id, fields)
        pending = self._pending.add(action_id, name, is_list=is_list)
        limit = self.settings.action_timeout if timeout is None else timeout
        try:
            async with asyncio.timeout(limit):
                writer.write(data)
                await writer.drain()
                return await pending.future
        except AmiError:
            raise
        except TimeoutError:
            raise AmiTimeout(f"no answer to AMI {name} ({action_id}) within {limit:g} s") from None
        except ConnectionError as exc:
            raise AmiDisconnected(f"AMI connection lost during {name}") from exc
        finally:
            self._pending.discard(action_id)

    async def _attempt_session(self) -> SessionEnd:
        """One connection's life, and how it ended."""
        host, port, timeout = self.settings.host, self.settings.port, self.settings.connect_timeout
        self._set_state("connecting")
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        except OSError as exc:  # TimeoutError included
            self._set_state("disconnected")
            reason = unreachable_reason(exc, timeout)
            return SessionEnd(False, "AMI %s:%d unreachable (%s)", (host, port, reason))
        self._writer = writer
        reading = asyncio.create_task(self._read_loop(reader))
        try:
            return await self._session(reading)
        finally:
            self._writer = None
            writer.close()
            reading.cancel()
            await asyncio.wait({reading})
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            self._pending.fail_all(AmiDisconnected("AMI connection closed"))

    async def _session(self, reading: asyncio.Task[None]) -> SessionEnd:
        host, port, user = self.settings.host, self.settings.port, self.settings.username
        try:
            response = await self._login()
        except AmiError as exc:
            self._set_state("disconnected")
            return SessionEnd(False, "AMI login to %s:%d failed (%s)", (host, port, exc))
        if not response.ok:
            reason = response.message or response.status
            self._set_state("auth-failed")
            return SessionEnd(False, REFUSED_LOGIN, (host, port, user, reason, user))
        logger.info("AMI %s:%d connected, logged in as %r", host, port, user)
        self._set_state("connected")
        keepalive = asyncio.create_task(self._keepalive())
        healthy = False
        try:
            healthy = await self._resync()
            await asyncio.wait({reading})
        finally:
            keepalive.cancel()
        if not self._closing:
            self._set_state("disconnected")
        return SessionEnd(healthy, "AMI %s:%d disconnected (connection lost)", (host, port))

    async def _resync(self) -> bool:
        if self._on_connected is None:
            return True
        try:
            await self._on_connected(self)
        except AmiDisconnected:
            return False
        except Exception:
            logger.exception("on_connected callback failed")
        return True

    async def _login(self) -> Response:
        settings = self.settings
        fields = {"Username": settings.username, "Events": settings.events}
        if settings.auth == "md5":
            challenge, _ = await self._request("Challenge", {"AuthType": "MD5"}, None)
            if not challenge.ok:
                return challenge
            digest = hashlib.md5(usedforsecurity=False)
            digest.update((challenge.get("Challenge") + settings.secret).encode())
            fields |= {"AuthType": "MD5", "Key": digest.hexdigest()}
        else:
            fields["Secret"] = settings.secret
        response, _ = await self._request("Login", fields, None)
        return response

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        feed = AmiParser(self.settings.max_frame_bytes, events=self._events).feed
        claims, on_event, lists = self._pending.claims, self._on_event, self._pending.lists
        try:
            while data := await reader.read(READ_SIZE):
                for message in feed(data):
                    if type(message) is Event:
                        if lists and claims(message):
                            continue
                        try:
                            on_event(message)
                        except Exception:
                            logger.exception("on_event failed for AMI event %s", message.name)
                    else:
                        self._on_reply(message)
        except OSError as exc:
            logger.debug("AMI read failed: %s", exc)
        finally:
            self._pending.fail_all(AmiDisconnected("AMI connection lost"))

    def _on_reply(self, message: Event | Response | Banner) -> None:
        if isinstance(message, Banner):
            self.banner = message
            logger.debug("AMI banner: %s", message.text)
        elif isinstance(message, Response) and not self._pending.on_response(message):
            logger.debug("AMI response nobody waits for: ActionID=%r", message.action_id)

    async def _keepalive(self) -> None:
        interval = self.settings.ping_interval
        if interval <= 0:
            return
        timeout = min(interval, self.settings.action_timeout)
        while True:
            await asyncio.sleep(interval)
            try:
                await self._request("Ping", None, timeout)
            except AmiTimeout:
                logger.warning("AMI did not answer Ping within %g s; reconnecting", timeout)
                if self._writer is not None:
                    self._writer.transport.abort()
                return
            except AmiDisconnected:
                return

    async def _pause(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    def _set_state(self, state: State) -> None:
        if state == self._state:
            return
        self._state = state
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:
                logger.exception("on_state callback failed")


def _cancelling() -> int:
    task = asyncio.current_task()
    return task.cancelling() if task is not None else 0
