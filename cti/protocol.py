"""Wire protocol v1 between the broker and the agent desktop.

This module is the only thing the desktop shares with the server, so it imports
nothing from the server. Each domain event type is one frozen class; `data()` gives
the JSON object that travels in the event envelope. Field names here are the
contract documented in docs/protocol.md: add, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cti.protocol_base import (
    Called,
    DomainEvent,
    Party,
    WireEvent,
    iso_utc,
    utc_timestamp,
)
from cti.protocol_centre import (
    AGENT_STATES,
    AVAILABLE,
    DND,
    IDLE,
    IN_USE,
    LOGGED_OUT,
    ON_CALL,
    ON_HOLD,
    PAUSED,
    PRESENCE_STATES,
    REASON_DND,
    REASON_HOLD,
    REASON_LOGGED_OUT,
    REASON_WRAP_UP,
    RINGING,
    UNAVAILABLE,
    WRAP_UP,
    AgentState,
    AgentStateData,
    CallQueued,
    Presence,
    PresenceData,
    QueueStats,
    Seat,
    SeatData,
)
from cti.protocol_interactions import (
    CMD_INTERACTION_ACCEPT,
    CMD_INTERACTION_CLOSE,
    CMD_INTERACTION_DECLINE,
    CMD_INTERACTION_REPLY,
    CMD_INTERACTION_TYPING,
    DIRECTION_IN,
    DIRECTION_OUT,
    END_CLOSED,
    END_EXPIRED,
    END_VISITOR_LEFT,
    ERR_INTERACTION_CLOSED,
    ERR_INTERACTION_NOT_OFFERED,
    ERR_NO_SUCH_INTERACTION,
    ERR_NOT_YOUR_INTERACTION,
    OFFER_TEXT_LIMIT,
    CustomerTyping,
    InteractionAccepted,
    InteractionEnded,
    InteractionMessage,
    InteractionOffered,
    InteractionsQueue,
)

#: Re-exported: desktops import every wire type from this module alone.
__all__ = [
    "AGENT_STATES",
    "AVAILABLE",
    "CMD_INTERACTION_ACCEPT",
    "CMD_INTERACTION_CLOSE",
    "CMD_INTERACTION_DECLINE",
    "CMD_INTERACTION_REPLY",
    "CMD_INTERACTION_TYPING",
    "DIRECTION_IN",
    "DIRECTION_OUT",
    "DND",
    "END_CLOSED",
    "END_EXPIRED",
    "END_VISITOR_LEFT",
    "ERR_INTERACTION_CLOSED",
    "ERR_INTERACTION_NOT_OFFERED",
    "ERR_NOT_YOUR_INTERACTION",
    "ERR_NO_SUCH_INTERACTION",
    "IDLE",
    "IN_USE",
    "LOGGED_OUT",
    "OFFER_TEXT_LIMIT",
    "ON_CALL",
    "ON_HOLD",
    "PAUSED",
    "PRESENCE_STATES",
    "REASON_DND",
    "REASON_HOLD",
    "REASON_LOGGED_OUT",
    "REASON_WRAP_UP",
    "RINGING",
    "UNAVAILABLE",
    "WRAP_UP",
    "AgentState",
    "AgentStateData",
    "CallQueued",
    "Called",
    "CustomerTyping",
    "DomainEvent",
    "InteractionAccepted",
    "InteractionEnded",
    "InteractionMessage",
    "InteractionOffered",
    "InteractionsQueue",
    "Party",
    "Presence",
    "PresenceData",
    "QueueStats",
    "Seat",
    "SeatData",
    "WireEvent",
    "iso_utc",
    "utc_timestamp",
]

PROTOCOL_VERSION = 1

# WebSocket close codes (4000-4999 are for applications).
CLOSE_NO_TOKEN = 4001
CLOSE_BAD_TOKEN = 4002
CLOSE_UNSUPPORTED_VERSION = 4004
CLOSE_BAD_HELLO = 4000  # first frame is not a valid hello object
CLOSE_TOO_SLOW = 4008  # send queue overflowed: reconnect with last_seq
# Standard codes the broker also uses.
CLOSE_GOING_AWAY = 1001  # server shutting down
CLOSE_MESSAGE_TOO_BIG = 1009  # frame larger than the broker's max_msg_size
CLOSE_INTERNAL_ERROR = 1011  # the broker could not send a frame: reconnect with last_seq
CLOSE_TRY_AGAIN = 1013  # too many sockets waited for their hello: this, the oldest, gave way

# Frame ops.
OP_HELLO = "hello"
OP_WELCOME = "welcome"
OP_EVENT = "event"
OP_COMMAND = "command"
OP_RESULT = "result"
OP_ERROR = "error"

# Command names.
CMD_HANGUP = "call.hangup"
CMD_DIAL = "call.dial"
CMD_HOLD = "call.hold"
CMD_RESUME = "call.resume"
CMD_TRANSFER = "call.transfer"
CMD_ANSWER = "call.answer"
# The contact-centre layer: an agent acts on itself, a supervisor on any agent (`agent`).
CMD_AGENT_LOGIN = "agent.login"
CMD_AGENT_LOGOUT = "agent.logout"
CMD_AGENT_PAUSE = "agent.pause"
CMD_AGENT_UNPAUSE = "agent.unpause"
CMD_AGENT_DND = "agent.dnd"
# Supervisors only: their own phone rings, then hears (and speaks into) the agent's call.
CMD_SUPERVISOR_LISTEN = "supervisor.listen"
CMD_SUPERVISOR_WHISPER = "supervisor.whisper"
CMD_SUPERVISOR_BARGE = "supervisor.barge"

# Error ids of `result` and `error` frames (and of REST error bodies).
ERR_BAD_FRAME = "bad-frame"
ERR_UNKNOWN_OP = "unknown-op"
ERR_UNKNOWN_COMMAND = "unknown-command"
ERR_BAD_ARGS = "bad-args"
ERR_NOT_SUPPORTED = "not-supported"
ERR_NOT_YOUR_CALL = "not-your-call"
ERR_NO_SUCH_CALL = "no-such-call"
ERR_CALL_GONE = "call-gone"
ERR_NO_SUCH_EXTENSION = "no-such-extension"
ERR_NOT_CONFIGURED = "not-configured"
ERR_TIMEOUT = "timeout"
ERR_BUSY = "busy"
ERR_FAILED = "failed"
ERR_AMI_PERMISSION_DENIED = "ami-permission-denied"
ERR_AMI_DISCONNECTED = "ami-disconnected"
ERR_NO_TOKEN = "no-token"
ERR_BAD_TOKEN = "bad-token"
ERR_NO_SUCH_CONTACT = "no-such-contact"
ERR_NO_CONTACT = "no-contact"  # a note needs a contact: none or several matched
ERR_TOO_LARGE = "too-large"  # REST body larger than max_msg_size
ERR_NOT_A_SUPERVISOR = "not-a-supervisor"  # a supervisor command, or naming another agent
ERR_UNKNOWN_PAUSE_REASON = "unknown-pause-reason"  # not in queues.pause_reasons
ERR_NO_SUCH_AGENT = "no-such-agent"  # `agent` names no agent of broker.agents
ERR_NO_QUEUES = "no-queues"  # the agent has no configured queue and is in none
ERR_NOT_LOGGED_IN = "not-logged-in"  # pause/unpause/dnd of an agent that is in no queue

# pop.retracted reasons
ANSWERED_ELSEWHERE = "answered_elsewhere"
ABANDONED = "abandoned"
NOT_ANSWERED = "not_answered"
TRANSFER_CANCELLED = "transfer_cancelled"  # a consulted target left an attended transfer

# call.transfer_failed reasons: why an attended transfer's consultation ended without one
CONSULT_CANCELLED = "cancelled"  # the transferer cancelled it (cti's call.transfer cancel)
CONSULT_NOT_ANSWERED = "not_answered"  # the target never answered (atxfernoanswertimeout)
CONSULT_HUNG_UP = "target_hung_up"  # the target answered, then hung up

INBOUND = "inbound"
OUTBOUND = "outbound"
INTERNAL = "internal"


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRinging(DomainEvent):
    type: ClassVar[str] = "call.ringing"
    extension: str
    caller: Party
    called: Called
    queue: str | None = None
    direction: str = INBOUND
    contact: dict[str, Any] | None = None
    matches: tuple[dict[str, Any], ...] = ()

    def data(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "extension": self.extension,
            "direction": self.direction,
            "caller": self.caller.data(),
            "called": self.called.data(),
            "queue": self.queue,
            "contact": self.contact,
            "matches": list(self.matches),
        }

    def stored_contact_ids(self) -> tuple[int, ...]:
        """Ids of the built-in store's contacts among the matches (other sources have none).

        A note about the call goes to one of these; the call records keep them.
        """
        found = list(self.matches)
        if not found and self.contact:
            found = [self.contact]
        ids = [item.get("id") for item in found if isinstance(item, dict)]
        return tuple(dict.fromkeys(i for i in ids if type(i) is int))


@dataclass(frozen=True, slots=True, kw_only=True)
class CallAnswered(DomainEvent):
    type: ClassVar[str] = "call.answered"
    extension: str

    def data(self) -> dict[str, Any]:
        return {"call_id": self.call_id, "extension": self.extension}


@dataclass(frozen=True, slots=True, kw_only=True)
class CallHeld(DomainEvent):
    type: ClassVar[str] = "call.held"


@dataclass(frozen=True, slots=True, kw_only=True)
class CallResumed(DomainEvent):
    type: ClassVar[str] = "call.resumed"


@dataclass(frozen=True, slots=True, kw_only=True)
class CallTransferred(DomainEvent):
    type: ClassVar[str] = "call.transferred"
    to: str
    mode: str  # blind | attended | redirect
    from_extension: str | None = None

    def data(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "from": self.from_extension,
            "to": self.to,
            "mode": self.mode,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CallTransferFailed(DomainEvent):
    """An attended transfer's consultation ended without a transfer: the caller is back
    with the transferer (who also gets `call.resumed` when the caller leaves hold)."""

    type: ClassVar[str] = "call.transfer_failed"
    to: str
    reason: str  # cancelled | not_answered | target_hung_up
    from_extension: str | None = None

    def data(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "from": self.from_extension,
            "to": self.to,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CallEnded(DomainEvent):
    type: ClassVar[str] = "call.ended"
    cause: int | None
    cause_text: str | None
    answered_by: str | None
    abandoned: bool = False
    #: seconds from joining a queue until an agent took the call or the caller left
    #: the queue without one; null for a call that never waited in a queue
    waited_seconds: float | None = None
    queue: str | None = None

    def data(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "cause": self.cause,
            "cause_text": self.cause_text,
            "answered_by": self.answered_by,
            "abandoned": self.abandoned,
            "waited_seconds": self.waited_seconds,
            "queue": self.queue,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PopRetracted(DomainEvent):
    type: ClassVar[str] = "pop.retracted"
    extension: str
    reason: str

    def data(self) -> dict[str, Any]:
        return {"call_id": self.call_id, "extension": self.extension, "reason": self.reason}


@dataclass(frozen=True, slots=True, kw_only=True)
class PbxLink(WireEvent):
    """The broker's AMI link to Asterisk went up or down: while it is down no call pops
    and no call control works, so every desktop is told."""

    type: ClassVar[str] = "pbx.link"
    everyone: ClassVar[bool] = True
    connected: bool
    since: str  # ISO-8601 UTC, when the link reached this state

    def data(self) -> dict[str, Any]:
        return {"connected": self.connected, "since": self.since}


EVENT_TYPES: dict[str, type[WireEvent]] = {
    cls.type: cls
    for cls in (
        CallRinging,
        CallAnswered,
        CallHeld,
        CallResumed,
        CallTransferred,
        CallTransferFailed,
        CallEnded,
        PopRetracted,
        PbxLink,
        CallQueued,
        AgentState,
        Presence,
        QueueStats,
        InteractionOffered,
        InteractionAccepted,
        InteractionMessage,
        InteractionEnded,
        CustomerTyping,
        InteractionsQueue,
    )
}


def event_envelope(event: WireEvent, seq: int, ts: str | None = None) -> dict[str, Any]:
    return {
        "op": "event",
        "seq": seq,
        "type": event.type,
        "ts": ts or utc_timestamp(),
        "data": event.data(),
    }


def hello_frame(
    token: str, last_seq: int | None = None, epoch: str | None = None
) -> dict[str, Any]:
    """`epoch` is the one of the welcome `last_seq` belongs to (null on a first connect)."""
    return {
        "op": OP_HELLO,
        "v": PROTOCOL_VERSION,
        "token": token,
        "last_seq": last_seq,
        "epoch": epoch,
    }


def pbx_data(connected: bool, since: str) -> dict[str, Any]:
    """The welcome's `pbx` object: the broker's AMI link to Asterisk."""
    return {"connected": connected, "since": since}


def welcome_frame(
    agent: str,
    extension: str,
    seq: int,
    calls: list[dict[str, Any]],
    resync: bool = False,
    settings: dict[str, Any] | None = None,
    capabilities: list[str] | None = None,
    epoch: str = "",
    pbx: dict[str, Any] | None = None,
    agent_state: AgentStateData | None = None,
    presence: list[PresenceData] | None = None,
    supervision: SupervisorView | None = None,
) -> dict[str, Any]:
    """`resync` is true when the client's last_seq could not be replayed (too old, or
    from another epoch: a broker that restarted).

    `settings` are the desktop's server-side settings (CRM link, dispositions),
    `capabilities` the command names this agent can use now, `epoch` the id of the
    broker's journal that `seq` counts in, and `pbx` its AMI link (see `pbx_data`).
    `agent_state` is this identity's own `agent.state` data (null without one),
    `presence` every agent extension's `presence` data, and `supervision` (supervisors
    only) the wallboard's starting point.
    """
    frame = {
        "op": OP_WELCOME,
        "agent": agent,
        "extension": extension,
        "seq": seq,
        "epoch": epoch,
        "calls": calls,
        "resync": resync,
        "pbx": dict(pbx or pbx_data(False, utc_timestamp())),
        "settings": dict(settings or {}),
        "capabilities": list(capabilities or []),
        "agent_state": agent_state,
        "presence": list(presence or []),
    }
    if supervision is not None:
        frame.update(supervision.data())
    return frame


@dataclass(frozen=True, slots=True)
class SupervisorView:
    """What a supervisor's welcome adds: every agent's `agent.state` data, every queue's
    `queue.stats` data and every caller waiting now (`call.queued` data)."""

    agents: list[AgentStateData]
    queues: list[dict[str, Any]]
    waiting: list[dict[str, Any]]

    def data(self) -> dict[str, Any]:
        return {"agents": self.agents, "queues": self.queues, "waiting": self.waiting}


def command_frame(command_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"op": OP_COMMAND, "id": command_id, "name": name, "args": args}


def result_frame(
    command_id: Any, ok: bool, error: str | None = None, message: str = ""
) -> dict[str, Any]:
    return {"op": OP_RESULT, "id": command_id, "ok": ok, "error": error, "message": message}


def error_frame(error: str, message: str) -> dict[str, Any]:
    """A reply to a frame that is not a command, so there is no id to answer."""
    return {"op": OP_ERROR, "error": error, "message": message}
