"""AmiClient against the fake AMI server over real loopback sockets."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import socket
from pathlib import Path

import pytest

from cti.ami.client import AmiClient, AmiDisconnected, AmiSettings, AmiTimeout
from cti.ami.fake_server import ActionRequest, FakeAmiConnection, FakeAmiServer, Reply
from cti.ami.messages import Event
from cti.ami.settings import Backoff
from cti.app import CtiApp
from cti.config import load_config

from .conftest import ClientFactory, ClientRun
from .serve.conftest import until, write_config

CLIENT_LOGGER = "cti.ami.client"


async def silent(connection: FakeAmiConnection, action: ActionRequest) -> Reply:
    """A handler that never answers, like a hung Asterisk."""
    return None


def channel(uniqueid: str, name: str) -> dict[str, str]:
    return {
        "Channel": name,
        "ChannelState": "4",
        "ChannelStateDesc": "Ring",
        "CallerIDNum": "+14155550123",
        "CallerIDName": "Jörg Müller",
        "Uniqueid": uniqueid,
        "Linkedid": "1.0",
    }


async def test_plain_login_connects_and_delivers_events_in_order(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    run = await start_client()
    await run.wait_state("connected")
    for n in range(50):
        await ami_server.send_event("Tick", {"N": str(n)})
    await run.wait_for(lambda: len(run.events) >= 50)

    assert [e["N"] for e in run.events] == [str(n) for n in range(50)]
    login = ami_server.actions[0]
    assert login.name == "Login"
    assert (login["Username"], login["Secret"], login["Events"]) == ("cti", "ctisecret", "on")
    assert run.client.banner is not None and run.client.banner.version == "11.0.0"
    assert run.state_names() == ["connecting", "connected"]


async def test_md5_login_uses_challenge_and_never_sends_the_secret(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    run = await start_client(auth="md5")
    await run.wait_state("connected")
    challenge, login = ami_server.actions[:2]
    assert (challenge.name, challenge["AuthType"]) == ("Challenge", "MD5")
    assert login.name == "Login" and login["AuthType"] == "MD5"
    assert len(login["Key"]) == 32 and "Secret" not in login


async def test_wrong_secret_backs_off_with_one_warning_per_attempt(
    ami_server: FakeAmiServer, start_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    loop = asyncio.get_running_loop()
    started = loop.time()
    run = await start_client(secret="wrong-secret", reconnect_min=0.01, reconnect_max=0.16)

    def warnings() -> list[logging.LogRecord]:
        records = caplog.records
        return [r for r in records if r.name == CLIENT_LOGGER and r.levelno >= logging.WARNING]

    await until(lambda: len(warnings()) >= 6, 30.0)
    elapsed = loop.time() - started
    failures, logged = run.state_names().count("auth-failed"), warnings()
    await asyncio.wait_for(run.client.close(), 2)

    assert failures in (len(logged), len(logged) + 1)  # a line follows each refusal
    logged = warnings()
    assert all("refused (Authentication failed)" in r.getMessage() for r in logged)
    assert "wrong-secret" not in caplog.text
    assert run.client.state == "disconnected" and run.task.done()
    # No busy loop, and exponential: the n-th pause is at least half of 10 ms * 2**n
    # (jitter takes off up to half). Lower bounds only, so a loaded machine cannot
    # make this flaky.
    assert elapsed >= 0.155
    starts = [t for t, state in run.states if state == "connecting"]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.005 * 2**n * 0.95 for n, gap in enumerate(gaps[:5])), gaps


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    backoff = Backoff(0.5, 30.0)
    delays = [backoff.next() for _ in range(12)]
    bases = [min(30.0, 0.5 * 2**n) for n in range(12)]
    assert all(base / 2 <= delay <= base for delay, base in zip(delays, bases, strict=True))
    assert max(delays) <= 30.0
    backoff.reset()
    assert backoff.next() <= 0.5


async def test_concurrent_actions_get_their_own_responses(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    async def echo_later(connection: FakeAmiConnection, action: ActionRequest) -> Reply:
        async def answer() -> None:  # answer in reverse order of arrival
            await asyncio.sleep(0.2 - int(action["N"]) * 0.01)
            connection.respond(action, "Success", {"Echo": action["N"]})

        asyncio.get_running_loop().call_soon(asyncio.ensure_future, answer())
        return None

    ami_server.handle("EchoLater", echo_later)
    run = await start_client()
    await run.wait_state("connected")
    responses = await asyncio.gather(
        *(run.client.send_action("EchoLater", {"N": str(n)}) for n in range(10))
    )
    assert [r["Echo"] for r in responses] == [str(n) for n in range(10)]
    assert len({r.action_id for r in responses}) == 10


async def test_sequence_values_become_repeated_headers(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    run = await start_client()
    await run.wait_state("connected")
    response = await run.client.send_action(
        "Originate", {"Channel": "Local/1001@agents", "Variable": ["A=1", "B=2"]}
    )
    assert not response.ok and response.message.startswith("Invalid/unknown command")
    originate = ami_server.actions[-1]
    assert originate.values("Variable") == ("A=1", "B=2")


@pytest.mark.parametrize(
    "fields",
    [
        {"CallerID": "x\r\nAction: Hangup"},
        {"CallerID": "x\nAction: Hangup"},
        {"Variable": ["A=1", "B=2\r"]},
        {"Bad\nKey": "v"},
    ],
)
async def test_cr_or_lf_in_an_action_is_refused_before_sending(
    ami_server: FakeAmiServer, start_client: ClientFactory, fields: dict[str, str]
) -> None:
    run = await start_client()
    await run.wait_state("connected")
    sent = len(ami_server.actions)
    with pytest.raises(ValueError, match="CR or LF"):
        await run.client.send_action("Originate", fields)
    await run.client.send_action("Ping")
    assert [a.name for a in ami_server.actions[sent:]] == ["Ping"]


async def test_action_without_answer_raises_ami_timeout(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    ami_server.handle("Hang", silent)
    run = await start_client()
    await run.wait_state("connected")
    with pytest.raises(AmiTimeout, match="Hang"):
        await run.client.send_action("Hang", timeout=0.05)
    assert len(run.client._pending) == 0
    assert (await run.client.send_action("Ping"))["Ping"] == "Pong"


async def test_list_action_collects_items_away_from_on_event(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    run = await start_client()
    await run.wait_state("connected")
    await ami_server.send_event("Newchannel", channel("1.0", "PJSIP/trunk-00000001"))
    await ami_server.send_event("Newchannel", channel("1.1", "PJSIP/1001-00000002"))
    await ami_server.send_event("Hangup", channel("1.1", "PJSIP/1001-00000002"))

    response, items = await run.client.send_list_action("CoreShowChannels")

    assert response.ok and response.event_list == "start"
    assert [(i.name, i["Uniqueid"], i["CallerIDName"]) for i in items] == [
        ("CoreShowChannel", "1.0", "Jörg Müller")
    ]
    assert not any(name.startswith("CoreShowChannel") for name in run.names())


async def test_list_action_error_returns_no_items(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    run = await start_client()
    await run.wait_state("connected")
    response, items = await run.client.send_list_action("NoSuchList")
    assert not response.ok and items == []


async def test_reconnect_after_drop_resyncs_and_events_flow_again(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    seen_in_resync: list[list[str]] = []
    run: ClientRun

    async def resync(client: AmiClient) -> None:
        await ami_server.send_event("DuringResync")
        await client.send_list_action("CoreShowChannels")
        seen_in_resync.append(run.names())
        run.poke()

    run = await start_client(on_connected=resync)
    await run.wait_for(lambda: len(seen_in_resync) == 1)
    await ami_server.drop_connections()
    await run.wait_for(lambda: len(seen_in_resync) == 2)
    await ami_server.send_event("AfterReconnect")
    await run.wait_for(lambda: "AfterReconnect" in run.names())

    assert run.connected_calls == 2
    assert run.state_names() == [
        "connecting",
        "connected",
        "disconnected",
        "connecting",
        "connected",
    ]
    assert seen_in_resync[1][-1] == "DuringResync"  # flowed while on_connected waited
    assert ami_server.logins == 2


async def test_pending_actions_fail_with_ami_disconnected_on_drop(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    ami_server.handle("Hang", silent)
    run = await start_client()
    await run.wait_state("connected")
    pending = asyncio.create_task(run.client.send_action("Hang", timeout=5))
    listing = asyncio.create_task(run.client.send_list_action("Hang", timeout=5))
    await ami_server.wait_for_action("Hang", count=2)
    await ami_server.drop_connections()
    for task in (pending, listing):
        with pytest.raises(AmiDisconnected):
            await asyncio.wait_for(task, 1)


async def test_send_action_when_not_connected_fails_fast() -> None:
    client = AmiClient(AmiSettings(port=1, username="cti", secret="s"), lambda event: None)
    with pytest.raises(AmiDisconnected, match="not connected"):
        await client.send_action("Ping")


async def test_keepalive_drops_a_server_that_stops_answering_ping(
    ami_server: FakeAmiServer, start_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    run = await start_client(ping_interval=0.05)
    await run.wait_state("connected")
    await ami_server.wait_for_action("Ping")  # a healthy Pong first
    ami_server.handle("Ping", silent)
    await run.wait_state("disconnected")
    await run.wait_state("connected", count=2)
    assert "did not answer Ping" in caplog.text
    assert run.connected_calls == 2


async def test_failing_on_event_is_logged_and_the_stream_continues(
    ami_server: FakeAmiServer, start_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(event: Event) -> None:
        if event.name == "Bad":
            raise RuntimeError("tracker bug")

    run = await start_client(on_event=explode)
    await run.wait_state("connected")
    await ami_server.send_event("Bad")
    await ami_server.send_event("Good")
    await run.wait_for(lambda: "Good" in run.names())
    assert "on_event failed for AMI event Bad" in caplog.text
    assert "RuntimeError: tracker bug" in caplog.text


async def test_close_logs_off_and_run_returns(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    run = await start_client()
    await run.wait_state("connected")
    await asyncio.wait_for(run.client.close(), 2)
    assert ami_server.actions[-1].name == "Logoff"
    assert run.task.done() and run.task.exception() is None
    assert run.client.state == "disconnected"


async def test_client_keeps_retrying_until_the_server_appears(
    start_client: ClientFactory, ami_server: FakeAmiServer
) -> None:
    async with FakeAmiServer() as other:
        port = other.port
    run = await start_client(port=port)
    await run.wait_state("connecting", count=3)
    assert run.client.state in ("connecting", "disconnected")
    async with FakeAmiServer(port=port) as reborn:
        await run.wait_state("connected")
        assert reborn.logins == 1


async def test_secret_never_appears_in_logs_or_repr(
    ami_server: FakeAmiServer, start_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = AmiSettings(username="cti", secret="ctisecret")
    assert "ctisecret" not in repr(settings)
    for auth in ("plain", "md5"):
        run = await start_client(auth=auth, ping_interval=0.02)
        await run.wait_state("connected")
        await ami_server.wait_for_action("Ping", count=2)
        with pytest.raises(ValueError):
            await run.client.send_action("Login", {"Secret": "ctisecret\r\n"})
        await run.client.close()
    assert caplog.records and "ctisecret" not in caplog.text


UNREACHABLE = re.compile(
    r"AMI 127\.0\.0\.1:\d+ unreachable \(Connection refused\); next try in \d+\.\d s"
)


def closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def link_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What an admin reads about the AMI link: every cti record at INFO or above."""
    return [r for r in caplog.records if r.name.startswith("cti") and r.levelno >= logging.INFO]


async def test_unreachable_server_gets_one_line_per_attempt_saying_when_the_next_is(
    start_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    run = await start_client(port=closed_port(), reconnect_min=0.05, reconnect_max=0.2)
    await until(lambda: len(link_lines(caplog)) >= 4, timeout=30.0)
    lines, attempts = link_lines(caplog), run.state_names().count("connecting")
    await run.client.close()

    assert all(UNREACHABLE.fullmatch(r.getMessage()) for r in lines), lines
    assert attempts in (len(lines), len(lines) + 1)  # the last one may still be trying
    # "next try in" tells the truth: each pause lasts at least the delay its line states
    starts = [t for t, state in run.states if state == "connecting"]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    stated = [r.args[-1] for r in lines if isinstance(r.args, tuple)]
    assert all(gap >= delay * 0.99 for gap, delay in zip(gaps, stated, strict=False))


async def test_refused_login_says_where_to_fix_it_without_the_secret(
    start_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    run = await start_client(secret="wrong-secret", reconnect_min=0.05, reconnect_max=0.2)
    await until(lambda: len(link_lines(caplog)) >= 2, 30.0)
    lines = [r.getMessage() for r in link_lines(caplog)]
    refusals = run.state_names().count("auth-failed")
    await run.client.close()

    assert refusals in (len(lines), len(lines) + 1)  # one line per refusal, none else
    assert all(
        re.fullmatch(
            r"AMI login to 127\.0\.0\.1:\d+ as 'cti' refused \(Authentication failed\): "
            r"check ami\.secret in secrets\.yaml and the user \[cti\] in Asterisk's "
            r"manager\.conf; next try in \d+\.\d s",
            line,
        )
        for line in lines
    ), lines
    assert "wrong-secret" not in caplog.text


async def test_lost_link_is_one_line_and_only_after_the_connected_one(
    ami_server: FakeAmiServer, start_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    run = await start_client()
    await run.wait_state("connected", timeout=30.0)
    await ami_server.drop_connections()
    await run.wait_state("connected", count=2, timeout=30.0)
    await run.client.close()

    lines = [r.getMessage() for r in link_lines(caplog)]
    port = ami_server.port
    assert lines[0] == f"AMI 127.0.0.1:{port} connected, logged in as 'cti'"
    assert re.fullmatch(
        rf"AMI 127\.0\.0\.1:{port} disconnected \(connection lost\); next try in \d+\.\d s",
        lines[1],
    )
    assert lines[2] == lines[0]
    assert len(lines) == 3


async def test_server_with_no_pbx_logs_only_the_clients_retry_lines(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """cti serve's own AMI state callback adds no "AMI connecting/disconnected" lines."""
    caplog.set_level(logging.DEBUG)
    config = load_config(write_config(tmp_path / "config", closed_port()), require_secrets=True)
    app = CtiApp(config, broker_port=0)
    await app.start()
    try:
        await until(lambda: sum("unreachable" in r.getMessage() for r in caplog.records) >= 3, 30.0)
    finally:
        await app.stop()
    about_ami = [r.getMessage() for r in link_lines(caplog) if "AMI" in r.getMessage()]
    assert len(about_ami) >= 3
    assert all(UNREACHABLE.fullmatch(line) for line in about_ami), about_ami
