"""What agents' phones report: device states and dialplan hints, as presence states.

``DeviceStateChange`` names a device (``PJSIP/1001``, ``Local/1001@agents``) and
``ExtensionStatus`` a hint (``Exten``/``Context``, its devices in ``Hint``); both map
to an agent extension with the member rules of `AgentInterfaces`. An agent with a hint
is shown by its hints (Asterisk already combined its devices there); otherwise its
devices are combined here, busiest first. A Local device is only ever ``NOT_INUSE`` or
``INUSE`` (core_local.c ``local_devicestate``), so ringing and hold come from the
agent's calls (see `cti.agents.board`), not from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from cti.ami.messages import Event
from cti.calls.snapshot import parse_int
from cti.protocol import IDLE, IN_USE, ON_HOLD, RINGING, UNAVAILABLE

log = logging.getLogger(__name__)

DEVICE_EVENTS = ("DeviceStateChange", "ExtensionStatus")

DEVICE_STATES = {
    "NOT_INUSE": IDLE,
    # app_queue rings a member whose state is unknown: it counts as free here too
    "UNKNOWN": IDLE,
    "INUSE": IN_USE,
    "BUSY": IN_USE,
    "RINGINUSE": IN_USE,  # a second call rings a phone that is already on one
    "RINGING": RINGING,
    "ONHOLD": ON_HOLD,
    "UNAVAILABLE": UNAVAILABLE,
    "INVALID": UNAVAILABLE,
}
"""Asterisk's device states (devicestate.c ``ast_devstate_str``) → presence."""

HINT_TEXTS = {
    "Idle": IDLE,
    "InUse": IN_USE,
    "Busy": IN_USE,
    "Unavailable": UNAVAILABLE,
    "Ringing": RINGING,
    "InUse&Ringing": IN_USE,
    "Hold": ON_HOLD,
    "InUse&Hold": IN_USE,
    "Unknown": IDLE,
}
"""``ExtensionStatus`` StatusText (pbx.c ``extension_states``) → presence."""

HINT_BITS = ((1 | 2, IN_USE), (16, ON_HOLD), (8, RINGING), (4, UNAVAILABLE))
"""``ExtensionStatus`` Status bits, busiest first; 0 is idle, below 0 a removed hint."""

BUSIEST = {IN_USE: 4, ON_HOLD: 3, RINGING: 2, IDLE: 1, UNAVAILABLE: 0}
MAX_DEVICES = 20_000
"""Device names whose extension is remembered (each is read with the channel patterns)."""


def busiest(states: Iterable[str]) -> str | None:
    """The state that tells colleagues most about an agent with several phones."""
    return max(states, key=BUSIEST.__getitem__, default=None)


def hint_presence(status: str, text: str) -> str | None:
    """The presence of an ``ExtensionStatus``; None for a removed hint or nonsense."""
    code = parse_int(status)
    if code is None:
        return HINT_TEXTS.get(text)
    if code < 0:
        return None
    return next((state for bits, state in HINT_BITS if code & bits), IDLE)


def hint_devices(hint: str) -> list[str]:
    """The devices of a hint: ``PJSIP/1001&SIP/1001,CustomPresence:1001`` → two."""
    devices = hint.split(",", 1)[0]
    return [device for device in devices.split("&") if device]


class DeviceBook:
    def __init__(self, extension_of: Callable[..., str | None]) -> None:
        """``extension_of(*interfaces)``: see `AgentInterfaces.extension_of`."""
        self._extension_of = extension_of
        self._devices: dict[str, dict[str, str]] = {}  # extension → device → presence
        self._hints: dict[str, dict[str, str]] = {}  # extension → exten@context → presence
        self._owners: dict[str, str | None] = {}  # device → extension, read once per device

    def handle(self, ev: Event) -> str | None:
        """Take a device or hint event; returns the agent extension it is about."""
        if ev.name == "DeviceStateChange":
            return self._device(ev.get("Device"), ev.get("State"))
        if ev.name == "ExtensionStatus":
            return self._hint(ev)
        return None

    def reload(self, devices: Iterable[Event], hints: Iterable[Event]) -> set[str]:
        """Replace everything with DeviceStateList's and ExtensionStateList's items;
        returns every extension whose phones were or are known."""
        touched = set(self._devices) | set(self._hints)
        self._devices.clear()
        self._hints.clear()
        for item in [*devices, *hints]:
            extension = self.handle(item)
            if extension is not None:
                touched.add(extension)
        log.info("device states: %d agents, hints: %d", len(self._devices), len(self._hints))
        return touched

    def presence_of(self, extension: str) -> str | None:
        """The agent's phones as one presence state; None when none reported yet."""
        hints = self._hints.get(extension)
        if hints:
            return busiest(hints.values())
        return busiest(self._devices.get(extension, {}).values())

    def _device(self, device: str, state: str) -> str | None:
        presence = DEVICE_STATES.get(state.upper())
        extension = self._owner(device) if device else None
        if extension is None:
            return None
        if presence is None:
            log.debug("device %s: unknown state %r", device, state)
            return None
        self._devices.setdefault(extension, {})[device] = presence
        return extension

    def _owner(self, device: str) -> str | None:
        if device not in self._owners:
            if len(self._owners) >= MAX_DEVICES:  # a PBX making up names: start again
                self._owners.clear()
            self._owners[device] = self._extension_of(device)
        return self._owners[device]

    def _hint(self, ev: Event) -> str | None:
        exten, context = ev.get("Exten"), ev.get("Context")
        extension = self._extension_of(*hint_devices(ev.get("Hint")))
        if extension is None or not exten:
            return None
        key = f"{exten}@{context}"
        presence = hint_presence(ev.get("Status"), ev.get("StatusText"))
        hints = self._hints.setdefault(extension, {})
        if presence is None:
            hints.pop(key, None)
        else:
            hints[key] = presence
        return extension
