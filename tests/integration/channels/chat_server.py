"""A real aiohttp server with the chat endpoint on 127.0.0.1:0, and visitor clients."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from cti.channels.chat import ChatService, ChatSettings, add_chat_routes
from tests.recording_intake import RecordingIntake


@dataclass
class TypingLog:
    states: list[tuple[str, bool]] = field(default_factory=list)

    def visitor_typing(self, chat_id: str, on: bool) -> None:
        self.states.append((chat_id, on))


@dataclass
class ChatServer:
    url: str
    service: ChatService
    intake: RecordingIntake
    typing: TypingLog
    http: aiohttp.ClientSession
    base: str  # http://127.0.0.1:<port>, for the widget's files and demo page

    async def visitor(self, **hello: Any) -> Visitor:
        socket = await self.http.ws_connect(self.url)
        await socket.send_json({"op": "hello", **hello})
        welcome = await receive(socket)
        assert welcome["op"] == "welcome", welcome
        return Visitor(socket, welcome["chat_id"])


@dataclass
class Visitor:
    socket: aiohttp.ClientWebSocketResponse
    chat_id: str

    async def say(self, text: str) -> dict[str, Any]:
        await self.socket.send_json({"op": "message", "text": text})
        return await receive(self.socket)


async def receive(socket: aiohttp.ClientWebSocketResponse, timeout: float = 30.0) -> Any:
    message = await socket.receive(timeout=timeout)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


@asynccontextmanager
async def chat_server(settings: ChatSettings | None = None) -> AsyncIterator[ChatServer]:
    intake, typing = RecordingIntake(), TypingLog()
    service = ChatService(intake, settings or ChatSettings(), typing)
    app = web.Application()
    add_chat_routes(app, service)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{port}"
            yield ChatServer(f"{base}/chat/ws", service, intake, typing, http, base)
    finally:
        await runner.cleanup()
