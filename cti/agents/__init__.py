"""The contact-centre layer's agents: queue membership and pause state, from AMI.

Fed by QueueMemberAdded/Removed/Pause/Status events and by QueueStatus at every
(re)connect. No notifier yet: nothing here sends events to desktops (agent states
come with the contact-centre issue); call control reads it to pause a holding agent.
"""

from collections.abc import Iterable
from typing import Protocol

from cti.agents.interfaces import AgentInterfaces
from cti.agents.members import Membership, QueueMembers
from cti.calls.extensions import ExtensionRules

__all__ = ["AgentInterfaces", "Membership", "QueueMembers", "queue_members"]


class Devices(Protocol):
    def device_channel(self, extension: str) -> str: ...


def queue_members(
    rules: ExtensionRules, devices: Devices, extensions: Iterable[str]
) -> QueueMembers:
    """Memberships whose interfaces map to the agents' devices (``calls.dial_channel``)."""
    known = {extension: devices.device_channel(extension) for extension in extensions}
    return QueueMembers(AgentInterfaces(rules, known).extension_of)
