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
    ringing: bool = False
    answered: bool = False
    cause: int | None = None
    cause_text: str | None = None


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
    #: the channel that started the call (its Uniqueid is the Linkedid); kept after hangup
    origin: Channel | None = None

    def participants(self) -> frozenset[str]:
        """Extensions whose desktops hold a pop of this call."""
        return frozenset(self.pops)

    def connected(self) -> frozenset[str]:
        """Extensions that answered this call and are still part of it."""
        return frozenset(ext for ext, state in self.pops.items() if state is PopState.ANSWERED)

    def legs_of(self, extension: str) -> list[Channel]:
        return [ch for ch in self.channels.values() if ch.extension == extension]
