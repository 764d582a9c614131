"""The interval report: per interval and in total, the figures a manager staffs by.

Each call counts in the interval its caller joined the queue (its `arrived_at`), as the
live `queue.stats` counts it in the day it joined; each email, chat or web form in the
interval it arrived in (`cti.interactions.figures`). Agent time is clipped to each
interval. `as_json` is the shape of `--format json` and `GET /api/reports/intervals`
(docs/reports.md); the other formats render the same object.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from cti.interactions.figures import ChannelFigures, bucketed, figures_json, interaction_times
from cti.interactions.figures import totals as channel_totals
from cti.reports.agenttime import AgentTime, agent_times
from cti.reports.period import Interval, ReportPeriod, iso, slot_seconds
from cti.reports.query import ReportQuery
from cti.reports.settings import ReportSettings
from cti.reports.source import RecordsReader
from cti.reports.staffing import StaffingNeed, staffing_need
from cti.reports.tally import CallFigures


@dataclass(frozen=True, slots=True)
class IntervalFigures:
    interval: Interval
    calls: CallFigures
    agents: AgentTime
    staffing: StaffingNeed
    channels: dict[str, ChannelFigures]

    def as_json(self, settings: ReportSettings) -> dict[str, Any]:
        tz = settings.timezone
        return {
            "start": iso(self.interval.start, tz),
            "end": iso(self.interval.end, tz),
            **self.calls.as_dict(),
            **self.agents.as_dict(),
            "staffing": self.staffing.as_dict(),
            "channels": figures_json(self.channels),
        }


@dataclass(frozen=True, slots=True)
class IntervalReport:
    query: ReportQuery
    settings: ReportSettings
    intervals: list[IntervalFigures]
    calls: CallFigures
    agents: AgentTime
    channels: dict[str, ChannelFigures]

    def as_json(self) -> dict[str, Any]:
        settings, query = self.settings, self.query
        rule = settings.rule
        return {
            "timezone": settings.timezone_name,
            "from": query.first.isoformat(),
            "to": query.last.isoformat(),
            "queues": list(query.queues),
            "interval_minutes": query.interval_minutes,
            "service_level_seconds": rule.target_seconds,
            "short_abandon_seconds": rule.short_abandon_seconds,
            "short_abandons": rule.short_abandons,
            "target_service_level": settings.target_service_level,
            "shrinkage": settings.shrinkage,
            **self.calls.as_dict(),
            **self.agents.as_dict(),
            "channels": figures_json(self.channels),
            "intervals": [row.as_json(settings) for row in self.intervals],
        }


def interval_report(
    reader: RecordsReader, query: ReportQuery, settings: ReportSettings, now: float
) -> IntervalReport:
    """The report of ``query`` from the records; ``now`` ends the periods still open."""
    rule = settings.rule
    period = ReportPeriod(query.first, query.last, settings.timezone)
    bounds = period.boundaries(query.interval_minutes)
    start, end = bounds[0], bounds[-1]
    calls = [CallFigures.empty(rule) for _ in bounds[:-1]]
    for call in reader.queue_calls(start, end, query.queues):
        calls[bisect_right(bounds, call.arrived_at) - 1].add(call, rule)
    extensions = None
    if query.queues:  # the queues' configured members, and whoever their calls rang
        extensions = sorted(
            settings.members_of(query.queues) | reader.agents_of(start, end, query.queues)
        )
    targets = settings.first_response
    channels = bucketed(interaction_times(reader, start, end), bounds, targets, now)
    slot = slot_seconds(settings.timezone, start, end)
    times = agent_times(reader, bounds, extensions, now, slot)
    total_calls, total_agents = CallFigures.empty(rule), AgentTime()
    for figures, spent in zip(calls, times, strict=True):
        total_calls.merge(figures)
        total_agents.merge(spent)
    rows = [
        IntervalFigures(
            interval,
            figures,
            spent,
            staffing_need(
                figures,
                spent,
                interval.seconds,
                total_calls,
                settings,
                interval.seconds_gone(now),
            ),
            per_channel,
        )
        for interval, figures, spent, per_channel in zip(
            (Interval(a, b) for a, b in pairwise(bounds)), calls, times, channels, strict=True
        )
    ]
    total_channels = channel_totals(channels, targets)
    return IntervalReport(query, settings, rows, total_calls, total_agents, total_channels)
