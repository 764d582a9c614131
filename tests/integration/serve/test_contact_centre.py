"""The contact-centre layer through the whole server: a recorded Asterisk stream on a
fake AMI server (127.0.0.1) → CtiApp → real WebSocket desktops of two agents and a
supervisor. Recording queue_abandon_waiting: A (1001) and B (1002) are answered, then
C and D wait in the queue and give up without ringing anyone."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cti.ami.fake_channels import Pairs, list_frames
from cti.ami.fake_server import (
    ActionHandler,
    ActionRequest,
    FakeAmiConnection,
    FakeAmiServer,
    Reply,
)
from cti.ami.transcript import TranscriptFrame, read_transcript
from cti.app import CtiApp
from cti.config import load_config
from cti.lookup import ContactStore
from cti.protocol import hello_frame
from tests.helpers import AMI_FIXTURES
from tests.integration.serve.conftest import (
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Agent,
    until,
    write_config,
)

SUE_TOKEN = "sue-token-0123456789abc"
AGENTS = (
    f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
    f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
    f"    sue: {{token: {SUE_TOKEN}, extension: '1009', role: supervisor}}\n"
)
CALLER_C, CALLER_D = "+14155550103", "+14155550104"
DEADLINE = 30.0


@dataclass
class Centre:
    ami: FakeAmiServer
    app: CtiApp
    session: aiohttp.ClientSession

    async def desktop(
        self, token: str, last_seq: int | None = None, epoch: str | None = None
    ) -> Agent:
        ws = await self.session.ws_connect(f"http://127.0.0.1:{self.app.port}/ws")
        await ws.send_json(hello_frame(token, last_seq, epoch))
        welcome = await ws.receive_json(timeout=DEADLINE)
        assert welcome["op"] == "welcome", welcome
        return Agent(ws, welcome)


@asynccontextmanager
async def centre(
    config_dir: Path, extra: str = "", lists: dict[str, list[Pairs]] | None = None
) -> AsyncIterator[Centre]:
    """``lists``: the items the fake Asterisk answers a list action with (by action)."""
    async with FakeAmiServer("cti", AMI_SECRET) as ami:
        for action, items in (lists or {}).items():
            ami.handle(action, list_answer(items))
        write_config(config_dir, ami.port, extra, agents=AGENTS)
        store = ContactStore(config_dir / "contacts.db")
        try:
            store.add_contact("Carla Waiting", [(CALLER_C, CALLER_C, "mobile")])
        finally:
            store.close()
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        await until(lambda: app.ami.state == "connected", timeout=DEADLINE)
        await ami.wait_for_action("QueueStatus", timeout=DEADLINE)  # the resync is under way
        async with aiohttp.ClientSession() as session:
            try:
                yield Centre(ami, app, session)
            finally:
                await app.stop()


def list_answer(items: list[Pairs]) -> ActionHandler:
    """A list action answered as Asterisk 22 does (recording queue_waiting_positions)."""

    async def answer(conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        complete = f"{action.name.removesuffix('List')}ListComplete"
        for frame in list_frames(
            action.field("ActionID"), "will follow", complete, items, item_id_last=False
        ):
            conn.write(frame)
        return None

    return answer


@pytest.fixture
async def floor(tmp_path: Path) -> AsyncIterator[Centre]:
    async with centre(tmp_path / "config") as started:
        yield started


def recording() -> tuple[TranscriptFrame, ...]:
    return read_transcript(AMI_FIXTURES / "queue_abandon_waiting.raw").events


async def frames_until(
    agent: Agent, done: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """Every event frame up to and including the first one `done` accepts."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(DEADLINE):
        while not seen or not done(seen[-1]):
            frame = await agent.next(DEADLINE)
            if frame.get("op") == "event":
                seen.append(frame)
    return seen


async def until_count(agent: Agent, kind: str, count: int) -> list[dict[str, Any]]:
    """Event frames until the `count`-th one of type `kind`, then the rest that follows."""
    seen: list[dict[str, Any]] = []

    def enough(frame: dict[str, Any]) -> bool:
        seen.append(frame)
        return sum(f["type"] == kind for f in seen) == count

    frames = await frames_until(agent, enough)
    return frames + await rest_of(agent)


async def rest_of(agent: Agent) -> list[dict[str, Any]]:
    """What is still coming to `agent`, until it has been quiet for a second."""
    seen: list[dict[str, Any]] = []
    with contextlib.suppress(TimeoutError):
        while True:
            seen.append(await agent.next(timeout=1.0))
    return seen


def ends_of(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f["data"] for f in frames if f["type"] == "call.ended"]


async def test_supervisor_sees_callers_wait_move_up_and_abandon(floor: Centre) -> None:
    sue = await floor.desktop(SUE_TOKEN)
    await floor.ami.send_frames(recording())
    frames = await until_count(sue, "call.ended", 4)
    waiting = [f["data"] for f in frames if f["type"] == "call.queued"]
    assert [(w["caller"]["number"], w["position"], w["count"]) for w in waiting] == [
        ("+14155550101", 1, 1),
        ("+14155550102", 1, 1),
        (CALLER_C, 1, 1),
        (CALLER_D, 2, 2),
        (CALLER_D, 1, 1),  # C gave up: D is first
    ]
    assert waiting[2]["contact"]["name"] == "Carla Waiting", "looked up like a pop"
    abandoned = [end for end in ends_of(frames) if end["abandoned"]]
    assert [end["call_id"] for end in abandoned] == [waiting[2]["call_id"], waiting[3]["call_id"]]
    for end in abandoned:
        assert (end["answered_by"], end["queue"]) == (None, "support")
        assert isinstance(end["waited_seconds"], float) and 0 <= end["waited_seconds"] < 30
    states = {
        (f["data"]["extension"], f["data"]["state"]) for f in frames if f["type"] == "agent.state"
    }
    assert {("1001", "on-call"), ("1002", "on-call"), ("1002", "available")} <= states


async def test_agent_sees_only_its_own_state_and_every_presence(floor: Centre) -> None:
    alice = await floor.desktop(ALICE_TOKEN)
    sue = await floor.desktop(SUE_TOKEN)
    await floor.ami.send_frames(recording())
    await until_count(sue, "call.ended", 4)
    frames = await rest_of(alice)
    types = {f["type"] for f in frames}
    assert "call.queued" not in types, "waiting callers are for supervisors"
    assert {f["data"]["extension"] for f in frames if f["type"] == "agent.state"} == {"1001"}
    assert {f["data"]["extension"] for f in frames if f["type"] == "presence"} == {"1001", "1002"}
    own_calls = {f["data"]["call_id"] for f in frames if f["type"].startswith("call.")}
    assert len(own_calls) == 1, "only the call 1001 took"


async def test_a_supervisor_who_connects_sees_the_waiting_callers_and_the_agents(
    floor: Centre,
) -> None:
    sue = await floor.desktop(SUE_TOKEN)
    frames = recording()
    first_abandon = next(i for i, f in enumerate(frames) if b"QueueCallerAbandon" in f.raw)
    await floor.ami.send_frames(frames[:first_abandon])
    seen: set[tuple[str, Any]] = set()

    def floor_settled(frame: dict[str, Any]) -> bool:
        """D waits second, and both agents are on their calls (the pops of A and B,
        which wait for their lookups, and their agents' states went out)."""
        data = frame["data"]
        if frame["type"] == "call.queued":
            seen.add(("call.queued", data["position"]))
        elif frame["type"] == "agent.state":
            seen.add(("agent.state", (data["extension"], data["state"])))
        wanted = {("call.queued", 2), ("agent.state", ("1001", "on-call"))}
        return wanted | {("agent.state", ("1002", "on-call"))} <= seen

    await frames_until(sue, floor_settled)
    late = await floor.desktop(SUE_TOKEN)
    welcome = late.welcome
    assert [(w["caller"]["number"], w["position"]) for w in welcome["waiting"]] == [
        (CALLER_C, 1),
        (CALLER_D, 2),
    ]
    assert [(a["extension"], a["state"]) for a in welcome["agents"]] == [
        ("1001", "on-call"),
        ("1002", "on-call"),
    ]
    assert [(p["extension"], p["state"]) for p in welcome["presence"]] == [
        ("1001", "in-use"),
        ("1002", "in-use"),
    ]
    assert welcome["agent_state"] is None


async def test_agent_reconnecting_within_the_journal_gets_the_agent_events_it_missed(
    floor: Centre,
) -> None:
    alice = await floor.desktop(ALICE_TOKEN)
    frames = recording()
    first_abandon = next(i for i, f in enumerate(frames) if b"QueueCallerAbandon" in f.raw)
    await floor.ami.send_frames(frames[:first_abandon])
    seen = await frames_until(
        alice, lambda f: f["type"] == "agent.state" and f["data"]["state"] == "on-call"
    )
    await alice.ws.close()
    await floor.ami.send_frames(frames[first_abandon:])
    again = await floor.desktop(ALICE_TOKEN, seen[-1]["seq"], alice.welcome["epoch"])
    assert again.welcome["resync"] is False
    replayed = await frames_until(
        again, lambda f: f["type"] == "agent.state" and f["data"]["state"] == "available"
    )
    assert replayed[0]["seq"] == seen[-1]["seq"] + 1, "gapless"
    assert again.welcome["agent_state"]["extension"] == "1001"


async def test_announce_waiting_shows_the_queues_agents_who_waits_and_when_it_ends(
    tmp_path: Path,
) -> None:
    async with centre(tmp_path / "config", "queues:\n  announce_waiting: true\n") as floor:
        alice = await floor.desktop(ALICE_TOKEN)
        sue = await floor.desktop(SUE_TOKEN)
        await floor.ami.send_frames(recording())
        await until_count(sue, "call.ended", 4)
        frames = await rest_of(alice)
    waiting = [f["data"] for f in frames if f["type"] == "call.queued"]
    later = [(w["caller"]["number"], w["position"]) for w in waiting if w["caller"]["number"]]
    assert later[-3:] == [(CALLER_C, 1), (CALLER_D, 2), (CALLER_D, 1)]
    told = {w["call_id"] for w in waiting}
    ended = {e["call_id"] for e in ends_of(frames)}
    assert told <= ended, "every caller alice saw waiting, she also sees end"
    pops = {f["data"]["call_id"] for f in frames if f["type"] == "call.ringing"}
    assert len(pops) == 1, "she still pops only the call that rang her"


async def test_phones_known_at_connect_show_in_the_first_welcome(tmp_path: Path) -> None:
    lists: dict[str, list[Pairs]] = {
        "DeviceStateList": [
            [("Event", "DeviceStateChange"), ("Device", "PJSIP/1002"), ("State", "UNAVAILABLE")],
            [("Event", "DeviceStateChange"), ("Device", "Queue:support_avail"), ("State", "INUSE")],
        ],
        "ExtensionStateList": [
            [
                ("Event", "ExtensionStatus"),
                ("Exten", "1001"),
                ("Context", "hints"),
                ("Hint", "Local/1001@agents"),
                ("Status", "1"),
                ("StatusText", "InUse"),
            ]
        ],
    }
    async with centre(tmp_path / "config", lists=lists) as floor:
        await until(lambda: len(floor.app.board.presence()) == 2, timeout=DEADLINE)
        alice = await floor.desktop(ALICE_TOKEN)
    assert [(p["extension"], p["state"]) for p in alice.welcome["presence"]] == [
        ("1001", "in-use"),  # its hint
        ("1002", "unavailable"),  # its device
    ]
    assert alice.welcome["agent_state"]["state"] == "available", "no queues configured"
