"""DeviceStateList and ExtensionStateList: what presence starts from after a connect.

Answered as in queue_waiting_positions: ``Device State Changes will follow`` then one
DeviceStateChange per cached device (phones, the trunk, app_queue's ``Queue:...``
devices), ``Extension Statuses will follow`` then one ExtensionStatus per hint; each
item carries the ActionID second, and the list ends with its ``...Complete`` event.
Both are read-only actions: a user without write permission may send them.
"""

from __future__ import annotations

from cti.ami.fake_channels import Pairs, list_frames
from cti.ami.fake_session import ActionRequest, FakeAmiConnection, Reply
from cti.sim.devices import DeviceWatch


class PbxLists:
    def __init__(self, devices: DeviceWatch) -> None:
        self.devices = devices

    async def device_state_list(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        items = self.devices.cache.list_items()
        done = "DeviceStateListComplete"
        write_list(conn, action, "Device State Changes will follow", done, items)
        return None

    async def extension_state_list(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        items = self.devices.hint_items()
        done = "ExtensionStateListComplete"
        write_list(conn, action, "Extension Statuses will follow", done, items)
        return None


def write_list(
    conn: FakeAmiConnection,
    action: ActionRequest,
    message: str,
    done: str,
    items: list[Pairs],
    *,
    item_id_last: bool = False,
) -> None:
    """A list action's answer: start, items, completion (with the ActionID)."""
    action_id = action.field("ActionID")
    for frame in list_frames(action_id, message, done, items, item_id_last=item_id_last):
        conn.write(frame)
