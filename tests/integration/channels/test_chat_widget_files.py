"""The widget's files and demo page as a real aiohttp server serves them on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib import resources

import pytest

from cti.channels.chat import ChatSettings
from cti.channels.chat.widget import CACHE_CONTROL
from tests.integration.channels.chat_server import ChatServer, chat_server


@pytest.fixture
async def server() -> AsyncIterator[ChatServer]:
    async with chat_server() as running:
        yield running


def packaged(name: str) -> bytes:
    return resources.files("cti.channels.chat").joinpath("static", name).read_bytes()


async def test_widget_script_is_served_as_javascript_with_caching_headers(
    server: ChatServer,
) -> None:
    async with server.http.get(server.base + "/chat/widget.js") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert response.headers["Cache-Control"] == CACHE_CONTROL
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["ETag"].startswith('"')
        assert await response.read() == packaged("widget.js")


async def test_widget_stylesheet_is_served_as_css(server: ChatServer) -> None:
    async with server.http.get(server.base + "/chat/widget.css") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/css; charset=utf-8"
        assert response.headers["Cache-Control"] == CACHE_CONTROL
        assert await response.read() == packaged("widget.css")


async def test_a_cached_widget_is_answered_not_modified_without_a_body(server: ChatServer) -> None:
    url = server.base + "/chat/widget.js"
    async with server.http.get(url) as first:
        etag = first.headers["ETag"]
    async with server.http.get(url, headers={"If-None-Match": etag}) as again:
        assert again.status == 304
        assert again.headers["ETag"] == etag
        assert await again.read() == b""
    async with server.http.get(url, headers={"If-None-Match": '"stale"'}) as changed:
        assert changed.status == 200


async def test_demo_page_embeds_the_widget_under_a_strict_policy(server: ChatServer) -> None:
    async with server.http.get(server.base + "/chat/demo") as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert '<script src="/chat/widget.js" defer></script>' in await response.text()
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


async def test_demo_page_can_be_turned_off() -> None:
    async with chat_server(ChatSettings(demo_page=False)) as server:
        async with server.http.get(server.base + "/chat/demo") as response:
            assert response.status == 404
        async with server.http.get(server.base + "/chat/widget.js") as response:
            assert response.status == 200
