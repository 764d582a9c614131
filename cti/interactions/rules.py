"""The routing rules an admin configures: capacity per channel, offer timeout, skills.

An agent's state is one state across channels (`cti.agents`): available agents take up
to `capacity` interactions of a channel at once; an agent ringing, on a call or holding
one takes up to `beside_call` (0 by default: nothing beside a call); wrap-up, paused and
logged-out agents are offered nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from cti.interactions.model import CHAT, EMAIL, WEBFORM
from cti.protocol import AVAILABLE, ON_CALL, ON_HOLD, RINGING

_ON_A_CALL = frozenset((RINGING, ON_CALL, ON_HOLD))


def _frozen(items: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(items))


@dataclass(frozen=True, slots=True)
class RoutingRules:
    capacity: Mapping[str, int] = field(
        default_factory=lambda: _frozen({EMAIL: 1, CHAT: 3, WEBFORM: 1})
    )
    beside_call: Mapping[str, int] = field(default_factory=lambda: _frozen({}))
    offer_timeout_seconds: float = 30.0
    reoffer_after_seconds: float = 120.0  # an agent who passed waits this long for it again
    skills: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))

    def limit(self, channel: str, state: str) -> int:
        """How many interactions of `channel` an agent in `state` may hold at once."""
        if state == AVAILABLE:
            return self.capacity.get(channel, 0)
        if state in _ON_A_CALL:
            return self.beside_call.get(channel, 0)
        return 0

    def skilled(self, extension: str, channel: str) -> bool:
        """An agent without configured skills takes every channel."""
        channels = self.skills.get(extension)
        return channels is None or channel in channels
