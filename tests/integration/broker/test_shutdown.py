"""Stopping the server closes every agent socket with 1001 going away."""

from __future__ import annotations

import asyncio
import time

from cti.protocol import CLOSE_GOING_AWAY, hello_frame
from tests.integration.broker.conftest import BrokerServer, receive_close, wait_until
from tests.integration.broker.rawclient import open_raw


async def test_shutdown_closes_agent_sockets_with_going_away(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    sue, _ = await broker.connect("tok-sue")
    started = time.monotonic()
    closes = asyncio.gather(receive_close(alice), receive_close(sue))
    await broker.runner.cleanup()
    assert await closes == [CLOSE_GOING_AWAY, CLOSE_GOING_AWAY]
    assert time.monotonic() - started < 1.5, "shutdown must not wait for open sockets"
    assert broker.ctx.broker.sessions() == []


async def test_shutdown_does_not_wait_for_a_client_that_never_reads(
    broker: BrokerServer,
) -> None:
    _, writer = await open_raw(broker.port, hello_frame("tok-alice"))
    await wait_until(lambda: broker.ctx.broker.connected_agents() == 1)
    started = time.monotonic()
    await broker.runner.cleanup()
    assert time.monotonic() - started < 1.5
    assert broker.ctx.broker.sessions() == []
    writer.close()
