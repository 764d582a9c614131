"""Staffing per interval: agents needed by Erlang C, to schedule, and actually logged in.

The interval's offered calls and AHT give the traffic; Erlang C (`cti.reports.erlang`)
gives the fewest agents that answer `reports.target_service_level` of them within
`queues.service_level_seconds`, with the ASA and occupancy at that staffing; shrinkage
turns it into the staff to schedule. An interval with calls but no AHT of its own (no
answered call ended in it) uses the whole report's AHT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cti.reports.agenttime import AgentTime
from cti.reports.erlang import ErlangInputError, Staffing, scheduled, staff_for
from cti.reports.settings import ReportSettings
from cti.reports.tally import CallFigures, seconds


@dataclass(frozen=True, slots=True)
class StaffingNeed:
    """``erlang`` None: not computable (calls, but no handle time known anywhere)."""

    erlang: Staffing | None
    scheduled: int | None
    logged_in: float

    @property
    def needed(self) -> int | None:
        return None if self.erlang is None else self.erlang.agents

    def as_dict(self) -> dict[str, Any]:
        erlang = self.erlang
        return {
            "needed": self.needed,
            "scheduled": self.scheduled,
            "logged_in": self.logged_in,
            "service_level": None if erlang is None else round(erlang.service_level, 4),
            "asa_seconds": None if erlang is None else seconds(erlang.asa_seconds),
            "occupancy": None if erlang is None else round(erlang.occupancy, 4),
        }


def staffing_need(
    calls: CallFigures,
    agents: AgentTime,
    interval_seconds: float,
    whole: CallFigures,
    settings: ReportSettings,
    seconds_gone: float | None = None,
) -> StaffingNeed:
    """``seconds_gone``: the part of the interval already gone (the one in progress), over
    which the logged-in agents are averaged; None is the whole interval."""
    offered = calls.tally.offered
    aht = calls.aht_seconds if calls.aht_seconds is not None else whole.aht_seconds
    logged_in = agents.mean_agents(interval_seconds if seconds_gone is None else seconds_gone)
    if offered and not aht:
        return StaffingNeed(None, None, logged_in)
    try:
        erlang = staff_for(
            offered,
            interval_seconds,
            aht or 1.0,  # no calls: any AHT gives 0 agents
            settings.target_service_level,
            settings.rule.target_seconds,
        )
    except ErlangInputError:
        return StaffingNeed(None, None, logged_in)
    return StaffingNeed(erlang, scheduled(erlang.agents, settings.shrinkage), logged_in)
