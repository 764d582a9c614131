"""The universal queue as the desktop keeps and shows it, without sockets or widgets: the
board built from the welcome and `interaction.*` frames, frames that are not what they
say, and the presenters of the card, the agent bar's count and the wallboard's lines."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.interactions import QUEUE_CHANGED, InteractionBoard, Status
from desktop.interactionview import (
    card_view,
    channel_rows,
    held_text,
    safe_filename,
    size_text,
    target_text,
)
from desktop.popview import history_line
from desktop.servertime import ServerClock
from desktop.welcome import parse_welcome
from tests.desktop.test_centre_logic import T0, Wall, stamp

HOSTILE = "<b>x</b><img src=http://x>"


def offered(iid: str = "i-1", channel: str = "email", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "interaction_id": iid,
        "channel": channel,
        "contact": None,
        "subject": "Broken invoice",
        "text": "Hello, my invoice is wrong",
        "priority": 0,
        "arrived_at": stamp(0),
        "offer_expires_at": stamp(30),
    }
    return {**data, **extra}


def message(iid: str = "i-1", mid: str = "m-1", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "interaction_id": iid,
        "message_id": mid,
        "direction": "in",
        "author": "carol@example.test",
        "text": "Hello, my invoice is wrong",
        "at": stamp(1),
        "attachments": [],
    }
    return {**data, **extra}


def accepted(iid: str = "i-1", extension: str = "1001") -> dict[str, Any]:
    return {"interaction_id": iid, "agent": "alice", "extension": extension}


def board_with(*events: tuple[str, dict[str, Any]], **kwargs: Any) -> InteractionBoard:
    board = InteractionBoard(kwargs.get("extension", "1001"), kwargs.get("supervisor", False))
    for kind, data in events:
        board.apply(kind, data, T0)
    return board


def clock_at(seconds: float) -> ServerClock:
    return ServerClock(Wall(T0 + seconds))


def test_an_offer_then_accept_and_thread_fill_the_interaction() -> None:
    board = board_with(
        ("interaction.offered", offered()),
        ("interaction.accepted", accepted()),
        ("interaction.message", message()),
        ("interaction.message", message(mid="m-2", direction="out", author="Alice")),
    )
    interaction = board.get("i-1")
    assert interaction is not None and interaction.status is Status.ACTIVE
    assert interaction.offer_expires_at is None
    assert [m.direction for m in interaction.messages] == ["in", "out"]
    assert interaction.sender == "carol@example.test"
    assert board.held_per_channel() == {"email": 1}


def test_a_message_sent_again_after_a_reconnect_is_kept_once() -> None:
    board = board_with(
        ("interaction.offered", offered()),
        ("interaction.accepted", accepted()),
        ("interaction.message", message()),
    )
    assert board.apply("interaction.message", message(), T0) is None
    interaction = board.get("i-1")
    assert interaction is not None and len(interaction.messages) == 1


def test_an_accept_by_another_extension_removes_the_offer() -> None:
    board = board_with(("interaction.offered", offered()))
    assert board.apply("interaction.accepted", accepted(extension="1002"), T0) == "i-1"
    assert board.get("i-1") is None


def test_a_supervisor_takes_only_offers_made_to_its_own_extension() -> None:
    board = board_with(("interaction.offered", offered()), extension="9000", supervisor=True)
    assert board.get("i-1") is None
    board.apply("interaction.offered", offered("i-2", extension="9000"), T0)
    assert board.get("i-2") is not None
    assert board.apply("interaction.message", message(), T0) is None  # another agent's


def test_an_expired_offer_ends_with_its_reason() -> None:
    board = board_with(("interaction.offered", offered()))
    board.apply("interaction.ended", {"interaction_id": "i-1", "reason": "expired"}, T0)
    interaction = board.get("i-1")
    assert interaction is not None and interaction.status is Status.ENDED
    assert interaction.end_reason == "expired"


@pytest.mark.parametrize(
    "kind, data",
    [
        ("interaction.offered", {"channel": "email"}),  # no id
        ("interaction.offered", {"interaction_id": "i-9"}),  # no channel
        ("interaction.message", {"interaction_id": "i-1", "message_id": "m", "direction": "x"}),
        ("interaction.message", {"interaction_id": "i-1", "direction": "in"}),  # no id
        ("interaction.accepted", {"interaction_id": 7}),
        ("interaction.ended", {"interaction_id": "i-unknown", "reason": "closed"}),
        ("interactions.queue", {"waiting": 3}),  # no channel
    ],
)
def test_malformed_interaction_frames_change_nothing(kind: str, data: dict[str, Any]) -> None:
    board = board_with(("interaction.offered", offered()))
    assert board.apply(kind, data, T0) is None
    interaction = board.get("i-1")
    assert interaction is not None and interaction.status is Status.OFFERED
    assert interaction.messages == [] and board.queue == {}


def test_malformed_attachments_and_fields_are_dropped_not_fatal() -> None:
    board = board_with(("interaction.offered", offered()), ("interaction.accepted", accepted()))
    files = [
        "not a dict",
        {"size": 3},
        {"filename": "a.pdf", "size": "big", "content_type": None, "refused": ""},
    ]
    board.apply("interaction.message", message(attachments=files, at="yesterday"), T0)
    interaction = board.get("i-1")
    assert interaction is not None
    (only,) = interaction.messages
    assert only.at is None
    assert [(f.filename, f.size, f.content_type, f.refused) for f in only.attachments] == [
        ("a.pdf", 0, "application/octet-stream", None)
    ]


def test_the_welcome_lists_rebuild_offers_cards_and_queue_lines() -> None:
    welcome = parse_welcome(
        {
            "agent": "alice",
            "extension": "1001",
            "seq": 4,
            "interactions": [
                {**offered("i-1"), "status": "offered", "messages": []},
                {**offered("i-2", "chat"), "status": "active", "offer_expires_at": None,
                 "messages": [message("i-2")]},
                "junk",
                {"status": "active"},
            ],
            "interactions_queue": [{"channel": "chat", "waiting": 2, "oldest_seconds": 40,
                                    "target": 30}, 5],
        }
    )  # fmt: skip
    board = board_with(("interaction.offered", offered("i-old")))
    board.load(welcome.extension, welcome.supervisor, welcome.interactions,
               welcome.interactions_queue, T0)  # fmt: skip
    assert [i.interaction_id for i in board] == ["i-1", "i-2"]
    first, second = board.get("i-1"), board.get("i-2")
    assert first is not None and first.status is Status.OFFERED
    assert second is not None and second.status is Status.ACTIVE and len(second.messages) == 1
    assert list(board.queue) == ["chat"]


def test_a_welcome_without_interaction_lists_parses_to_empty_ones() -> None:
    welcome = parse_welcome({"agent": "a", "extension": "1", "interactions": {"x": 1}})
    assert welcome.interactions == [] and welcome.interactions_queue == []


def test_the_card_shows_customer_text_literally_and_names_the_unknown_sender() -> None:
    board = board_with(
        ("interaction.offered", offered(subject=HOSTILE)),
        ("interaction.accepted", accepted()),
        ("interaction.message", message(text=f"{HOSTILE}\nline two\x1b")),
    )
    interaction = board.get("i-1")
    assert interaction is not None
    view = card_view(interaction, clock_at(5), ("resolved", "spam"))
    assert view.subject == HOSTILE
    assert view.thread[0].text == f"{HOSTILE}\nline two\u241b"
    assert view.unknown and view.title == "carol@example.test"
    assert view.can_reply and view.dispositions == ("resolved", "spam")


def test_an_offer_counts_down_to_its_expiry_on_the_broker_clock() -> None:
    board = board_with(("interaction.offered", offered()))
    interaction = board.get("i-1")
    assert interaction is not None
    assert card_view(interaction, clock_at(5)).countdown == "Accept within 0:25"
    assert card_view(interaction, clock_at(45)).countdown == "Accept within 0:00"
    view = card_view(interaction, clock_at(5))
    assert view.offered and not view.can_reply and view.title == "Unknown sender"
    assert view.tab_text == "Offer: Email - Unknown sender"


def test_attachments_list_name_size_type_and_why_one_was_not_saved() -> None:
    files = [
        {"filename": "invoice.pdf", "content_type": "application/pdf", "size": 1_234_567},
        {"filename": "huge.zip", "content_type": "application/zip", "size": 90_000_000,
         "refused": "over the 25 MB limit"},
    ]  # fmt: skip
    board = board_with(
        ("interaction.offered", offered()),
        ("interaction.accepted", accepted()),
        ("interaction.message", message(attachments=files)),
    )
    interaction = board.get("i-1")
    assert interaction is not None
    assert card_view(interaction, clock_at(0)).thread[0].files == (
        "invoice.pdf (1.2 MB, application/pdf)",
        "huge.zip (90.0 MB, application/zip) - not saved: over the 25 MB limit",
    )
    assert size_text(512) == "512 B" and size_text(34_000) == "34 KB"


def test_a_linked_contact_shows_with_its_history_on_every_channel() -> None:
    contact = {
        "id": 3,
        "name": "Carol Customer",
        "email": "carol@example.test",
        "phones": [{"raw": "0155", "e164": "+14155550155", "label": "mobile"}],
        "history": [
            {"ts": "2027-01-15T09:00:00Z", "channel": "email", "outcome": "resolved",
             "agent": "alice", "notes": "Broken invoice"},
            {"ts": "2027-01-14T08:00:00Z", "channel": "phone", "outcome": "callback",
             "notes": "Wants a quote"},
        ],
    }  # fmt: skip
    board = board_with(("interaction.offered", offered()))
    board.set_contact("i-1", contact)
    interaction = board.get("i-1")
    assert interaction is not None
    view = card_view(interaction, clock_at(0))
    assert not view.unknown and view.title == "Carol Customer"
    assert ("Phone", "+14155550155") in view.contact
    assert view.history == [
        "2027-01-15 09:00  [email]  resolved (alice): Broken invoice",
        "2027-01-14 08:00  [phone]  callback: Wants a quote",
    ]
    assert view.history[0] == history_line(contact["history"][0])  # as the call pop has it


def test_held_text_counts_accepted_interactions_per_channel_in_channel_order() -> None:
    board = board_with(
        *(("interaction.offered", offered(f"c{n}", "chat")) for n in range(3)),
        ("interaction.offered", offered("e1", "email")),
        *(("interaction.accepted", accepted(iid)) for iid in ("c0", "c1", "e1")),
    )
    assert held_text(board) == "email 1 · chat 2"  # c2 is only offered
    assert held_text(InteractionBoard()) == ""


def test_a_channel_line_is_late_once_its_oldest_waits_past_the_target() -> None:
    board = InteractionBoard()
    line = {"channel": "chat", "waiting": 2, "oldest_seconds": 25, "target": 30}
    assert board.apply("interactions.queue", line, T0) == QUEUE_CHANGED
    board.apply("interactions.queue", {"channel": "email", "waiting": 0, "oldest_seconds": 0,
                                       "target": 14400}, T0)  # fmt: skip
    (email, chat) = channel_rows(board, clock_at(0))
    assert (email.channel, email.waiting, email.oldest, email.target) == ("Email", "0", "", "4 h")
    assert (chat.oldest, chat.target, chat.late) == ("0:25", "30 s", False)
    (_, chat_later) = channel_rows(board, clock_at(10))  # it ticks between the lines
    assert chat_later.oldest == "0:35" and chat_later.late


def test_targets_read_in_the_unit_that_fits() -> None:
    assert [target_text(s) for s in (0, 45, 120, 90, 7200)] == ["-", "45 s", "2 min", "90 s",
                                                               "2 h"]  # fmt: skip


@pytest.mark.parametrize(
    "name, suggested",
    [
        ("invoice.pdf", "invoice.pdf"),
        ("../../.bashrc", "bashrc"),
        ("C:\\Windows\\evil.exe", "evil.exe"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("..", "attachment"),
        ("", "attachment"),
    ],
)
def test_a_customers_file_name_is_suggested_without_folders_or_controls(
    name: str, suggested: str
) -> None:
    assert safe_filename(name) == suggested


def test_only_attachments_the_server_kept_can_be_saved_each_by_its_place() -> None:
    files = [
        {"filename": "big.zip", "content_type": "application/zip", "size": 9, "refused": "size"},
        "junk",
        {"filename": "a.pdf", "content_type": "application/pdf", "size": 3},
    ]
    board = board_with(
        ("interaction.offered", offered()),
        ("interaction.accepted", accepted()),
        ("interaction.message", message(attachments=files)),
    )
    interaction = board.get("i-1")
    assert interaction is not None
    (entry,) = card_view(interaction, clock_at(0)).thread
    assert [(s.message_id, s.index, s.filename) for s in entry.saved] == [("m-1", 2, "a.pdf")]
