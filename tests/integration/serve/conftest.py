"""A whole server on loopback: PbxSimulator (real AMI) → CtiApp → real WebSocket clients."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cti.app import CtiApp
from cti.config import Config, load_config
from cti.lookup import ContactStore
from cti.protocol import hello_frame
from cti.sim import PbxSimulator

ALICE = ("+14155550123", "Alice Example")
ALICE_TOKEN = "alice-token-0123456789"
BOB_TOKEN = "bob-token-0123456789ab"
AMI_SECRET = "sim-secret-for-tests"


def write_config(directory: Path, ami_port: int, extra: str = "", agents: str = "") -> Path:
    """A config directory for the simulator on ``ami_port``; ``extra`` is more cti.yaml.

    FastAGI is off unless ``extra`` configures it, so tests never contend for port 4573.
    """
    directory.mkdir(parents=True, exist_ok=True)
    agi = "" if "agi:" in extra else "agi:\n  enabled: false\n"
    (directory / "cti.yaml").write_text(
        f"{agi}ami:\n  port: {ami_port}\n  reconnect_min: 0.05\n  reconnect_max: 0.2\n"
        f"lookup:\n  database: {directory / 'contacts.db'}\n{extra}",
        encoding="utf-8",
    )
    agents = agents or (
        f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
        f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
    )
    secrets = directory / "secrets.yaml"
    secrets.write_text(f"ami:\n  secret: {AMI_SECRET}\nbroker:\n  agents:\n{agents}")
    secrets.chmod(0o600)
    return directory


def free_port() -> int:
    """A port free right now, for a server that must be told its port up front."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add_alice(database: Path) -> int:
    store = ContactStore(database)
    try:
        return store.add_contact(
            "Alice Example", [(ALICE[0], ALICE[0], "mobile")], company="Example Inc"
        )
    finally:
        store.close()


def is_call_event(frame: dict[str, Any]) -> bool:
    """An event about a call (agent states and presence come between them)."""
    return frame.get("op") == "event" and str(frame.get("type")).startswith(("call.", "pop."))


@dataclass
class Agent:
    ws: aiohttp.ClientWebSocketResponse
    welcome: dict[str, Any]

    async def next(self, timeout: float = 3.0) -> dict[str, Any]:
        message: dict[str, Any] = await self.ws.receive_json(timeout=timeout)
        return message

    async def event(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next event of type ``kind``, skipping others."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.next(timeout)
                if frame.get("op") == "event" and frame["type"] == kind:
                    return frame

    async def command(self, name: str, **args: Any) -> dict[str, Any]:
        await self.ws.send_json({"op": "command", "id": name, "name": name, "args": args})
        async with asyncio.timeout(5.0):
            while True:
                frame = await self.next()
                if frame.get("op") == "result":
                    return frame


@dataclass
class Server:
    pbx: PbxSimulator
    app: CtiApp
    config_dir: Path
    session: aiohttp.ClientSession

    async def agent(self, token: str) -> Agent:
        ws = await self.session.ws_connect(f"http://127.0.0.1:{self.app.port}/ws")
        await ws.send_json(hello_frame(token))
        welcome = await ws.receive_json(timeout=3.0)
        assert welcome["op"] == "welcome"
        return Agent(ws, welcome)

    def load(self) -> Config:
        return load_config(self.config_dir, require_secrets=True)


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - tracker and PBX state have no event
            await asyncio.sleep(0.01)


@asynccontextmanager
async def running(pbx: PbxSimulator, config_dir: Path, extra: str = "") -> AsyncIterator[Server]:
    """``pbx`` started, then the whole server on its AMI, with Alice in the directory."""
    async with pbx:
        write_config(config_dir, pbx.port, extra)
        add_alice(config_dir / "contacts.db")
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        await until(lambda: app.ami.state == "connected")
        async with aiohttp.ClientSession() as session:
            try:
                yield Server(pbx, app, config_dir, session)
            finally:
                await app.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    pbx = PbxSimulator(
        agents=["1001", "1002"], contacts=[ALICE], seed=5, time_scale=0.001, secret=AMI_SECRET
    )
    async with running(pbx, tmp_path / "config") as started:
        yield started
