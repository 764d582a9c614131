"""The universal queue's commands: arguments and authorization, then the InteractionCentre.

``interaction.accept`` / ``decline`` act on an offer made to the caller's own extension;
``reply`` and ``typing`` on an interaction the caller has accepted. Supervisors are no
exception there (the customer reads the words of the agent who took the interaction),
but a supervisor may ``close`` any interaction, waiting, offered or handled by anyone:
that is how spam or a stuck thread leaves the queue. The centre's refusals keep their
own ids (`no-such-interaction`, `not-your-interaction`, `interaction-closed`,
`interaction-not-offered`). The commands are in the welcome's `capabilities` exactly
when the broker was given a centre; without one they answer not-configured.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Protocol, TypeVar

from cti.broker.auth import AgentIdentity
from cti.broker.commands import CommandError
from cti.interactions.centre import NoReplies
from cti.interactions.model import Message
from cti.interactions.router import InteractionError
from cti.protocol import (
    CMD_INTERACTION_ACCEPT,
    CMD_INTERACTION_CLOSE,
    CMD_INTERACTION_DECLINE,
    CMD_INTERACTION_REPLY,
    CMD_INTERACTION_TYPING,
    ERR_BAD_ARGS,
    ERR_NOT_CONFIGURED,
    ERR_TIMEOUT,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

INTERACTION_COMMANDS = (
    CMD_INTERACTION_ACCEPT,
    CMD_INTERACTION_DECLINE,
    CMD_INTERACTION_REPLY,
    CMD_INTERACTION_CLOSE,
    CMD_INTERACTION_TYPING,
)
MAX_ID_CHARS = 100  # ids are "i-" and 32 hex digits; longer is no id of ours
MAX_REPLY_CHARS = 20_000  # one reply; a longer text is refused, never cut


class InteractionDesk(Protocol):
    """What the commands need from `cti.interactions.centre.InteractionCentre`.

    ``extension`` None acts as a supervisor; refusals raise `InteractionError`.
    """

    def accept(self, interaction_id: str, extension: str) -> object: ...

    def decline(self, interaction_id: str, extension: str) -> object: ...

    async def reply(
        self, interaction_id: str, extension: str | None, text: str, agent_name: str
    ) -> Message: ...

    async def typing(
        self, interaction_id: str, extension: str | None, agent_name: str, on: bool
    ) -> None: ...

    def close(
        self, interaction_id: str, extension: str | None, disposition: str | None
    ) -> None: ...

    def link_contact(
        self, interaction_id: str, extension: str | None, contact: dict[str, Any]
    ) -> object: ...

    def attachment(
        self, interaction_id: str, extension: str | None, message_id: str, index: int
    ) -> dict[str, Any]: ...


class InteractionCommands:
    names = frozenset(INTERACTION_COMMANDS)

    def __init__(
        self,
        desk: InteractionDesk | None,
        dispositions: Callable[[], Sequence[str]],
        timeout: float,
    ) -> None:
        """``dispositions`` (read at each close: a reload may change them) are the
        outcomes a close may name, the same list as a call note's."""
        self._desk, self._dispositions, self._timeout = desk, dispositions, timeout

    def capabilities(self, identity: AgentIdentity) -> list[str]:
        return list(INTERACTION_COMMANDS) if self._desk is not None else []

    async def run(self, identity: AgentIdentity, name: str, args: dict[str, Any]) -> str:
        """The result's message; raises `CommandError` when refused or failed."""
        desk = self._desk
        if desk is None:
            raise CommandError(ERR_NOT_CONFIGURED, "interactions are not configured")
        interaction_id = _id_arg(args)
        try:
            message = await self._on(desk, identity, name, interaction_id, args)
        except InteractionError as exc:
            raise CommandError(exc.code, str(exc)) from None
        except NoReplies:
            raise CommandError(
                ERR_NOT_CONFIGURED, "replies on this interaction's channel are not configured"
            ) from None
        log.info("%s of %s by %s", name, interaction_id, identity.agent_id)
        return message

    async def _on(
        self,
        desk: InteractionDesk,
        identity: AgentIdentity,
        name: str,
        interaction_id: str,
        args: dict[str, Any],
    ) -> str:
        extension = identity.extension
        if name == CMD_INTERACTION_ACCEPT:
            desk.accept(interaction_id, extension)
            return f"interaction {interaction_id} is yours"
        if name == CMD_INTERACTION_DECLINE:
            desk.decline(interaction_id, extension)
            return f"interaction {interaction_id} goes to another agent"
        if name == CMD_INTERACTION_CLOSE:
            disposition = self._disposition_arg(args)
            desk.close(interaction_id, None if identity.is_supervisor else extension, disposition)
            return f"interaction {interaction_id} closed ({disposition})"
        if name == CMD_INTERACTION_REPLY:
            text = _reply_arg(args)
            sent = await self._in_time(
                desk.reply(interaction_id, extension, text, identity.agent_id)
            )
            return f"reply sent as {sent.message_id}"
        on = args.get("on")
        if not isinstance(on, bool):
            raise CommandError(ERR_BAD_ARGS, "argument 'on' must be true or false")
        await self._in_time(desk.typing(interaction_id, extension, identity.agent_id, on))
        return f"typing {'shown' if on else 'hidden'}"

    async def _in_time(self, work: Coroutine[Any, Any, T]) -> T:
        """Wait up to the command timeout, but let the channel finish on its own after it:
        a reply cut off mid-send could reach the customer and never be recorded. The
        desktop gets `timeout`, then the reply's interaction.message if it went out."""
        task = asyncio.ensure_future(work)
        try:
            async with asyncio.timeout(self._timeout):
                return await asyncio.shield(task)
        except TimeoutError:
            task.add_done_callback(_late_outcome)
            raise CommandError(
                ERR_TIMEOUT, "the channel did not answer in time; it may still send"
            ) from None

    def _disposition_arg(self, args: dict[str, Any]) -> str:
        disposition = args.get("disposition")
        allowed = tuple(self._dispositions())
        if not isinstance(disposition, str) or disposition not in allowed:
            raise CommandError(
                ERR_BAD_ARGS, f"argument 'disposition' must be one of: {', '.join(allowed)}"
            )
        return disposition


def _late_outcome(task: asyncio.Task[Any]) -> None:
    """What became of work the command stopped waiting for (nobody else reads it)."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("an interaction command failed after its timeout: %r", error)


def _id_arg(args: dict[str, Any]) -> str:
    value = args.get("interaction_id")
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_CHARS:
        raise CommandError(ERR_BAD_ARGS, "argument 'interaction_id' must be an interaction's id")
    return value.strip()


def _reply_arg(args: dict[str, Any]) -> str:
    """The text as the agent wrote it; only a text with nothing to read is refused."""
    text = args.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CommandError(ERR_BAD_ARGS, "argument 'text' must be a non-empty string")
    if len(text) > MAX_REPLY_CHARS:
        raise CommandError(
            ERR_BAD_ARGS, f"argument 'text' is longer than {MAX_REPLY_CHARS} characters"
        )
    return text
