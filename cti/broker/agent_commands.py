"""The contact-centre commands: arguments and authorization, then the injected controls.

``agent.login`` / ``logout`` / ``pause`` / ``unpause`` / ``dnd`` act on one agent: an
agent on itself only (naming another `agent` is ``not-a-supervisor``), a supervisor on
any agent named by its id in broker.agents (itself without `agent`). Only supervisors
listen, whisper and barge (``supervisor.*``). Both lists are in the welcome's
`capabilities` exactly when the identity may use them: an agent gets the agent commands
once it has queues (configured, or a member in Asterisk), a supervisor always.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from cti.broker.auth import AgentDirectory, AgentIdentity
from cti.broker.commands import CommandError
from cti.protocol import (
    CMD_AGENT_DND,
    CMD_AGENT_LOGIN,
    CMD_AGENT_LOGOUT,
    CMD_AGENT_PAUSE,
    CMD_AGENT_UNPAUSE,
    CMD_SUPERVISOR_BARGE,
    CMD_SUPERVISOR_LISTEN,
    CMD_SUPERVISOR_WHISPER,
    ERR_BAD_ARGS,
    ERR_NO_SUCH_AGENT,
    ERR_NO_SUCH_EXTENSION,
    ERR_NOT_A_SUPERVISOR,
    ERR_NOT_CONFIGURED,
    ERR_NOT_SUPPORTED,
    ERR_UNKNOWN_PAUSE_REASON,
)

log = logging.getLogger(__name__)

AGENT_COMMANDS = (
    CMD_AGENT_LOGIN,
    CMD_AGENT_LOGOUT,
    CMD_AGENT_PAUSE,
    CMD_AGENT_UNPAUSE,
    CMD_AGENT_DND,
)
SPY_MODES = {
    CMD_SUPERVISOR_LISTEN: "listen",
    CMD_SUPERVISOR_WHISPER: "whisper",
    CMD_SUPERVISOR_BARGE: "barge",
}
SUPERVISOR_COMMANDS = tuple(SPY_MODES)
MAX_QUEUES_ARG = 100


class AgentCommandControl(Protocol):
    """What the agent commands need from the PBX side (`cti.agents.commands.AgentControl`).

    Each returns the human text of the result, or raises `CommandError`.
    """

    @property
    def pause_reasons(self) -> tuple[str, ...]: ...

    def has_queues(self, extension: str) -> bool: ...

    async def login(self, extension: str, queues: Sequence[str] | None = None) -> str: ...

    async def logout(self, extension: str) -> str: ...

    async def pause(self, extension: str, reason: str) -> str: ...

    async def unpause(self, extension: str) -> str: ...

    async def dnd(self, extension: str, on: bool) -> str: ...


class SpyCommandControl(Protocol):
    """Listen, whisper, barge (`cti.control.spy.SpyControl`)."""

    async def spy(self, supervisor: str, agent: str, mode: str) -> str: ...


class AgentCommands:
    names = frozenset((*AGENT_COMMANDS, *SUPERVISOR_COMMANDS))

    def __init__(
        self,
        directory: Callable[[], AgentDirectory],
        control: AgentCommandControl | None = None,
        spy: SpyCommandControl | None = None,
    ) -> None:
        """``directory`` is read at each command (a reload may replace it)."""
        self._directory, self._control, self._spy = directory, control, spy

    def capabilities(self, identity: AgentIdentity) -> list[str]:
        found: list[str] = []
        control = self._control
        if control is not None and (
            identity.is_supervisor or control.has_queues(identity.extension)
        ):
            found.extend(AGENT_COMMANDS)
        if self._spy is not None and identity.is_supervisor:
            found.extend(SUPERVISOR_COMMANDS)
        return found

    async def run(self, identity: AgentIdentity, name: str, args: dict[str, Any]) -> str:
        """The result's message; raises `CommandError` when refused or failed."""
        if name in SPY_MODES:
            message = await self._spy_on(identity, name, args)
        else:
            message = await self._on_agent(identity, name, args)
        log.info("%s by %s: %s", name, identity.agent_id, message)
        return message

    async def _on_agent(self, identity: AgentIdentity, name: str, args: dict[str, Any]) -> str:
        control = self._control
        if control is None:
            raise CommandError(ERR_NOT_CONFIGURED, "agent commands are not configured")
        target = self._target(identity, args.get("agent"))
        self._require(identity, name)
        extension = target.extension
        if name == CMD_AGENT_LOGIN:
            return await control.login(extension, _queues_arg(args))
        if name == CMD_AGENT_LOGOUT:
            return await control.logout(extension)
        if name == CMD_AGENT_PAUSE:
            return await control.pause(extension, _reason_arg(args, control.pause_reasons))
        if name == CMD_AGENT_UNPAUSE:
            return await control.unpause(extension)
        on = args.get("on")
        if not isinstance(on, bool):
            raise CommandError(ERR_BAD_ARGS, "argument 'on' must be true or false")
        return await control.dnd(extension, on)

    async def _spy_on(self, identity: AgentIdentity, name: str, args: dict[str, Any]) -> str:
        if not identity.is_supervisor:
            raise CommandError(ERR_NOT_A_SUPERVISOR, f"only a supervisor may use {name}")
        if self._spy is None:
            raise CommandError(ERR_NOT_CONFIGURED, "listening in is not configured")
        self._require(identity, name)
        extension = args.get("extension")
        if not isinstance(extension, str) or not extension.strip():
            raise CommandError(ERR_BAD_ARGS, "argument 'extension' must be an agent's extension")
        extension = extension.strip()
        if all(agent.extension != extension for agent in self._directory().identities()):
            raise CommandError(ERR_NO_SUCH_EXTENSION, f"no agent has extension {extension!r}")
        return await self._spy.spy(identity.extension, extension, SPY_MODES[name])

    def _target(self, identity: AgentIdentity, agent: object) -> AgentIdentity:
        """The agent a command acts on: ``agent`` (an id), or the caller itself."""
        if agent is None or agent == identity.agent_id:
            return identity
        if not isinstance(agent, str) or not agent.strip():
            raise CommandError(ERR_BAD_ARGS, "argument 'agent' must be an agent id")
        if not identity.is_supervisor:
            raise CommandError(ERR_NOT_A_SUPERVISOR, "only a supervisor may act on another agent")
        found = next((a for a in self._directory().identities() if a.agent_id == agent), None)
        if found is None:
            raise CommandError(ERR_NO_SUCH_AGENT, f"no agent {agent[:64]!r}")
        return found

    def _require(self, identity: AgentIdentity, name: str) -> None:
        """What the welcome does not list is not supported (as for call commands)."""
        if name not in self.capabilities(identity):
            raise CommandError(ERR_NOT_SUPPORTED, f"{name} is not available to you")


def _queues_arg(args: dict[str, Any]) -> list[str] | None:
    queues = args.get("queues")
    if queues is None:
        return None
    ok = isinstance(queues, list) and 0 < len(queues) <= MAX_QUEUES_ARG
    if not ok or not all(isinstance(queue, str) and queue.strip() for queue in queues):
        raise CommandError(ERR_BAD_ARGS, "argument 'queues' must be a list of queue names")
    return [queue.strip() for queue in queues]


def _reason_arg(args: dict[str, Any], allowed: tuple[str, ...]) -> str:
    reason = args.get("reason")
    if not isinstance(reason, str):
        raise CommandError(ERR_BAD_ARGS, "argument 'reason' must be one of the pause reasons")
    if reason not in allowed:
        raise CommandError(
            ERR_UNKNOWN_PAUSE_REASON, f"unknown pause reason; allowed: {', '.join(allowed)}"
        )
    return reason
