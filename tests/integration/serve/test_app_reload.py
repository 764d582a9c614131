"""`CtiApp.reload` and the SIGHUP path: live changes keep agents and calls connected."""

from __future__ import annotations

import logging
from functools import partial

import pytest

from cti.app import reload_from
from cti.config import load_config
from cti.sim import CallPlan
from tests.integration.serve.conftest import (
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Server,
    write_config,
)

NEW_ALICE_TOKEN = "alice-new-token-9876543210"
CAROL = ("+14155550199", "Carol Caller")
RINGING = CallPlan(answer_after=3600.0, talk=1.0)


def rewrite(server: Server, extra: str = "", agents: str = "") -> None:
    write_config(server.config_dir, server.pbx.port, extra, agents)


async def test_new_token_applies_live_and_keeps_connected_agents(server: Server) -> None:
    alice = await server.agent(ALICE_TOKEN)
    rewrite(
        server,
        agents=(
            f"    alice: {{token: {NEW_ALICE_TOKEN}, extension: '1001'}}\n"
            f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
        ),
    )
    assert await server.app.reload(server.load()) == []
    assert (await server.agent(NEW_ALICE_TOKEN)).welcome["agent"] == "alice"
    old = await server.session.ws_connect(f"http://127.0.0.1:{server.app.port}/ws")
    await old.send_json({"op": "hello", "v": 1, "token": ALICE_TOKEN, "last_seq": None})
    await old.receive(timeout=3.0)
    assert old.close_code == 4002
    call_id = await server.pbx.place_call("direct", target="1001", plan=RINGING)
    assert (await alice.event("call.ringing"))["data"]["call_id"] == call_id


async def test_adding_an_agent_is_reported_as_needing_a_restart(server: Server) -> None:
    rewrite(
        server,
        agents=(
            f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
            f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
            "    carol: {token: carol-token-0123456789, extension: '1003'}\n"
        ),
    )
    assert await server.app.reload(server.load()) == ["broker.agents"]
    assert (await server.agent(ALICE_TOKEN)).welcome["agent"] == "alice"


async def test_lookup_settings_apply_live(server: Server) -> None:
    csv = server.config_dir / "extra.csv"
    csv.write_text(f"name,phone\n{CAROL[1]},{CAROL[0]}\n", encoding="utf-8")
    rewrite(server, extra=f"  csv_files:\n    - {csv}\nlogging:\n  level: DEBUG\n")
    assert await server.app.reload(server.load()) == []
    assert logging.getLogger().level == logging.DEBUG
    alice = await server.agent(ALICE_TOKEN)
    await server.pbx.place_call("direct", caller=CAROL, target="1001", plan=RINGING)
    contact = (await alice.event("call.ringing"))["data"]["contact"]
    assert contact is not None and contact["name"] == CAROL[1]


async def test_invalid_edit_is_refused_and_the_running_config_kept(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    before = server.app.config
    rewrite(server, extra="  mode: fastest\n")
    with caplog.at_level(logging.ERROR):
        await reload_from(server.app, partial(load_config, server.config_dir, require_secrets=True))
    assert server.app.config is before
    assert "config reload refused" in caplog.text and "lookup.mode" in caplog.text
    assert (await server.agent(ALICE_TOKEN)).welcome["agent"] == "alice"


async def test_reload_logs_no_secret(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    rewrite(server, agents="    alice: {token: short, extension: '1001'}\n")
    with caplog.at_level(logging.DEBUG):
        await reload_from(server.app, partial(load_config, server.config_dir, require_secrets=True))
        rewrite(server, extra="logging:\n  level: WARNING\n")
        await reload_from(server.app, partial(load_config, server.config_dir, require_secrets=True))
    assert "broker.agents" in caplog.text
    for secret in (ALICE_TOKEN, BOB_TOKEN, AMI_SECRET, "short"):
        assert secret not in caplog.text


async def test_reload_with_an_unusable_csv_keeps_the_running_lookup(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    before, lookup = server.app.config, server.app.pipeline.lookup
    rewrite(server, extra=f"  csv_files:\n    - {server.config_dir / 'missing.csv'}\n")
    with caplog.at_level(logging.ERROR):
        await reload_from(server.app, partial(load_config, server.config_dir, require_secrets=True))
    assert "config reload failed, running config kept" in caplog.text
    assert server.app.config is before and server.app.pipeline.lookup is lookup
    alice = await server.agent(ALICE_TOKEN)
    await server.pbx.place_call("direct", caller=("+14155550123", "A"), target="1001", plan=RINGING)
    assert (await alice.event("call.ringing"))["data"]["contact"]["name"] == "Alice Example"
