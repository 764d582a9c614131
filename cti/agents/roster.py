"""Which extensions are agents, who they are and which queues they belong to.

Configured agents (the broker's accounts, and their queues where configured) are known
from the start. Without a config (``cti replay``), or for an extension the config does
not name, an agent is learned from the events: a queue member whose interface maps to
it, or a call that rang it. Supervisors' extensions count only when one of those
happens, so a supervisor without queues has no agent state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AgentProfile:
    extension: str
    agent_id: str | None = None
    queues: tuple[str, ...] = ()  # its configured queues (agent.login's default)
    agent: bool = True  # False: a supervisor's phone, an agent only once seen as one


class AgentRoster:
    def __init__(self, profiles: Iterable[AgentProfile] = ()) -> None:
        self._profiles = {profile.extension: profile for profile in profiles}
        self._agents = {profile.extension for profile in self._profiles.values() if profile.agent}
        self._seen_in_queue: set[str] = set()

    def __contains__(self, extension: object) -> bool:
        return extension in self._agents

    def extensions(self) -> list[str]:
        return sorted(self._agents)

    def learn(self, extension: str, *, in_queue: bool = False) -> bool:
        """Know `extension` as an agent from now on; True when it was new."""
        if in_queue:
            self._seen_in_queue.add(extension)
        if extension in self._agents:
            return False
        self._agents.add(extension)
        self._profiles.setdefault(extension, AgentProfile(extension))
        return True

    def agent_id(self, extension: str) -> str | None:
        profile = self._profiles.get(extension)
        return None if profile is None else profile.agent_id

    def has_queues(self, extension: str) -> bool:
        """Whether not being in any queue means logged out (rather than queue-less)."""
        profile = self._profiles.get(extension)
        return extension in self._seen_in_queue or bool(profile and profile.queues)
