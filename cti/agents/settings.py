"""What the agent commands need from config: each agent's queues and member, the pause
reasons, the wrap-up seconds.

Kept apart from `Config` (like `cti.control.settings`) so tests, the demo and the
simulator build it directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from cti.config import Config
from cti.config.queue_options import DEFAULT_PAUSE_REASONS, MAX_AMI_TEXT


@dataclass(frozen=True, slots=True)
class AgentSetup:
    """One agent as a queue member: what `agent.login` sends with AMI QueueAdd."""

    extension: str
    queues: tuple[str, ...]
    interface: str
    member_name: str
    state_interface: str | None = None
    penalty: int = 0


@dataclass(frozen=True, slots=True)
class AgentSettings:
    pause_reasons: tuple[str, ...] = DEFAULT_PAUSE_REASONS
    wrapup_seconds: float = 0
    wrapup_by_queue: Mapping[str, float] = field(default_factory=dict)
    agents: Mapping[str, AgentSetup] = field(default_factory=dict)

    def agent(self, extension: str) -> AgentSetup | None:
        return self.agents.get(extension)

    def wrapup_for(self, queue: str) -> float:
        """Seconds of wrap-up after a call from ``queue`` (0: none)."""
        return self.wrapup_by_queue.get(queue, self.wrapup_seconds)


def agent_settings(config: Config) -> AgentSettings:
    """The `queues` section and the `agents` map; interfaces default from the dial channel.

    The member name (app_queue's MemberName, in queue_log and ``queue show``) is the
    agent id of ``broker.agents`` for that extension.
    """
    names = {a.extension: a.agent_id for a in reversed(config.secrets.broker_agents or ())}
    agents = {
        extension: AgentSetup(
            extension=extension,
            queues=entry.queues,
            interface=entry.interface
            or config.calls.dial_channel.replace("{extension}", extension),
            member_name=names.get(extension, f"Agent {extension}")[:MAX_AMI_TEXT],
            state_interface=entry.state_interface,
            penalty=entry.penalty,
        )
        for extension, entry in (config.agents or {}).items()
    }
    queues = config.queues
    return AgentSettings(
        pause_reasons=queues.pause_reasons,
        wrapup_seconds=queues.wrapup_seconds,
        wrapup_by_queue=dict(queues.wrapup_by_queue or {}),
        agents=agents,
    )


class Devices(Protocol):
    def device_channel(self, extension: str) -> str: ...


@dataclass(frozen=True, slots=True)
class MemberDevices:
    """Each agent's queue member interface (`agents.<ext>.interface`, else its device),
    for matching member events to agents (`cti.agents.queue_members`)."""

    devices: Devices
    settings: AgentSettings

    def device_channel(self, extension: str) -> str:
        setup = self.settings.agent(extension)
        return setup.interface if setup is not None else self.devices.device_channel(extension)
