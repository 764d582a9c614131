"""The terminal view against the real broker on 127.0.0.1:0: pops, drops and resumes."""

from __future__ import annotations

import asyncio
import io
import logging
import socket

import aiohttp
import pytest
from rich.console import Console

from cti.demo import ClientRefused, PopClient, TerminalView, watch, ws_url
from cti.protocol import (
    CLOSE_BAD_TOKEN,
    CLOSE_GOING_AWAY,
    CallAnswered,
    Called,
    CallRinging,
    Party,
)
from tests.integration.demo.conftest import Running, until

JORG = {"id": 1, "name": "Jörg Müller", "company": "Müller & Söhne GmbH", "match": "exact"}


def ringing(call_id: str, extension: str, name: str) -> CallRinging:
    return CallRinging(
        call_id=call_id,
        extension=extension,
        caller=Party("+12125550161", name, "+12125550161"),
        called=Called("600", "+18005550100"),
        queue="support",
        contact=JORG,
        matches=(JORG,),
        audience=frozenset({extension}),
    )


async def test_view_prints_a_pop_and_resumes_after_a_drop(
    broker: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cti.broker.hub")
    out = io.StringIO()
    view = TerminalView(Console(file=out))
    client = PopClient(
        broker.url, "tok-alice", view.handle, broker.http, on_note=view.note, backoff_min=0.3
    )
    task = asyncio.create_task(client.run())
    try:
        await asyncio.wait_for(client.welcomed.wait(), 30)
        assert client.last_seq == 0

        broker.ctx.broker.publish(ringing("1700000000.1", "1001", "[bold red]x[/]"))
        await until(lambda: "call.ringing" in out.getvalue())

        await broker.ctx.broker.close_all(CLOSE_GOING_AWAY, "test drop")
        broker.ctx.broker.publish(CallAnswered(
            call_id="1700000000.1", extension="1001", audience=frozenset({"1001"})
        ))  # fmt: skip
        await until(lambda: "call.answered" in out.getvalue())
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    lines = out.getvalue().splitlines()
    pops = [line for line in lines if "call." in line]
    assert pops[0].startswith(
        f"{pops[0][:8]} alice/1001 call.ringing call=1700000000.1 "
        "caller=+12125550161 [bold red]x[/] contact=Jörg Müller (Müller & Söhne GmbH) "
        "queue=support dialled=+18005550100"
    )
    assert "(answered by 1001)" in pops[1]
    assert any(line.startswith("# alice: disconnected (code 1001)") for line in lines)
    assert client.welcomes == 2
    assert client.last_seq == 2
    # The second hello carried last_seq=1 and the broker replayed the missed answer.
    replayed = "agent alice connected (last_seq=1, epoch current, replayed=1, resync=False)"
    assert replayed in caplog.text


async def test_connection_line_follows_a_drop_and_the_resume(broker: Running) -> None:
    view = TerminalView(Console(file=io.StringIO()), live=False)
    states: list[str] = []

    def on_link(client: PopClient, agent: str, state: str, text: str) -> None:
        states.append(state)
        view.link(client, agent, state, text)

    client = PopClient(
        broker.url, "tok-alice", view.handle, broker.http, on_link=on_link, backoff_min=0.3
    )
    task = asyncio.create_task(client.run())
    try:
        await until(lambda: view.links_line() == "1 agent connected")
        await broker.ctx.broker.close_all(CLOSE_GOING_AWAY, "test drop")
        await until(lambda: len(states) >= 3)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert states[0] == "connected"
    assert states[1].startswith("reconnecting in ")
    assert states[2] == "connected"
    assert view.links_line() == "1 agent connected"


async def test_watch_follows_several_agents(broker: Running) -> None:
    out = io.StringIO()
    view = TerminalView(Console(file=out))
    task = asyncio.create_task(
        watch(broker.url, ["tok-alice", "tok-bob"], view, session=broker.http, backoff_min=0.05)
    )
    try:
        await until(lambda: out.getvalue().count("connected (extension") == 2)
        broker.ctx.broker.publish(ringing("1700000000.2", "1002", "Seán O'Brien"))
        broker.ctx.broker.publish(ringing("1700000000.3", "1001", "王伟"))
        await until(lambda: out.getvalue().count("call.ringing") == 2)
        assert view.links_line() == "2 agents connected"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    text = out.getvalue()
    assert "bob/1002 call.ringing call=1700000000.2 caller=+12125550161 Seán O'Brien" in text
    assert "alice/1001 call.ringing call=1700000000.3 caller=+12125550161 王伟" in text
    assert not broker.http.closed  # a session passed in stays the caller's


async def test_a_bad_token_stops_the_client_instead_of_retrying(broker: Running) -> None:
    out = io.StringIO()
    view = TerminalView(Console(file=out))

    with pytest.raises(ClientRefused) as refused:
        await asyncio.wait_for(
            watch(broker.url, ["wrong-token"], view, session=broker.http, backoff_min=0.05), 30
        )

    assert refused.value.code == CLOSE_BAD_TOKEN
    assert "refused by the broker (close code 4002)" in out.getvalue()
    assert "wrong-token" not in out.getvalue()


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_client_backs_off_while_the_broker_is_down() -> None:
    notes: list[str] = []
    async with aiohttp.ClientSession() as http:
        view = TerminalView(Console(file=io.StringIO()))
        client = PopClient(
            ws_url("127.0.0.1", free_port()),
            "tok",
            view.handle,
            http,
            on_note=notes.append,
            backoff_min=0.01,
            backoff_max=0.08,
        )
        task = asyncio.create_task(client.run())
        await until(lambda: len(notes) >= 6)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert client.welcomes == 0
    assert all(note.startswith("agent: disconnected (code None)") for note in notes)
    pauses = [float(note.split("retrying in ")[1].split("s")[0]) for note in notes]
    assert pauses[-1] >= 0.04  # doubled up to the cap (0.08, jittered by half at most)
