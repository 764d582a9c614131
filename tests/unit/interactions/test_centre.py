"""The InteractionCentre on the event loop: channels hand in messages, agents act, the
offer timer and the queue ticker run for real; events collected as the broker gets them."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cti.channels.inbound import Channel, Inbound, Outbound, Party
from cti.interactions.centre import InteractionCentre
from cti.interactions.notifier import InteractionNotifier
from cti.interactions.records import InteractionWriter
from cti.interactions.router import AgentAvailability, InteractionError, InteractionRouter
from cti.interactions.rules import RoutingRules
from cti.interactions.settings import InteractionSettings
from cti.protocol import (
    AVAILABLE,
    ERR_NOT_YOUR_INTERACTION,
    InteractionAccepted,
    InteractionEnded,
    InteractionMessage,
    InteractionOffered,
    InteractionsQueue,
    WireEvent,
)
from cti.records import RecordStore

ALICE = {"id": 7, "name": "Alice"}


@dataclass
class RecordingReplies:
    sent: list[Outbound] = field(default_factory=list)
    typing_calls: list[tuple[str, str, str, bool]] = field(default_factory=list)

    async def send(self, outbound: Outbound) -> str:
        self.sent.append(outbound)
        return f"<out-{len(self.sent)}@cti>"

    async def typing(self, channel: Channel, thread_key: str, agent_name: str, on: bool) -> None:
        self.typing_calls.append((channel, thread_key, agent_name, on))


@dataclass
class Desk:
    centre: InteractionCentre
    events: list[WireEvent]
    staff: list[AgentAvailability]
    replies: RecordingReplies
    writer: InteractionWriter
    path: Path

    def of(self, kind: type[WireEvent]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def mail(text: str, message_id: str, thread: str = "<root@x>", **kw: Any) -> Inbound:
    sender = Party(name="Alice", email="alice@example.com")
    return Inbound("email", thread, message_id, sender, text, time.time(), **kw)


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def make_desk(tmp_path: Path, offer_timeout: float = 30.0) -> Desk:
    path = tmp_path / "records.db"
    RecordStore(path).close()
    writer = InteractionWriter(path, keep_days=400, commit_every=0.01)
    writer.start()
    staff = [AgentAvailability("1001", AVAILABLE, time.time() - 60)]
    rules = RoutingRules(offer_timeout_seconds=offer_timeout, reoffer_after_seconds=600)
    settings = InteractionSettings(rules=rules, priority={"email": 3})
    events: list[WireEvent] = []
    centre = InteractionCentre(
        settings,
        InteractionRouter(rules, lambda: staff),
        InteractionNotifier({"1001": "a1", "1002": "a2"}.get, {"email": 3600}),
        events.append,
        writer=writer,
        find_contacts=lambda inbound: [ALICE] if inbound.sender.email else [],
    )
    replies = RecordingReplies()
    centre.register_replies("email", replies)
    return Desk(centre, events, staff, replies, writer, path)


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    desk = make_desk(tmp_path)
    yield desk
    await desk.centre.aclose()
    desk.writer.close()


async def test_new_email_is_offered_to_the_available_agent_with_its_contact(desk: Desk) -> None:
    desk.centre.arrived(mail("My router blinks", "<m1@x>", subject="Router"))
    [offer] = desk.of(InteractionOffered)
    assert offer.audience == frozenset({"1001"})
    assert (offer.channel, offer.subject, offer.text, offer.priority) == (
        "email",
        "Router",
        "My router blinks",
        3,
    )
    assert offer.contact == ALICE
    assert desk.writer.wait_written(30.0)
    with closing(sqlite3.connect(desk.path)) as conn:
        row = conn.execute("SELECT id, contact_ids, offered_at IS NOT NULL FROM interactions")
        assert row.fetchall() == [(offer.interaction_id, "[7]", 1)]


async def test_next_mail_of_the_thread_joins_the_accepted_interaction(desk: Desk) -> None:
    desk.centre.arrived(mail("first", "<m1@x>"))
    [offer] = desk.of(InteractionOffered)
    desk.centre.accept(offer.interaction_id, "1001")
    desk.centre.arrived(mail("second", "<m2@x>"))
    assert len(desk.of(InteractionOffered)) == 1, "no second interaction for the same thread"
    [accepted] = desk.of(InteractionAccepted)
    assert accepted.agent == "a1"
    [message] = [m for m in desk.of(InteractionMessage) if m.message_id == "<m2@x>"]
    assert (message.audience, message.direction, message.text) == (
        frozenset({"1001"}),
        "in",
        "second",
    )


async def test_reply_goes_out_threaded_under_the_last_mail_and_is_recorded(desk: Desk) -> None:
    desk.centre.arrived(mail("first", "<m1@x>", subject="Router"))
    desk.centre.arrived(mail("more", "<m2@x>"))
    [offer] = desk.of(InteractionOffered)
    desk.centre.accept(offer.interaction_id, "1001")
    sent = await desk.centre.reply(offer.interaction_id, "1001", "Unplug it.", "Bob Agent")
    [outbound] = desk.replies.sent
    assert (outbound.thread_key, outbound.in_reply_to, outbound.agent_name, outbound.subject) == (
        "<root@x>",
        "<m2@x>",
        "Bob Agent",
        "Router",
    )
    assert sent.message_id == "<out-1@cti>"
    out = [m for m in desk.of(InteractionMessage) if m.direction == "out"]
    assert [(m.author, m.text) for m in out] == [("Bob Agent", "Unplug it.")]
    assert desk.centre.router.get(offer.interaction_id).first_response_at is not None  # type: ignore[union-attr]
    assert desk.writer.wait_written(30.0)
    with closing(sqlite3.connect(desk.path)) as conn:
        stored = conn.execute("SELECT direction, text FROM interaction_messages ORDER BY at")
        assert stored.fetchall() == [("in", "first"), ("in", "more"), ("out", "Unplug it.")]


async def test_another_agent_cannot_reply_and_nothing_is_sent(desk: Desk) -> None:
    desk.centre.arrived(mail("first", "<m1@x>"))
    [offer] = desk.of(InteractionOffered)
    desk.centre.accept(offer.interaction_id, "1001")
    with pytest.raises(InteractionError) as refused:
        await desk.centre.reply(offer.interaction_id, "1002", "hi", "Eve")
    assert refused.value.code == ERR_NOT_YOUR_INTERACTION
    assert desk.replies.sent == []


async def test_visitor_leaving_ends_it_for_its_agent_and_a_new_message_starts_another(
    desk: Desk,
) -> None:
    desk.centre.arrived(mail("first", "<m1@x>"))
    [offer] = desk.of(InteractionOffered)
    desk.centre.accept(offer.interaction_id, "1001")
    desk.centre.left("email", "<root@x>", "gone")
    [ended] = desk.of(InteractionEnded)
    assert (ended.audience, ended.reason) == (frozenset({"1001"}), "visitor_left")
    desk.centre.arrived(mail("back again", "<m3@x>"))
    offers = desk.of(InteractionOffered)
    assert len(offers) == 2 and offers[1].interaction_id != offer.interaction_id


async def test_an_auto_reply_starts_no_interaction(desk: Desk) -> None:
    desk.centre.arrived(mail("Out of office", "<auto@x>", flags=frozenset({"auto"})))
    assert desk.events == [] and desk.centre.router.open_interactions() == []


async def test_a_lapsed_offer_is_withdrawn_and_goes_to_the_next_agent(tmp_path: Path) -> None:
    desk = make_desk(tmp_path, offer_timeout=0.3)
    desk.staff.append(AgentAvailability("1002", AVAILABLE, time.time() - 30))
    try:
        desk.centre.arrived(mail("first", "<m1@x>"))
        [first] = desk.of(InteractionOffered)
        assert first.audience == frozenset({"1001"}), "idle the longest"
        await until(lambda: len(desk.of(InteractionOffered)) == 2)
        [lapsed] = desk.of(InteractionEnded)
        assert (lapsed.audience, lapsed.reason) == (frozenset({"1001"}), "expired")
        assert desk.of(InteractionOffered)[1].audience == frozenset({"1002"})
    finally:
        await desk.centre.aclose()
        desk.writer.close()


async def test_the_ticker_tells_supervisors_what_waits(desk: Desk) -> None:
    desk.staff.clear()  # nobody to offer it to: it waits
    desk.centre.start()
    desk.centre.arrived(mail("first", "<m1@x>"))
    await until(lambda: any(line.waiting == 1 for line in desk.of(InteractionsQueue)))
    [line] = [line for line in desk.of(InteractionsQueue) if line.channel == "email"]
    assert (line.audience, line.target) == (frozenset(), 3600)
    desk.staff.append(AgentAvailability("1001", AVAILABLE, time.time()))
    await until(lambda: len(desk.of(InteractionOffered)) == 1)  # the tick dispatched it
