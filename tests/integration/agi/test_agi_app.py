"""`cti serve`'s app runs the FastAGI server when ``agi.enabled``, over its own lookup."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from cti.app import CtiApp
from cti.config import load_config
from cti.lookup import ContactStore
from tests.integration.agi.asterisk import play, recorded
from tests.integration.serve.conftest import add_alice, free_port, write_config

AGI_ON = "agi:\n  enabled: true\n  port: 0\n"
CAROL = "+14155550199"


def app_config(directory: Path, extra: str) -> Path:
    config_dir = write_config(directory, free_port(), extra)  # no AMI there: it retries
    add_alice(config_dir / "contacts.db")
    return config_dir


def lookup_block(number: bytes) -> bytes:
    block, _ = recorded("agi_lookup-01")
    return block.replace(b"+14155550123", number)


async def test_enabled_agi_names_the_caller_from_the_apps_directory(tmp_path: Path) -> None:
    app = CtiApp(
        load_config(app_config(tmp_path / "c", AGI_ON), require_secrets=True), broker_port=0
    )
    await app.start()
    try:
        assert app.agi is not None and app.agi.port is not None
        run = await play(app.agi.port, [lookup_block(b"+14155550123")])
    finally:
        await app.stop()
    variables = run.variables()
    assert variables["CALLERID(name)"] == "Alice Example"
    assert variables["CTI_COMPANY"] == "Example Inc"
    assert variables["CTI_MATCH"] == "exact"
    with pytest.raises(OSError):  # stopped with the app
        await asyncio.open_connection("127.0.0.1", app.agi.port)


async def test_agi_is_on_by_default_and_off_when_disabled(tmp_path: Path) -> None:
    default = load_config(app_config(tmp_path / "on", "agi: {}\n"), require_secrets=True)
    assert default.agi.enabled and (default.agi.host, default.agi.port) == ("127.0.0.1", 4573)
    assert CtiApp(default, broker_port=0).agi is not None  # built, not started: no port taken
    off = load_config(
        app_config(tmp_path / "off", "agi:\n  enabled: false\n"), require_secrets=True
    )
    assert CtiApp(off, broker_port=0).agi is None


async def test_agi_sessions_are_counted_in_the_metrics(tmp_path: Path) -> None:
    app = CtiApp(
        load_config(app_config(tmp_path / "c", AGI_ON), require_secrets=True), broker_port=0
    )
    await app.start()
    try:
        assert app.agi is not None and app.agi.port is not None
        await play(app.agi.port, [lookup_block(b"+14155550123")])
        await play(app.agi.port, [lookup_block(CAROL.encode())])
        text = app.metrics.render()
    finally:
        await app.stop()
    assert 'cti_agi_sessions_total{outcome="exact"} 1' in text.splitlines()
    assert 'cti_agi_sessions_total{outcome="none"} 1' in text.splitlines()
    assert "cti_agi_refused_total 0" in text.splitlines()


async def test_agi_uses_the_lookup_a_reload_installed(tmp_path: Path) -> None:
    config_dir = app_config(tmp_path / "c", AGI_ON)
    app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
    await app.start()
    try:
        assert app.agi is not None and app.agi.port is not None
        before = await play(app.agi.port, [lookup_block(CAROL.encode())])  # cached as "none"
        store = ContactStore(config_dir / "contacts.db")
        store.add_contact("Carol Caller", [(CAROL, CAROL, None)])
        store.close()
        write_config(config_dir, free_port(), AGI_ON + "numbers:\n  match_last_digits: 8\n")
        await app.reload(load_config(config_dir, require_secrets=True))  # a new lookup service
        after = await play(app.agi.port, [lookup_block(CAROL.encode())])
    finally:
        await app.stop()
    assert before.variables() == {"CTI_MATCH": "none"}
    assert after.variables()["CALLERID(name)"] == "Carol Caller"
