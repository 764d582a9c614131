"""The pop pipeline's order: a waiting caller and a pop wait for their contact, and what
an agent's events say never overtakes the pop that caused them nor its earlier state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

from cti.broker import BrokerMetrics
from cti.lookup import LookupService
from cti.lookup.result import LookupResult
from cti.protocol import (
    AgentState,
    Called,
    CallQueued,
    CallRinging,
    Party,
    Presence,
    WireEvent,
)
from cti.publishing import PopPipeline

ALICE = Party("+14155550123", "Alice", "+14155550123")
SINCE = "2026-12-07T09:00:00.000Z"


@dataclass
class Settings:
    budget_seconds: float = 5.0


@dataclass
class SlowLookup:
    """Answers each number once `release` is set: a CRM that takes its time."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    settings: Settings = field(default_factory=Settings)
    asked: list[str | None] = field(default_factory=list)

    async def lookup(self, number: str | None) -> LookupResult:
        self.asked.append(number)
        await self.release.wait()
        contact: Any = {"name": "Alice Example"}
        return LookupResult(number, number, contact, (contact,), "exact", ())


def state(value: str, call_id: str | None = None) -> AgentState:
    return AgentState(
        audience=frozenset({"1001"}),
        agent="alice",
        extension="1001",
        state=value,
        since=SINCE,
        call_id=call_id,
    )


def ringing() -> CallRinging:
    return CallRinging(call_id="c1", extension="1001", caller=ALICE, called=Called("support", None))


async def published(feed: list[tuple[WireEvent, tuple[str, ...]]]) -> list[Any]:
    """[what went out before any lookup answered, everything in the order it went out]."""
    out: list[WireEvent] = []
    done = asyncio.Event()

    def publish(event: WireEvent) -> None:
        out.append(event)
        if len(out) == len(feed):
            done.set()

    lookup = SlowLookup()
    pipeline = PopPipeline(publish, cast(LookupService, lookup), BrokerMetrics())
    for event, after in feed:
        pipeline.feed(event, after)
    await asyncio.sleep(0)
    early = [event.type for event in out]
    lookup.release.set()
    async with asyncio.timeout(30):
        await done.wait()
    await pipeline.close()
    return [early, out]


async def test_an_agents_states_wait_for_the_pop_and_keep_their_order() -> None:
    early, out = await published(
        [
            (ringing(), ()),
            (state("ringing", "c1"), ("c1",)),
            (Presence(extension="1001", state="ringing", since=SINCE), ("c1",)),
            (state("paused"), ()),  # a member event right after: no call of its own
            (Presence(extension="1002", state="idle", since=SINCE), ()),
        ]
    )
    assert early == ["presence"], "only another agent's presence had nothing to wait for"
    assert [(e.type, getattr(e, "state", None)) for e in out] == [
        ("presence", "idle"),
        ("call.ringing", None),
        ("agent.state", "ringing"),
        ("presence", "ringing"),
        ("agent.state", "paused"),
    ]
    assert out[1].contact == {"name": "Alice Example"}


async def test_a_waiting_caller_is_looked_up_like_a_pop() -> None:
    queued = CallQueued(
        call_id="c1", queue="support", position=1, count=1, caller=ALICE, waiting_since=SINCE
    )
    early, out = await published([(queued, ())])
    assert early == [], "it waits for its contact"
    assert out[0].contact == {"name": "Alice Example"}
    assert [m["name"] for m in out[0].matches] == ["Alice Example"]
