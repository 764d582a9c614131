"""The universal queue's order: priority first, then age, and a requeued item keeps its place."""

from __future__ import annotations

from cti.interactions.model import CHAT, EMAIL, Interaction
from cti.interactions.queue import InteractionQueue


def item(
    interaction_id: str, arrived_at: float, priority: int = 0, channel: str = EMAIL
) -> Interaction:
    return Interaction(interaction_id, channel, f"thread-{interaction_id}", arrived_at, priority)


def ids(queue: InteractionQueue) -> list[str]:
    return [i.interaction_id for i in queue.in_order()]


def test_higher_priority_is_served_before_older_items() -> None:
    queue = InteractionQueue()
    queue.add(item("old-low", 100.0, priority=0))
    queue.add(item("new-high", 200.0, priority=5))
    queue.add(item("older-low", 50.0, priority=0))
    assert ids(queue) == ["new-high", "older-low", "old-low"]


def test_equal_priority_and_age_keep_arrival_order() -> None:
    queue = InteractionQueue()
    for name in ("a", "b", "c"):
        queue.add(item(name, 100.0))
    assert ids(queue) == ["a", "b", "c"]


def test_requeued_item_returns_to_its_place_not_the_end() -> None:
    queue = InteractionQueue()
    first, second = item("first", 1.0), item("second", 2.0)
    queue.add(first)
    queue.add(second)
    assert queue.remove("first") is first
    queue.add(item("third", 3.0))
    queue.add(first)
    assert ids(queue) == ["first", "second", "third"]


def test_removed_then_readded_item_is_listed_once() -> None:
    queue = InteractionQueue()
    one = item("one", 1.0)
    for _ in range(5):
        queue.add(one)
        queue.remove("one")
    queue.add(one)
    queue.add(one)
    assert ids(queue) == ["one"]
    assert len(queue) == 1


def test_waiting_and_oldest_are_per_channel() -> None:
    queue = InteractionQueue()
    queue.add(item("mail", 10.0))
    queue.add(item("chat-new", 30.0, channel=CHAT))
    queue.add(item("chat-old", 20.0, channel=CHAT))
    assert queue.waiting(CHAT) == 2
    assert queue.waiting(EMAIL) == 1
    oldest = queue.oldest(CHAT)
    assert oldest is not None and oldest.interaction_id == "chat-old"
    assert queue.oldest("webform") is None


def test_heap_stays_bounded_under_churn() -> None:
    queue = InteractionQueue()
    keep = item("keep", 0.0)
    queue.add(keep)
    for n in range(1000):
        churn = item(f"c{n}", float(n))
        queue.add(churn)
        queue.remove(churn.interaction_id)
    assert ids(queue) == ["keep"]
    assert sum(len(heap) for heap in queue._heaps.values()) < 100
