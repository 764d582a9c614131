"""The messages of each open interaction, kept in memory while it is open.

The agent who accepts an interaction gets its thread so far (the offer carried only the
first text), and a desktop that reconnects gets the threads it holds in its welcome. The
records keep every message for good; this is only the working copy, dropped at close and
capped per interaction so a flood cannot grow it without end.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from cti.interactions.model import OFFERED, Interaction, Message
from cti.protocol import OFFER_TEXT_LIMIT, iso_utc

MESSAGES_KEPT = 500  # per open interaction: the newest ones


def message_data(message: Message) -> dict[str, Any]:
    """A message as `interaction.message` carries it, without its `interaction_id`."""
    return {
        "message_id": message.message_id,
        "direction": message.direction,
        "author": message.author,
        "text": message.text,
        "at": iso_utc(message.at),
        "attachments": [_public(a) for a in message.attachments],
    }


def _public(attachment: dict[str, Any]) -> dict[str, Any]:
    """What a desktop is told of an attachment: never the server's path to it."""
    return {key: value for key, value in attachment.items() if key != "stored_path"}


class Transcripts:
    def __init__(self, kept: int = MESSAGES_KEPT) -> None:
        self._kept = kept
        self._messages: dict[str, deque[Message]] = {}

    def add(self, message: Message) -> None:
        thread = self._messages.setdefault(message.interaction_id, deque(maxlen=self._kept))
        thread.append(message)

    def of(self, interaction_id: str) -> list[Message]:
        return list(self._messages.get(interaction_id, ()))

    def drop(self, interaction_id: str) -> None:
        self._messages.pop(interaction_id, None)


def held_data(interaction: Interaction, messages: list[Message]) -> dict[str, Any]:
    """An open interaction as a welcome lists it: the offer's fields, its status and,
    once accepted, the thread so far."""
    offer = interaction.offer if interaction.status == OFFERED else None
    return {
        "interaction_id": interaction.interaction_id,
        "channel": interaction.channel,
        "contact": interaction.contact,
        "subject": interaction.subject,
        "text": interaction.first_text[:OFFER_TEXT_LIMIT],
        "priority": interaction.priority,
        "arrived_at": iso_utc(interaction.arrived_at),
        "status": "offered" if offer is not None else "active",
        "offer_expires_at": iso_utc(offer.expires_at) if offer is not None else None,
        "messages": [] if offer is not None else [message_data(m) for m in messages],
    }
