"""A CallControl that records what the broker asked for, for tests without a PBX."""

from __future__ import annotations

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
