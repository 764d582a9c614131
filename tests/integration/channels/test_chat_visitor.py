"""The visitor chat endpoint with real WebSocket clients on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from cti.channels.chat import ChatGone, ChatLimits, ChatSettings
from cti.channels.chat.service import CLOSE_BAD_HELLO, CLOSE_HELLO_TIMEOUT
from cti.channels.inbound import Outbound
from tests.integration.channels.chat_server import ChatServer, chat_server, receive


@pytest.fixture
async def server() -> AsyncIterator[ChatServer]:
    async with chat_server(ChatSettings(hello_timeout=2.0, max_text_chars=50)) as running:
        yield running


async def test_visitor_message_reaches_the_intake_with_the_visitor_details(
    server: ChatServer,
) -> None:
    visitor = await server.visitor(name="Ann", email="Ann@Example.com", phone="+4420")
    reply = await visitor.say("  Hello <b>there</b>  ")
    [inbound] = server.intake.arrivals
    assert reply == {"op": "ack", "message_id": inbound.message_id}
    assert (inbound.channel, inbound.thread_key) == ("chat", visitor.chat_id)
    assert inbound.text == "Hello <b>there</b>"
    assert (inbound.sender.name, inbound.sender.email, inbound.sender.phone) == (
        "Ann",
        "ann@example.com",
        "+4420",
    )


async def test_anonymous_visitor_may_chat(server: ChatServer) -> None:
    visitor = await server.visitor()
    await visitor.say("hi")
    assert server.intake.arrivals[0].sender.email is None


async def test_agent_reply_reaches_only_its_visitor_with_only_the_display_name(
    server: ChatServer,
) -> None:
    ann, bob = await server.visitor(name="Ann"), await server.visitor(name="Bob")
    outbound = Outbound("chat", ann.chat_id, "Hi Ann\x07", agent_name="Alice")
    message_id = await server.service.send(outbound)
    frame = await receive(ann.socket)
    assert set(frame) == {"op", "message_id", "author", "text", "at"}
    assert (frame["message_id"], frame["author"], frame["text"]) == (message_id, "Alice", "Hi Ann")
    await bob.say("ping")  # Bob's next frame is his own ack, not Ann's message
    assert server.intake.arrivals[-1].thread_key == bob.chat_id


async def test_agent_typing_reaches_the_visitor(server: ChatServer) -> None:
    visitor = await server.visitor()
    await server.service.typing("chat", visitor.chat_id, "Alice", True)
    assert await receive(visitor.socket) == {"op": "typing", "author": "Alice", "on": True}


async def test_visitor_typing_reaches_the_typing_sink(server: ChatServer) -> None:
    visitor = await server.visitor()
    await visitor.socket.send_json({"op": "typing", "on": True})
    await visitor.say("done")
    assert server.typing.states == [(visitor.chat_id, True)]


async def test_visitor_leaving_closes_the_chat_once(server: ChatServer) -> None:
    visitor = await server.visitor()
    await visitor.socket.send_json({"op": "leave"})
    await server.intake.wait_for(lambda: bool(server.intake.departures))
    assert server.intake.departures == [("chat", visitor.chat_id, "visitor_left")]
    assert (await visitor.socket.receive(timeout=30)).type == aiohttp.WSMsgType.CLOSE
    assert server.intake.departures == [("chat", visitor.chat_id, "visitor_left")]
    with pytest.raises(ChatGone):
        await server.service.send(Outbound("chat", visitor.chat_id, "late", "Alice"))


async def test_dropped_socket_counts_as_leaving(server: ChatServer) -> None:
    visitor = await server.visitor()
    await visitor.socket.close()
    await server.intake.wait_for(lambda: bool(server.intake.departures))
    assert server.intake.departures == [("chat", visitor.chat_id, "visitor_left")]


async def test_reply_to_an_unknown_chat_raises_chat_gone(server: ChatServer) -> None:
    with pytest.raises(ChatGone):
        await server.service.send(Outbound("chat", "no-such-chat", "x", "Alice"))


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ('{"op": "message", "text": "   "}', "empty-message"),
        ('{"op": "message", "text": "' + "x" * 51 + '"}', "message-too-long"),
        ('{"op": "message", "text": 5}', "bad-frame"),
        ('{"op": "typing", "on": "yes"}', "bad-frame"),
        ('{"op": "read_chat", "chat_id": "other"}', "unknown-op"),
        ("not json", "bad-frame"),
    ],
)
async def test_bad_frame_gets_an_error_and_the_chat_goes_on(
    server: ChatServer, frame: str, error: str
) -> None:
    visitor = await server.visitor()
    await visitor.socket.send_str(frame)
    assert (await receive(visitor.socket))["error"] == error
    assert (await visitor.say("still here"))["op"] == "ack"
    assert [inbound.text for inbound in server.intake.arrivals] == ["still here"]


@pytest.mark.parametrize(
    "hello",
    [
        '{"op": "message", "text": "no hello"}',
        '{"op": "hello", "email": "not-an-address"}',
        '{"op": "hello", "name": 7}',
        '{"op": "hello", "name": "' + "n" * 101 + '"}',
    ],
)
async def test_bad_hello_is_refused_and_closed(server: ChatServer, hello: str) -> None:
    socket = await server.http.ws_connect(server.url)
    await socket.send_str(hello)
    assert (await receive(socket))["op"] == "error"
    closing = await socket.receive(timeout=30)
    assert closing.type == aiohttp.WSMsgType.CLOSE
    assert socket.close_code == CLOSE_BAD_HELLO
    assert server.service.chats == {}


async def test_silent_socket_is_closed_after_the_hello_timeout(server: ChatServer) -> None:
    socket = await server.http.ws_connect(server.url)
    closing = await socket.receive(timeout=30)
    assert closing.type == aiohttp.WSMsgType.CLOSE
    assert socket.close_code == CLOSE_HELLO_TIMEOUT


async def test_message_flood_from_one_visitor_is_rate_limited() -> None:
    limits = ChatLimits(messages_per_second=0.01, message_burst=3)
    async with chat_server(ChatSettings(limits=limits)) as server:
        visitor = await server.visitor()
        replies = [(await visitor.say(f"m{index}"))["op"] for index in range(6)]
        assert replies == ["ack"] * 3 + ["error"] * 3
        assert len(server.intake.arrivals) == 3


async def test_one_address_shares_one_budget_across_chats() -> None:
    limits = ChatLimits(address_messages_per_second=0.01, address_message_burst=4)
    async with chat_server(ChatSettings(limits=limits)) as server:
        visitors = [await server.visitor() for _ in range(3)]
        replies = [(await visitor.say("x"))["op"] for visitor in visitors * 2]
        assert replies.count("ack") == 4
        assert len(server.intake.arrivals) == 4


async def test_too_many_chats_from_one_address_are_refused_429() -> None:
    limits = ChatLimits(chats_per_minute=0.01, chat_burst=2)
    async with chat_server(ChatSettings(limits=limits)) as server:
        await server.visitor()
        await server.visitor()
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await server.http.ws_connect(server.url)
        assert caught.value.status == 429


async def test_foreign_origin_is_refused_when_origins_are_configured() -> None:
    settings = ChatSettings(allowed_origins=frozenset({"https://shop.example.com"}))
    async with chat_server(settings) as server:
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await server.http.ws_connect(server.url, origin="https://evil.example.net")
        assert caught.value.status == 403
        socket = await server.http.ws_connect(server.url, origin="https://shop.example.com")
        await socket.send_json({"op": "hello"})
        assert (await receive(socket))["op"] == "welcome"
