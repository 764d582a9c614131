"""AMI QueueAdd, QueueRemove and QueuePause, with app_queue's refusals read as facts.

app_queue answers (apps/app_queue.c, manager_add/remove/pause_queue_member; texts in the
queue_pause and queue_member_dynamic recordings):

- QueueAdd: ``Added interface to queue``; ``Unable to add interface: Already there``
  (a member already, static or dynamic); ``Unable to add interface to queue: No such
  queue``.
- QueueRemove: ``Removed interface from queue``; ``Member not dynamic`` (a static member
  of queues.conf, which only a pause can take out); ``Unable to remove interface: Not
  there``; ``... No such queue``.
- QueuePause: ``Interface paused successfully`` / ``unpaused``; ``Interface not found``.

A refusal that says the member already is as asked is an outcome, not an error; any
other refusal (``Permission denied`` without the ``agent`` write class...) is a
`CommandError` with the protocol's error id.
"""

from __future__ import annotations

import asyncio
import logging
from enum import Enum

from cti.agents.settings import AgentSetup
from cti.broker.commands import CommandError
from cti.control.ami import ActionSender, send
from cti.protocol import ERR_FAILED

log = logging.getLogger(__name__)


class Removal(Enum):
    REMOVED = "removed"
    STATIC = "static"  # Member not dynamic: pause it instead
    NOT_THERE = "not there"


class AgentLocks:
    """One lock per agent: its commands and its wrap-up never interleave their actions."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, extension: str) -> asyncio.Lock:
        return self._locks.setdefault(extension, asyncio.Lock())


class QueueActions:
    def __init__(self, client: ActionSender) -> None:
        self._client = client

    async def add(self, setup: AgentSetup, queue: str) -> bool:
        """False when the interface already is a member of ``queue``."""
        fields = {
            "Queue": queue,
            "Interface": setup.interface,
            "MemberName": setup.member_name,
            "Penalty": str(setup.penalty),
            "Paused": "false",
        }
        if setup.state_interface:
            fields["StateInterface"] = setup.state_interface
        return await self._send("QueueAdd", queue, fields, "already there") is None

    async def remove(self, queue: str, interface: str) -> Removal:
        fields = {"Queue": queue, "Interface": interface}
        refused = await self._send("QueueRemove", queue, fields, "member not dynamic", "not there")
        if refused is None:
            return Removal.REMOVED
        return Removal.STATIC if refused == "member not dynamic" else Removal.NOT_THERE

    async def pause(self, queue: str, interface: str, reason: str) -> bool:
        """False when ``interface`` is no member of ``queue`` (any more)."""
        fields = {"Queue": queue, "Interface": interface, "Paused": "true", "Reason": reason}
        return await self._send("QueuePause", queue, fields, "interface not found") is None

    async def unpause(self, queue: str, interface: str) -> bool:
        fields = {"Queue": queue, "Interface": interface, "Paused": "false"}
        return await self._send("QueuePause", queue, fields, "interface not found") is None

    async def _send(
        self, action: str, queue: str, fields: dict[str, str], *facts: str
    ) -> str | None:
        """None when Asterisk did it; else which of ``facts`` its refusal said."""
        try:
            await send(self._client, action, fields)
        except CommandError as exc:
            lowered = exc.message.lower()
            fact = next((text for text in facts if text in lowered), None)
            if fact is not None:
                return fact
            if "no such queue" in lowered:
                raise CommandError(ERR_FAILED, f"the PBX has no queue {queue!r}") from exc
            raise
        return None
