"""An agent's own commands over AMI: log in to its queues, log out, pause with a reason,
unpause, do not disturb. The broker has already checked who may act on whom.

Memberships come from `QueueMembers` (what Asterisk reported) plus the agent's
configured queues, so a command works even before the member events of the last one
arrived. Static members of queues.conf cannot be removed (``Member not dynamic``): a
logout pauses them with reason ``logged-out`` and a login unpauses exactly that. Pauses
cti sets itself keep their meaning: a ``hold`` pause ends with the hold, never by a
command, and a ``logged-out`` one only by a login. The result's message says what
happened queue by queue; the new state follows as QueueMember* events.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field

from cti.agents.members import Membership, QueueMembers
from cti.agents.queue_actions import AgentLocks, QueueActions, Removal
from cti.agents.settings import AgentSettings
from cti.agents.wrapup import WrapUp
from cti.broker.commands import CommandError
from cti.config.queue_options import DND, HOLD, LOGGED_OUT
from cti.control.ami import ActionSender
from cti.protocol import (
    ERR_AMI_DISCONNECTED,
    ERR_AMI_PERMISSION_DENIED,
    ERR_BAD_ARGS,
    ERR_NO_QUEUES,
    ERR_NOT_LOGGED_IN,
    ERR_TIMEOUT,
)

log = logging.getLogger(__name__)

FATAL = frozenset({ERR_AMI_DISCONNECTED, ERR_TIMEOUT, ERR_AMI_PERMISSION_DENIED})
"""Refusals that would repeat for every queue: the command stops at the first."""
KEPT = frozenset({HOLD, LOGGED_OUT})
"""Pause reasons no pause, unpause or DND replaces (they end with the hold, or a login)."""


@dataclass(slots=True)
class Target:
    """A (queue, interface) the agent is, or may be, a member of."""

    queue: str
    interface: str
    member: Membership | None = None  # None: configured, not (yet) reported by Asterisk


@dataclass(slots=True)
class Outcome:
    """What one command did, queue by queue, for its result message."""

    parts: list[str] = field(default_factory=list)
    changed: int = 0
    failures: list[CommandError] = field(default_factory=list)

    def did(self, text: str) -> None:
        self.parts.append(text)
        self.changed += 1

    def note(self, text: str) -> None:
        self.parts.append(text)

    def message(self) -> str:
        """The summary; raises the first failure when nothing else happened."""
        text = "; ".join(self.parts)
        if self.failures and not self.changed:
            first = self.failures[0]
            raise CommandError(first.error_id, text)
        return text


class AgentControl:
    def __init__(
        self,
        client: ActionSender,
        members: QueueMembers,
        settings: AgentSettings,
        wrapup: WrapUp | None = None,
        locks: AgentLocks | None = None,
    ) -> None:
        self.actions = QueueActions(client)
        self.members, self.settings = members, settings
        self.wrapup = wrapup
        self._locks = locks or AgentLocks()

    @property
    def pause_reasons(self) -> tuple[str, ...]:
        return self.settings.pause_reasons

    def queues_of(self, extension: str) -> list[str]:
        """Its configured queues, then any other queue Asterisk has it in (static ones)."""
        setup = self.settings.agent(extension)
        configured = list(setup.queues) if setup else []
        found = [m.queue for m in self.members.of_extension(extension)]
        return list(dict.fromkeys([*configured, *found]))

    def has_queues(self, extension: str) -> bool:
        return bool(self.queues_of(extension))

    async def login(self, extension: str, queues: Sequence[str] | None = None) -> str:
        known = self._known_queues(extension)
        wanted = list(dict.fromkeys(queues)) if queues is not None else known
        unknown = [queue for queue in wanted if queue not in known]
        if unknown or not wanted:
            listed = ", ".join(unknown) or "none"
            raise CommandError(ERR_BAD_ARGS, f"not a queue of {extension}: {listed}")
        async with self._locks(extension):
            outcome = Outcome()
            for target in self._targets(extension, wanted):
                await self._attempt(outcome, target, self._login_one(outcome, extension, target))
            return outcome.message()

    async def logout(self, extension: str) -> str:
        self._known_queues(extension)
        async with self._locks(extension):
            self._cancel_wrapup(extension)
            outcome = Outcome()
            for target in self._targets(extension):
                await self._attempt(outcome, target, self._logout_one(outcome, target))
            return outcome.message() or f"{extension} was in no queue"

    async def pause(self, extension: str, reason: str) -> str:
        return await self._pause_all(extension, reason)

    async def dnd(self, extension: str, on: bool) -> str:
        """On: paused everywhere with reason ``dnd``; off: unpaused where that is the reason."""
        if on:
            return await self._pause_all(extension, DND)
        return await self._unpause(extension, {DND}, "was not on do not disturb")

    async def unpause(self, extension: str) -> str:
        """Every pause but `KEPT` ones ends, a wrap-up's too (its timer is cancelled)."""
        return await self._unpause(extension, None, "was not paused")

    async def _pause_all(self, extension: str, reason: str) -> str:
        """Pause every membership but logged-out ones; a hold or wrap-up pause takes
        ``reason`` (it then outlives the hold: what the agent asked for last wins)."""
        self._known_queues(extension)
        async with self._locks(extension):
            self._cancel_wrapup(extension)
            outcome = Outcome()
            targets = [t for t in self._targets(extension) if not _logged_out(t.member)]
            for target in targets:
                await self._attempt(outcome, target, self._pause_one(outcome, target, reason))
            if not outcome.changed and not outcome.failures:
                raise self._not_logged_in(extension)
            return outcome.message()

    async def _unpause(self, extension: str, reasons: set[str] | None, idle: str) -> str:
        """Unpause memberships paused with one of ``reasons`` (None: any but `KEPT`)."""
        self._known_queues(extension)
        async with self._locks(extension):
            if reasons is None:  # a wrap-up's pause ends here: so does its timer
                self._cancel_wrapup(extension)
            members = self.members.of_extension(extension)
            if all(_logged_out(m) for m in members):
                raise self._not_logged_in(extension)
            outcome = Outcome()
            for member in members:
                if member.paused and (reasons is None or member.reason in reasons):
                    if member.reason not in KEPT:
                        target = Target(member.queue, member.interface, member)
                        await self._attempt(outcome, target, self._unpause_one(outcome, target))
                    elif member.reason == HOLD:
                        outcome.note(f"{member.queue} stays paused until the held call is back")
            return outcome.message() or f"{extension} {idle}"

    async def _login_one(self, outcome: Outcome, extension: str, target: Target) -> None:
        member = target.member
        if member is not None:
            if member.paused and member.reason == LOGGED_OUT:
                await self.actions.unpause(target.queue, target.interface)
                outcome.did(f"back in {target.queue} (unpaused from {LOGGED_OUT})")
            else:
                outcome.note(f"already in {target.queue}")
            return
        setup = self.settings.agent(extension)
        assert setup is not None  # a target without a member is a configured queue
        if await self.actions.add(setup, target.queue):
            outcome.did(f"logged in to {target.queue}")
        else:
            outcome.note(f"already in {target.queue}")

    async def _logout_one(self, outcome: Outcome, target: Target) -> None:
        member = target.member
        if member is not None and member.paused and member.reason == LOGGED_OUT:
            outcome.note(f"already logged out of {target.queue}")
            return
        removal = Removal.STATIC
        if member is None or member.membership != "static":
            removal = await self.actions.remove(target.queue, target.interface)
        if removal is Removal.REMOVED:
            outcome.did(f"logged out of {target.queue}")
        elif removal is Removal.STATIC:
            await self.actions.pause(target.queue, target.interface, LOGGED_OUT)
            outcome.did(
                f"static member of {target.queue} (queues.conf): paused there with reason "
                f"{LOGGED_OUT} instead"
            )

    async def _pause_one(self, outcome: Outcome, target: Target, reason: str) -> None:
        if await self.actions.pause(target.queue, target.interface, reason):
            outcome.did(f"paused in {target.queue} ({reason})")

    async def _unpause_one(self, outcome: Outcome, target: Target) -> None:
        if await self.actions.unpause(target.queue, target.interface):
            outcome.did(f"available in {target.queue}")

    async def _attempt(self, outcome: Outcome, target: Target, step: Awaitable[None]) -> None:
        """Run one queue's step; a refusal of that queue alone is noted, not fatal."""
        try:
            await step
        except CommandError as exc:
            if exc.error_id in FATAL:
                raise
            log.warning("agent command on %s in %s: %s", target.interface, target.queue, exc)
            outcome.failures.append(exc)
            outcome.note(f"not in {target.queue}: {exc.message}")

    def _targets(self, extension: str, queues: Sequence[str] | None = None) -> list[Target]:
        """The configured queues (with the membership Asterisk reported, if any), then
        any other membership reported; only those in ``queues`` if given."""
        reported = self.members.of_extension(extension)
        targets: list[Target] = []
        setup = self.settings.agent(extension)
        if setup is not None:
            for queue in setup.queues:
                member = next((m for m in reported if m.queue == queue), None)
                member = member or self.members.get(queue, setup.interface)
                interface = setup.interface if member is None else member.interface
                targets.append(Target(queue, interface, member))
        configured = {target.queue for target in targets}
        targets += [Target(m.queue, m.interface, m) for m in reported if m.queue not in configured]
        return [t for t in targets if queues is None or t.queue in queues]

    def _known_queues(self, extension: str) -> list[str]:
        queues = self.queues_of(extension)
        if not queues:
            raise CommandError(
                ERR_NO_QUEUES, f"{extension} has no queues (add it under agents in cti.yaml)"
            )
        return queues

    def _not_logged_in(self, extension: str) -> CommandError:
        return CommandError(ERR_NOT_LOGGED_IN, f"{extension} is logged in to no queue")

    def _cancel_wrapup(self, extension: str) -> None:
        if self.wrapup is not None:
            self.wrapup.cancel(extension)


def _logged_out(member: Membership | None) -> bool:
    return member is not None and member.paused and member.reason == LOGGED_OUT
