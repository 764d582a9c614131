"""Wire protocol v1: the universal queue's events, commands and error ids (email
threads, chats and web forms beside calls).

Re-exported by `cti.protocol`, the module desktops import; like it, this imports nothing
from the server. Every interaction event goes to the agent it concerns (its audience)
and to supervisors (the broker adds them to every event's recipients); the queue's
wallboard line (`interactions.queue`) has an empty audience: supervisors only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cti.protocol_base import WireEvent

CMD_INTERACTION_ACCEPT = "interaction.accept"
CMD_INTERACTION_DECLINE = "interaction.decline"
CMD_INTERACTION_REPLY = "interaction.reply"
CMD_INTERACTION_CLOSE = "interaction.close"
CMD_INTERACTION_TYPING = "interaction.typing"

ERR_NO_SUCH_INTERACTION = "no-such-interaction"
ERR_NOT_YOUR_INTERACTION = "not-your-interaction"
ERR_INTERACTION_CLOSED = "interaction-closed"
ERR_INTERACTION_NOT_OFFERED = "interaction-not-offered"  # accept/decline of no live offer

# interaction.message `direction`
DIRECTION_IN = "in"  # from the customer
DIRECTION_OUT = "out"  # from an agent

# interaction.ended `reason`
END_CLOSED = "closed"  # an agent (or a supervisor) closed it with a disposition
END_VISITOR_LEFT = "visitor_left"  # a chat visitor went away
END_EXPIRED = "expired"  # nobody took it before the channel gave up on it

OFFER_TEXT_LIMIT = 500  # characters of the first text an offer carries


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionOffered(WireEvent):
    """An interaction is offered to one agent until `offer_expires_at`.

    `text` is the first message, cut to `OFFER_TEXT_LIMIT` characters; `priority` is
    the configured one (higher is served first); times are ISO-8601 UTC.
    """

    type: ClassVar[str] = "interaction.offered"
    interaction_id: str
    extension: str  # the agent's extension it is offered to (supervisors see every offer)
    channel: str
    contact: dict[str, Any] | None
    subject: str | None
    text: str
    priority: int
    arrived_at: str
    offer_expires_at: str

    def data(self) -> dict[str, Any]:
        return {
            "interaction_id": self.interaction_id,
            "extension": self.extension,
            "channel": self.channel,
            "contact": self.contact,
            "subject": self.subject,
            "text": self.text,
            "priority": self.priority,
            "arrived_at": self.arrived_at,
            "offer_expires_at": self.offer_expires_at,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionAccepted(WireEvent):
    """The agent took the interaction: it is its own until closed."""

    type: ClassVar[str] = "interaction.accepted"
    interaction_id: str
    agent: str | None  # the agent's id in broker.agents (null: no account names it)
    extension: str

    def data(self) -> dict[str, Any]:
        return {
            "interaction_id": self.interaction_id,
            "agent": self.agent,
            "extension": self.extension,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionMessage(WireEvent):
    """One message of the thread: the customer's (`in`) or an agent's (`out`).

    `author` is the customer's name or address for `in`, the agent's display name for
    `out`; `attachments` are `{"filename", "content_type", "size", "refused"}`.
    """

    type: ClassVar[str] = "interaction.message"
    interaction_id: str
    message_id: str
    direction: str
    author: str | None
    text: str
    at: str
    attachments: tuple[dict[str, Any], ...] = ()

    def data(self) -> dict[str, Any]:
        return {
            "interaction_id": self.interaction_id,
            "message_id": self.message_id,
            "direction": self.direction,
            "author": self.author,
            "text": self.text,
            "at": self.at,
            "attachments": [dict(a) for a in self.attachments],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionEnded(WireEvent):
    type: ClassVar[str] = "interaction.ended"
    interaction_id: str
    reason: str
    disposition: str | None = None

    def data(self) -> dict[str, Any]:
        return {
            "interaction_id": self.interaction_id,
            "reason": self.reason,
            "disposition": self.disposition,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerTyping(WireEvent):
    """The chat visitor started (`on` true) or stopped typing, for the agent handling it."""

    type: ClassVar[str] = "interaction.typing"
    interaction_id: str
    on: bool

    def data(self) -> dict[str, Any]:
        return {"interaction_id": self.interaction_id, "on": self.on}


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionsQueue(WireEvent):
    """One channel's line of the universal queue on the wallboard (supervisors only):
    how many wait, the oldest's wait, and the channel's first-response target."""

    type: ClassVar[str] = "interactions.queue"
    channel: str
    waiting: int
    oldest_seconds: int  # 0 when nothing waits
    target: int  # first-response target in seconds (interactions.first_response_seconds)

    def data(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "waiting": self.waiting,
            "oldest_seconds": self.oldest_seconds,
            "target": self.target,
        }


INTERACTION_EVENTS: tuple[type[WireEvent], ...] = (
    InteractionOffered,
    InteractionAccepted,
    InteractionMessage,
    InteractionEnded,
    CustomerTyping,
    InteractionsQueue,
)
