"""Queue members of the simulated PBX and AMI QueuePause, with app_queue's own texts.

A paused member is not rung by its queue (queue_pause recording: only the other
member rang). QueuePause answers ``Interface paused successfully`` / ``Interface
unpaused successfully``, ``Interface not found`` for no such member, and ``Need
'Interface' and 'Paused' parameters.``, then sends one QueueMemberPause per queue
changed (manager_pause_queue_member, set_member_paused in app_queue.c). The fake
server's QueueStatus lists the members with their pause state.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cti.ami.fake_channels import QueueTable, format_frame
from cti.ami.fake_session import ActionRequest, FakeAmiConnection, Reply
from cti.sim.player import Player

_TRUE = frozenset({"yes", "true", "y", "t", "1", "on"})  # ast_true


@dataclass(slots=True)
class SimMember:
    queue: str
    extension: str
    paused: bool = False
    reason: str = ""
    last_pause: int = 0

    @property
    def interface(self) -> str:
        return f"PJSIP/{self.extension}"

    def pairs(self) -> list[tuple[str, str]]:
        """QueueMemberPause/QueueMemberStatus fields, in Asterisk 22's order."""
        return [
            ("Queue", self.queue),
            ("MemberName", f"SIP Agent {self.extension}"),
            ("Interface", self.interface),
            ("StateInterface", self.interface),
            ("Membership", "static"),
            ("Penalty", "0"),
            ("CallsTaken", "0"),
            ("LastCall", "0"),
            ("LastPause", str(self.last_pause)),
            ("LoginTime", "0"),
            ("InCall", "0"),
            ("Status", "1"),
            ("Paused", "1" if self.paused else "0"),
            ("PausedReason", self.reason),
            ("Ringinuse", "0"),
            ("Wrapuptime", "0"),
        ]


class SimQueues:
    """``queues`` is the simulator's own mapping: members added to it later count too."""

    def __init__(self, queues: Mapping[str, Sequence[str]], table: QueueTable, player: Player):
        self._queues, self._table, self._player = queues, table, player
        self.members: dict[tuple[str, str], SimMember] = {}
        self._current()

    def _current(self) -> list[SimMember]:
        """Every member of every queue, created (and listed by QueueStatus) on first sight."""
        for queue, extensions in self._queues.items():
            for ext in extensions:
                if (queue, ext) not in self.members:
                    member = self.members[(queue, ext)] = SimMember(queue, ext)
                    self._publish(member)
        return list(self.members.values())

    def unpaused(self, queue: str, extensions: Sequence[str]) -> list[str]:
        self._current()
        return [ext for ext in extensions if not self.members[(queue, ext)].paused]

    async def queue_pause(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        interface, paused_text = action.field("Interface"), action.field("Paused")
        if not interface or not paused_text:
            return {"Response": "Error", "Message": "Need 'Interface' and 'Paused' parameters."}
        paused, queue = paused_text.strip().lower() in _TRUE, action.field("Queue")
        found = [
            member
            for member in self._current()
            if member.interface.lower() == interface.lower()
            and (not queue or member.queue.lower() == queue.lower())
        ]
        if not found:
            return {"Response": "Error", "Message": "Interface not found"}
        frames = [self._pause(member, paused, action.field("Reason")) for member in found]
        self._player.send_soon(frames)
        return {"Message": f"Interface {'paused' if paused else 'unpaused'} successfully"}

    def _pause(self, member: SimMember, paused: bool, reason: str) -> bytes:
        member.paused = paused
        member.reason = reason if paused else ""
        if paused:
            member.last_pause = int(time.time())
        self._publish(member)
        pairs = [("Event", "QueueMemberPause"), ("Privilege", "agent,all"), *member.pairs()]
        return format_frame(pairs)

    def _publish(self, member: SimMember) -> None:
        """QueueStatus answers from the fake server's table: keep it current."""
        self._table.apply("QueueMemberStatus", dict(member.pairs()))
