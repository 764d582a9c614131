"""Bad tokens slow down only the failing answers: agents behind the same NAT are not held up."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from cti.protocol import CLOSE_BAD_TOKEN
from tests.integration.broker.conftest import BrokerServer, StartServer, receive_close, wait_until

BAD_HELLO = {"op": "hello", "v": 1, "token": "guess", "last_seq": None}
FAILURE_DELAY = 2.0  # what the next bad token from 127.0.0.1 waits after the flood below


async def flood_bad_tokens(
    server: BrokerServer, count: int
) -> list[aiohttp.ClientWebSocketResponse]:
    """Bad hellos sent without waiting for their (slowed) answers, as a guesser would."""
    sockets = [await server.raw() for _ in range(count)]
    for ws in sockets:
        await ws.send_json(BAD_HELLO)
    await wait_until(lambda: server.ctx.metrics.auth_failures >= count, timeout=30)
    return sockets


async def slowed_server(start_broker: StartServer) -> BrokerServer:
    server = await start_broker(auth_fail_delay=0.5, auth_fail_delay_max=FAILURE_DELAY)
    await flood_bad_tokens(server, 4)
    assert server.ctx.throttle.delay("127.0.0.1") == FAILURE_DELAY
    return server


async def bad_attempt_seconds(server: BrokerServer) -> float:
    ws = await server.raw()
    started = time.monotonic()
    await ws.send_json(BAD_HELLO)
    assert await receive_close(ws, timeout=30) == CLOSE_BAD_TOKEN
    return time.monotonic() - started


async def test_correct_token_is_welcomed_at_once_after_bad_ones_from_the_same_address(
    start_broker: StartServer,
) -> None:
    server = await slowed_server(start_broker)
    started = time.monotonic()
    _, welcome = await server.connect("tok-alice")
    took = time.monotonic() - started
    assert welcome["agent"] == "alice"
    assert took < FAILURE_DELAY / 4, f"a correct token waited {took:.2f}s"
    assert await bad_attempt_seconds(server) >= FAILURE_DELAY * 0.95


async def test_a_correct_token_does_not_reset_the_slow_down_for_bad_ones(
    start_broker: StartServer,
) -> None:
    """Else anyone holding one valid token could guess others at full speed."""
    server = await slowed_server(start_broker)
    await server.connect("tok-bob")
    assert server.ctx.throttle.delay("127.0.0.1") == FAILURE_DELAY


async def test_rest_bearer_tokens_share_the_rule_correct_fast_bad_slowed(
    start_broker: StartServer,
) -> None:
    server = await slowed_server(start_broker)
    started = time.monotonic()
    async with server.http.get(
        f"{server.url}/api/calls", headers=server.headers("tok-alice")
    ) as response:
        assert response.status == 200
    assert time.monotonic() - started < FAILURE_DELAY / 4
    started = time.monotonic()
    async with server.http.get(
        f"{server.url}/api/calls", headers=server.headers("guess")
    ) as response:
        assert response.status == 401
        assert (await response.json())["error"] == "bad-token"
    assert time.monotonic() - started >= FAILURE_DELAY * 0.95
    assert server.ctx.metrics.auth_failures == 5


async def test_many_agents_behind_one_address_all_connect_quickly_during_a_guessing_flood(
    start_broker: StartServer,
) -> None:
    server = await slowed_server(start_broker)
    started = time.monotonic()
    results = await asyncio.gather(
        *(server.connect(token) for token in ("tok-alice", "tok-bob", "tok-sue") * 3)
    )
    assert {welcome["agent"] for _, welcome in results} == {"alice", "bob", "sue"}
    assert time.monotonic() - started < FAILURE_DELAY / 2
