"""Sending one AMI action for a command, and reading Asterisk's refusals.

The texts matched are Asterisk 22's (manager.c, res_pjsip_notify.c) as recorded in
tests/fixtures/ami/actions_responses and readonly_permissions.
"""

from __future__ import annotations

import logging
from typing import Protocol

from cti.ami.actions import AmiDisconnected, AmiError, AmiTimeout
from cti.ami.messages import Response
from cti.broker.commands import CommandError
from cti.protocol import (
    ERR_AMI_DISCONNECTED,
    ERR_AMI_PERMISSION_DENIED,
    ERR_CALL_GONE,
    ERR_FAILED,
    ERR_NO_SUCH_EXTENSION,
    ERR_TIMEOUT,
)

log = logging.getLogger(__name__)

_AMI_ERRORS = (
    ("permission denied", ERR_AMI_PERMISSION_DENIED),
    ("no such channel", ERR_CALL_GONE),
    ("channel does not exist", ERR_CALL_GONE),
    ("channel specified does not exist", ERR_CALL_GONE),
    ("unable to retrieve endpoint", ERR_NO_SUCH_EXTENSION),
)


def error_for(message: str) -> str:
    """The protocol error id for an AMI ``Response: Error`` message."""
    lowered = message.lower()
    return next((error for text, error in _AMI_ERRORS if text in lowered), ERR_FAILED)


class ActionSender(Protocol):
    """The part of `AmiClient` call control uses."""

    async def send_action(self, name: str, fields: dict[str, str]) -> Response: ...


async def send(client: ActionSender, action: str, fields: dict[str, str]) -> Response:
    """Send ``action``; a refusal or a broken link becomes a `CommandError`."""
    try:
        response = await client.send_action(action, fields)
    except AmiDisconnected as exc:
        raise CommandError(ERR_AMI_DISCONNECTED, "the PBX connection is down") from exc
    except AmiTimeout as exc:
        raise CommandError(ERR_TIMEOUT, f"the PBX did not answer {action}") from exc
    except AmiError as exc:
        raise CommandError(ERR_FAILED, f"{action} failed: {exc}") from exc
    if not response.ok:
        log.warning("AMI refused %s: %s", action, response.message)
        raise CommandError(error_for(response.message), response.message or action)
    return response
