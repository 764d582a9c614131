"""A frame for an idle socket is written while publishing; busy sockets keep their queue.

Writing at once spares a writer task's wake-up per recipient, which is what a fan-out
to a thousand supervisors is made of (bench/agent_fanout.py).
"""

from __future__ import annotations

import os

from tests.broker_events import ringing
from tests.integration.broker.conftest import BrokerServer, StartServer, receive_json, wait_until


def socket_writes(server: BrokerServer) -> int:
    """Frames written to sockets so far, from the broker's own metrics."""
    for line in server.ctx.metrics.render().splitlines():
        if line.startswith('cti_stage_latency_seconds_count{stage="socket_write"}'):
            return int(float(line.rsplit(" ", 1)[1]))
    raise AssertionError("no socket_write count in the metrics")


async def test_a_frame_for_an_idle_socket_is_written_before_publish_returns(
    broker: BrokerServer,
) -> None:
    alice, _ = await broker.connect("tok-alice")
    await wait_until(lambda: socket_writes(broker) >= 1)  # the welcome went out
    before = socket_writes(broker)
    broker.ctx.broker.publish(ringing("c1", "1001"))  # no await: no writer task ran
    assert socket_writes(broker) == before + 1
    assert (await receive_json(alice))["data"]["call_id"] == "c1"


async def test_frames_of_every_length_arrive_whole_and_in_order(
    start_broker: StartServer,
) -> None:
    """Lengths under 126 bytes, under 64 KiB and above (the three header forms of RFC
    6455), and a burst big enough that later frames queue behind a full socket."""
    server = await start_broker(journal_size=200, send_queue_size=200)
    alice, _ = await server.connect("tok-alice", max_msg_size=0)
    sizes = [0, 40, 200, 65_000, 70_000, 1_000_000, 10, 3_000_000, 5, *[200_000] * 40, 1]
    for n, size in enumerate(sizes):
        notes = os.urandom(size // 2).hex() if size else ""
        server.ctx.broker.publish(ringing(f"c{n}", "1001", contact={"notes": notes}))
    got = [await receive_json(alice, timeout=30) for _ in sizes]
    assert [frame["seq"] for frame in got] == list(range(1, len(sizes) + 1))
    assert [len(frame["data"]["contact"]["notes"]) for frame in got] == [
        size // 2 * 2 for size in sizes
    ]
