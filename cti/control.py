"""Call control over AMI: the broker's `CallControl`, carried out with Hangup and Originate.

The broker has already checked that the agent may act on the call; this side finds the
agent's channel in the tracker and turns AMI refusals into the protocol's error ids.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Protocol

from cti.ami.actions import AmiDisconnected, AmiError, AmiTimeout
from cti.ami.messages import Response
from cti.broker.commands import CommandError
from cti.calls.model import Call
from cti.protocol import (
    ERR_AMI_DISCONNECTED,
    ERR_AMI_PERMISSION_DENIED,
    ERR_BAD_ARGS,
    ERR_CALL_GONE,
    ERR_FAILED,
    ERR_TIMEOUT,
)

log = logging.getLogger(__name__)

DIALLABLE = re.compile(r"^\+?[0-9*#]{1,32}$")

_AMI_ERRORS = (
    ("permission denied", ERR_AMI_PERMISSION_DENIED),
    ("no such channel", ERR_CALL_GONE),
)


def error_for(message: str) -> str:
    """The protocol error id for an AMI ``Response: Error`` message."""
    lowered = message.lower()
    return next((error for text, error in _AMI_ERRORS if text in lowered), ERR_FAILED)


class ActionSender(Protocol):
    """The part of `AmiClient` call control uses."""

    async def send_action(self, name: str, fields: dict[str, str]) -> Response: ...


class AmiCallControl:
    """Hang-up and click-to-dial for the broker, over one shared AMI client."""

    def __init__(
        self,
        client: ActionSender,
        calls: Mapping[str, Call],
        dial_channel: str = "PJSIP/{extension}",
        dial_context: str = "from-internal",
    ) -> None:
        self._client = client
        self._calls = calls
        self.dial_channel = dial_channel
        self.dial_context = dial_context

    async def hangup(self, call_id: str, extension: str) -> None:
        """Hang up the agent's own leg; the far party follows as the dialplan decides."""
        call = self._calls.get(call_id)
        legs = [] if call is None else call.legs_of(extension)
        if not legs:
            raise CommandError(ERR_CALL_GONE, f"extension {extension} has no leg in {call_id}")
        for leg in legs:
            await self._send("Hangup", {"Channel": leg.name})
        log.info("hung up %s for extension %s", call_id, extension)

    async def dial(self, extension: str, number: str) -> None:
        """Ring the agent's device first; when it answers, Asterisk dials ``number``."""
        if not DIALLABLE.match(number):
            raise CommandError(ERR_BAD_ARGS, "number may hold only digits, *, # and a leading +")
        fields = {
            "Channel": self.dial_channel.replace("{extension}", extension),
            "Exten": number,
            "Context": self.dial_context,
            "Priority": "1",
            "CallerID": extension,
            "Async": "true",
        }
        await self._send("Originate", fields)
        log.info("originate from extension %s", extension)

    async def _send(self, action: str, fields: dict[str, str]) -> None:
        try:
            response = await self._client.send_action(action, fields)
        except AmiDisconnected as exc:
            raise CommandError(ERR_AMI_DISCONNECTED, "the PBX connection is down") from exc
        except AmiTimeout as exc:
            raise CommandError(ERR_TIMEOUT, f"the PBX did not answer {action}") from exc
        except AmiError as exc:
            raise CommandError(ERR_FAILED, f"{action} failed: {exc}") from exc
        if not response.ok:
            log.warning("AMI refused %s: %s", action, response.message)
            raise CommandError(error_for(response.message), response.message or action)
