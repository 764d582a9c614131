"""Call control end to end: PbxSimulator (real AMI) → CtiApp → agent WebSockets.

Calls talk for an hour of simulated time (3.6 s here), so nothing ends or completes on
its own while a test acts on it; agent 1001 has a desk phone that answers on NOTIFY.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from cti.sim import PbxSimulator
from tests.integration.serve.conftest import AMI_SECRET, Agent, Server, is_call_event
from tests.integration.serve.conftest import running as serve

DEVICES = """calls:
  devices:
    '1001': {kind: deskphone, model: Yealink T54W}
    '1002': {kind: deskphone, model: Cisco 7941}
"""

Start = Callable[..., AbstractAsyncContextManager[Server]]


@asynccontextmanager
async def running(tmp_path: Path, write_access: bool = True) -> AsyncIterator[Server]:
    pbx = PbxSimulator(
        agents=["1001", "1002"],
        seed=9,
        time_scale=0.001,
        answer_delay=(1.0, 1.0),
        talk_time=(3600.0, 3600.0),
        secret=AMI_SECRET,
        write_access=write_access,
    )
    async with serve(pbx, tmp_path / "config", DEVICES) as started:
        yield started


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    async with running(tmp_path) as started:
        yield started


@pytest.fixture
async def readonly_server(tmp_path: Path) -> AsyncIterator[Server]:
    """The AMI user has ``write =`` empty, like the readonly_permissions recording."""
    async with running(tmp_path, write_access=False) as started:
        yield started


async def command(agent: Agent, name: str, **args: Any) -> tuple[dict[str, Any], list[str]]:
    """Send a command; its result, and the types of the call events that came before it
    (an attended transfer answers only once the PBX events showed the consultation)."""
    await agent.ws.send_json({"op": "command", "id": name, "name": name, "args": args})
    before: list[str] = []
    async with asyncio.timeout(30):
        while True:
            frame = await agent.next(30)
            if frame.get("op") == "result":
                return frame, before
            if is_call_event(frame):
                before.append(frame["type"])
