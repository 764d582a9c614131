"""A CallControl that records what the broker asked for, for tests without a PBX."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cti.protocol import CMD_ANSWER, CMD_DIAL, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER

ALL_COMMANDS = [CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_DIAL]


@dataclass
class StubCallControl:
    """Every call records ``(name, *args)`` in `sent`; `commands` are the capabilities."""

    sent: list[tuple[str, ...]] = field(default_factory=list)
    commands: list[str] = field(default_factory=lambda: list(ALL_COMMANDS))

    def capabilities(self, extension: str) -> list[str]:
        return list(self.commands)

    async def hangup(self, call_id: str, extension: str) -> None:
        self.sent.append(("hangup", call_id, extension))

    async def dial(self, extension: str, number: str) -> None:
        self.sent.append(("dial", extension, number))

    async def transfer(self, call_id: str, extension: str, to: str, mode: str) -> str:
        self.sent.append(("transfer", call_id, extension, to, mode))
        return mode

    async def complete_transfer(self, call_id: str, extension: str) -> None:
        self.sent.append(("complete", call_id, extension))

    async def cancel_transfer(self, call_id: str, extension: str) -> None:
        self.sent.append(("cancel", call_id, extension))

    async def hold(self, call_id: str, extension: str) -> None:
        self.sent.append(("hold", call_id, extension))

    async def resume(self, call_id: str, extension: str) -> None:
        self.sent.append(("resume", call_id, extension))

    async def answer(self, call_id: str, extension: str) -> None:
        self.sent.append(("answer", call_id, extension))


@dataclass
class StubAgentControl:
    """An AgentCommandControl that records ``(name, extension, *args)`` in `sent`;
    extensions in `queued` have queues."""

    sent: list[tuple[object, ...]] = field(default_factory=list)
    queued: set[str] = field(default_factory=lambda: {"1001", "1002"})
    reasons: tuple[str, ...] = ("lunch", "break")

    @property
    def pause_reasons(self) -> tuple[str, ...]:
        return self.reasons

    def has_queues(self, extension: str) -> bool:
        return extension in self.queued

    async def login(self, extension: str, queues: Sequence[str] | None = None) -> str:
        self.sent.append(("login", extension, queues))
        return f"logged in {extension}"

    async def logout(self, extension: str) -> str:
        self.sent.append(("logout", extension))
        return f"logged out {extension}"

    async def pause(self, extension: str, reason: str) -> str:
        self.sent.append(("pause", extension, reason))
        return f"paused {extension}"

    async def unpause(self, extension: str) -> str:
        self.sent.append(("unpause", extension))
        return f"unpaused {extension}"

    async def dnd(self, extension: str, on: bool) -> str:
        self.sent.append(("dnd", extension, on))
        return f"dnd {on} {extension}"


@dataclass
class StubSpyControl:
    sent: list[tuple[str, ...]] = field(default_factory=list)

    async def spy(self, supervisor: str, agent: str, mode: str) -> str:
        self.sent.append((supervisor, agent, mode))
        return f"{mode} {agent}"
