"""AMI queue actions of the simulated PBX, answered with app_queue's own texts.

QueueAdd, QueueRemove and QueuePause answer as apps/app_queue.c's manager_add/remove/
pause_queue_member do (``Added interface to queue``, ``Unable to add interface:
Already there``, ``Member not dynamic``, ``Interface not found``, ...), then send what
the queue_pause, queue_member_dynamic and queue_waiting_positions recordings show: the
member's ``Queue:<queue>_pause_<interface>`` device, the queue's ``_avail`` device when
it changed, and the QueueMember* event. QueueStatus (QueueParams, QueueMember,
QueueEntry) and QueueSummary list what app_queue would (manager_queues_status,
manager_queues_summary). A member that becomes available gets the waiting callers.
"""

from __future__ import annotations

from collections.abc import Callable

from cti.ami.fake_channels import Pairs
from cti.ami.fake_session import ActionRequest, FakeAmiConnection, Reply
from cti.sim.devices import DeviceWatch
from cti.sim.frames import UNKNOWN
from cti.sim.lists import write_list
from cti.sim.members import INVALID, UNAVAILABLE, QueueBook, SimMember
from cti.sim.player import Player
from cti.sim.queuelog import AppQueueLog

_TRUE = frozenset({"yes", "true", "y", "t", "1", "on"})  # ast_true


def error(message: str) -> dict[str, str]:
    return {"Response": "Error", "Message": message}


def _number(text: str) -> int:
    """app_queue's sscanf("%30d"): anything else, or below 0, is 0."""
    try:
        value = int(text.strip())
    except ValueError:
        return 0
    return max(value, 0)


def shown(value: str) -> str:
    """QueueEntry's caller ID: an unset one is ``unknown`` (S_COR), not ``<unknown>``."""
    return "unknown" if value == UNKNOWN else value


class SimQueues:
    def __init__(
        self,
        book: QueueBook,
        devices: DeviceWatch,
        player: Player,
        clock: Callable[[], float],
        offer: Callable[[str], None],
        queue_log: AppQueueLog | None = None,
    ) -> None:
        """``offer(queue)``: a member of `queue` may now be rung (waiting callers)."""
        self.book, self.devices, self.player = book, devices, player
        self._clock, self._offer = clock, offer
        self.queue_log = queue_log or AppQueueLog(clock)

    # -- membership ----------------------------------------------------------------------

    async def queue_add(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        queue, interface = action.field("Queue"), action.field("Interface")
        if not queue:
            return error("'Queue' not specified.")
        if not interface:
            return error("'Interface' not specified.")
        if queue not in self.book.queues():
            return error("Unable to add interface to queue: No such queue")
        if self.book.member(queue, interface) is not None:
            return error("Unable to add interface: Already there")
        name = action.field("MemberName") or interface
        state_interface = action.field("StateInterface") or interface
        member = self.book.new_member(
            queue, interface, name, state_interface, _number(action.field("Penalty"))
        )
        member.paused = action.field("Paused").strip().lower() in _TRUE
        member.reason = action.field("Reason") if member.paused else ""
        member.status = self.devices.phone_status(member.extension)
        self.book.add(member)
        self.queue_log.member_added(queue, interface, member.name, member.paused)
        frames = self._pause_device(member)
        frames += [member.event("QueueMemberAdded"), *self.devices.availability(queue)]
        self.player.send_soon(frames)
        self._offer(queue)
        return {"Message": "Added interface to queue"}

    async def queue_remove(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        queue, interface = action.field("Queue"), action.field("Interface")
        if not queue or not interface:
            return error("Need 'Queue' and 'Interface' parameters.")
        if queue not in self.book.queues():
            return error("Unable to remove interface from queue: No such queue")
        member = self.book.member(queue, interface)
        if member is None:
            return error("Unable to remove interface: Not there")
        if member.membership != "dynamic":
            return error("Member not dynamic")
        self.book.remove(member)
        self.queue_log.member_removed(queue, member.interface, member.name)
        frames = [member.event("QueueMemberRemoved"), *self.devices.availability(queue)]
        self.player.send_soon(frames)
        return {"Message": "Removed interface from queue"}

    async def queue_pause(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        interface, paused_text = action.field("Interface"), action.field("Paused")
        if not interface or not paused_text:
            return error("Need 'Interface' and 'Paused' parameters.")
        paused, queue = paused_text.strip().lower() in _TRUE, action.field("Queue")
        found = [
            member
            for member in self.book.members()
            if member.interface.lower() == interface.lower()
            and (not queue or member.queue.lower() == queue.lower())
        ]
        if not found:
            return error("Interface not found")
        frames: list[bytes] = []
        if not queue:  # set_member_paused: PAUSEALL before the first queue's PAUSE
            self.queue_log.paused_all(found[0].name, paused, action.field("Reason"))
        for member in found:
            frames += self._pause(member, paused, action.field("Reason"))
        self.player.send_soon(frames)
        if not paused:
            for member in found:
                self._offer(member.queue)
        return {"Message": f"Interface {'paused' if paused else 'unpaused'} successfully"}

    def _pause(self, member: SimMember, paused: bool, reason: str) -> list[bytes]:
        """set_queue_member_pause: every QueuePause is announced, even a repeated one."""
        member.paused = paused
        member.reason = reason if paused else ""
        if paused:
            member.last_pause = int(self.book.epoch_now())
        self.queue_log.paused(member.queue, member.name, paused, reason)
        frames = self._pause_device(member) + self.devices.availability(member.queue)
        return [*frames, member.event("QueueMemberPause")]

    def _pause_device(self, member: SimMember) -> list[bytes]:
        device = f"Queue:{member.queue}_pause_{member.interface}"
        return self.devices.cache.set(device, "INUSE" if member.paused else "NOT_INUSE")

    # -- lists ---------------------------------------------------------------------------

    async def queue_status(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        only, wanted = action.field("Queue"), action.field("Member")
        items: list[Pairs] = []
        for queue in self.book.queues():
            if only and queue.lower() != only.lower():
                continue
            items.append(self._params(queue))
            items += [
                member.status_item()
                for member in self.book.members(queue)
                if not wanted or wanted in (member.interface, member.name)
            ]
            items += self._entries(queue)
        message, done = "Queue status will follow", "QueueStatusComplete"
        write_list(conn, action, message, done, items, item_id_last=True)
        return None

    async def queue_summary(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        only = action.field("Queue").lower()
        items = [self._summary(q) for q in self.book.queues() if only in ("", q.lower())]
        message, done = "Queue summary will follow", "QueueSummaryComplete"
        write_list(conn, action, message, done, items, item_id_last=True)
        return None

    def _params(self, queue: str) -> Pairs:
        counters = self.book.counters_of(queue)
        done = counters.completed
        both = counters.completed + counters.abandoned
        perf = 100 * counters.completed_in_sl / done if done else 0.0
        perf2 = 100 * (counters.abandoned_in_sl + counters.completed_in_sl) / both if both else 0.0
        return [
            ("Event", "QueueParams"),
            ("Queue", queue),
            ("Max", "0"),
            ("Strategy", "ringall"),
            ("Calls", str(len(self.book.waiting(queue)))),
            ("Holdtime", str(counters.holdtime)),
            ("TalkTime", str(counters.talktime)),
            ("Completed", str(counters.completed)),
            ("Abandoned", str(counters.abandoned)),
            ("ServiceLevel", "0"),
            ("ServicelevelPerf", f"{perf:2.1f}"),
            ("ServicelevelPerf2", f"{perf2:2.1f}"),
            ("Weight", "0"),
        ]

    def _entries(self, queue: str) -> list[Pairs]:
        now = self._clock()
        items = []
        for position, entry in enumerate(self.book.waiting(queue), start=1):
            caller = entry.call.origin
            items.append(
                [
                    ("Event", "QueueEntry"),
                    ("Queue", queue),
                    ("Position", str(position)),
                    ("Channel", caller.name),
                    ("Uniqueid", caller.uniqueid),
                    ("CallerIDNum", shown(caller.cid_num)),
                    ("CallerIDName", shown(caller.cid_name)),
                    ("ConnectedLineNum", shown(caller.conn_num)),
                    ("ConnectedLineName", shown(caller.conn_name)),
                    ("Wait", str(int(now - entry.joined))),
                    ("Priority", "0"),
                ]
            )
        return items

    def _summary(self, queue: str) -> Pairs:
        members = [m for m in self.book.members(queue) if m.status not in (INVALID, UNAVAILABLE)]
        waiting = self.book.waiting(queue)
        now = self._clock()
        longest = max((int(now - entry.joined) for entry in waiting), default=0)
        counters = self.book.counters_of(queue)
        return [
            ("Event", "QueueSummary"),
            ("Queue", queue),
            ("LoggedIn", str(len(members))),
            ("Available", str(sum(member.available for member in members))),
            ("Callers", str(len(waiting))),
            ("HoldTime", str(counters.holdtime)),
            ("TalkTime", str(counters.talktime)),
            ("LongestHoldTime", str(longest)),
        ]
