"""The service-level convention: how one queue call counts in offered, answered, abandoned.

One function decides it (`ServiceLevelRule.outcome`), so the live `queue.stats`, the
counters seeded from the records after a restart and the reports agree on every call.
docs/service-level.md states the convention with a worked example.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from cti.config import Config

EXCLUDE = "exclude"
COUNT = "count"
SHORT_ABANDON_MODES = (EXCLUDE, COUNT)


class Outcome(enum.Enum):
    """How a call's wait in a queue ended."""

    ANSWERED_WITHIN = "answered-within-target"
    ANSWERED_LATE = "answered-late"
    ABANDONED = "abandoned"
    SHORT_ABANDONED = "short-abandoned"
    UNANSWERED = "unanswered"  # left the queue otherwise: timeout, empty queue, dialplan


@dataclass(frozen=True, slots=True)
class ServiceLevelRule:
    """`queues.service_level_seconds`, `queues.short_abandon_seconds`, `queues.short_abandons`."""

    target_seconds: int = 20
    short_abandon_seconds: int = 5
    short_abandons: str = EXCLUDE

    def __post_init__(self) -> None:
        if self.target_seconds < 0 or self.short_abandon_seconds < 0:
            raise ValueError("service level and short abandon seconds must be >= 0")
        if self.short_abandons not in SHORT_ABANDON_MODES:
            raise ValueError(f"short_abandons must be one of {', '.join(SHORT_ABANDON_MODES)}")

    @property
    def counts_short_abandons(self) -> bool:
        return self.short_abandons == COUNT

    def outcome(self, answered: bool, abandoned: bool, waited: float | None) -> Outcome:
        """``waited``: queue join to answer, or to the hang-up of an abandoned call.

        An answer whose wait is unknown is not claimed as within target, and an abandon
        whose wait is unknown is not short: neither flatters the service level.
        """
        if answered:
            within = waited is not None and waited <= self.target_seconds
            return Outcome.ANSWERED_WITHIN if within else Outcome.ANSWERED_LATE
        if abandoned:
            short = waited is not None and waited < self.short_abandon_seconds
            return Outcome.SHORT_ABANDONED if short else Outcome.ABANDONED
        return Outcome.UNANSWERED


def service_level_rule(config: Config) -> ServiceLevelRule:
    queues = config.queues
    return ServiceLevelRule(
        queues.service_level_seconds, queues.short_abandon_seconds, queues.short_abandons
    )


@dataclass(slots=True)
class DayTally:
    """One queue's counts for one day; `add(outcome, -1)` takes a provisional count back."""

    counts_short_abandons: bool = False
    offered: int = 0
    answered: int = 0
    answered_within_target: int = 0
    abandoned: int = 0
    short_abandoned: int = 0

    def add(self, outcome: Outcome, sign: int = 1) -> None:
        if outcome is Outcome.SHORT_ABANDONED:
            self.short_abandoned += sign
            if not self.counts_short_abandons:
                return
            self.abandoned += sign
        elif outcome is Outcome.ABANDONED:
            self.abandoned += sign
        elif outcome is not Outcome.UNANSWERED:
            self.answered += sign
            if outcome is Outcome.ANSWERED_WITHIN:
                self.answered_within_target += sign
        self.offered += sign

    @property
    def service_level(self) -> float | None:
        """Answered within target over offered, 0..1 to 4 places; None before any offer."""
        if self.offered <= 0:
            return None
        return round(self.answered_within_target / self.offered, 4)
