"""The agents allowed to connect, from secrets.yaml: a token, an extension and a role each.

Tokens are secrets, so no message built here ever contains one; problems name the agent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cti.config.types import InvalidValue, Issue, ValueType, kind_of

ROLES = ("agent", "supervisor")
MIN_TOKEN_LENGTH = 16
EXTENSION = re.compile(r"^\d{2,8}$")
AGENT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_FIELDS = ("token", "extension", "role")


@dataclass(frozen=True, slots=True)
class AgentAccount:
    """One agent's login; the token never appears in its repr."""

    agent_id: str
    token: str = field(repr=False)
    extension: str
    role: str = "agent"


@dataclass(frozen=True, slots=True)
class AgentMap(ValueType):
    """``{agent_id: {token, extension, role}}`` → a tuple of `AgentAccount`.

    Duplicate extensions or tokens are refused: either would let one desktop see or
    control another agent's calls.
    """

    @property
    def label(self) -> str:
        return "mapping of agent id to token, extension (2-8 digits) and role"

    def parse(self, value: object) -> tuple[AgentAccount, ...]:
        if not isinstance(value, dict):
            raise InvalidValue.single(
                f"expected a mapping of agents, got {kind_of(value)}",
                "write 'alice:' and under it token, extension and role",
            )
        issues: list[Issue] = []
        accounts: list[AgentAccount] = []
        for agent_id, entry in value.items():
            problems = _entry_issues(str(agent_id), entry)
            if problems:
                issues.extend(Issue(f"{agent_id}: {text}") for text in problems)
            else:
                accounts.append(_account(str(agent_id), entry))
        issues.extend(_duplicates(accounts))
        if issues:
            raise InvalidValue(issues)
        return tuple(accounts)


def _entry_issues(agent_id: str, entry: object) -> list[str]:
    if not AGENT_ID.match(agent_id):
        return ["agent id must be 1-64 letters, digits, '.', '_' or '-'"]
    if not isinstance(entry, dict):
        return [f"expected token, extension and role, got {kind_of(entry)}"]
    found = [f"unknown key {key!r}" for key in entry if key not in _FIELDS]
    token, extension = entry.get("token"), entry.get("extension")
    if not isinstance(token, str) or len(token) < MIN_TOKEN_LENGTH:
        found.append(f"token must be text of at least {MIN_TOKEN_LENGTH} characters")
    if not isinstance(extension, str) or not EXTENSION.match(extension):
        found.append("extension must be 2 to 8 digits, in quotes")
    if entry.get("role", "agent") not in ROLES:
        found.append("role must be one of " + ", ".join(ROLES))
    return found


def _account(agent_id: str, entry: dict[str, str]) -> AgentAccount:
    return AgentAccount(agent_id, entry["token"], entry["extension"], entry.get("role", "agent"))


def _duplicates(accounts: list[AgentAccount]) -> list[Issue]:
    issues: list[Issue] = []
    by_extension: dict[str, str] = {}
    by_token: dict[str, str] = {}
    for account in accounts:
        first = by_extension.setdefault(account.extension, account.agent_id)
        if first != account.agent_id:
            issues.append(Issue(f"{account.agent_id}: same extension as {first}"))
        first = by_token.setdefault(account.token, account.agent_id)
        if first != account.agent_id:
            issues.append(Issue(f"{account.agent_id}: same token as {first}"))
    return issues
