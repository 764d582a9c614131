"""Frames a fuzzer found: lone surrogates, deep nesting. Each gets a clear answer, no crash.

JSON escapes can carry lone surrogates (``"\\ud800"``): valid JSON, but text that cannot be
encoded as UTF-8, so nothing built from it can be sent back. Deep nesting makes
``json.loads`` raise RecursionError. Both must be `bad-frame` (or close 4000 as a hello),
never a dead writer, a 1006 close or an HTTP 500.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from cti.protocol import (
    CLOSE_BAD_HELLO,
    CLOSE_BAD_TOKEN,
    CLOSE_INTERNAL_ERROR,
)
from tests.broker_events import ringing
from tests.integration.broker.conftest import (
    BrokerServer,
    StartServer,
    receive_close,
    receive_json,
    wait_until,
)

# JSON text with the six characters \ud800 in it: valid JSON, a lone surrogate once parsed.
LONE = "\\ud800"
DEEP = "[" * 5000 + "]" * 5000  # about 10 KB

UNENCODABLE_FRAMES = [
    '{"op":"command","id":"' + LONE + '","name":"call.hangup","args":{}}',
    '{"op":"command","id":"1","name":"call.' + LONE + '","args":{}}',
    '{"op":"command","id":"1","name":"call.hangup","args":{"call_id":"' + LONE + '"}}',
    '{"op":"command","id":"1","name":"call.hangup","args":{"' + LONE + '":"x"}}',
    '{"op":"command","id":"1","name":"call.dial","args":{"n":[[{"x":["' + LONE + '"]}]]}}',
    '{"op":"' + LONE + '"}',
    '{"' + LONE + '":1}',
    '{"op":"command","id":"\\udfff\\ud800","name":"call.hangup"}',
]


async def connected_count(server: BrokerServer) -> int:
    async with server.http.get(f"{server.url}/metrics") as response:
        text = await response.text()
    line = next(x for x in text.splitlines() if x.startswith("cti_connected_agents "))
    return int(line.split()[1])


@pytest.mark.parametrize("frame", UNENCODABLE_FRAMES)
async def test_lone_surrogate_anywhere_in_a_frame_is_a_bad_frame_and_the_socket_keeps_working(
    broker: BrokerServer, frame: str
) -> None:
    alice, _ = await broker.connect("tok-alice")
    await alice.send_str(frame)
    reply = await receive_json(alice)
    assert (reply["op"], reply["error"]) == ("error", "bad-frame"), reply
    assert "surrogate" in reply["message"]
    broker.ctx.broker.publish(ringing("c1", "1001"))
    pop = await receive_json(alice)
    assert (pop["type"], pop["data"]["call_id"]) == ("call.ringing", "c1")
    assert await connected_count(broker) == 1
    assert broker.control.hangups == [] and broker.control.dials == []


async def test_valid_surrogate_pair_is_ordinary_text(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    await alice.send_str('{"op":"command","id":"\\ud83d\\ude00","name":"call.hangup","args":{}}')
    reply = await receive_json(alice)
    assert (reply["op"], reply["id"], reply["error"]) == ("result", "\U0001f600", "bad-args")


async def test_a_frame_the_writer_cannot_encode_closes_the_session_and_stops_counting_it(
    broker: BrokerServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Defence in depth: should unencodable text ever reach a session, it is not left mute."""
    alice, _ = await broker.connect("tok-alice")
    bob, _ = await broker.connect("tok-bob")
    [session] = [s for s in broker.ctx.broker.sessions() if s.identity.agent_id == "alice"]
    session.send('{"op":"event","data":"\ud800"}')
    assert await receive_close(alice) == CLOSE_INTERNAL_ERROR
    await wait_until(lambda: broker.ctx.broker.connected_agents() == 1, timeout=30)
    assert await connected_count(broker) == 1
    assert "alice" in caplog.text and "could not be sent" in caplog.text
    broker.ctx.broker.publish(ringing("c1", "1002"))
    assert (await receive_json(bob))["data"]["call_id"] == "c1"
    _, welcome = await broker.connect("tok-alice", last_seq=0)
    assert welcome["agent"] == "alice"


async def test_deeply_nested_hello_is_closed_as_bad_hello_without_a_traceback(
    start_broker: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = await start_broker(max_msg_size=65536)
    ws = await server.raw()
    await ws.send_str(DEEP)
    assert await receive_close(ws) == CLOSE_BAD_HELLO
    await ws.close()
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    _, welcome = await server.connect("tok-alice")
    assert welcome["agent"] == "alice"


@pytest.mark.parametrize(
    "frame",
    [
        DEEP,
        '{"op":"command","id":"1","name":"call.dial","args":' + "[" * 5000 + "]" * 5000 + "}",
        '{"op":"command","id":"1","args":{"a":' + '{"a":' * 40 + "1" + "}" * 42,
    ],
)
async def test_deeply_nested_frame_after_hello_is_a_bad_frame_and_the_socket_stays_open(
    start_broker: StartServer, caplog: pytest.LogCaptureFixture, frame: str
) -> None:
    server = await start_broker(max_msg_size=65536)
    alice, _ = await server.connect("tok-alice")
    await alice.send_str(frame)
    reply = await receive_json(alice)
    assert (reply["op"], reply["error"]) == ("error", "bad-frame")
    assert "nested" in reply["message"]
    server.ctx.broker.publish(ringing("c1", "1001"))
    assert (await receive_json(alice))["data"]["call_id"] == "c1"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert server.control.dials == []


async def test_nesting_a_desktop_might_send_is_accepted(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    args = '{"number":"0612","x":' + "[" * 20 + "]" * 20 + "}"
    await alice.send_str('{"op":"command","id":"d1","name":"call.dial","args":' + args + "}")
    reply = await receive_json(alice)
    assert (reply["id"], reply["ok"]) == ("d1", True), reply


@pytest.mark.parametrize(
    "path", ["/api/commands", "/api/dial", "/api/calls/c1/hold", "/api/calls/c1/transfer"]
)
async def test_deeply_nested_rest_body_is_400_bad_frame(
    start_broker: StartServer, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    server = await start_broker(max_msg_size=65536)
    async with server.http.post(
        f"{server.url}{path}", data=DEEP, headers=server.headers("tok-alice")
    ) as response:
        assert response.status == 400
        body = await response.json()
    assert (body["ok"], body["error"]) == (False, "bad-frame")
    assert "nested" in body["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_rest_body_with_a_lone_surrogate_is_400_bad_frame(broker: BrokerServer) -> None:
    body = '{"name":"call.dial","args":{"number":"' + LONE + '"}}'
    async with broker.http.post(
        f"{broker.url}/api/commands", data=body, headers=broker.headers("tok-alice")
    ) as response:
        assert response.status == 400
        answer = await response.json()
    assert answer["error"] == "bad-frame" and "surrogate" in answer["message"]
    assert broker.control.dials == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json; charset=no-such-charset", b'{"name":"call.dial"}'),
        ("application/json", b'{"name":"\xff\xfe"}'),
    ],
)
async def test_rest_body_that_is_not_text_in_its_charset_is_400_bad_frame(
    broker: BrokerServer, content_type: str, body: bytes
) -> None:
    headers = {**broker.headers("tok-alice"), "Content-Type": content_type}
    async with broker.http.post(
        f"{broker.url}/api/commands", data=body, headers=headers
    ) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "bad-frame"


async def test_lone_surrogate_token_is_a_bad_token_and_counts_as_an_auth_failure(
    broker: BrokerServer, caplog: pytest.LogCaptureFixture
) -> None:
    ws = await broker.raw()
    await ws.send_str('{"op":"hello","v":1,"token":"tok-' + LONE + '","last_seq":null}')
    assert await receive_close(ws) == CLOSE_BAD_TOKEN
    assert broker.ctx.metrics.auth_failures == 1
    assert broker.ctx.throttle.delay("127.0.0.1") > 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_lone_surrogate_elsewhere_in_the_hello_is_a_bad_hello(broker: BrokerServer) -> None:
    ws = await broker.raw()
    await ws.send_str('{"op":"hello","v":1,"token":"tok-alice","last_seq":null,"x":"' + LONE + '"}')
    assert await receive_close(ws) == CLOSE_BAD_HELLO
    assert broker.ctx.metrics.auth_failures == 0


async def test_connected_count_is_right_after_every_hostile_frame(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    for frame in [*UNENCODABLE_FRAMES, "[" * 100 + "]" * 100]:
        await alice.send_str(frame)
        assert (await receive_json(alice))["error"] == "bad-frame"
    assert await connected_count(broker) == 1
    await alice.close()
    await wait_until(lambda: broker.ctx.broker.connected_agents() == 0, timeout=30)
    assert await connected_count(broker) == 0


async def test_event_text_with_a_lone_surrogate_still_reaches_the_agent(
    broker: BrokerServer,
) -> None:
    """A CRM's JSON may carry ``\\ud800``: the pop goes out \\u-escaped, never a dead socket."""
    alice, _ = await broker.connect("tok-alice")
    broker.ctx.broker.publish(ringing("c1", "1001", contact={"name": "Zo\ud800e"}))
    pop = await receive_json(alice)
    assert pop["data"]["contact"] == {"name": "Zo\ud800e"}
    broker.ctx.broker.publish(ringing("c2", "1001"))
    assert (await receive_json(alice))["data"]["call_id"] == "c2"
    assert await connected_count(broker) == 1


async def test_bearer_token_that_is_not_utf8_is_401_bad_token_and_counted(
    broker: BrokerServer, caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp decodes such header bytes to lone surrogates; checking them used to be a 500."""
    reader, writer = await asyncio.open_connection("127.0.0.1", broker.port)
    writer.write(
        b"GET /api/calls HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Authorization: Bearer tok-\xed\xa0\x80\xff\r\nConnection: close\r\n\r\n"
    )
    answer = await asyncio.wait_for(reader.read(), 30)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:80]
    assert b'"bad-token"' in answer
    assert broker.ctx.metrics.auth_failures == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
