"""Agents' time per interval, from their state periods clipped to each interval.

Logged in is every state but `logged-out`. Occupancy is the time agents spent handling
calls (`on-call`, `on-hold`, `wrap-up`) over the time they were there for calls (that,
plus `available` and `ringing`); paused time is in neither, and is shown by reason.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cti.protocol import AVAILABLE, LOGGED_OUT, ON_CALL, ON_HOLD, PAUSED, RINGING, WRAP_UP
from cti.reports.agentperiods import Span, slot_totals, spans_to_clip
from cti.reports.source import RecordsReader
from cti.reports.tally import ratio

BUSY = frozenset({ON_CALL, ON_HOLD, WRAP_UP})
IDLE = frozenset({AVAILABLE, RINGING})
NO_REASON = "unspecified"
"""The reason a pause without one is shown under."""


@dataclass(slots=True)
class AgentTime:
    """Seconds of agent time in one interval, summed over the agents in the report."""

    logged_in: float = 0.0
    busy: float = 0.0
    idle: float = 0.0
    paused: dict[str, float] = field(default_factory=dict)

    def add(self, state: str, reason: str | None, spent: float) -> None:
        if state == LOGGED_OUT:
            return
        self.logged_in += spent
        if state in BUSY:
            self.busy += spent
        elif state in IDLE:
            self.idle += spent
        elif state == PAUSED:
            key = reason or NO_REASON
            self.paused[key] = self.paused.get(key, 0.0) + spent

    def merge(self, other: AgentTime) -> None:
        self.logged_in += other.logged_in
        self.busy += other.busy
        self.idle += other.idle
        for reason, spent in other.paused.items():
            self.paused[reason] = self.paused.get(reason, 0.0) + spent

    @property
    def occupancy(self) -> float | None:
        """Handling time over time there for calls, 0..1; None when no one was."""
        return ratio(self.busy, self.busy + self.idle)

    def mean_agents(self, seconds: float) -> float:
        """Agents logged in on average over an interval of ``seconds``."""
        return 0.0 if seconds <= 0 else round(self.logged_in / seconds, 2)

    def as_dict(self) -> dict[str, object]:
        return {
            "occupancy": self.occupancy,
            "logged_in_seconds": round(self.logged_in, 1),
            "paused_seconds": {
                reason: round(spent, 1) for reason, spent in sorted(self.paused.items())
            },
        }


def agent_times(
    reader: RecordsReader,
    bounds: Sequence[float],
    extensions: Sequence[str] | None,
    until: float,
    slot: int,
) -> list[AgentTime]:
    """Each interval's `AgentTime`; ``bounds`` are the interval starts and the last end,
    each a multiple of ``slot``; ``extensions`` None is every agent.

    A period still open (no end) lasts until ``until`` (now): the future is no one's time.
    """
    times = [AgentTime() for _ in bounds[:-1]]
    start, end = bounds[0], bounds[-1]
    for total in slot_totals(reader, start, end, extensions, slot):
        index = bisect_right(bounds, total.slot * slot) - 1
        times[index].add(total.state, total.reason, total.seconds)
    clip(spans_to_clip(reader, start, end, extensions, slot), bounds, until, times)
    return times


def clip(
    spans: Iterable[Span], bounds: Sequence[float], until: float, times: list[AgentTime]
) -> None:
    """Add each span's time to the intervals it overlaps."""
    last = len(bounds) - 1
    for span in spans:
        start = span.started_at
        end = span.ended_at if span.ended_at is not None else until
        index = max(0, bisect_right(bounds, start) - 1)
        while index < last and bounds[index] < end:
            spent = min(end, bounds[index + 1]) - max(start, bounds[index])
            if spent > 0:
                times[index].add(span.state, span.reason, spent)
            index += 1
