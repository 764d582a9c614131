"""Which agent extension a queue member's interface stands for.

Queue members are named by interface (``PJSIP/1001``, ``Local/1001@agents``), not by
channel, so the channel patterns of `ExtensionRules` do not match them as they are.
An interface equal to an agent's device (``calls.dial_channel`` for that extension) is
that agent; any other interface is read as the channel it would create.
"""

from __future__ import annotations

from collections.abc import Mapping

from cti.calls.extensions import ExtensionRules


class AgentInterfaces:
    def __init__(self, rules: ExtensionRules, devices: Mapping[str, str]) -> None:
        """``devices`` maps each agent extension to its device, e.g. ``PJSIP/1001``."""
        self._rules = rules
        self._devices = {device.lower(): extension for extension, device in devices.items()}

    def extension_of(self, *interfaces: str) -> str | None:
        """The extension of the first interface that names one (Interface, StateInterface)."""
        for interface in interfaces:
            if not interface:
                continue
            extension = self._devices.get(interface.lower())
            if extension is None:
                extension = self._rules.extension_of(_as_channel(interface))
            if extension is not None:
                return extension
        return None


def _as_channel(interface: str) -> str:
    """The name a channel of `interface` gets: ``-<8 hex>`` (and ``;1`` for Local)."""
    if interface.lower().startswith("local/"):
        return f"{interface}-00000000;1"
    return f"{interface}-00000000"
