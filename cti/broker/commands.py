"""Call-control commands: argument checks, authorization, then the injected CallControl.

Only hang-up and dial are carried out here; the other controls answer `not-supported`
rather than pretending to succeed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from cti.broker.auth import AgentIdentity
from cti.broker.routing import CallBook
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

log = logging.getLogger(__name__)

NOT_SUPPORTED = frozenset({CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_ANSWER})


class CommandError(Exception):
    """A refused or failed command, with the kebab-case id sent to the client."""

    def __init__(self, error_id: str, message: str) -> None:
        super().__init__(message)
        self.error_id = error_id
        self.message = message


class CallControl(Protocol):
    """What the broker needs from the PBX side; raises CommandError when it cannot."""

    async def hangup(self, call_id: str, extension: str) -> None: ...

    async def dial(self, extension: str, number: str) -> None: ...


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


class CommandService:
    """Runs one command for one identity and always answers with a CommandResult."""

    def __init__(self, calls: CallBook, control: CallControl | None, timeout: float) -> None:
        self._calls = calls
        self._control = control
        self._timeout = timeout

    async def run(self, identity: AgentIdentity, name: str, args: dict[str, Any]) -> CommandResult:
        try:
            message = await self._dispatch(identity, name, args)
        except CommandError as exc:
            log.info("command %s by %s refused: %s", name, identity.agent_id, exc.error_id)
            return CommandResult(False, exc.error_id, exc.message)
        except TimeoutError:
            log.warning("command %s by %s timed out", name, identity.agent_id)
            return CommandResult(False, ERR_TIMEOUT, "the PBX did not answer in time")
        except Exception:
            log.exception("command %s by %s failed", name, identity.agent_id)
            return CommandResult(False, ERR_FAILED, "the command failed on the server")
        return CommandResult(True, None, message)

    async def _dispatch(self, identity: AgentIdentity, name: str, args: dict[str, Any]) -> str:
        if name in NOT_SUPPORTED:
            raise CommandError(ERR_NOT_SUPPORTED, f"{name} is not supported by this server yet")
        if name == CMD_HANGUP:
            return await self.hangup(identity, _text_arg(args, "call_id"))
        if name == CMD_DIAL:
            return await self.dial(identity, _text_arg(args, "number"), args.get("extension"))
        raise CommandError(ERR_UNKNOWN_COMMAND, f"unknown command {name!r}")

    def _require_control(self) -> CallControl:
        if self._control is None:
            raise CommandError(ERR_NOT_CONFIGURED, "call control is not configured")
        return self._control

    async def hangup(self, identity: AgentIdentity, call_id: str) -> str:
        call = self._calls.get(call_id)
        if call is None:
            raise CommandError(ERR_NO_SUCH_CALL, f"no active call {call_id}")
        owners = call.owners()
        if identity.is_supervisor:
            extension = call.answered_by or next(iter(sorted(owners)), identity.extension)
        elif identity.extension in owners:
            extension = identity.extension
        else:
            raise CommandError(ERR_NOT_YOUR_CALL, "this call is not on your extension")
        control = self._require_control()
        async with asyncio.timeout(self._timeout):
            await control.hangup(call_id, extension)
        return f"hung up {call_id}"

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
