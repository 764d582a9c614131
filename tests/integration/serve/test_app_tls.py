"""With a certificate and key configured, the broker serves only TLS."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cti.app import CtiApp
from cti.config import load_config
from tests.integration.serve.conftest import ALICE_TOKEN, free_port, write_config


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
async def tls_app(tmp_path: Path) -> AsyncIterator[tuple[CtiApp, Path]]:
    cert, key = self_signed(tmp_path)
    extra = f"broker:\n  tls_cert: {cert}\n  tls_key: {key}\n"
    config_dir = write_config(tmp_path / "config", free_port(), extra=extra)
    app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
    await app.start()
    try:
        yield app, cert
    finally:
        await app.stop()


async def test_broker_serves_wss_when_tls_is_configured(tls_app: tuple[CtiApp, Path]) -> None:
    app, cert = tls_app
    trust = ssl.create_default_context(cafile=str(cert))
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"wss://127.0.0.1:{app.port}/ws", ssl=trust) as ws:
            await ws.send_json({"op": "hello", "v": 1, "token": ALICE_TOKEN, "last_seq": None})
            welcome = await ws.receive_json(timeout=3.0)
        assert welcome["agent"] == "alice"
        with pytest.raises(aiohttp.ClientError):
            await session.get(f"http://127.0.0.1:{app.port}/api/health")
