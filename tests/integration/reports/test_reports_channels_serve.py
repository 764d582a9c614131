"""The whole server reports on the interactions it handled: an email and a chat go
through CtiApp's universal queue (offer, accept, reply, close, a visitor who leaves),
its `InteractionWriter` puts them in the records, and the supervisor's
`GET /api/reports/intervals` of today counts them per channel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cti.app import CtiApp
from cti.channels.inbound import Channel, Inbound, Party
from cti.config import load_config
from cti.sim import PbxSimulator
from tests.integration.serve.conftest import ALICE_TOKEN, AMI_SECRET, Server, until, write_config
from tests.integration.serve.test_universal_queue import (
    AGENTS,
    BOSS_TOKEN,
    RecordingReplies,
    connect,
    offer_of,
)

DEADLINE = 30.0
QUEUE = (
    "interactions:\n  skills:\n    '1002': []\n"
    "  first_response_seconds:\n    email: 600\n    chat: 45\n"
)


@pytest.fixture
async def floor(tmp_path: Path) -> AsyncIterator[Server]:
    pbx = PbxSimulator(
        agents=["1001", "1002"], contacts=[], seed=5, time_scale=0.001, secret=AMI_SECRET
    )
    config_dir = tmp_path / "config"
    async with pbx:
        write_config(config_dir, pbx.port, QUEUE, agents=AGENTS)
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        await until(lambda: app.ami.state == "connected", timeout=DEADLINE)
        async with aiohttp.ClientSession() as session:
            try:
                yield Server(pbx, app, config_dir, session)
            finally:
                await app.stop()


def arrive(server: Server, channel: Channel, thread: str, text: str) -> None:
    sender = Party(name="Carla", email="carla@example.com")
    message_id = f"<m{time.monotonic_ns()}@example.com>"
    server.app.interactions.arrived(
        Inbound(channel, thread, message_id, sender, text, time.time(), subject="Router")
    )


async def report(server: Server) -> dict[str, Any]:
    url = f"http://127.0.0.1:{server.app.port}/api/reports/intervals"
    headers = {"Authorization": f"Bearer {BOSS_TOKEN}"}
    async with server.session.get(url, headers=headers) as response:
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def settled(server: Server, want_closed: int) -> dict[str, Any]:
    """The records are committed by a writer thread: ask until the closes are in."""
    async with asyncio.timeout(DEADLINE):
        while True:
            channels = (await report(server))["channels"]
            if sum(figures["closed"] for figures in channels.values()) >= want_closed:
                return dict(channels)
            await asyncio.sleep(0.1)


async def test_the_report_of_today_counts_the_interactions_the_server_handled(
    floor: Server,
) -> None:
    floor.app.interactions.register_replies("email", RecordingReplies())
    alice = await connect(floor, ALICE_TOKEN)
    arrive(floor, "email", "<root-1@example.com>", "My router blinks red.")
    interaction_id = (await offer_of(alice))["interaction_id"]
    assert (await alice.command("interaction.accept", interaction_id=interaction_id))["ok"]
    reply = await alice.command("interaction.reply", interaction_id=interaction_id, text="On it")
    assert reply["ok"], reply
    closed = await alice.command(
        "interaction.close", interaction_id=interaction_id, disposition="resolved"
    )
    assert closed["ok"], closed
    await alice.event("interaction.ended")
    arrive(floor, "chat", "chat-1", "hello?")
    await offer_of(alice)
    floor.app.interactions.left("chat", "chat-1", "visitor_left")  # gone before an accept

    channels = await settled(floor, want_closed=2)
    email, chat = channels["email"], channels["chat"]
    assert email["first_response_target_seconds"] == 600  # as configured
    assert (email["offered"], email["handled"], email["closed"], email["responded"]) == (
        1,
        1,
        1,
        1,
    )
    assert email["first_response_level"] == 1.0  # replied within seconds of 10 minutes
    assert email["first_response_mean_seconds"] is not None
    assert email["handling_mean_seconds"] is not None
    assert (chat["offered"], chat["handled"], chat["abandoned"], chat["open"]) == (1, 0, 1, 0)
    assert chat["first_response_due"] == 0  # left within its 45 s: neither met nor missed
    assert channels["webform"]["offered"] == 0
