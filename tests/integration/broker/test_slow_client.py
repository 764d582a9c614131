"""A client that stops reading is cut off; the others keep receiving without delay."""

from __future__ import annotations

import os
import time

from cti.protocol import CLOSE_TOO_SLOW
from tests.broker_events import ringing
from tests.integration.broker.conftest import BrokerServer, StartServer, receive_close, receive_json


async def test_slow_client_is_disconnected_while_fast_one_keeps_receiving(
    start_broker: StartServer,
) -> None:
    server: BrokerServer = await start_broker(send_queue_size=4, journal_size=1000)
    hub = server.ctx.broker
    fast, _ = await server.connect("tok-sue")
    # The slow supervisor never reads: its socket buffers fill, then its queue.
    slow, _ = await server.connect("tok-sue", max_msg_size=0)
    padding = os.urandom(32 * 1024).hex()  # incompressible, 64 KiB a pop

    sent = 0
    while server.ctx.metrics.slow_disconnects == 0 and sent < 400:
        sent += 1
        started = time.monotonic()
        hub.publish(ringing(f"c{sent}", "1001", contact={"notes": padding}))
        assert time.monotonic() - started < 0.05, "publish must never wait for a socket"
        frame = await receive_json(fast)
        assert frame["seq"] == sent
    assert len(hub.sessions()) == 1, "slow client was never disconnected"
    assert server.ctx.metrics.slow_disconnects == 1

    hub.publish(ringing("after", "1001"))
    assert (await receive_json(fast))["data"]["call_id"] == "after"
    assert await receive_close(slow, timeout=5.0) == CLOSE_TOO_SLOW


async def test_slow_client_resumes_with_last_seq(start_broker: StartServer) -> None:
    server = await start_broker(send_queue_size=2, journal_size=100)
    hub = server.ctx.broker
    ws, _ = await server.connect("tok-alice")
    # A burst with no await, larger than the kernel's socket buffers can take at once (a
    # frame that fits is written straight away): 20 MiB the writer cannot drain in between.
    padding = os.urandom(256 * 1024).hex()
    for index in range(20):
        hub.publish(ringing(f"c{index}", "1001", contact={"notes": padding}))
    seen = []
    while True:
        msg = await ws.receive(timeout=2.0)
        if msg.type.name != "TEXT":
            break
        seen.append(int(msg.json()["seq"]))
    assert ws.close_code == CLOSE_TOO_SLOW
    # its welcome lists the 20 calls with their 512 KiB contacts: over aiohttp's 4 MiB
    again, welcome = await server.connect("tok-alice", last_seq=seen[-1], max_msg_size=0)
    assert welcome["resync"] is False
    replayed = [(await receive_json(again))["seq"] for _ in range(20 - seen[-1])]
    assert seen + replayed == list(range(1, 21))
