"""`cti demo` starts its agents only once the server's AMI link to the simulator is up,
and says clearly when that link never comes up."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from cti.app import CtiApp
from cti.demo.session import DemoStartError, wait_for_pbx_link, write_demo_config
from cti.sim import PbxSimulator

SECRET = "demo-secret-for-tests"
TOKENS = {"1001": "demo-token-0123456789abcdef"}


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def server(tmp_path: Path, ami_port: int) -> AsyncIterator[CtiApp]:
    config = write_demo_config(tmp_path / "demo", ami_port, SECRET, TOKENS)
    app = CtiApp(config, broker_port=0)
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


async def test_waits_until_the_brokers_pbx_link_is_up(tmp_path: Path) -> None:
    async with (
        PbxSimulator(agents=["1001"], secret=SECRET, time_scale=0.001) as pbx,
        server(tmp_path, pbx.port) as app,
    ):
        await wait_for_pbx_link(app, pbx.port)
        assert app.context.broker.pbx.connected


@pytest.mark.parametrize(
    ("simulator", "timeout", "says"),
    [
        (lambda: None, 1.0, "the server could not reach the PBX simulator's AMI on 127.0.0.1:"),
        (  # a refused login ends the wait at once, whatever is left of the deadline
            lambda: PbxSimulator(agents=["1001"], secret="another-secret", time_scale=0.001),
            30.0,
            "refused the server's login",
        ),
    ],
)
async def test_an_ami_link_that_never_comes_up_stops_the_demo_with_the_reason(
    tmp_path: Path, simulator: Callable[[], PbxSimulator | None], timeout: float, says: str
) -> None:
    pbx = simulator()
    if pbx is not None:
        await pbx.start()
    port = pbx.port if pbx is not None else closed_port()
    try:
        async with server(tmp_path, port) as app:
            with pytest.raises(DemoStartError) as raised:
                await wait_for_pbx_link(app, port, timeout=timeout)
    finally:
        if pbx is not None:
            await pbx.stop()
    assert says in str(raised.value)
    assert f"127.0.0.1:{port}" in str(raised.value)
    assert not app.context.broker.pbx.connected
