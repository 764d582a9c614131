"""`cti demo` headless, as a new user runs it, with its simulated customers: email, chat
and web form interactions are offered to logged-in agents over the real broker WebSocket,
an agent's email reply arrives in the customer's own mailbox (read over IMAP), and the
closed interactions join the contacts' history beside the calls."""

from __future__ import annotations

import asyncio
import imaplib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from cti.demo.channels import MAILBOX_USERS, SUPPORT_ADDRESS
from cti.demo.mailbox import dovecot_missing
from cti.protocol import hello_frame

DEADLINE = 120.0
CHANNELS = {"email", "chat", "webform"}
DEMO = [sys.executable, "-m", "cti.cli", "--log-level", "INFO", "demo", "--no-desktop"]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    missing = dovecot_missing()
    if missing:
        pytest.skip(missing)
    work = tmp_path / "demo"
    log = (tmp_path / "stderr.txt").open("w")
    process = subprocess.Popen(
        [*DEMO, "--speed", "10", "--customers", "20", "--rate", "0.05", "--data", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    try:
        yield process, work
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # our own child, by its PID
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _config(work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    deadline = time.monotonic() + DEADLINE
    while not (work / "secrets.yaml").exists() or not (work / "cti.yaml").exists():
        assert time.monotonic() < deadline, "the demo wrote no config"
        time.sleep(0.1)
    time.sleep(0.5)  # written in one go each, but let the second file land
    return (
        yaml.safe_load((work / "cti.yaml").read_text()),
        yaml.safe_load((work / "secrets.yaml").read_text()),
    )


async def _offers(port: int, tokens: list[str]) -> dict[str, dict[str, Any]]:
    """Sign in as every agent and collect offers until each channel was offered once."""
    seen: dict[str, dict[str, Any]] = {}
    every_channel = asyncio.Event()

    async def follow(http: aiohttp.ClientSession, token: str) -> None:
        async with http.ws_connect(f"ws://127.0.0.1:{port}/ws") as socket:
            await socket.send_json(hello_frame(token))
            async for message in socket:
                frame = message.json()
                if frame.get("type") == "interaction.offered":
                    seen.setdefault(frame["data"]["channel"], frame["data"])
                    if seen.keys() >= CHANNELS:
                        every_channel.set()

    async with aiohttp.ClientSession() as http:
        await _connect_when_up(http, port)
        tasks = [asyncio.create_task(follow(http, token)) for token in tokens]
        try:
            await asyncio.wait_for(every_channel.wait(), DEADLINE)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return seen


async def _connect_when_up(http: aiohttp.ClientSession, port: int) -> None:
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            async with http.get(f"http://127.0.0.1:{port}/chat/demo") as page:
                assert page.status == 200
                return
        except aiohttp.ClientConnectionError:
            assert time.monotonic() < deadline, "the broker never listened"
            await asyncio.sleep(0.1)


def _replies_to_customers(work: Path, port: int) -> list[Any]:
    replies = []
    for line in (work / MAILBOX_USERS).read_text().splitlines():
        user, password = line.split(" ", 1)
        if user == SUPPORT_ADDRESS:
            continue
        with imaplib.IMAP4("127.0.0.1", port, timeout=30) as imap:
            imap.login(user, password)
            imap.select("INBOX")
            _, found = imap.uid("SEARCH", "ALL")
            for uid in found[0].split():
                _, data = imap.uid("FETCH", uid, "(RFC822)")
                replies.append(message_from_bytes(bytes(data[0][1])))
    return replies


def test_demo_customers_reach_agents_and_get_answers_in_their_mailbox(
    demo: tuple[subprocess.Popen[str], Path],
) -> None:
    process, work = demo
    started = time.time()
    config, secrets = _config(work)
    port = config["broker"]["port"]
    assert config["chat"]["allowed_origins"] == [f"http://127.0.0.1:{port}"]
    tokens = [a["token"] for a in secrets["broker"]["agents"].values() if "role" not in a]
    offers = asyncio.run(_offers(port, tokens))
    assert offers["webform"]["subject"] and offers["email"]["subject"]
    assert offers["chat"]["text"]

    imap_port = config["email"]["imap_port"]
    deadline = time.monotonic() + DEADLINE
    while not (replies := _replies_to_customers(work, imap_port)):
        assert process.poll() is None, "the demo ended"
        assert time.monotonic() < deadline, "no agent reply reached a customer's mailbox"
        time.sleep(0.5)
    reply = replies[0]
    assert reply["Subject"].startswith("Re: ")
    assert reply["In-Reply-To"] and SUPPORT_ADDRESS in reply["From"]
    assert any(name in reply["From"] for name in config["interactions"]["agent_names"].values())

    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started - 5))
    deadline = time.monotonic() + DEADLINE
    while len(_history_channels(work, since)) < 2:
        assert time.monotonic() < deadline, "closed interactions never joined a history"
        time.sleep(0.5)

    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    stderr = (work.parent / "stderr.txt").read_text()
    assert "Traceback" not in stderr
    assert secrets["email"]["imap_password"] not in stderr  # secrets never reach the log


def _history_channels(work: Path, since: str) -> set[str]:
    with sqlite3.connect(work / "contacts.db") as db:
        rows = db.execute(
            "SELECT channel FROM interactions WHERE agent LIKE 'agent%' AND ts >= ?", (since,)
        ).fetchall()
    return {channel for (channel,) in rows}


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"  # a zombie has stopped; only its parent's wait is missing


def _dovecot_of(process: subprocess.Popen[str], work: Path) -> int:
    _config(work)  # the config is written once the mailbox runs
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        for child in _children(process.pid):
            if "dovecot" in Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace"):
                return child
        time.sleep(0.1)
    raise AssertionError("the demo started no dovecot")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_demo_leaves_no_mail_server_running(
    demo: tuple[subprocess.Popen[str], Path], stop: signal.Signals
) -> None:
    process, work = demo
    dovecot = _dovecot_of(process, work)
    process.send_signal(stop)  # our own child, by its PID
    process.wait(timeout=DEADLINE)
    deadline = time.monotonic() + DEADLINE
    while not _gone(dovecot):
        assert time.monotonic() < deadline, f"dovecot {dovecot} outlived the demo ({stop.name})"
        time.sleep(0.1)
