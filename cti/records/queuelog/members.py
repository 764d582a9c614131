"""Which agent extension a queue_log member name stands for.

The ``agent`` field of a queue_log line is the member name (``log_membername_as_agent``)
or the interface: ``Agent 1001``, ``alice``, ``PJSIP/1001``, ``Local/1001@agents``. The
records key agents by extension, so the import maps each name once (names are few,
lines are millions): a configured agent's member name or interface first, then the
number a name ends with or an interface dials, else the name as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cti.agents.settings import AgentSettings

_NUMBERED = re.compile(
    r"(?:[^\s/]+\s+)*(\d+)"  # 1001, Agent 1001, SIP Agent 1002
    r"|[A-Za-z][A-Za-z0-9]*/(\d+)"  # PJSIP/1001, SIP/1001, IAX2/1001
    r"|[Ll]ocal/(\d+)@\S+"  # Local/1001@agents
)


class MemberNames:
    """``known`` maps a member name or interface (any case) to its extension."""

    def __init__(self, known: Mapping[str, str] | None = None) -> None:
        self._known = {name.lower(): extension for name, extension in (known or {}).items()}
        self._seen: dict[str, str] = {}

    @classmethod
    def of_agents(cls, settings: AgentSettings) -> MemberNames:
        """The configured agents: each one's member name and interface."""
        known: dict[str, str] = {}
        for extension, setup in settings.agents.items():
            known[setup.member_name] = extension
            known[setup.interface] = extension
        return cls(known)

    def extension(self, name: str) -> str:
        found = self._seen.get(name)
        if found is None:
            found = self._seen[name] = self._resolve(name)
        return found

    def _resolve(self, name: str) -> str:
        known = self._known.get(name.lower())
        if known is not None:
            return known
        match = _NUMBERED.fullmatch(name.strip())
        if match is None:
            return name
        return next(group for group in match.groups() if group is not None)
