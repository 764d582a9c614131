"""What call control needs from config: devices, dial rules, the notify event, parking.

Kept apart from `Config` so tests and the demo build it directly, and so the device
rules (which buttons an extension gets) live in one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cti.broker.commands import CommandError
from cti.config.call_options import DEFAULT_DIAL_RULES, DESKPHONE, Device
from cti.config.model import CallsConfig
from cti.protocol import (
    CMD_ANSWER,
    CMD_DIAL,
    CMD_HANGUP,
    CMD_HOLD,
    CMD_RESUME,
    CMD_TRANSFER,
    ERR_BAD_ARGS,
)

_SEPARATORS = re.compile(r"[\s\-.()/]")
#: never passed on whatever the rules say: nothing that could split a dial string
DIALLABLE = re.compile(r"^\+?[0-9*#]{1,32}$")
EVERY_DEVICE = (CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_DIAL)


@dataclass(frozen=True, slots=True)
class ControlSettings:
    """Call-control settings; the defaults are those of ``config/cti.yaml``."""

    dial_channel: str = "PJSIP/{extension}"
    dial_context: str = "from-internal"
    dial_rules: tuple[str, ...] = DEFAULT_DIAL_RULES
    device: str = DESKPHONE
    devices: Mapping[str, Device] = field(default_factory=dict)
    answer_notify_event: str = "talk"
    answer_notify_models: tuple[str, ...] = ("Yealink", "Snom")
    parking_lot: str = "default"
    parking_context: str = "parkedcalls"
    park_timeout: int = 300
    #: seconds an attended transfer waits for its consultation leg (the broker's
    #: command timeout is 10 s, so a failed start is reported and undone before it)
    consult_timeout: float = 5.0

    def device_of(self, extension: str) -> Device:
        return self.devices.get(extension) or Device(self.device)

    def can_answer(self, extension: str) -> bool:
        """Only desk phones whose model accepts the answer NOTIFY (a PJSIP endpoint)."""
        device = self.device_of(extension)
        model = device.model.lower()
        return (
            device.kind == DESKPHONE
            and self.endpoint_of(extension) is not None
            and any(model.startswith(name.lower()) for name in self.answer_notify_models if name)
        )

    def commands_for(self, extension: str) -> list[str]:
        """The commands this extension's device can carry out, in the protocol's order."""
        extra = [CMD_ANSWER] if self.can_answer(extension) else []
        return [*extra, *EVERY_DEVICE]

    def device_channel(self, extension: str) -> str:
        return self.dial_channel.replace("{extension}", extension)

    def endpoint_of(self, extension: str) -> str | None:
        """The PJSIP endpoint behind the dial channel, for PJSIPNotify; None for others."""
        tech, _, endpoint = self.device_channel(extension).partition("/")
        return endpoint if tech.upper() == "PJSIP" and endpoint else None

    def checked_number(self, number: str) -> str:
        """``number`` without separators, if the dial rules allow it; else `bad-args`."""
        cleaned = _SEPARATORS.sub("", number)
        allowed = any(re.search(rule, cleaned) for rule in self.dial_rules)
        if not DIALLABLE.match(cleaned) or not allowed:
            raise CommandError(ERR_BAD_ARGS, f"{number!r} is not allowed by the dial rules")
        return cleaned


def settings_from(calls: CallsConfig) -> ControlSettings:
    """The `calls` section of the config, as call control reads it."""
    return ControlSettings(
        dial_channel=calls.dial_channel,
        dial_context=calls.dial_context,
        dial_rules=calls.dial_rules,
        device=calls.device,
        devices=dict(calls.devices or {}),
        answer_notify_event=calls.answer_notify_event,
        answer_notify_models=calls.answer_notify_models,
        parking_lot=calls.parking_lot,
        parking_context=calls.parking_context,
        park_timeout=calls.park_timeout,
        consult_timeout=calls.consult_timeout,
    )
