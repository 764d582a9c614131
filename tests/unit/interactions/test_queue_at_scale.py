"""The universal queue with thousands waiting (a big mailbox's first import): a dispatch
walks only the channels some agent has room for, so it costs the offers it makes, not
the length of the queue, and the event loop keeps popping calls."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from cti.interactions.model import CHAT, EMAIL, WEBFORM, Interaction
from cti.interactions.queue import InteractionQueue
from cti.interactions.router import AgentAvailability, InteractionRouter
from cti.interactions.rules import RoutingRules
from cti.protocol import AVAILABLE

NOW = 1_796_000_000.0
WAITING_MAILS = 5_000
AGENTS = 70


def item(interaction_id: str, arrived_at: float, channel: str, priority: int = 0) -> Interaction:
    return Interaction(interaction_id, channel, f"thread-{interaction_id}", arrived_at, priority)


def test_in_order_lists_only_the_channels_asked_for_in_queue_order() -> None:
    queue = InteractionQueue()
    queue.add(item("mail-old", 1.0, EMAIL))
    queue.add(item("chat-low", 2.0, CHAT, priority=1))
    queue.add(item("form", 3.0, WEBFORM, priority=5))
    queue.add(item("chat-high", 4.0, CHAT, priority=3))
    queue.add(item("mail-new", 5.0, EMAIL))
    wanted = {CHAT, EMAIL}
    assert [i.interaction_id for i in queue.in_order(wanted)] == [
        "chat-high",
        "chat-low",
        "mail-old",
        "mail-new",
    ]
    assert next(i.interaction_id for i in queue.in_order()) == "form"


def test_a_channel_dropped_while_walking_is_not_walked_further() -> None:
    queue = InteractionQueue()
    for n in range(50):
        queue.add(item(f"mail-{n}", float(n), EMAIL))
    queue.add(item("chat", 100.0, CHAT))
    wanted = {CHAT, EMAIL}
    seen = []
    for interaction in queue.in_order(wanted):
        seen.append(interaction.interaction_id)
        wanted.discard(EMAIL)  # the mail agents are full after the first offer
    assert seen == ["mail-0", "chat"]


def test_removing_while_walking_keeps_the_rest_of_the_order() -> None:
    queue = InteractionQueue()
    for n in range(20):
        queue.add(item(f"mail-{n:02d}", float(n), EMAIL))
    seen = []
    for interaction in queue.in_order():
        seen.append(interaction.interaction_id)
        queue.remove(interaction.interaction_id)  # offered: the router takes it out
    assert seen == [f"mail-{n:02d}" for n in range(20)]
    assert len(queue) == 0 and list(queue.in_order()) == []


class Staff:
    def __init__(self) -> None:
        self.agents = [AgentAvailability(str(1000 + n), AVAILABLE, NOW - n) for n in range(AGENTS)]

    def __call__(self) -> list[AgentAvailability]:
        return self.agents


@pytest.fixture
def full_of_mail() -> InteractionRouter:
    """Every agent holds its one email; thousands more wait (chats still have room)."""
    rules = RoutingRules(capacity=MappingProxyType({EMAIL: 1, CHAT: 3}))
    router = InteractionRouter(rules, Staff(), clock=lambda: NOW)
    for n in range(WAITING_MAILS + AGENTS):
        router.arrive(item(f"mail-{n}", NOW - 10_000 + n, EMAIL))
    assert len(router.dispatch()) == AGENTS
    return router


def test_a_dispatch_with_thousands_of_mails_waiting_looks_only_at_what_can_be_offered(
    full_of_mail: InteractionRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    router = full_of_mail
    looked = 0
    eligible = router._eligible

    def counting(interaction: Interaction, agent: AgentAvailability, now: float) -> bool:
        nonlocal looked
        looked += 1
        return eligible(interaction, agent, now)

    monkeypatch.setattr(router, "_eligible", counting)
    assert router.dispatch() == []  # nobody has room for mail: nothing is walked
    assert looked == 0
    router.arrive(item("chat-1", NOW, CHAT, priority=2))
    [offer] = router.dispatch()
    assert offer.interaction_id == "chat-1"
    assert looked <= AGENTS  # the chat's candidates, not agents x waiting mails
    assert len(router.queue) == WAITING_MAILS


def test_mail_waiting_behind_full_agents_is_offered_once_one_has_room(
    full_of_mail: InteractionRouter,
) -> None:
    router = full_of_mail
    held = router.held_by("1000")[0]
    router.close(held.interaction_id, None, None, "closed")
    [offer] = router.dispatch()
    assert (offer.interaction_id, offer.extension) == (f"mail-{AGENTS}", "1000")
