"""A simulated website visitor who chats over the real visitor socket ``/chat/ws``.

It speaks the widget's protocol (docs/channels.md): a hello with what it chose to give
(name, email, phone), an opening line, then for each agent message a short think, a
typing indicator and an answer; after a few answers it says goodbye and leaves. A visitor
nobody answers gives up after its patience runs out and leaves too, as people do. Times
are simulated seconds, divided by the demo's speed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from random import Random
from typing import Any

import aiohttp

from cti.demo.customer_lines import CHAT_ANSWERS, CHAT_GOODBYES, CHAT_OPENINGS

log = logging.getLogger(__name__)

THINK = (2.0, 6.0)  # simulated seconds before answering an agent
TYPE = (1.0, 3.0)  # simulated seconds the visitor is seen typing
PATIENCE = (120.0, 300.0)  # simulated seconds a visitor waits for a word from an agent
ANSWERS = (1, 3)  # answers before the goodbye


@dataclass(frozen=True, slots=True)
class Visitor:
    """What the visitor tells the chat in its hello; any of it may be left out."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None

    def hello(self) -> dict[str, Any]:
        frame: dict[str, Any] = {"op": "hello"}
        for key in ("name", "email", "phone"):
            if getattr(self, key):
                frame[key] = getattr(self, key)
        return frame


@dataclass
class ChatOutcome:
    """What happened in one chat, for the demo's log and the tests."""

    chat_id: str | None = None
    agent_lines: list[str] = field(default_factory=list)  # texts the agents sent
    sent: list[str] = field(default_factory=list)  # texts the visitor sent
    errors: list[str] = field(default_factory=list)  # error ids the server sent
    ended: str = "not started"  # left | gave up | closed by the server | refused (...)


class ChatVisitor:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        broker: str,
        visitor: Visitor,
        rng: Random,
        speed: float = 1.0,
    ) -> None:
        """``broker``: the server's http URL; the visitor comes from its own origin, the
        way the demo page `/chat/demo` opens chats."""
        self.http, self.broker, self.visitor = http, broker.rstrip("/"), visitor
        self.rng, self.speed = rng, speed
        self.outcome = ChatOutcome()
        self._answers_left = rng.randint(*ANSWERS)

    async def run(self) -> ChatOutcome:
        """Chat until the visitor leaves, gives up, or the server closes the chat."""
        url = self.broker.replace("http", "ws", 1) + "/chat/ws"
        try:
            async with self.http.ws_connect(url, headers={"Origin": self.broker}) as socket:
                await self._converse(socket)
        except aiohttp.WSServerHandshakeError as refused:
            self.outcome.ended = f"refused ({refused.status})"
        except (aiohttp.ClientError, OSError) as exc:
            self.outcome.ended = f"refused ({exc})"
        log.info("demo chat %s: %s", self.outcome.chat_id or "-", self.outcome.ended)
        return self.outcome

    async def _converse(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        await socket.send_json(self.visitor.hello())
        await self._say(socket, self.rng.choice(CHAT_OPENINGS))
        patience = self._seconds(PATIENCE)
        while True:
            try:
                async with asyncio.timeout(patience):
                    message = await socket.receive()
            except TimeoutError:
                self.outcome.ended = "gave up"
                await self._leave(socket)
                return
            if message.type != aiohttp.WSMsgType.TEXT:
                self.outcome.ended = "closed by the server"
                return
            try:
                frame = json.loads(message.data)
            except ValueError:
                frame = None
            if isinstance(frame, dict) and await self._handle(socket, frame):
                return

    async def _handle(self, socket: aiohttp.ClientWebSocketResponse, frame: dict[str, Any]) -> bool:
        """One server frame; true once the visitor has left."""
        op = frame.get("op")
        if op == "welcome":
            self.outcome.chat_id = str(frame.get("chat_id"))
        elif op == "error":
            self.outcome.errors.append(str(frame.get("error")))
        elif op == "message":
            self.outcome.agent_lines.append(str(frame.get("text")))
            return await self._answer(socket)
        return False

    async def _answer(self, socket: aiohttp.ClientWebSocketResponse) -> bool:
        await asyncio.sleep(self._seconds(THINK))
        await socket.send_json({"op": "typing", "on": True})
        await asyncio.sleep(self._seconds(TYPE))
        await socket.send_json({"op": "typing", "on": False})
        if self._answers_left > 0:
            self._answers_left -= 1
            await self._say(socket, self.rng.choice(CHAT_ANSWERS))
            return False
        await self._say(socket, self.rng.choice(CHAT_GOODBYES))
        await asyncio.sleep(self._seconds(THINK))
        self.outcome.ended = "left"
        await self._leave(socket)
        return True

    async def _say(self, socket: aiohttp.ClientWebSocketResponse, text: str) -> None:
        self.outcome.sent.append(text)
        await socket.send_json({"op": "message", "text": text})

    async def _leave(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        await socket.send_json({"op": "leave"})
        await socket.close()

    def _seconds(self, span: tuple[float, float]) -> float:
        return self.rng.uniform(*span) / self.speed
