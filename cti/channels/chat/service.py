"""The visitor chat endpoint ``/chat/ws`` and the chat channel's `Replies`.

Each visitor socket is one chat with an unguessable id; the visitor never names a chat,
so nothing a visitor sends can reach another chat. What agents send carries only the
agent's display name. When the socket goes, the chat has left: the core closes the
interaction and keeps the transcript it already holds.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from aiohttp import WSMsgType, web

from cti.channels.chat import frames
from cti.channels.chat.address import Network, visitor_address
from cti.channels.chat.frames import BadFrame, VisitorHello, VisitorLeave, VisitorMessage
from cti.channels.chat.limits import ChatLimits, TokenBucket, VisitorLimiter
from cti.channels.chat.widget import add_widget_routes
from cti.channels.inbound import Channel, Inbound, Intake, Outbound, Party

log = logging.getLogger(__name__)

CLOSE_BAD_HELLO = 4000
CLOSE_HELLO_TIMEOUT = 4008
CLOSE_GOING_AWAY = 1001


class VisitorTypingSink(Protocol):
    """Where a visitor's typing state goes (the core forwards it to the agent)."""

    def visitor_typing(self, chat_id: str, on: bool) -> None: ...


class ChatGone(LookupError):
    """The visitor of this chat is no longer connected; nothing was delivered."""


@dataclass(frozen=True, slots=True)
class ChatSettings:
    hello_timeout: float = 10.0
    max_frame_bytes: int = 8192
    max_text_chars: int = 2000
    allowed_origins: frozenset[str] | None = None  # None: any site may embed the widget
    demo_page: bool = True  # /chat/demo: a page that embeds the widget, to try it
    trusted_proxies: tuple[Network, ...] = ()  # peers whose X-Forwarded-For is believed
    limits: ChatLimits = field(default_factory=ChatLimits)


@dataclass(eq=False)
class VisitorChat:
    chat_id: str
    visitor: Party
    address: str
    socket: web.WebSocketResponse
    bucket: TokenBucket
    left: bool = False


@dataclass
class ChatService:
    intake: Intake
    settings: ChatSettings = field(default_factory=ChatSettings)
    typing_sink: VisitorTypingSink | None = None
    clock: Callable[[], float] = time.time
    chats: dict[str, VisitorChat] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.limiter = VisitorLimiter(self.settings.limits)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        origins = self.settings.allowed_origins
        if origins is not None and request.headers.get("Origin") not in origins:
            raise web.HTTPForbidden(text="this site may not open chats")
        forwarded = request.headers.get("X-Forwarded-For")
        address = visitor_address(request.remote, forwarded, self.settings.trusted_proxies)
        if not self.limiter.may_open(address):
            raise web.HTTPTooManyRequests(text="too many chats from this address")
        socket = web.WebSocketResponse(max_msg_size=self.settings.max_frame_bytes, heartbeat=30)
        await socket.prepare(request)
        chat = await self._greet(socket, address)
        if chat is not None:
            try:
                await self._converse(chat)
            finally:
                self._leave(chat, "visitor_left")
        return socket

    async def _greet(self, socket: web.WebSocketResponse, address: str) -> VisitorChat | None:
        try:
            async with asyncio.timeout(self.settings.hello_timeout):
                message = await socket.receive()
        except TimeoutError:
            await socket.close(code=CLOSE_HELLO_TIMEOUT, message=b"hello expected")
            return None
        if message.type != WSMsgType.TEXT:
            await socket.close(code=CLOSE_BAD_HELLO, message=b"hello expected")
            return None
        try:
            hello = frames.parse_frame(message.data, self.settings.max_text_chars)
            if not isinstance(hello, VisitorHello):
                raise BadFrame("bad-hello", "the first frame must be a hello")
        except BadFrame as bad:
            await socket.send_str(frames.error(bad.error, bad.message))
            await socket.close(code=CLOSE_BAD_HELLO, message=bad.error.encode())
            return None
        chat = VisitorChat(
            uuid.uuid4().hex, hello.visitor, address, socket, self.limiter.chat_bucket()
        )
        self.chats[chat.chat_id] = chat
        await socket.send_str(frames.welcome(chat.chat_id))
        log.info("chat %s opened from %s", chat.chat_id, address)
        return chat

    async def _converse(self, chat: VisitorChat) -> None:
        async for message in chat.socket:
            if message.type != WSMsgType.TEXT:
                await chat.socket.send_str(frames.error("bad-frame", "frames must be text"))
                continue
            try:
                frame = frames.parse_frame(message.data, self.settings.max_text_chars)
            except BadFrame as bad:
                await chat.socket.send_str(frames.error(bad.error, bad.message))
                continue
            if isinstance(frame, VisitorLeave):
                self._leave(chat, "visitor_left")  # before the close handshake's wait
                await chat.socket.close()
                return
            if isinstance(frame, VisitorMessage):
                await self._visitor_said(chat, frame.text)
            elif not isinstance(frame, VisitorHello) and self.typing_sink is not None:
                self.typing_sink.visitor_typing(chat.chat_id, frame.on)

    async def _visitor_said(self, chat: VisitorChat, text: str) -> None:
        if not self.limiter.may_send(chat.address, chat.bucket):
            await chat.socket.send_str(frames.error("rate-limited", "slow down, please"))
            return
        message_id = f"chat:{uuid.uuid4().hex}"
        inbound = Inbound("chat", chat.chat_id, message_id, chat.visitor, text, self.clock())
        self.intake.arrived(inbound)
        await chat.socket.send_str(frames.ack(message_id))

    def _leave(self, chat: VisitorChat, reason: str) -> None:
        if chat.left:
            return
        chat.left = True
        self.chats.pop(chat.chat_id, None)
        self.intake.left("chat", chat.chat_id, reason)
        log.info("chat %s left: %s", chat.chat_id, reason)

    async def send(self, outbound: Outbound) -> str:
        """Deliver an agent's message; raises `ChatGone` if the visitor has left."""
        chat = self._open_chat(outbound.thread_key)
        message_id = f"chat:{uuid.uuid4().hex}"
        text = frames.plain_text(outbound.text)
        frame = frames.agent_message(message_id, outbound.agent_name, text, self.clock())
        await chat.socket.send_str(frame)
        return message_id

    async def typing(self, channel: Channel, thread_key: str, agent_name: str, on: bool) -> None:
        chat = self._open_chat(thread_key)
        await chat.socket.send_str(frames.agent_typing(agent_name, on))

    def _open_chat(self, chat_id: str) -> VisitorChat:
        chat = self.chats.get(chat_id)
        if chat is None or chat.socket.closed:
            raise ChatGone(chat_id)
        return chat

    async def close_all(self) -> None:
        """On shutdown: tell every visitor we are going, so no handler holds the app."""
        for chat in list(self.chats.values()):
            await chat.socket.close(code=CLOSE_GOING_AWAY, message=b"server shutting down")


def add_chat_routes(app: web.Application, service: ChatService) -> None:
    app.router.add_get("/chat/ws", service.handle)
    add_widget_routes(app, service.settings.demo_page)

    async def close_chats(_: web.Application) -> None:
        await service.close_all()

    app.on_shutdown.append(close_chats)
