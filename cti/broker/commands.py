"""Call-control commands: argument checks, authorization, then the injected CallControl.

Every command on a call is authorized here, before the PBX is asked: the call must be
on the agent's own extension (a pop for it, or answered by it); a supervisor may act on
any call, on the extension that answered it (or rings for it). A command missing from
the identity's `capabilities` (the welcome's list) is refused with not-supported.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from cti.broker.auth import AgentIdentity
from cti.broker.routing import ActiveCall, CallBook
from cti.protocol import (
    CMD_ANSWER,
    CMD_DIAL,
    CMD_HANGUP,
    CMD_HOLD,
    CMD_RESUME,
    CMD_TRANSFER,
    ERR_BAD_ARGS,
    ERR_FAILED,
    ERR_NO_SUCH_CALL,
    ERR_NOT_CONFIGURED,
    ERR_NOT_SUPPORTED,
    ERR_NOT_YOUR_CALL,
    ERR_TIMEOUT,
    ERR_UNKNOWN_COMMAND,
)

if TYPE_CHECKING:
    from cti.broker.agent_commands import AgentCommands
    from cti.broker.interaction_commands import InteractionCommands

log = logging.getLogger(__name__)

COMMANDS = (CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_DIAL)
TRANSFER_MODES = ("blind", "attended")
TRANSFER_STEPS = ("start", "complete", "cancel")


class CommandError(Exception):
    """A refused or failed command, with the kebab-case id sent to the client."""

    def __init__(self, error_id: str, message: str) -> None:
        super().__init__(message)
        self.error_id = error_id
        self.message = message


class CallControl(Protocol):
    """What the broker needs from the PBX side; raises CommandError when it cannot."""

    def capabilities(self, extension: str) -> list[str]: ...

    async def hangup(self, call_id: str, extension: str) -> None: ...

    async def dial(self, extension: str, number: str) -> None: ...

    async def transfer(self, call_id: str, extension: str, to: str, mode: str) -> str: ...

    async def complete_transfer(self, call_id: str, extension: str) -> None: ...

    async def cancel_transfer(self, call_id: str, extension: str) -> None: ...

    async def hold(self, call_id: str, extension: str) -> None: ...

    async def resume(self, call_id: str, extension: str) -> None: ...

    async def answer(self, call_id: str, extension: str) -> None: ...


@dataclass(frozen=True, slots=True)
class CommandResult:
    ok: bool
    error: str | None = None
    message: str = ""


def _text_arg(args: dict[str, Any], name: str) -> str:
    value = args.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CommandError(ERR_BAD_ARGS, f"argument {name!r} must be a non-empty string")
    return value.strip()


def _choice_arg(args: dict[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = args.get(name, choices[0])
    if value not in choices:
        raise CommandError(ERR_BAD_ARGS, f"argument {name!r} must be one of {', '.join(choices)}")
    return str(value)


# What the PBX has accepted to do: the call's new state follows as events (call.held ...).
ACCEPTED = {
    CMD_HANGUP: "the PBX is hanging up {extension}'s side of the call",
    CMD_HOLD: "the caller is parked (on hold); your phone is free",
    CMD_RESUME: "your phone {extension} is ringing: pick it up to take the call back",
    CMD_ANSWER: "phone {extension} was asked to answer",
}


class CommandService:
    """Runs one command for one identity and always answers with a CommandResult."""

    def __init__(
        self,
        calls: CallBook,
        control: CallControl | None,
        timeout: float,
        agents: AgentCommands | None = None,
        interactions: InteractionCommands | None = None,
    ) -> None:
        """``agents`` runs the contact-centre commands (agent.*, supervisor.*),
        ``interactions`` the universal queue's (interaction.*)."""
        self._calls = calls
        self._control = control
        self._timeout = timeout
        self._agents = agents
        self._interactions = interactions

    async def run(self, identity: AgentIdentity, name: str, args: dict[str, Any]) -> CommandResult:
        known = name in COMMANDS or any(
            group is not None and name in group.names
            for group in (self._agents, self._interactions)
        )
        shown = name if known else "(unknown)"  # the client's words stay out of logs
        try:
            message = await self._dispatch(identity, name, args)
        except CommandError as exc:
            log.info("command %s by %s refused: %s", shown, identity.agent_id, exc.error_id)
            return CommandResult(False, exc.error_id, exc.message)
        except TimeoutError:
            log.warning("command %s by %s timed out", shown, identity.agent_id)
            return CommandResult(False, ERR_TIMEOUT, "the PBX did not answer in time")
        except Exception:
            log.exception("command %s by %s failed", shown, identity.agent_id)
            return CommandResult(False, ERR_FAILED, "the command failed on the server")
        return CommandResult(True, None, message)

    async def _dispatch(self, identity: AgentIdentity, name: str, args: dict[str, Any]) -> str:
        if self._interactions is not None and name in self._interactions.names:
            return await self._interactions.run(identity, name, args)  # times itself
        if self._agents is not None and name in self._agents.names:
            async with asyncio.timeout(self._timeout):
                return await self._agents.run(identity, name, args)
        if name not in COMMANDS:
            raise CommandError(ERR_UNKNOWN_COMMAND, f"unknown command {name!r}")
        if name == CMD_DIAL:
            number = _text_arg(args, "number")
            self._require_capability(identity, name)
            return await self.dial(identity, number, args.get("extension"))
        call_id = _text_arg(args, "call_id")
        extension = self._owner(identity, call_id, ringing=name == CMD_ANSWER)
        control = self._require_capability(identity, name)
        if name == CMD_TRANSFER:
            return await self.transfer(identity, call_id, args)
        # A supervisor answers on the agent's ringing phone: that phone must take the NOTIFY.
        if name == CMD_ANSWER and CMD_ANSWER not in control.capabilities(extension):
            raise CommandError(
                ERR_NOT_SUPPORTED, f"the phone of {extension} cannot answer remotely"
            )
        action = {
            CMD_HANGUP: control.hangup,
            CMD_HOLD: control.hold,
            CMD_RESUME: control.resume,
            CMD_ANSWER: control.answer,
        }[name]
        async with asyncio.timeout(self._timeout):
            await action(call_id, extension)
        return ACCEPTED[name].format(extension=extension)

    def capabilities(self, identity: AgentIdentity) -> list[str]:
        """Command names this identity can use now: its own device's call commands, for
        agents and supervisors alike, then the contact-centre ones its role and queues
        allow, then the universal queue's when the broker has one. The desktop shows
        only these buttons, and `run` refuses any other with not-supported, so the list
        and the checks cannot disagree.
        """
        agents = [] if self._agents is None else self._agents.capabilities(identity)
        if self._interactions is not None:
            agents.extend(self._interactions.capabilities(identity))
        if self._control is None:
            return agents
        return [*self._control.capabilities(identity.extension), *agents]

    def _require_control(self) -> CallControl:
        if self._control is None:
            raise CommandError(ERR_NOT_CONFIGURED, "call control is not configured")
        return self._control

    def _require_capability(self, identity: AgentIdentity, name: str) -> CallControl:
        """The one check behind the welcome's list: what is not listed is not supported."""
        control = self._require_control()
        if name not in self.capabilities(identity):
            raise CommandError(ERR_NOT_SUPPORTED, f"{name} is not available on your device")
        return control

    def _owner(self, identity: AgentIdentity, call_id: str, ringing: bool = False) -> str:
        """The extension the command acts for; refuses calls that are not the agent's."""
        call = self._calls.get(call_id)
        if call is None:
            raise CommandError(ERR_NO_SUCH_CALL, f"no active call {call_id}")
        owners = call.owners()
        if identity.extension in owners:
            return identity.extension
        if not identity.is_supervisor:
            raise CommandError(ERR_NOT_YOUR_CALL, "this call is not on your extension")
        return _supervised_extension(call, ringing) or identity.extension

    async def transfer(self, identity: AgentIdentity, call_id: str, args: dict[str, Any]) -> str:
        """``step`` start (default, needs ``to`` and ``mode``), complete or cancel."""
        step = _choice_arg(args, "action", TRANSFER_STEPS)
        extension = self._owner(identity, call_id)
        control = self._require_control()
        async with asyncio.timeout(self._timeout):
            if step == "complete":
                await control.complete_transfer(call_id, extension)
                return f"transfer of {call_id} completed"
            if step == "cancel":
                await control.cancel_transfer(call_id, extension)
                return f"transfer of {call_id} cancelled"
            mode = _choice_arg(args, "mode", TRANSFER_MODES)
            to = _text_arg(args, "to")
            route = await control.transfer(call_id, extension, to, mode)
        return f"{route} transfer of {call_id} to {to} started"

    async def dial(self, identity: AgentIdentity, number: str, extension: Any) -> str:
        """Agents dial from their own extension; a supervisor may name another one."""
        source = identity.extension
        if extension is not None and extension != identity.extension:
            if not identity.is_supervisor:
                raise CommandError(ERR_NOT_YOUR_CALL, "you can only dial from your extension")
            source = _text_arg({"extension": extension}, "extension")
        control = self._require_control()
        async with asyncio.timeout(self._timeout):
            await control.dial(source, number)
        return f"dialling {number} from {source}"


def _supervised_extension(call: ActiveCall, ringing: bool) -> str | None:
    """A supervisor acts on the answering extension, or (to answer) on a ringing one."""
    if not ringing and call.answered_by is not None:
        return call.answered_by
    return next(iter(sorted(call.pops)), None) or call.answered_by
