"""Notes for calls that ended before the server restarted, read from the durable records.

The whole server (PBX simulator → CtiApp → real sockets) takes a queue call, is
stopped, and a new CtiApp on the same config serves the notes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

import aiohttp

from cti.app import CtiApp
from cti.config import load_config
from cti.sim import CallPlan, PbxSimulator
from tests.integration.serve.conftest import (
    ALICE,
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    add_alice,
    until,
    write_config,
)

CAROL_TOKEN = "carol-token-0123456789"
AGENTS = (
    f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
    f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
    f"    carol: {{token: {CAROL_TOKEN}, extension: '1003'}}\n"
)
ANSWERED_BY_ALICE = CallPlan(answer_by="1001", answer_after=1.0, talk=1.0)


@asynccontextmanager
async def server(config_dir: Path, session: aiohttp.ClientSession) -> AsyncIterator[CtiApp]:
    app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
    await app.start()
    try:
        await until(lambda: app.ami.state == "connected", timeout=30.0)
        yield app
    finally:
        await app.stop()


async def post_note(
    session: aiohttp.ClientSession, app: CtiApp, token: str, call_id: str
) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{app.port}/api/interactions"
    body = {"call_id": call_id, "disposition": "resolved", "notes": "after the restart"}
    async with session.post(url, json=body, headers={"Authorization": f"Bearer {token}"}) as r:
        return r.status, await r.json()


async def test_notes_for_a_call_that_ended_before_a_restart_follow_who_was_on_it(
    tmp_path: Path,
) -> None:
    pbx = PbxSimulator(
        agents=["1001", "1002", "1003"],
        queues={"support": ["1001", "1002"]},
        contacts=[ALICE],
        seed=5,
        time_scale=0.001,
        secret=AMI_SECRET,
    )
    async with pbx, aiohttp.ClientSession() as session:
        config_dir = write_config(tmp_path / "config", pbx.port, agents=AGENTS)
        add_alice(config_dir / "contacts.db")
        async with server(config_dir, session) as first:
            call_id = await pbx.place_call(
                "queue", caller=ALICE, target="support", plan=ANSWERED_BY_ALICE
            )
            await pbx.wait_idle(timeout=30.0)
            await until(lambda: not first.tracker.calls, timeout=30.0)
        async with server(config_dir, session) as second:
            alice = await post_note(session, second, ALICE_TOKEN, call_id)
            bob = await post_note(session, second, BOB_TOKEN, call_id)  # rang, never answered
            carol = await post_note(session, second, CAROL_TOKEN, call_id)
            unknown = await post_note(session, second, ALICE_TOKEN, "1234567890.99")
    assert alice[0] == 201, alice
    assert alice[1]["interaction"]["call_id"] == call_id
    assert bob[0] == 201, bob
    assert (carol[0], carol[1]["error"]) == (403, "not-your-call")
    assert (unknown[0], unknown[1]["error"]) == (404, "no-such-call")
    with closing(sqlite3.connect(config_dir / "records.db")) as conn:  # next to contacts.db
        row = conn.execute(
            "SELECT queue, answered_by, abandoned, ended_at IS NOT NULL, disposition, note, "
            "source FROM calls WHERE call_id = ?",
            (call_id,),
        ).fetchone()
    assert row == ("support", "1001", 0, 1, "resolved", "after the restart", "live")
