"""The agent's interactions (email threads, chats, web forms) as the desktop knows them,
kept from the welcome and the `interaction.*` events, without Qt.

The wire says whose an event is only on `interaction.accepted` (its `extension`); an
offer does not. An agent receives only its own interactions, but a supervisor receives
every agent's, so a supervisor's board takes an offer only when it names the
supervisor's own extension, and otherwise only what the welcome lists as its own or an
accept by its own extension. The supervisors' wallboard lines (`interactions.queue`)
are kept here as well.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cti.protocol import (
    CustomerTyping,
    InteractionAccepted,
    InteractionEnded,
    InteractionMessage,
    InteractionOffered,
    InteractionsQueue,
)
from desktop.servertime import parse_utc

log = logging.getLogger(__name__)

INTERACTION_KINDS = frozenset(
    {
        InteractionOffered.type,
        InteractionAccepted.type,
        InteractionMessage.type,
        InteractionEnded.type,
        CustomerTyping.type,
        InteractionsQueue.type,
    }
)
CHANNELS = ("email", "chat", "webform")  # the wire's channels, in the wallboard's order
QUEUE_CHANGED = ""  # what `apply` returns for a wallboard line (no interaction changed)


class Status(StrEnum):
    OFFERED = "offered"
    ACTIVE = "active"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class FileInfo:
    """An attachment as listed: it is saved on the server, never opened here."""

    filename: str
    content_type: str
    size: int
    refused: str | None = None
    index: int = 0  # its place in the message's list: how the server names it for download


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    message_id: str
    direction: str  # "in" from the customer, "out" from an agent
    author: str
    text: str
    at: float | None
    attachments: tuple[FileInfo, ...] = ()


@dataclass(slots=True)
class Interaction:
    interaction_id: str
    channel: str
    contact: dict[str, Any] | None
    subject: str | None
    text: str  # the first message (an offer carries it before the thread arrives)
    priority: int
    arrived_at: float | None
    status: Status
    offer_expires_at: float | None = None
    messages: list[ThreadMessage] = field(default_factory=list)
    end_reason: str | None = None
    disposition: str | None = None
    customer_typing: bool = False  # a chat visitor typing now (`interaction.typing`)

    @property
    def sender(self) -> str:
        """The customer's name or address as the first inbound message gives it."""
        return next((m.author for m in self.messages if m.direction == "in" and m.author), "")


@dataclass(frozen=True, slots=True)
class QueueLine:
    """One channel's wallboard line; `received` is the broker time it arrived."""

    channel: str
    waiting: int
    oldest_seconds: int
    target: int
    received: float


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _contact(value: object) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None


def file_info(item: object, index: int = 0) -> FileInfo | None:
    if not isinstance(item, dict) or not isinstance(item.get("filename"), str):
        return None
    refused = item.get("refused")
    return FileInfo(
        filename=item["filename"],
        content_type=str(item.get("content_type") or "application/octet-stream"),
        size=max(0, _int(item.get("size"))),
        refused=refused if isinstance(refused, str) and refused else None,
        index=index,
    )


def thread_message(data: Mapping[str, Any]) -> ThreadMessage | None:
    message_id, direction = _text(data, "message_id"), _text(data, "direction")
    if message_id is None or direction not in ("in", "out"):
        return None
    attachments = data.get("attachments")
    listed = attachments if isinstance(attachments, list) else []
    files = [file_info(item, index) for index, item in enumerate(listed)]
    return ThreadMessage(
        message_id=message_id,
        direction=direction,
        author=_text(data, "author") or "",
        text=data["text"] if isinstance(data.get("text"), str) else "",
        at=parse_utc(data.get("at")),
        attachments=tuple(f for f in files if f is not None),
    )


def interaction_of(data: Mapping[str, Any], status: Status) -> Interaction | None:
    """An offer's data or a welcome's entry; None without an id or a channel."""
    interaction_id, channel = _text(data, "interaction_id"), _text(data, "channel")
    if interaction_id is None or channel is None:
        return None
    return Interaction(
        interaction_id=interaction_id,
        channel=channel,
        contact=_contact(data.get("contact")),
        subject=_text(data, "subject"),
        text=data["text"] if isinstance(data.get("text"), str) else "",
        priority=_int(data.get("priority")),
        arrived_at=parse_utc(data.get("arrived_at")),
        status=status,
        offer_expires_at=parse_utc(data.get("offer_expires_at"))
        if status is Status.OFFERED
        else None,
    )


class InteractionBoard:
    """This desktop's open interactions by id, and the universal queue's lines."""

    def __init__(self, extension: str = "", supervisor: bool = False) -> None:
        self.extension = extension
        self.supervisor = supervisor
        self._items: dict[str, Interaction] = {}
        self.queue: dict[str, QueueLine] = {}

    def __iter__(self) -> Iterator[Interaction]:
        return iter(list(self._items.values()))

    def get(self, interaction_id: str) -> Interaction | None:
        return self._items.get(interaction_id)

    def forget(self, interaction_id: str) -> None:
        self._items.pop(interaction_id, None)

    def load(
        self, extension: str, supervisor: bool, entries: list[Any], lines: list[Any], now: float
    ) -> None:
        """A fresh welcome: exactly what it lists, nothing kept from before."""
        self.extension, self.supervisor = extension, supervisor
        self._items.clear()
        self.queue.clear()
        for entry in entries:
            self._load_entry(entry)
        for line in lines:
            if isinstance(line, dict):
                self._queue_line(line, now)

    def _load_entry(self, entry: object) -> None:
        if not isinstance(entry, dict):
            return
        status = Status.OFFERED if entry.get("status") == "offered" else Status.ACTIVE
        interaction = interaction_of(entry, status)
        if interaction is None:
            log.warning("ignoring a welcome interaction without an id or channel")
            return
        messages = entry.get("messages")
        for item in messages if isinstance(messages, list) else []:
            message = thread_message(item) if isinstance(item, dict) else None
            if message is not None:
                interaction.messages.append(message)
        self._items[interaction.interaction_id] = interaction

    def apply(self, kind: str, data: Mapping[str, Any], now: float) -> str | None:
        """Take an event in: the id of the interaction that changed, `QUEUE_CHANGED` for a
        wallboard line, None when nothing on this desktop changed."""
        if kind == InteractionsQueue.type:
            return QUEUE_CHANGED if self._queue_line(data, now) else None
        interaction_id = _text(data, "interaction_id")
        if interaction_id is None:
            log.warning("ignoring a %s event without an interaction_id", kind)
            return None
        if kind == InteractionOffered.type:
            return self._offered(data)
        interaction = self._items.get(interaction_id)
        if interaction is None and kind == InteractionAccepted.type:
            return None  # taken by someone else (a supervisor sees every accept)
        if interaction is None:
            return None
        if kind == InteractionAccepted.type:
            return self._accepted(interaction, data)
        if kind == InteractionMessage.type:
            return self._message(interaction, data)
        if kind == InteractionEnded.type:
            return self._ended(interaction, data)
        if kind == CustomerTyping.type:
            return self._typing(interaction, data)
        return None

    def _typing(self, interaction: Interaction, data: Mapping[str, Any]) -> str | None:
        on = data.get("on")
        if not isinstance(on, bool):
            log.warning("ignoring an interaction.typing event without an on flag")
            return None
        interaction.customer_typing = on and interaction.status is Status.ACTIVE
        return interaction.interaction_id

    def _offered(self, data: Mapping[str, Any]) -> str | None:
        if self.supervisor and data.get("extension") != self.extension:
            return None  # a supervisor sees every agent's offers: only its own make a card
        interaction = interaction_of(data, Status.OFFERED)
        if interaction is None:
            return None
        self._items[interaction.interaction_id] = interaction
        return interaction.interaction_id

    def _accepted(self, interaction: Interaction, data: Mapping[str, Any]) -> str | None:
        if data.get("extension") != self.extension:
            self._items.pop(interaction.interaction_id, None)  # someone else took it
            return interaction.interaction_id
        interaction.status = Status.ACTIVE
        interaction.offer_expires_at = None
        return interaction.interaction_id

    def _message(self, interaction: Interaction, data: Mapping[str, Any]) -> str | None:
        message = thread_message(data)
        if message is None:
            log.warning("ignoring a malformed interaction.message")
            return None
        if any(m.message_id == message.message_id for m in interaction.messages):
            return None  # the thread resent after a reconnect: each message once
        interaction.messages.append(message)
        if message.direction == "in":
            interaction.customer_typing = False  # the visitor sent what they typed
        return interaction.interaction_id

    def _ended(self, interaction: Interaction, data: Mapping[str, Any]) -> str:
        interaction.status = Status.ENDED
        interaction.customer_typing = False
        interaction.end_reason = _text(data, "reason") or "closed"
        interaction.disposition = _text(data, "disposition")
        interaction.offer_expires_at = None
        return interaction.interaction_id

    def declined(self, interaction_id: str) -> None:
        """The server took the decline: the offer is gone (no event says so)."""
        interaction = self._items.get(interaction_id)
        if interaction is not None and interaction.status is Status.OFFERED:
            interaction.status = Status.ENDED
            interaction.end_reason = "declined"

    def set_contact(self, interaction_id: str, contact: dict[str, Any]) -> None:
        interaction = self._items.get(interaction_id)
        if interaction is not None:
            interaction.contact = dict(contact)

    def _queue_line(self, data: Mapping[str, Any], now: float) -> bool:
        channel = _text(data, "channel")
        if channel is None:
            log.warning("ignoring an interactions.queue line without a channel")
            return False
        self.queue[channel] = QueueLine(
            channel=channel,
            waiting=max(0, _int(data.get("waiting"))),
            oldest_seconds=max(0, _int(data.get("oldest_seconds"))),
            target=max(0, _int(data.get("target"))),
            received=now,
        )
        return True

    def held_per_channel(self) -> dict[str, int]:
        """How many interactions the agent holds (accepted, not closed) on each channel."""
        counts: dict[str, int] = {}
        for interaction in self._items.values():
            if interaction.status is Status.ACTIVE:
                counts[interaction.channel] = counts.get(interaction.channel, 0) + 1
        return counts


def channel_order(channel: str) -> tuple[int, str]:
    """Channels in the protocol's order (email, chat, webform), unknown ones after."""
    return (CHANNELS.index(channel) if channel in CHANNELS else len(CHANNELS), channel)
