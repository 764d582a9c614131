"""The types every channel shares with the universal queue (issue 13 contract; keep verbatim).

The email helper owns this file; the chat/webform helper copies it unchanged, so both branches
merge without conflict. Fields may grow; names are fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

Channel = Literal["email", "chat", "webform"]


@dataclass(frozen=True, slots=True)
class Party:
    name: str | None = None
    email: str | None = None  # lower-cased address
    phone: str | None = None  # as given; the core normalises with cti.numbers


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    stored_path: str | None  # None when refused by a limit (then `refused` says why)
    refused: str | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message that arrived on a channel, already safe to show as plain text."""

    channel: Channel
    thread_key: str  # email: the thread's root Message-ID; chat: the chat id;
    # webform: "<form>:<submission id>"
    message_id: str  # unique per message (email Message-ID, chat msg id, ...)
    sender: Party
    text: str  # plain text (HTML converted, never rendered)
    received_at: float  # unix seconds UTC
    subject: str | None = None
    attachments: tuple[Attachment, ...] = ()
    fields: Mapping[str, str] | None = None  # webform fields as sent
    form: str | None = None  # webform name (priority per form)
    flags: frozenset[str] = frozenset()  # e.g. {"unparsed"} raw kept, {"auto"} auto-reply


class Intake(Protocol):
    """Where channels hand what arrives (the core's InteractionCentre implements it).
    Called from the event loop; must not block."""

    def arrived(self, inbound: Inbound) -> None: ...
    def left(self, channel: Channel, thread_key: str, reason: str) -> None: ...  # visitor left


@dataclass(frozen=True, slots=True)
class Outbound:
    channel: Channel
    thread_key: str
    text: str
    agent_name: str  # the agent's display name (what the customer sees)
    in_reply_to: str | None = None  # the message answered (email threading)
    subject: str | None = None


class Replies(Protocol):
    """How the core sends an agent's words back out; each channel implements it."""

    async def send(self, outbound: Outbound) -> str: ...  # returns the sent message_id
    async def typing(
        self, channel: Channel, thread_key: str, agent_name: str, on: bool
    ) -> None: ...
