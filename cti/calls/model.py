"""The call-state model: channels keyed by Uniqueid, grouped into calls by Linkedid."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

# Asterisk channel states (ChannelState header)
STATE_RING = 4  # the line is ringing inbound (a caller waiting for us)
STATE_RINGING = 5  # the far end is ringing (an agent phone alerting)
STATE_UP = 6


class PopState(enum.Enum):
    """Where one extension's screen-pop stands within one call."""

    RINGING = "ringing"
    STOPPED = "stopped"  # stopped ringing; why (answered elsewhere, abandoned) not yet known
    ANSWERED = "answered"


@dataclass(slots=True, eq=False)
class Channel:
    uniqueid: str
    name: str
    linkedid: str
    extension: str | None  # the agent extension when this is an agent leg
    is_local: bool
    state: int = 0
    cid_num: str = ""
    cid_name: str = ""
    connected_num: str = ""
    connected_name: str = ""
    context: str = ""
    exten: str = ""
    created_context: str | None = None
    did: str | None = None
    bridge: str | None = None
    bridge_location: tuple[str, str] | None = None
    left_bridge: str | None = None  # the bridge it left last (a transferer leaves the caller's)
    ringing: bool = False
    answered: bool = False
    cause: int | None = None
    cause_text: str | None = None


@dataclass(slots=True)
class HoldSignals:
    """Hold as Asterisk signals it (see `cti.calls.hold`)."""

    legs: set[str] = field(default_factory=set)  # Uniqueids that sent Hold, no Unhold yet
    music: bool = False  # the other party hears music on hold
    echo: bool = False  # ... because one of `legs` put it there
    owed: int = 0  # Holds whose music has not started yet

    @property
    def held(self) -> bool:
        return bool(self.legs) or (self.music and not self.echo)


@dataclass(slots=True, eq=False)
class Consultation:
    """An attended transfer in progress: the transferer left the caller's bridge (the
    caller waits on hold) for a bridge of its own with the channel Asterisk created for
    the target (``Local/1002@<dial context>-…;1`` after AMI Atxfer)."""

    transferer: Channel
    bridge: str
    target: Channel | None = None
    #: the transfer target as dialled: its extension, or the number for outside targets
    target_number: str | None = None
    #: cti's own cancel hung the target up (else a return means no answer or a hang-up)
    cancelling: bool = False

    @property
    def transferer_extension(self) -> str | None:
        return self.transferer.extension


@dataclass(slots=True, eq=False)
class QueueStay:
    """A caller's channel waiting in one queue (see `cti.calls.queueing`)."""

    channel: Channel
    queue: str
    position: int
    count: int  # callers waiting in the queue, as last heard
    joined: float  # unix seconds


@dataclass(slots=True, eq=False)
class Call:
    """One call as people see it: every channel sharing the caller's Linkedid."""

    call_id: str
    channels: dict[str, Channel] = field(default_factory=dict)
    pops: dict[str, PopState] = field(default_factory=dict)
    queue: str | None = None
    dialled: str | None = None
    answered_by: str | None = None
    held: bool = False
    visible: bool = False  # at least one event went out about this call
    abandoned: bool = False
    originator_gone: bool = False
    transfer_pending: bool = False  # a transfer event moved the caller; no redirect guess
    cause: int | None = None
    cause_text: str | None = None
    outbound_number: str | None = None
    parked_space: str | None = None  # the parking space while parked (desk-phone hold)
    parkee: str | None = None  # Uniqueid of the parked channel
    consultation: Consultation | None = None  # an attended transfer in progress
    hold_signals: HoldSignals = field(default_factory=HoldSignals)
    #: the parked party left the lot unpicked (gave up, or timed out and Asterisk rings
    #: the parker back): its music stopping is no resume; an agent answering it again is
    left_park: bool = False
    #: the channel that started the call (its Uniqueid is the Linkedid); kept after hangup
    origin: Channel | None = None
    queued: bool = False  # its caller waited in a queue (call.queued went out)
    waited: float = 0.0  # seconds its caller spent waiting in queues, stays ended so far

    def participants(self) -> frozenset[str]:
        """Extensions whose desktops hold a pop of this call."""
        return frozenset(self.pops)

    def connected(self) -> frozenset[str]:
        """Extensions that answered this call and are still part of it."""
        return frozenset(ext for ext, state in self.pops.items() if state is PopState.ANSWERED)

    def legs_of(self, extension: str) -> list[Channel]:
        return [ch for ch in self.channels.values() if ch.extension == extension]
