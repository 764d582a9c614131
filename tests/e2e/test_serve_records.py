"""`cti serve` and its call records: they survive `kill -9`; a bad file stops start-up.

The real `cti serve` process takes a simulated call; once the call's record is in the
file, the process is killed with SIGKILL (no shutdown code runs) and started again.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

import aiohttp

from cti.protocol import hello_frame
from cti.sim import CallPlan, PbxSimulator
from tests.e2e.test_serve import start, wait_healthy
from tests.e2e.test_serve_pops import ami_connected
from tests.integration.serve.conftest import (
    ALICE,
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Agent,
    add_alice,
    free_port,
    write_config,
)

SHORT = CallPlan(answer_by="1001", answer_after=0.2, talk=0.2)


def has_ended(path: Path, call_id: str) -> bool:
    """Whether the file itself (a reader of its own) holds the ended call."""
    if not path.exists():
        return False
    query = "SELECT 1 FROM calls WHERE call_id = ? AND ended_at IS NOT NULL"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return conn.execute(query, (call_id,)).fetchone() is not None


async def ended_in_file(path: Path, call_id: str, timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not await asyncio.to_thread(has_ended, path, call_id):  # noqa: ASYNC110 - a file has no event
            await asyncio.sleep(0.05)


async def started(config_dir: Path, port: int, session: aiohttp.ClientSession) -> Any:
    process = start(config_dir)
    await asyncio.to_thread(wait_healthy, port, process)
    await ami_connected(session, port)
    return process


async def post_note(
    session: aiohttp.ClientSession, port: int, token: str, call_id: str
) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{port}/api/interactions"
    body = {"call_id": call_id, "disposition": "callback", "notes": "filed after kill -9"}
    async with session.post(url, json=body, headers={"Authorization": f"Bearer {token}"}) as r:
        return r.status, await r.json()


def stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.communicate(timeout=30)[1]


async def test_a_call_recorded_before_kill_9_takes_its_agents_note_after_restart(
    tmp_path: Path,
) -> None:
    pbx = PbxSimulator(agents=["1001", "1002"], contacts=[ALICE], seed=3, secret=AMI_SECRET)
    async with pbx, aiohttp.ClientSession() as session:
        port = free_port()
        config_dir = write_config(tmp_path / "config", pbx.port, extra=f"broker:\n  port: {port}\n")
        add_alice(config_dir / "contacts.db")
        first = await started(config_dir, port, session)
        try:
            ws = await session.ws_connect(f"http://127.0.0.1:{port}/ws")
            await ws.send_json(hello_frame(ALICE_TOKEN))
            alice = Agent(ws, await ws.receive_json(timeout=10))
            call_id = await pbx.place_call("direct", caller=ALICE, target="1001", plan=SHORT)
            assert (await alice.event("call.ended", timeout=30))["data"]["call_id"] == call_id
            await ended_in_file(config_dir / "records.db", call_id)
            first.kill()  # SIGKILL: no shutdown, no final commit, no WAL checkpoint
            await asyncio.to_thread(first.wait, 30)
            await ws.close()
        finally:
            stop(first)
        assert first.returncode == -signal.SIGKILL
        second = await started(config_dir, port, session)
        try:
            refused = await post_note(session, port, BOB_TOKEN, call_id)
            accepted = await post_note(session, port, ALICE_TOKEN, call_id)
        finally:
            stderr = stop(second)
    assert (refused[0], refused[1]["error"]) == (403, "not-your-call")
    assert accepted[0] == 201, accepted
    assert accepted[1]["interaction"]["notes"] == "filed after kill -9"
    assert second.returncode == 0, stderr
    for secret in (AMI_SECRET, ALICE_TOKEN, BOB_TOKEN):
        assert secret not in stderr


def test_serve_with_a_records_file_that_is_not_sqlite_exits_1_naming_it(tmp_path: Path) -> None:
    records = tmp_path / "calls.db"
    records.write_bytes(b"call_id,queue\n1,support\n" * 200)
    extra = f"broker:\n  port: {free_port()}\nrecords:\n  path: '{records}'\n"
    process = start(write_config(tmp_path / "config", free_port(), extra=extra))
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1, stderr
    assert f"cannot start: call records {records}: file is not a database" in stderr
    assert records.read_bytes().startswith(b"call_id,queue\n"), "the file is left as it was"
