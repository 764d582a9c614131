"""Who is offered what: each waiting interaction, in queue order, goes to the available
agent idle the longest, within its capacity for the channel and its skills.

It does no I/O and keeps no timer: the caller says when to `dispatch` (after an arrival,
an agent's state change, a release) and when to `expire_due` (at `next_deadline`), so
the tests drive time with a clock of their own. An agent's idle time runs from the later
of its state's start and its last interaction offered or released, so agents share the
work evenly instead of the first one in extension order taking everything.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cti.interactions.model import ACTIVE, CLOSED, OFFERED, WAITING, Interaction, Offer
from cti.interactions.queue import InteractionQueue
from cti.interactions.rules import RoutingRules
from cti.protocol import (
    ERR_INTERACTION_CLOSED,
    ERR_INTERACTION_NOT_OFFERED,
    ERR_NO_SUCH_INTERACTION,
    ERR_NOT_YOUR_INTERACTION,
)

log = logging.getLogger(__name__)

NO_SUCH_INTERACTION = ERR_NO_SUCH_INTERACTION
NOT_YOUR_INTERACTION = ERR_NOT_YOUR_INTERACTION
INTERACTION_CLOSED = ERR_INTERACTION_CLOSED
NOT_OFFERED = ERR_INTERACTION_NOT_OFFERED

_CLOSED_KEPT = 10_000  # closed ids remembered, so a late command says "closed"


class InteractionError(Exception):
    """A command the interaction's state or owner refuses; `code` is the wire error id."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class AgentAvailability:
    """One agent as routing sees it: its state (`agent.state`) and since when (unix s)."""

    extension: str
    state: str
    since: float


Staff = Callable[[], Iterable[AgentAvailability]]


class InteractionRouter:
    def __init__(
        self, rules: RoutingRules, staff: Staff, clock: Callable[[], float] = time.time
    ) -> None:
        self.rules = rules
        self.queue = InteractionQueue()
        self._staff = staff
        self._clock = clock
        self._open: dict[str, Interaction] = {}
        self._closed: dict[str, Interaction] = {}
        self._held: dict[str, set[str]] = {}  # extension → ids offered to it or handled
        self._last_work: dict[str, float] = {}  # extension → last offer or release

    # -- views -----------------------------------------------------------------------

    def get(self, interaction_id: str) -> Interaction | None:
        return self._open.get(interaction_id) or self._closed.get(interaction_id)

    def held_by(self, extension: str) -> list[Interaction]:
        ids = sorted(self._held.get(extension, ()))
        return [self._open[i] for i in ids]

    def open_interactions(self) -> list[Interaction]:
        return sorted(self._open.values(), key=lambda i: (i.arrived_at, i.interaction_id))

    def next_deadline(self) -> float | None:
        """When the earliest offer lapses, for the caller's timer."""
        offers = [i.offer.expires_at for i in self._open.values() if i.offer is not None]
        return min(offers, default=None)

    # -- input -----------------------------------------------------------------------

    def arrive(self, interaction: Interaction) -> None:
        if interaction.interaction_id in self._open:
            raise ValueError(f"interaction {interaction.interaction_id} is already open")
        self._open[interaction.interaction_id] = interaction
        self.queue.add(interaction)

    def dispatch(self) -> list[Offer]:
        """Offer what waits to whoever may take it now; returns the offers made."""
        if not len(self.queue):
            return []
        now = self._clock()
        agents = [a for a in self._staff() if self._may_take_any(a)]
        # only channels some agent has room for are walked: thousands of mails waiting
        # behind agents full of mail cost nothing, and the walk ends with the room
        channels = {c for c in self.queue.channels() if self._room(c, agents)}
        offers: list[Offer] = []
        for interaction in self.queue.in_order(channels):
            agent = self._choose(interaction, agents, now)
            if agent is not None:
                offers.append(self._offer(interaction, agent.extension, now))
                agents = [a for a in agents if self._may_take_any(a)]
                if not self._room(interaction.channel, agents):
                    channels.discard(interaction.channel)
        return offers

    def accept(self, interaction_id: str, extension: str) -> Interaction:
        interaction = self._offered_to(interaction_id, extension)
        interaction.status = ACTIVE
        interaction.offer = None
        interaction.accepted_at = self._clock()
        return interaction

    def decline(self, interaction_id: str, extension: str) -> Interaction:
        """The agent passes: back in the queue, for someone else first."""
        interaction = self._offered_to(interaction_id, extension)
        self._requeue(interaction, self._clock())
        return interaction

    def expire_due(self) -> list[Interaction]:
        """The offers that lapsed: each back in the queue, for the next agent."""
        now = self._clock()
        lapsed = [
            i for i in self._open.values() if i.offer is not None and i.offer.expires_at <= now
        ]
        for interaction in lapsed:
            log.info("offer of %s to %s lapsed", interaction.interaction_id, interaction.extension)
            self._requeue(interaction, now)
        return lapsed

    def responded(self, interaction_id: str, extension: str | None) -> Interaction:
        """An answer went out: the first one sets the first-response time."""
        interaction = self.owned(interaction_id, extension)
        if interaction.first_response_at is None:
            interaction.first_response_at = self._clock()
        return interaction

    def close(
        self, interaction_id: str, extension: str | None, disposition: str | None, reason: str
    ) -> Interaction:
        """Close it for good; `extension` None acts as a supervisor (or the system)."""
        interaction = self._lookup(interaction_id)
        if extension is not None and interaction.extension != extension:
            raise InteractionError(NOT_YOUR_INTERACTION, "not your interaction")
        if extension is not None and interaction.status != ACTIVE:
            raise InteractionError(NOT_OFFERED, "accept the interaction before closing it")
        now = self._clock()
        self.queue.remove(interaction_id)
        self._release(interaction, now)
        interaction.status = CLOSED
        interaction.offer = None
        interaction.closed_at = now
        interaction.disposition = disposition
        interaction.end_reason = reason
        del self._open[interaction_id]
        self._remember_closed(interaction)
        return interaction

    def owned(self, interaction_id: str, extension: str | None) -> Interaction:
        """The open interaction if `extension` handles it (None: a supervisor)."""
        interaction = self._lookup(interaction_id)
        if extension is not None and (
            interaction.extension != extension or interaction.status != ACTIVE
        ):
            raise InteractionError(NOT_YOUR_INTERACTION, "not your interaction")
        return interaction

    # -- internals -------------------------------------------------------------------

    def _lookup(self, interaction_id: str) -> Interaction:
        interaction = self._open.get(interaction_id)
        if interaction is not None:
            return interaction
        if interaction_id in self._closed:
            raise InteractionError(INTERACTION_CLOSED, "the interaction is closed")
        raise InteractionError(NO_SUCH_INTERACTION, "no such interaction")

    def _offered_to(self, interaction_id: str, extension: str) -> Interaction:
        interaction = self._lookup(interaction_id)
        if interaction.extension != extension:
            raise InteractionError(NOT_YOUR_INTERACTION, "not your interaction")
        if interaction.status != OFFERED:
            raise InteractionError(NOT_OFFERED, "the interaction is not on offer to you")
        return interaction

    def _may_take_any(self, agent: AgentAvailability) -> bool:
        return any(
            self._load(agent.extension, channel) < self.rules.limit(channel, agent.state)
            for channel in set(self.rules.capacity) | set(self.rules.beside_call)
        )

    def _room(self, channel: str, agents: list[AgentAvailability]) -> bool:
        """Whether any of ``agents`` may be offered one more of ``channel``."""
        return any(
            self.rules.skilled(a.extension, channel)
            and self._load(a.extension, channel) < self.rules.limit(channel, a.state)
            for a in agents
        )

    def _load(self, extension: str, channel: str) -> int:
        held = (self._open[i] for i in self._held.get(extension, ()))
        return sum(1 for interaction in held if interaction.channel == channel)

    def _choose(
        self, interaction: Interaction, agents: list[AgentAvailability], now: float
    ) -> AgentAvailability | None:
        """The eligible agent idle the longest; among equals (offers made in one
        dispatch share a time) the one holding less, then the longest in its state."""
        eligible = [a for a in agents if self._eligible(interaction, a, now)]
        return min(eligible, key=self._rank, default=None)

    def _rank(self, agent: AgentAvailability) -> tuple[float, int, float, str]:
        held = len(self._held.get(agent.extension, ()))
        return (self._idle_since(agent), held, agent.since, agent.extension)

    def _eligible(self, interaction: Interaction, agent: AgentAvailability, now: float) -> bool:
        channel = interaction.channel
        passed = interaction.passed.get(agent.extension)
        return (
            self.rules.skilled(agent.extension, channel)
            and self._load(agent.extension, channel) < self.rules.limit(channel, agent.state)
            and (passed is None or now - passed >= self.rules.reoffer_after_seconds)
        )

    def _idle_since(self, agent: AgentAvailability) -> float:
        return max(agent.since, self._last_work.get(agent.extension, agent.since))

    def _offer(self, interaction: Interaction, extension: str, now: float) -> Offer:
        self.queue.remove(interaction.interaction_id)
        offer = Offer(
            interaction.interaction_id, extension, now, now + self.rules.offer_timeout_seconds
        )
        interaction.status = OFFERED
        interaction.extension = extension
        interaction.offer = offer
        if interaction.offered_at is None:
            interaction.offered_at = now
        self._held.setdefault(extension, set()).add(interaction.interaction_id)
        self._last_work[extension] = now
        log.debug("offered %s to %s", interaction.interaction_id, extension)
        return offer

    def _requeue(self, interaction: Interaction, now: float) -> None:
        if interaction.extension is not None:
            interaction.passed[interaction.extension] = now
        self._release(interaction, now)
        interaction.status = WAITING
        interaction.extension = None
        interaction.offer = None
        self.queue.add(interaction)

    def _release(self, interaction: Interaction, now: float) -> None:
        extension = interaction.extension
        if extension is None:
            return
        held = self._held.get(extension)
        if held is not None:
            held.discard(interaction.interaction_id)
            if not held:
                del self._held[extension]
        self._last_work[extension] = now

    def _remember_closed(self, interaction: Interaction) -> None:
        self._closed[interaction.interaction_id] = interaction
        while len(self._closed) > _CLOSED_KEPT:
            del self._closed[next(iter(self._closed))]
