"""Sockets that never say hello are capped: the oldest gives way, real agents still connect."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from cti.protocol import CLOSE_GOING_AWAY, CLOSE_NO_TOKEN, CLOSE_TRY_AGAIN, hello_frame
from tests.integration.broker.conftest import StartServer, receive_close, receive_json, wait_until
from tests.integration.broker.rawclient import (
    masked_text_frame,
    open_silent,
    read_close_code,
)

CAP = 8


async def close_frame_code(ws: aiohttp.ClientWebSocketResponse) -> int:
    """The code in the broker's close frame (the client's own reply may race the cut)."""
    while True:
        msg = await ws.receive(timeout=30)
        if msg.type == aiohttp.WSMsgType.CLOSE:
            return int(msg.data)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg


async def test_over_the_cap_the_oldest_silent_sockets_are_closed_and_freed(
    start_broker: StartServer,
) -> None:
    server = await start_broker(max_pending_hellos=CAP, hello_timeout=60.0)
    silent = [await open_silent(server.port) for _ in range(CAP + 5)]
    oldest, newest = silent[:5], silent[5:]
    codes = await asyncio.wait_for(
        asyncio.gather(*(read_close_code(reader) for reader, _ in oldest)), 30
    )
    assert codes == [CLOSE_TRY_AGAIN] * 5, "each got a close frame, then the broker let go"
    assert len(server.ctx.pending) == CAP
    assert server.ctx.metrics.hello_evictions == 5
    for reader, _ in newest:
        assert not reader.at_eof()

    # The newest ones are still served: each that says hello now is welcomed.
    for (reader, writer), token in zip(
        newest[-3:], ("tok-alice", "tok-bob", "tok-sue"), strict=True
    ):
        writer.write(masked_text_frame(b'{"op":"hello","v":1,"token":"' + token.encode() + b'"}'))
        await writer.drain()
        header = await asyncio.wait_for(reader.readexactly(2), 30)
        assert header[0] == 0x81, "a text frame: the welcome"
    await wait_until(lambda: server.ctx.broker.connected_agents() == 3, timeout=30)
    for _, writer in silent:
        writer.close()


async def test_a_real_agent_connects_while_the_cap_is_full(start_broker: StartServer) -> None:
    server = await start_broker(max_pending_hellos=CAP, hello_timeout=60.0)
    silent = [await open_silent(server.port) for _ in range(CAP * 4)]
    started = time.monotonic()
    alice, welcome = await server.connect("tok-alice")
    assert welcome["op"] == "welcome" and time.monotonic() - started < 5
    assert len(server.ctx.pending) == CAP - 1, "alice left the list when welcomed"
    assert server.ctx.metrics.hello_evictions == CAP * 3 + 1
    evicted = silent[: CAP * 3 + 1]
    codes = await asyncio.wait_for(
        asyncio.gather(*(read_close_code(reader) for reader, _ in evicted)), 30
    )
    assert set(codes) == {CLOSE_TRY_AGAIN}
    for _, writer in silent:
        writer.close()
    assert not alice.closed


async def test_an_evicted_desktop_is_told_to_try_again(start_broker: StartServer) -> None:
    """1013 is not one of the refusals (4000-4004): a desktop reconnects after it."""
    server = await start_broker(max_pending_hellos=1, hello_timeout=60.0)
    first = await server.raw()
    second = await server.raw()
    assert await close_frame_code(first) == CLOSE_TRY_AGAIN
    await second.send_json(hello_frame("tok-bob"))
    assert (await receive_json(second))["agent"] == "bob"


async def test_shutdown_closes_sockets_that_never_said_hello(start_broker: StartServer) -> None:
    server = await start_broker(hello_timeout=60.0)
    waiting = await server.raw()
    reader, writer = await open_silent(server.port)
    await wait_until(lambda: len(server.ctx.pending) == 2)
    closes = asyncio.gather(close_frame_code(waiting), read_close_code(reader))
    started = time.monotonic()
    await server.runner.cleanup()
    assert time.monotonic() - started < 1.5, "a silent socket must not hold up shutdown"
    assert await asyncio.wait_for(closes, 30) == [CLOSE_GOING_AWAY, CLOSE_GOING_AWAY]
    writer.close()


async def test_sockets_leave_the_waiting_list_once_welcomed_or_refused(
    start_broker: StartServer,
) -> None:
    server = await start_broker(max_pending_hellos=2)
    alice, _ = await server.connect("tok-alice")
    bad = await server.raw()
    await bad.send_json(hello_frame("nope"))
    await receive_close(bad)
    await wait_until(lambda: len(server.ctx.pending) == 0)
    bob, _ = await server.connect("tok-bob")
    sue, _ = await server.connect("tok-sue")
    assert server.ctx.metrics.hello_evictions == 0
    assert not alice.closed and not bob.closed and not sue.closed


async def test_a_silent_socket_is_released_soon_after_its_hello_timeout(
    start_broker: StartServer,
) -> None:
    """It used to hold its descriptor 10 s more, waiting for a close reply that never came."""
    server = await start_broker(hello_timeout=0.5, close_timeout=0.5)
    reader, writer = await open_silent(server.port)
    started = time.monotonic()
    assert await asyncio.wait_for(read_close_code(reader), 30) == CLOSE_NO_TOKEN
    assert time.monotonic() - started < 5
    await wait_until(lambda: len(server.ctx.pending) == 0)
    writer.close()
