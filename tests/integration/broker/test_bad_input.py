"""Bad handshakes get their close code; bad frames get an error and harm nobody."""

from __future__ import annotations

import logging
import time

import aiohttp
import pytest

from cti.protocol import (
    CLOSE_BAD_HELLO,
    CLOSE_BAD_TOKEN,
    CLOSE_MESSAGE_TOO_BIG,
    CLOSE_NO_TOKEN,
    CLOSE_UNSUPPORTED_VERSION,
    hello_frame,
)
from tests.broker_events import ringing
from tests.integration.broker.conftest import (
    BrokerServer,
    StartServer,
    receive_close,
    receive_json,
    wait_until,
)
from tests.integration.broker.rawclient import masked_text_frame, open_raw


@pytest.mark.parametrize(
    ("hello", "code"),
    [
        ({"op": "hello", "v": 1, "last_seq": None}, CLOSE_NO_TOKEN),
        ({"op": "hello", "v": 1, "token": "", "last_seq": None}, CLOSE_NO_TOKEN),
        ({"op": "hello", "v": 1, "token": "tok-nobody", "last_seq": None}, CLOSE_BAD_TOKEN),
        (
            {"op": "hello", "v": 2, "token": "tok-alice", "last_seq": None},
            CLOSE_UNSUPPORTED_VERSION,
        ),
        ({"op": "hello", "token": "tok-alice"}, CLOSE_UNSUPPORTED_VERSION),
        ({"op": "command", "v": 1, "token": "tok-alice"}, CLOSE_BAD_HELLO),
        ({"op": "hello", "v": 1, "token": "tok-alice", "last_seq": "3"}, CLOSE_BAD_HELLO),
        ({"op": "hello", "v": 1, "token": "tok-alice", "last_seq": -1}, CLOSE_BAD_HELLO),
    ],
)
async def test_bad_hello_is_closed_with_its_code(
    broker: BrokerServer, hello: dict[str, object], code: int
) -> None:
    ws = await broker.raw()
    await ws.send_json(hello)
    assert await receive_close(ws) == code


@pytest.mark.parametrize("first", ["{not json", "[1, 2]", '"hello"'])
async def test_malformed_first_frame_is_closed_as_bad_hello(
    broker: BrokerServer, first: str
) -> None:
    ws = await broker.raw()
    await ws.send_str(first)
    assert await receive_close(ws) == CLOSE_BAD_HELLO


async def test_binary_hello_is_refused(broker: BrokerServer) -> None:
    ws = await broker.raw()
    await ws.send_bytes(b'{"op":"hello"}')
    assert await receive_close(ws) == CLOSE_BAD_HELLO


async def test_client_closing_before_hello_leaves_broker_serving(
    broker: BrokerServer, caplog: pytest.LogCaptureFixture
) -> None:
    ws = await broker.raw()
    await ws.close()
    alice, _ = await broker.connect("tok-alice")
    broker.ctx.broker.publish(ringing("c1", "1001"))
    assert (await receive_json(alice))["seq"] == 1
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_silent_client_is_closed_after_hello_timeout(broker: BrokerServer) -> None:
    ws = await broker.raw()
    started = time.monotonic()
    assert await receive_close(ws) == CLOSE_NO_TOKEN
    assert 0.4 < time.monotonic() - started < 2.0


async def test_repeated_bad_tokens_from_one_address_are_slowed_down(
    broker: BrokerServer,
) -> None:
    async def attempt() -> float:
        ws = await broker.raw()
        started = time.monotonic()
        await ws.send_json({"op": "hello", "v": 1, "token": "guess", "last_seq": None})
        assert await receive_close(ws) == CLOSE_BAD_TOKEN
        return time.monotonic() - started

    first = await attempt()
    second = await attempt()
    third = await attempt()
    assert first < 0.15
    assert second >= 0.2
    assert third >= 0.4
    assert broker.ctx.metrics.auth_failures == 3


async def test_tokens_never_reach_the_log(
    broker: BrokerServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ws = await broker.raw()
    await ws.send_json({"op": "hello", "v": 1, "token": "guess-1234", "last_seq": None})
    assert await receive_close(ws) == CLOSE_BAD_TOKEN
    await broker.connect("tok-alice")
    assert "bad token" in caplog.text and "agent alice connected" in caplog.text
    assert "guess-1234" not in caplog.text and "tok-alice" not in caplog.text


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ("{oops", "bad-frame"),
        ("[]", "bad-frame"),
        ('{"op": "dance"}', "unknown-op"),
        ('{"op": "hello", "v": 1, "token": "tok-alice"}', "unknown-op"),
    ],
)
async def test_bad_frame_after_welcome_gets_error_and_socket_stays_usable(
    broker: BrokerServer, frame: str, error: str
) -> None:
    alice, _ = await broker.connect("tok-alice")
    await alice.send_str(frame)
    reply = await receive_json(alice)
    assert reply["op"] == "error" and reply["error"] == error and reply["message"]
    broker.ctx.broker.publish(ringing("c1", "1001"))
    assert (await receive_json(alice))["type"] == "call.ringing"


async def test_binary_frame_after_welcome_gets_error(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    await alice.send_bytes(b"\x00\x01")
    assert (await receive_json(alice))["error"] == "bad-frame"


async def test_command_without_id_gets_bad_frame_result(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    await alice.send_json({"op": "command", "name": "call.hangup"})
    reply = await receive_json(alice)
    assert reply["op"] == "result" and reply["ok"] is False and reply["error"] == "bad-frame"


async def test_oversized_frame_closes_only_that_socket(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    bob, _ = await broker.connect("tok-bob")
    await alice.send_str('{"op":"command","pad":"' + "x" * 8000 + '"}')
    assert await receive_close(alice) == CLOSE_MESSAGE_TOO_BIG
    broker.ctx.broker.publish(ringing("c1", "1002"))
    assert (await receive_json(bob))["data"]["call_id"] == "c1"


async def test_client_vanishing_mid_frame_harms_no_one(broker: BrokerServer) -> None:
    """A TCP peer that sends half a WebSocket frame and disappears."""
    bob, _ = await broker.connect("tok-bob")
    _, writer = await open_raw(broker.port, hello_frame("tok-alice"))
    writer.write(masked_text_frame(b'{"op":"command","id":"1"}' * 10)[:40])
    await writer.drain()
    writer.transport.abort()
    await wait_until(lambda: broker.ctx.broker.connected_agents() == 1)
    broker.ctx.broker.publish(ringing("c1", "1002"))
    assert (await receive_json(bob))["seq"] == 1


async def test_desktop_that_stops_answering_pings_is_dropped(start_broker: StartServer) -> None:
    server = await start_broker(heartbeat=0.2)
    _, writer = await open_raw(server.port, hello_frame("tok-alice"))
    await wait_until(lambda: server.ctx.broker.connected_agents() == 1)
    await wait_until(lambda: server.ctx.broker.connected_agents() == 0, timeout=3.0)
    writer.close()


async def test_origin_not_allowed_is_refused(broker: BrokerServer) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await broker.raw(origin="https://evil.example.net")
    assert refused.value.status == 403


async def test_allowed_origin_connects(broker: BrokerServer) -> None:
    _, welcome = await broker.connect("tok-alice", origin="https://crm.example.com")
    assert welcome["agent"] == "alice"
