"""The demo's own moves over real sockets: its clients' commands, the agents' login at
the start, a break (agent.pause, then agent.unpause) and what the supervisor's line
makes of it, against the simulator and the server as `cti demo` runs them."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from random import Random

import aiohttp
import pytest
from rich.console import Console

from cti.app import CtiApp
from cti.demo import PopClient, TerminalView
from cti.demo.breaks import Breaks
from cti.demo.client import NotConnected, Team, ws_url
from cti.demo.session import QUEUE, SUPERVISOR, log_in, wait_for_pbx_link, write_demo_config
from cti.sim import PbxSimulator
from tests.integration.demo.conftest import Running, until

SECRET = "demo-secret-for-tests"
TOKENS = {"1001": "demo-token-1001-0123456789", "1002": "demo-token-1002-0123456789"}
SUPERVISOR_TOKEN = "demo-token-supervisor-012345"


async def test_a_command_gets_the_result_with_its_own_id(broker: Running) -> None:
    client = PopClient(broker.url, "tok-alice", lambda agent, frame: None, broker.http)
    with pytest.raises(NotConnected):
        await client.command("call.hangup", {"call_id": "1.1"})
    task = asyncio.create_task(client.run())
    try:
        await asyncio.wait_for(client.welcomed.wait(), 30)
        first, second = await asyncio.gather(
            client.command("call.hangup", {"call_id": "1.1"}),
            client.command("no.such.command"),
        )
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert (first["ok"], first["error"]) == (False, "no-such-call")
    assert (second["ok"], second["error"]) == (False, "unknown-command")
    assert first["id"] != second["id"]


@dataclass
class Demo:
    pbx: PbxSimulator
    team: Team
    view: TerminalView
    out: io.StringIO


@asynccontextmanager
async def demo_parts(tmp_path: Path) -> AsyncIterator[Demo]:
    """The simulator, the server and the team of clients, as `run_demo` wires them."""
    pbx = PbxSimulator(
        agents=list(TOKENS),
        supervisors=[SUPERVISOR],
        queues={QUEUE: []},
        seed=2,
        time_scale=0.001,
        secret=SECRET,
    )
    async with pbx, aiohttp.ClientSession() as http:
        config = write_demo_config(
            tmp_path / "demo", pbx.port, SECRET, TOKENS, supervisor_token=SUPERVISOR_TOKEN
        )
        app = CtiApp(config, broker_port=0)
        await app.start()
        assert app.port is not None
        out = io.StringIO()
        view = TerminalView(Console(file=out), live=False)
        team = Team(ws_url("127.0.0.1", app.port), TOKENS, view, http, SUPERVISOR_TOKEN)
        running = asyncio.create_task(team.run())
        try:
            await wait_for_pbx_link(app, pbx.port)
            for client in team.clients:
                await asyncio.wait_for(client.welcomed.wait(), 30)
            yield Demo(pbx, team, view, out)
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            await app.stop()


async def test_the_agents_log_in_to_the_queue_and_a_break_shows_on_the_supervisors_line(
    tmp_path: Path,
) -> None:
    async with demo_parts(tmp_path) as demo:
        await log_in(demo.team)
        members = demo.pbx.book.members(QUEUE)
        assert [(m.interface, m.membership) for m in members] == [
            ("PJSIP/1001", "dynamic"),
            ("PJSIP/1002", "dynamic"),
        ]
        await until(lambda: demo.view.centre.agents.get("1002") == ("available", None))
        breaks = Breaks(demo.team.agents, ["lunch"], Random(1))
        taking = asyncio.create_task(breaks.take("1002", "lunch", 3600.0))
        await until(lambda: demo.view.centre.agents.get("1002") == ("paused", "lunch"))
        assert demo.pbx.book.of_extension("1002", QUEUE)[0].reason == "lunch"
        assert "1 paused" in demo.view.centre.line()
        assert breaks.away == "1002" and breaks.taken == [("1002", "lunch")]
        taking.cancel()
        await asyncio.gather(taking, return_exceptions=True)
    lines = demo.out.getvalue().splitlines()
    assert "# supervisor: connected (extension 9000, seq 0)" in lines
    assert "# agent 1002: paused: lunch" in lines


async def test_a_break_refused_by_the_server_is_skipped(tmp_path: Path) -> None:
    """Not logged in yet: agent.pause is refused (not-logged-in); the demo goes on."""
    async with demo_parts(tmp_path) as demo:
        breaks = Breaks(demo.team.agents, ["lunch"], Random(1))
        await breaks.take("1001", "lunch", 0.0)
    assert breaks.taken == [] and breaks.away is None
