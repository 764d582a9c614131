"""Options of the `calls` section that decide how call-control buttons reach a call.

Desk phones and softphones take different routes (DESIGN.md, "Call control"), so the
server must know each agent's device: its kind, and for desk phones the model, because
only some models answer when sent a SIP NOTIFY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cti.config.agents import EXTENSION
from cti.config.option import Option
from cti.config.types import (
    Choice,
    Int,
    InvalidValue,
    Issue,
    Optional,
    RegexList,
    Str,
    StrList,
    ValueType,
    kind_of,
)

DESKPHONE = "deskphone"
SOFTPHONE = "softphone"
DEVICE_KINDS = (DESKPHONE, SOFTPHONE)
DEFAULT_DIAL_RULES = (r"^\d{2,8}$", r"^\+?\d{3,20}$")
_DEVICE_FIELDS = ("kind", "model")


@dataclass(frozen=True, slots=True)
class Device:
    """The phone an extension uses; ``model`` is free text such as ``Yealink T54W``."""

    kind: str = DESKPHONE
    model: str = ""


@dataclass(frozen=True, slots=True)
class DeviceMap(ValueType):
    """``{extension: {kind, model}}`` → ``{extension: Device}``."""

    @property
    def label(self) -> str:
        return "mapping of extension to kind (deskphone or softphone) and model"

    def parse(self, value: object) -> dict[str, Device]:
        if not isinstance(value, dict):
            raise InvalidValue.single(
                f"expected a mapping of extensions, got {kind_of(value)}",
                "write '1001:' and under it kind and model",
            )
        issues = [
            Issue(f"{ext}: {text}") for ext, entry in value.items() for text in _issues(ext, entry)
        ]
        if issues:
            raise InvalidValue(issues)
        return {
            str(ext): Device(entry.get("kind", DESKPHONE), str(entry.get("model", "")).strip())
            for ext, entry in value.items()
        }


def _issues(extension: object, entry: object) -> list[str]:
    if not isinstance(extension, str) or not EXTENSION.match(extension):
        return ["extension must be 2 to 8 digits, in quotes"]
    if not isinstance(entry, dict):
        return [f"expected kind and model, got {kind_of(entry)}"]
    found = [f"unknown key {key!r}" for key in entry if key not in _DEVICE_FIELDS]
    if entry.get("kind", DESKPHONE) not in DEVICE_KINDS:
        found.append("kind must be one of " + ", ".join(DEVICE_KINDS))
    if not isinstance(entry.get("model", ""), str):
        found.append("model must be text")
    return found


def _check_dial_rule(text: str) -> None:
    try:
        re.compile(text)
    except re.error as exc:  # not a ValueError: RegexList reports only those
        raise ValueError(str(exc)) from None


CALL_CONTROL_OPTIONS: tuple[Option, ...] = (
    Option(
        "calls.dial_rules",
        RegexList(min_items=1, check=_check_dial_rule),
        DEFAULT_DIAL_RULES,
        "Regular expressions a number must match to be dialled (`call.dial`) or to be a "
        "transfer target (`call.transfer`); spaces, dashes, dots and brackets are removed "
        "first. Anything else is refused with `bad-args`.",
    ),
    Option(
        "calls.device",
        Choice(DEVICE_KINDS),
        DESKPHONE,
        "Kind of phone an agent uses unless `calls.devices` says otherwise: `deskphone` "
        "(buttons act over AMI) or `softphone` (the desktop's own SIP phone answers and holds).",
    ),
    Option(
        "calls.devices",
        Optional(DeviceMap()),
        None,
        "Phone of each extension that differs from `calls.device`: its `kind` and, for desk "
        "phones, its `model` (matched against `calls.answer_notify_models`).",
        example=(
            "# '1001':",
            "#   kind: deskphone",
            "#   model: Yealink T54W",
            "# '1002':",
            "#   kind: softphone",
        ),
    ),
    Option(
        "calls.answer_notify_event",
        Str(),
        "talk",
        "SIP `Event` sent with AMI PJSIPNotify to make a desk phone answer (`call.answer`).",
    ),
    Option(
        "calls.answer_notify_models",
        StrList(),
        ("Yealink", "Snom"),
        "Desk phone models that answer on that NOTIFY: a model matches when it starts with "
        "one of these (case ignored). Other desk phones get no answer button.",
    ),
    Option(
        "calls.parking_lot",
        Str(),
        "default",
        "Parking lot (res_parking.conf) that `call.hold` parks the far party in.",
    ),
    Option(
        "calls.parking_context",
        Str(),
        "parkedcalls",
        "Dialplan context of that lot's spaces; `call.resume` rings the agent into it.",
    ),
    Option(
        "calls.park_timeout",
        Int(10, 3600),
        300,
        "Seconds a held (parked) call waits before Asterisk rings the agent back.",
    ),
    Option(
        "calls.consult_timeout",
        Int(1, 9),
        5,
        "Seconds an attended transfer's start waits for Asterisk to create the consultation "
        "call (it takes well under a second on a healthy PBX); then the start fails and is "
        "undone. Below the broker's 10 s command timeout.",
    ),
)
