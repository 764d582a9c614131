"""The universal queue's events: who gets them, what they carry, and the wallboard's pace."""

from __future__ import annotations

from cti.interactions.model import CHAT, EMAIL, WEBFORM, Interaction, Offer
from cti.interactions.notifier import InteractionNotifier
from cti.interactions.queue import InteractionQueue
from cti.protocol import OFFER_TEXT_LIMIT, iso_utc

T0 = 1_796_000_000.0
TARGETS = {EMAIL: 14_400, CHAT: 60, WEBFORM: 3_600}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def notifier(clock: Clock) -> InteractionNotifier:
    agents = {"1001": "alice"}
    return InteractionNotifier(agents.get, TARGETS, clock)


def test_offer_goes_to_the_chosen_agent_with_first_text_cut_to_the_limit() -> None:
    clock = Clock()
    mail = Interaction("i1", EMAIL, "<root@x>", T0, priority=2, subject="Invoice")
    mail.first_text = "x" * (OFFER_TEXT_LIMIT + 40)
    event = notifier(clock).offered(mail, Offer("i1", "1001", T0 + 1, T0 + 31))
    assert event.audience == frozenset({"1001"})
    data = event.data()
    assert len(data["text"]) == OFFER_TEXT_LIMIT
    assert data["offer_expires_at"] == iso_utc(T0 + 31)
    assert (data["subject"], data["priority"], data["channel"]) == ("Invoice", 2, EMAIL)


def test_accepted_names_the_agent_id_and_extension() -> None:
    chat = Interaction("c1", CHAT, "chat-1", T0, extension="1001")
    event = notifier(Clock()).accepted(chat)
    assert event.audience == frozenset({"1001"})
    assert event.data() == {"interaction_id": "c1", "agent": "alice", "extension": "1001"}


def test_message_of_an_unhandled_interaction_goes_to_nobody() -> None:
    chat = Interaction("c1", CHAT, "chat-1", T0)
    assert (
        notifier(Clock()).message(
            chat, message_id="m1", direction="in", author="Bob", text="hi", at=T0
        )
        is None
    )
    chat.extension = "1002"
    event = notifier(Clock()).message(
        chat, message_id="m2", direction="in", author="Bob", text="hi", at=T0
    )
    assert event is not None and event.audience == frozenset({"1002"})


def test_ended_reaches_the_agent_who_held_it() -> None:
    chat = Interaction("c1", CHAT, "chat-1", T0, end_reason="visitor_left")
    event = notifier(Clock()).ended(chat, "1001")
    assert event.audience == frozenset({"1001"})
    assert event.data() == {"interaction_id": "c1", "reason": "visitor_left", "disposition": None}


def test_queue_lines_go_to_supervisors_only_at_most_once_a_second_when_changed() -> None:
    clock = Clock()
    queue = InteractionQueue()
    lines = notifier(clock)
    first = lines.queue_lines(queue)
    assert [(line.channel, line.waiting, line.target) for line in first] == [
        (EMAIL, 0, 14_400),
        (CHAT, 0, 60),
        (WEBFORM, 0, 3_600),
    ]
    assert all(line.audience == frozenset() for line in first)
    assert lines.queue_lines(queue) == []  # nothing changed
    queue.add(Interaction("c1", CHAT, "chat-1", T0))
    clock.now += 0.5
    assert lines.queue_lines(queue) == []  # changed, but within the second
    clock.now += 0.6
    [chat] = lines.queue_lines(queue)
    assert (chat.channel, chat.waiting, chat.oldest_seconds) == (CHAT, 1, 1)
