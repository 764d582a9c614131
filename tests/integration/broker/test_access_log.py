"""No token reaches any log: not the access log, whatever carries it, nor any other line."""

from __future__ import annotations

import logging

import pytest

from cti.protocol import CLOSE_BAD_TOKEN, hello_frame
from tests.integration.broker.conftest import BrokerServer, receive_close, receive_json

SECRETS = [f"s3cr3t-{index}" for index in range(8)]


async def get(server: BrokerServer, target: str, headers: dict[str, str] | None = None) -> int:
    async with server.http.get(f"{server.url}{target}", headers=headers) as response:
        await response.read()
        return response.status


async def test_tokens_in_query_strings_and_headers_never_reach_the_access_log(
    broker: BrokerServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    alice = broker.headers("tok-alice")
    assert await get(broker, f"/api/calls?token={SECRETS[0]}", alice) == 200
    assert await get(broker, f"/api/calls?access_token={SECRETS[1]}&x=1", alice) == 200
    assert await get(broker, f"/api/health?secret={SECRETS[2]}") == 200
    assert await get(broker, f"/api/health?{SECRETS[3]}") == 200
    assert await get(broker, "/api/calls", broker.headers(SECRETS[4])) == 401
    referer = {"Referer": f"https://crm.example.com/a?token={SECRETS[5]}"}
    assert await get(broker, "/api/health", referer) == 200
    ws = await broker.http.ws_connect(f"{broker.ws_url()}?token={SECRETS[6]}")
    await ws.send_json(hello_frame("tok-alice"))
    assert (await receive_json(ws))["op"] == "welcome"
    await ws.close()
    bad = await broker.raw()
    await bad.send_json(hello_frame(SECRETS[7]))
    assert await receive_close(bad) == CLOSE_BAD_TOKEN

    access = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert any('"GET /api/calls?' in line and " 200 " in line for line in access), access
    assert any('"GET /api/calls ' in line and " 401 " in line for line in access), access
    assert any('"GET /ws?' in line and " 101 " in line for line in access), access
    for secret in [*SECRETS, "tok-alice"]:
        assert secret not in caplog.text, f"{secret} was logged"
        assert not any(secret in str(r.args) for r in caplog.records), secret


async def test_client_text_cannot_forge_log_lines(
    broker: BrokerServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A command name is the client's words: an unknown one is not logged as given."""
    caplog.set_level(logging.DEBUG)
    alice, _ = await broker.connect("tok-alice")
    await alice.send_json({"op": "command", "id": "1", "name": "x\nERROR forged line", "args": {}})
    assert (await receive_json(alice))["error"] == "unknown-command"
    assert "command (unknown) by alice refused: unknown-command" in caplog.text
    assert "forged" not in caplog.text
