"""The whole server logs no secret: not the AMI secret, not a token in any form."""

from __future__ import annotations

import logging

import pytest

from tests.integration.serve.conftest import ALICE_TOKEN, AMI_SECRET, BOB_TOKEN, Server


async def test_no_token_or_secret_reaches_any_log_of_the_whole_server(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    base = f"http://127.0.0.1:{server.app.port}"
    bearer = {"Authorization": f"Bearer {ALICE_TOKEN}"}
    async with server.session.get(f"{base}/api/calls?token={BOB_TOKEN}", headers=bearer) as got:
        assert got.status == 200
    async with server.session.get(f"{base}/api/calls?token={ALICE_TOKEN}x") as got:
        assert got.status == 401
    alice = await server.agent(ALICE_TOKEN)
    assert alice.welcome["agent"] == "alice"
    ws = await server.session.ws_connect(f"{base}/ws?access_token={BOB_TOKEN}")
    await ws.send_json({"op": "hello", "v": 1, "token": f"{BOB_TOKEN}-wrong", "last_seq": None})
    assert (await ws.receive(timeout=30)).data == 4002

    access = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert any("/api/calls?[redacted]" in line for line in access), access
    for secret in (ALICE_TOKEN, BOB_TOKEN, AMI_SECRET):
        assert secret not in caplog.text
