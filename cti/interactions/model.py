"""What an interaction is: one email thread, chat or form, from arrival to close.

Kept mutable on purpose: the router moves one object through its states (waiting →
offered → active → closed, back to waiting when an offer is declined or times out),
and the times it records are what the records and the service targets are made of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# the channels the universal queue carries (`cti.channels.inbound.Channel`)
EMAIL = "email"
CHAT = "chat"
WEBFORM = "webform"
CHANNELS = (EMAIL, CHAT, WEBFORM)

# an interaction's status
WAITING = "waiting"
OFFERED = "offered"
ACTIVE = "active"
CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Offer:
    """An interaction offered to one agent until `expires_at` (unix seconds)."""

    interaction_id: str
    extension: str
    offered_at: float
    expires_at: float


@dataclass(frozen=True, slots=True)
class Message:
    """One message of an interaction, in (from the customer) or out (an agent's reply).

    `attachments` are the channel's descriptions (name, type, size, where kept), never
    the content; `flags` as the channel set them (e.g. ``auto``, ``unparsed``).
    """

    interaction_id: str
    message_id: str
    direction: str  # "in" | "out"
    author: str | None
    text: str
    at: float
    flags: frozenset[str] = frozenset()
    attachments: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True)
class Interaction:
    """One conversation with a customer on a non-voice channel.

    `passed` holds, per agent extension, when it declined or let an offer lapse: the
    router offers the interaction to someone else before coming back to it.
    """

    interaction_id: str
    channel: str
    thread_key: str
    arrived_at: float
    priority: int = 0
    subject: str | None = None
    first_text: str = ""
    form: str | None = None
    contact: dict[str, Any] | None = None
    contact_ids: tuple[int, ...] = ()  # the built-in store's contacts the sender matched
    status: str = WAITING
    extension: str | None = None  # the agent offered it, then the one handling it
    offer: Offer | None = None
    offered_at: float | None = None  # the first offer
    accepted_at: float | None = None
    first_response_at: float | None = None
    closed_at: float | None = None
    disposition: str | None = None
    end_reason: str | None = None
    passed: dict[str, float] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.status != CLOSED

    def holds_agent(self, extension: str) -> bool:
        """True while it takes a place in the agent's capacity (offered or handled)."""
        return self.extension == extension and self.status in (OFFERED, ACTIVE)
