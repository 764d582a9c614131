"""One call as the records keep it: the row of `calls`, the agents it rang, its transfers.

Times are UTC unix seconds (floats, sub-second): reports bucket and subtract them
without parsing, and a queue_log import (epoch seconds) lands in the same columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cti.protocol import (
    ABANDONED,
    ANSWERED_ELSEWHERE,
    INBOUND,
    NOT_ANSWERED,
    TRANSFER_CANCELLED,
)

# How one agent leg ended (`call_agents.outcome`); the retraction reasons keep their names.
ANSWERED = "answered"
TRANSFERRED = "transferred"
# Where a row came from (`calls.source`, `agent_periods.source`)
LIVE = "live"
QUEUE_LOG = "queue_log"
LEG_OUTCOMES = (
    ANSWERED,
    TRANSFERRED,
    ANSWERED_ELSEWHERE,
    ABANDONED,
    NOT_ANSWERED,
    TRANSFER_CANCELLED,
)


def seconds_between(start: float, end: float) -> float:
    """A duration to the millisecond: the float noise of two epoch times is not data."""
    return round(max(0.0, end - start), 3)


@dataclass(slots=True)
class AgentLeg:
    """One ring of one agent's extension; ``outcome`` is None while it rings."""

    extension: str
    rang_at: float
    answered_at: float | None = None
    ended_at: float | None = None
    outcome: str | None = None

    @property
    def open(self) -> bool:
        """Still ringing or talking: later events of this extension belong to it."""
        return self.ended_at is None


@dataclass(frozen=True, slots=True)
class Transfer:
    at: float
    from_extension: str | None
    to: str
    mode: str  # blind | attended | redirect, as in call.transferred


@dataclass(slots=True)
class CallRecord:
    """A call from its arrival (its queue join, or the first event cti published) to its end.

    ``caller_*`` is the external party as the protocol's ``caller`` is: the caller of an
    inbound call, the number dialled on an outbound one. ``answered_by`` is the agent
    whose answer ended the caller's wait; later agents (transfer targets) are legs.
    """

    call_id: str
    arrived_at: float
    direction: str = INBOUND
    queue: str | None = None
    caller_number: str | None = None
    caller_e164: str | None = None
    caller_name: str | None = None
    called_number: str | None = None
    did: str | None = None
    answered_at: float | None = None
    answered_by: str | None = None
    ended_at: float | None = None
    held_seconds: float = 0.0
    abandoned: bool = False
    cause: int | None = None
    cause_text: str | None = None
    contact_ids: tuple[int, ...] = ()
    legs: list[AgentLeg] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    wrapup_seconds: float | None = None  # the answering agent's wrap-up after the call
    disposition: str | None = None  # of the after-call note; the last note wins
    note: str | None = None
    source: str = LIVE
    held_since: float | None = None  # not stored: a hold open across a restart is lost
    waited: float | None = None  # the wait call.ended gave (queue join to answer or hang-up)
    talk: float | None = None  # a talk time the source measured itself (queue_log's)

    @property
    def waited_seconds(self) -> float | None:
        """Inbound only: arrival to answer, or to the hang-up of an abandoned call.

        The wait `call.ended` carries wins: it is the producer's own measure of the same
        span, and the live queue statistics count the call by it.
        """
        if self.direction != INBOUND:
            return None
        if self.waited is not None:
            return self.waited
        until = self.answered_at
        if until is None and self.abandoned:
            until = self.ended_at
        return None if until is None else seconds_between(self.arrived_at, until)

    @property
    def talk_seconds(self) -> float | None:
        """Answer to end minus hold, once the call ended answered; a measured one wins."""
        if self.talk is not None:
            return self.talk
        if self.answered_at is None or self.ended_at is None:
            return None
        return round(max(0.0, self.ended_at - self.answered_at - self.held_seconds), 3)

    @property
    def number(self) -> str | None:
        """The external party's number, E.164 when known."""
        return self.caller_e164 or self.caller_number

    @property
    def extensions(self) -> frozenset[str]:
        """Every extension the call rang or reached: who may file a note for it."""
        found = {leg.extension for leg in self.legs}
        if self.answered_by is not None:
            found.add(self.answered_by)
        return frozenset(found)

    def open_leg(self, extension: str) -> AgentLeg | None:
        for leg in reversed(self.legs):
            if leg.extension == extension and leg.open:
                return leg
        return None
