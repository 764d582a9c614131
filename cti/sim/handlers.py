"""Which AMI action each part of the simulated PBX answers, and with what permission.

Call control and queue membership need the ``write`` classes manager.conf grants
(``call``, ``originate``, ``agent``); a user without them gets ``Permission denied``
(`cti.sim.notify.write_guarded`). QueueStatus, QueueSummary, DeviceStateList and
ExtensionStateList only read, as in the readonly_permissions recording.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cti.ami.fake_session import ActionHandler
from cti.sim.notify import write_guarded

if TYPE_CHECKING:
    from cti.sim.simulator import PbxSimulator


def register(sim: PbxSimulator) -> None:
    control: dict[str, ActionHandler] = {
        "Originate": sim.actions.originate,
        "Hangup": sim.actions.hangup,
        "Redirect": sim.actions.redirect,
        "BlindTransfer": sim.actions.blind_transfer,
        "Setvar": sim.actions.setvar,
        "Atxfer": sim.actions.atxfer,
        "Park": sim.actions.park,
        "PJSIPNotify": sim.notify.pjsip_notify,
        "QueuePause": sim.members.queue_pause,
        "QueueAdd": sim.members.queue_add,
        "QueueRemove": sim.members.queue_remove,
    }
    for name, handler in control.items():
        sim.server.handle(name, write_guarded(handler, sim.write_access, sim.username))
    reading: dict[str, ActionHandler] = {
        "QueueStatus": sim.members.queue_status,
        "QueueSummary": sim.members.queue_summary,
        "DeviceStateList": sim.lists.device_state_list,
        "ExtensionStateList": sim.lists.extension_state_list,
    }
    for name, handler in reading.items():
        sim.server.handle(name, handler)
