"""The chat endpoint run with settings built from config: origins and trusted proxies."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import aiohttp
import pytest

from cti.channels.chat import ChatLimits, ChatSettings
from cti.config import load_config
from cti.config.chat_options import chat_settings
from tests.integration.channels.chat_server import ChatServer, chat_server, receive

ONE_CHAT = ChatLimits(chats_per_minute=0.01, chat_burst=1)
LOOPBACK = (ipaddress.ip_network("127.0.0.1"),)


async def open_chat(server: ChatServer, forwarded_for: str) -> int:
    """The handshake status: 101 when the chat opened (and was greeted), else the refusal."""
    headers = {"X-Forwarded-For": forwarded_for}
    try:
        socket = await server.http.ws_connect(server.url, headers=headers)
    except aiohttp.WSServerHandshakeError as refused:
        return refused.status
    await socket.send_json({"op": "hello"})
    assert (await receive(socket))["op"] == "welcome"
    return 101


async def test_default_config_lets_no_page_and_no_originless_client_open_a_chat(
    tmp_path: Path,
) -> None:
    settings = chat_settings(load_config(tmp_path).chat)
    async with chat_server(settings) as server:
        for origin in ("http://127.0.0.1", None):
            with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
                await server.http.ws_connect(server.url, origin=origin)
            assert caught.value.status == 403


async def test_behind_a_trusted_proxy_each_forwarded_visitor_has_its_own_chat_budget() -> None:
    settings = ChatSettings(limits=ONE_CHAT, trusted_proxies=LOOPBACK)
    async with chat_server(settings) as server:
        assert await open_chat(server, "198.51.100.1") == 101
        assert await open_chat(server, "198.51.100.2") == 101
        assert await open_chat(server, "198.51.100.1") == 429


async def test_from_an_untrusted_peer_the_forwarded_header_buys_no_new_budget() -> None:
    async with chat_server(ChatSettings(limits=ONE_CHAT)) as server:
        assert await open_chat(server, "198.51.100.1") == 101
        assert await open_chat(server, "198.51.100.2") == 429
