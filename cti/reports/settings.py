"""What a report needs from the config: its time zone, the service-level rule, targets.

Built once from `Config` (`report_settings`), so the report code never reads config
keys itself and tests build settings directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from zoneinfo import ZoneInfo

from cti.agents.servicelevel import ServiceLevelRule, service_level_rule
from cti.config import Config
from cti.interactions.settings import DEFAULT_FIRST_RESPONSE, interaction_settings


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """``members``: each queue's configured agent extensions (the `agents` map);
    ``first_response``: each channel's first-response target in seconds
    (`interactions.first_response_seconds`)."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    interval_minutes: int = 30
    target_service_level: float = 0.8
    shrinkage: float = 0.3
    rule: ServiceLevelRule = field(default_factory=ServiceLevelRule)
    members: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    first_response: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType(dict(DEFAULT_FIRST_RESPONSE))
    )

    @property
    def timezone_name(self) -> str:
        return self.timezone.key

    def members_of(self, queues: tuple[str, ...]) -> set[str]:
        return {extension for queue in queues for extension in self.members.get(queue, ())}


def report_settings(config: Config) -> ReportSettings:
    members: dict[str, set[str]] = {}
    for extension, agent in (config.agents or {}).items():
        for queue in agent.queues:
            members.setdefault(queue, set()).add(extension)
    reports = config.reports
    return ReportSettings(
        timezone=ZoneInfo(reports.timezone),
        interval_minutes=reports.interval_minutes,
        target_service_level=reports.target_service_level,
        shrinkage=reports.shrinkage,
        rule=service_level_rule(config),
        members=MappingProxyType({q: frozenset(e) for q, e in members.items()}),
        first_response=interaction_settings(config.interactions).first_response,
    )
