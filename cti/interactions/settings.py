"""The `interactions` config section as the universal queue uses it: the built-in
per-channel values, overridden channel by channel by what cti.yaml sets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from cti.config.model import InteractionsConfig
from cti.interactions.model import CHAT, EMAIL, WEBFORM
from cti.interactions.rules import RoutingRules

DEFAULT_PRIORITY = {CHAT: 2, WEBFORM: 1, EMAIL: 0}
DEFAULT_CAPACITY = {CHAT: 3, EMAIL: 1, WEBFORM: 1}
DEFAULT_FIRST_RESPONSE = {EMAIL: 14_400, CHAT: 60, WEBFORM: 3_600}


def _merged(base: Mapping[str, int], override: Mapping[str, int] | None) -> Mapping[str, int]:
    return MappingProxyType({**base, **(override or {})})


@dataclass(frozen=True, slots=True)
class InteractionSettings:
    rules: RoutingRules = field(default_factory=RoutingRules)
    priority: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    form_priority: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    first_response: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    agent_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def display_name(self, agent_id: str) -> str:
        """The name the customer reads under this agent's replies (its id when unnamed)."""
        return self.agent_names.get(agent_id, agent_id)

    def priority_of(self, channel: str, form: str | None = None) -> int:
        """A form's own priority when configured, else its channel's."""
        if form is not None and form in self.form_priority:
            return self.form_priority[form]
        return self.priority.get(channel, 0)


def interaction_settings(section: InteractionsConfig) -> InteractionSettings:
    skills = {ext: frozenset(channels) for ext, channels in (section.skills or {}).items()}
    rules = RoutingRules(
        capacity=_merged(DEFAULT_CAPACITY, section.capacity),
        beside_call=_merged({}, section.beside_call),
        offer_timeout_seconds=float(section.offer_timeout_seconds),
        reoffer_after_seconds=float(section.reoffer_after_seconds),
        skills=MappingProxyType(skills),
    )
    return InteractionSettings(
        rules=rules,
        priority=_merged(DEFAULT_PRIORITY, section.priority),
        form_priority=_merged({}, section.form_priority),
        first_response=_merged(DEFAULT_FIRST_RESPONSE, section.first_response_seconds),
        agent_names=MappingProxyType(dict(section.agent_names or {})),
    )
