"""A few hundred malformed frames on one real socket: every one answered, nothing broken.

Not timed, and seeded: a failure names the frame, and reruns send the same frames.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable

import aiohttp
import pytest

from tests.broker_events import ringing
from tests.integration.broker.conftest import BrokerServer, StartServer, receive_json

FRAMES = 400
LIMIT = 65536


def surrogate(rng: random.Random) -> str:
    return f"\\u{rng.randrange(0xD800, 0xE000):04x}"


def with_lone_surrogate(rng: random.Random) -> str:
    """A valid command with one lone surrogate escape in a key or a value, anywhere."""
    text = json.dumps({"op": "command", "id": "f", "name": "call.dial", "args": {"number": "1"}})
    quotes = [index for index, char in enumerate(text) if char == '"']
    at = rng.choice(quotes[1::2])  # a closing quote: inside the string before it
    return text[:at] + surrogate(rng) + text[at:]


def deeply_nested(rng: random.Random) -> str:
    depth = rng.choice([33, 100, 1000, 5000, rng.randrange(34, 8000)])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    inner = opener * depth + "1" + closer * depth if opener != "[" else "[" * depth + "]" * depth
    return '{"op":"command","id":"n","name":"call.dial","args":' + inner + "}"


def truncated(rng: random.Random) -> str:
    text = json.dumps({"op": "command", "id": "t", "name": "call.hangup", "args": {"x": [1]}})
    return text[: rng.randrange(1, len(text) - 1)]


def garbage(rng: random.Random) -> str:
    alphabet = '{}[]":,\\ntrufalse0123456789.eE+-\x00\x7f é😀'
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 200)))


def not_an_object(rng: random.Random) -> str:
    return rng.choice(["null", "true", "1", '"op"', "[]", '[{"op":"command"}]', "-0", "1e5"])


def odd_command(rng: random.Random) -> str:
    ids = ["NaN", "Infinity", "-Infinity", "1e999", "9" * 4000, "9" * 5000, "{}", "[1]", "true"]
    names = ['"call.teleport"', '"call.hangup\\nERROR forged"', "7", "null", '"\\u0000"']
    args = ["[]", '"x"', "null", '{"call_id":"\\u0000"}', '{"call_id":' + "[" * 40 + "]" * 40 + "}"]
    command_id = rng.choice([*ids, '"ok"'])
    name = rng.choice([*names, '"call.hangup"'])
    return f'{{"op":"command","id":{command_id},"name":{name},"args":{rng.choice([*args, "{}"])}}}'


def odd_op(rng: random.Random) -> str:
    return rng.choice(
        [
            '{"op":"hello","v":1,"token":"tok-alice"}',
            '{"op":"hello","v":1,"token":"' + surrogate(rng) + '"}',
            '{"op":"welcome"}',
            '{"op":"command","op":"dance"}',
            '{"op":' + "[" * 50 + "]" * 50 + "}",
            '{"op":"\\ud83d\\ude00"}',
            '{"' + "k" * 30000 + '":1}',
        ]
    )


KINDS: list[Callable[[random.Random], str]] = [
    with_lone_surrogate,
    deeply_nested,
    truncated,
    garbage,
    not_an_object,
    odd_command,
    odd_op,
]


async def test_hundreds_of_malformed_frames_leave_the_broker_and_the_socket_serving(
    start_broker: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    server: BrokerServer = await start_broker(max_msg_size=LIMIT)
    rng = random.Random(20261207)
    alice, _ = await server.connect("tok-alice")
    errors = set()
    for _ in range(FRAMES):
        if rng.random() < 0.05:
            frame: str | bytes = rng.randbytes(rng.randrange(1, 64))
            await alice.send_bytes(frame)
        else:
            frame = rng.choice(KINDS)(rng)
            assert len(frame.encode()) < LIMIT, frame[:80]
            await alice.send_str(frame)
        reply = await receive_json(alice, timeout=30)  # exactly one answer for each frame
        assert reply["op"] in ("error", "result") and reply["error"], (frame[:120], reply)
        errors.add(reply["error"])
    assert {"bad-frame", "unknown-op", "bad-args", "unknown-command"} <= errors, errors

    await alice.send_json({"op": "command", "id": "after", "name": "call.dial", "args": {}})
    assert (await receive_json(alice, timeout=30))["error"] == "bad-args"
    server.ctx.broker.publish(ringing("c1", "1001"))
    assert (await receive_json(alice, timeout=30))["data"]["call_id"] == "c1"
    async with server.http.get(f"{server.url}/api/health") as response:
        assert response.status == 200
        assert (await response.json())["agents_connected"] == 1
    bob, welcome = await server.connect("tok-bob")
    assert welcome["agent"] == "bob"
    assert server.ctx.broker.connected_agents() == 2
    assert not alice.closed and isinstance(bob, aiohttp.ClientWebSocketResponse)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-2000:]


@pytest.mark.parametrize("seed", range(3))
async def test_malformed_rest_bodies_are_400_never_500(
    start_broker: StartServer, seed: int
) -> None:
    server = await start_broker(max_msg_size=LIMIT)
    rng = random.Random(seed)
    headers = server.headers("tok-alice")
    for _ in range(40):
        body = rng.choice(KINDS)(rng)
        path = rng.choice(["/api/commands", "/api/dial", "/api/calls/c1/transfer"])
        async with server.http.post(f"{server.url}{path}", data=body, headers=headers) as response:
            assert response.status < 500, (path, body[:120], await response.text())
            assert response.content_type == "application/json"
