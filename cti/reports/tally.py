"""The call figures of one interval (or a whole report): counts, rates, waits, handle times.

Counts come from `cti.agents.servicelevel` (`ServiceLevelRule.outcome` into a
`DayTally`), the one rule the live `queue.stats` also counts with, so a report and the
wallboard agree on every call. The averages are over the calls that have the figure: ASA
over answered calls whose wait is known, AHT over answered calls that have ended.
"""

from __future__ import annotations

from dataclasses import dataclass

from cti.agents.servicelevel import DayTally, Outcome, ServiceLevelRule
from cti.reports.source import QueueCallRow


def ratio(part: float, whole: float, places: int = 4) -> float | None:
    """part / whole to ``places`` decimals; None when ``whole`` is 0 (nothing to rate)."""
    return None if whole <= 0 else round(part / whole, places)


def seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(slots=True)
class CallFigures:
    """Queue calls counted by the service-level rule, with their waits and handle times."""

    tally: DayTally
    wait_total: float = 0.0
    waits: int = 0
    handled_total: float = 0.0
    handled: int = 0
    longest_wait: float | None = None

    @classmethod
    def empty(cls, rule: ServiceLevelRule) -> CallFigures:
        return cls(DayTally(rule.counts_short_abandons))

    def add(self, call: QueueCallRow, rule: ServiceLevelRule) -> None:
        """Count ``call``; one still waiting (not answered, not ended) is not counted yet."""
        if not (call.answered or call.ended):
            return
        outcome = rule.outcome(call.answered, call.abandoned, call.waited_seconds)
        self.tally.add(outcome)
        if outcome is Outcome.SHORT_ABANDONED and not self.tally.counts_short_abandons:
            return  # excluded: not offered, so not in the waits either
        if call.waited_seconds is not None:
            self.longest_wait = max(self.longest_wait or 0.0, call.waited_seconds)
            if call.answered:
                self.wait_total += call.waited_seconds
                self.waits += 1
        if call.handled_seconds is not None:
            self.handled_total += call.handled_seconds
            self.handled += 1

    def merge(self, other: CallFigures) -> None:
        mine, theirs = self.tally, other.tally
        mine.offered += theirs.offered
        mine.answered += theirs.answered
        mine.answered_within_target += theirs.answered_within_target
        mine.abandoned += theirs.abandoned
        mine.short_abandoned += theirs.short_abandoned
        self.wait_total += other.wait_total
        self.waits += other.waits
        self.handled_total += other.handled_total
        self.handled += other.handled
        if other.longest_wait is not None:
            self.longest_wait = max(self.longest_wait or 0.0, other.longest_wait)

    @property
    def asa_seconds(self) -> float | None:
        return None if not self.waits else self.wait_total / self.waits

    @property
    def aht_seconds(self) -> float | None:
        return None if not self.handled else self.handled_total / self.handled

    def as_dict(self) -> dict[str, object]:
        """The counters as the JSON report names them (docs/reports.md)."""
        tally = self.tally
        return {
            "offered": tally.offered,
            "answered": tally.answered,
            "abandoned": tally.abandoned,
            "abandoned_short": tally.short_abandoned,
            "abandon_rate": ratio(tally.abandoned, tally.offered),
            "answered_within_target": tally.answered_within_target,
            "service_level": tally.service_level,
            "asa_seconds": seconds(self.asa_seconds),
            "aht_seconds": seconds(self.aht_seconds),
            "longest_wait_seconds": seconds(self.longest_wait),
        }
