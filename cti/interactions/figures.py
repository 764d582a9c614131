"""Per-channel figures of the universal queue's interactions, read from the records.

What a manager asks of email, chat and web forms beside the calls: how many came in
(offered), how many an agent took (handled), closed, or left without one (abandoned),
how fast the first reply went out against the channel's target, and how long an agent
took from accepting to closing. An interaction counts in the interval it arrived in,
as a call counts in the one its caller joined the queue, whenever it was closed.

Rows are read as they are: a time that is not a number, or that comes before the time
it follows (a reply before the arrival), is treated as unknown, so a damaged row is
counted as far as it can be and never stops a report.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from cti.interactions.model import CHANNELS


class RowSource(Protocol):
    """A read-only records file (`cti.reports.source.RecordsReader`)."""

    def rows(self, sql: str, args: Sequence[object]) -> list[Any]: ...

    def has_table(self, name: str) -> bool: ...


class InteractionTimes(NamedTuple):
    """One interaction as the figures count it; None for a time not known (or not yet)."""

    channel: str
    arrived_at: float
    accepted_at: float | None
    first_response_at: float | None
    closed_at: float | None


def _number(column: str) -> str:
    """The column when SQLite holds a number there, else NULL (text, blob or NULL)."""
    return f"CASE WHEN typeof({column}) IN ('integer', 'real') THEN {column} END"


INTERACTION_TIMES_SQL = (
    "SELECT coalesce(channel, ''), arrived_at, "
    + ", ".join(_number(c) for c in ("accepted_at", "first_response_at", "closed_at"))
    + " FROM interactions WHERE typeof(arrived_at) IN ('integer', 'real') "
    "AND arrived_at >= ? AND arrived_at < ?"
)


def interaction_times(source: RowSource, start: float, end: float) -> list[InteractionTimes]:
    """Interactions that arrived in [start, end); none from a file older than schema 4."""
    if not source.has_table("interactions"):
        return []
    return [
        InteractionTimes(str(r[0]), float(r[1]), r[2], r[3], r[4])
        for r in source.rows(INTERACTION_TIMES_SQL, (start, end))
    ]


def _after(earlier: float, later: float | None) -> float | None:
    """``later`` when it is a time at or after ``earlier``, else unknown."""
    return later if later is not None and later >= earlier else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value at least ``share`` of them reach."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _ratio(part: int, whole: int) -> float | None:
    return None if whole <= 0 else round(part / whole, 4)


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(slots=True)
class ChannelFigures:
    """One channel's interactions of an interval or a period.

    ``due``: interactions whose first reply was owed by now, the target's denominator:
    those answered, and those left without a reply for longer than ``target_seconds``
    (still open, or closed late). One closed unanswered within the target (a visitor who
    left after ten seconds) is neither met nor missed, as a short abandon for calls.
    """

    channel: str
    target_seconds: int | None
    offered: int = 0
    handled: int = 0
    closed: int = 0
    abandoned: int = 0
    open: int = 0
    due: int = 0
    within_target: int = 0
    responses: list[float] = field(default_factory=list)
    handling_total: float = 0.0
    handling_count: int = 0

    def add(self, row: InteractionTimes, now: float) -> None:
        self.offered += 1
        accepted = _after(row.arrived_at, row.accepted_at)
        responded = _after(row.arrived_at, row.first_response_at)
        closed = _after(row.arrived_at, row.closed_at)
        self.handled += int(row.accepted_at is not None)
        if row.closed_at is None:
            self.open += 1
        else:
            self.closed += 1
            self.abandoned += int(row.accepted_at is None)
        if responded is not None:
            self._responded(responded - row.arrived_at)
        else:
            self._unanswered(row.arrived_at, now if row.closed_at is None else closed)
        if accepted is not None and closed is not None and closed >= accepted:
            self.handling_total += closed - accepted
            self.handling_count += 1

    def _responded(self, delay: float) -> None:
        self.responses.append(delay)
        if self.target_seconds is not None:
            self.due += 1
            self.within_target += int(delay <= self.target_seconds)

    def _unanswered(self, arrived_at: float, until: float | None) -> None:
        """Due (and missed) when it went without a reply for longer than the target."""
        if self.target_seconds is not None and until is not None:
            self.due += int(until - arrived_at > self.target_seconds)

    def merge(self, other: ChannelFigures) -> None:
        for name in ("offered", "handled", "closed", "abandoned", "open", "due"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.within_target += other.within_target
        self.responses.extend(other.responses)
        self.handling_total += other.handling_total
        self.handling_count += other.handling_count

    def as_dict(self) -> dict[str, object]:
        """The figures as the JSON report names them (docs/reports.md, "Channels")."""
        responses = self.responses
        mean = sum(responses) / len(responses) if responses else None
        handling = self.handling_total / self.handling_count if self.handling_count else None
        has_target = self.target_seconds is not None
        return {
            "first_response_target_seconds": self.target_seconds,
            "offered": self.offered,
            "handled": self.handled,
            "closed": self.closed,
            "abandoned": self.abandoned,
            "open": self.open,
            "responded": len(responses),
            "first_response_due": self.due if has_target else None,
            "responded_within_target": self.within_target if has_target else None,
            "first_response_level": _ratio(self.within_target, self.due),
            "first_response_mean_seconds": _seconds(mean),
            "first_response_p90_seconds": _seconds(percentile(responses, 0.9)),
            "handling_mean_seconds": _seconds(handling),
        }


def empty_figures(targets: Mapping[str, int]) -> dict[str, ChannelFigures]:
    return {channel: ChannelFigures(channel, targets.get(channel)) for channel in CHANNELS}


def figures_json(figures: Mapping[str, ChannelFigures]) -> dict[str, dict[str, object]]:
    return {channel: one.as_dict() for channel, one in figures.items()}


def bucketed(
    rows: Iterable[InteractionTimes],
    bounds: Sequence[float],
    targets: Mapping[str, int],
    now: float,
) -> list[dict[str, ChannelFigures]]:
    """Each interval's figures, an interaction in the one it arrived in; ``bounds`` are
    the interval starts and the period's end, as `ReportPeriod.boundaries` gives them.
    Every interval has the known channels and any other channel a row names."""
    slots: list[dict[str, ChannelFigures]] = [empty_figures(targets) for _ in bounds[:-1]]
    arrived = list(rows)
    for channel in dict.fromkeys(row.channel for row in arrived):
        for slot in slots:  # every interval names the same channels, even with nothing
            slot.setdefault(channel, ChannelFigures(channel, targets.get(channel)))
    for row in arrived:
        slots[bisect_right(bounds, row.arrived_at) - 1][row.channel].add(row, now)
    return slots


def totals(
    parts: Iterable[Mapping[str, ChannelFigures]], targets: Mapping[str, int]
) -> dict[str, ChannelFigures]:
    """The figures of several intervals together."""
    total = empty_figures(targets)
    for part in parts:
        for channel, figures in part.items():
            if channel not in total:
                total[channel] = ChannelFigures(channel, targets.get(channel))
            total[channel].merge(figures)
    return total
