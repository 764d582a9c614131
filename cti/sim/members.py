"""app_queue's tables in the simulated PBX: each queue's members and waiting callers.

A member is a row of app_queue's ``q->members``: static ones come from the
simulator's ``queues`` (queues.conf ``member => PJSIP/<ext>,0,SIP Agent <ext>``, as in
the lab's ``support-sip``), dynamic ones from AMI QueueAdd. Its fields and their order
in every QueueMember* event are those of the queue_pause and queue_member_dynamic
recordings. Waiting callers are kept in arrival order; a caller's position is its
place in that list, so when one leaves the ones behind move up without an event of
their own (queue_waiting_positions), as in app_queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from cti.ami.fake_channels import format_frame
from cti.sim.frames import AGENT, Pairs
from cti.sim.model import SimCall

# app_queue's member Status: Asterisk's device states (devicestate.h ast_device_state)
UNKNOWN, NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, RINGING, RINGINUSE, ONHOLD = range(9)
STATUS_OF = {
    "UNKNOWN": UNKNOWN,
    "NOT_INUSE": NOT_INUSE,
    "INUSE": INUSE,
    "BUSY": BUSY,
    "INVALID": INVALID,
    "UNAVAILABLE": UNAVAILABLE,
    "RINGING": RINGING,
    "RINGINUSE": RINGINUSE,
    "ONHOLD": ONHOLD,
}
SERVICE_LEVEL = 0  # queues.conf servicelevel, unset in the lab


def sip_interface(extension: str) -> str:
    return f"PJSIP/{extension}"


def phone_of(interface: str, phones: Mapping[str, str]) -> str | None:
    """The simulated phone `interface` rings: ``PJSIP/<extension>`` of one of `phones`."""
    tech, _, endpoint = interface.partition("/")
    return endpoint if tech.upper() == "PJSIP" and endpoint in phones else None


@dataclass(slots=True)
class SimMember:
    queue: str
    interface: str
    name: str
    state_interface: str
    extension: str | None  # the simulated phone it rings; None: nothing to ring
    membership: str = "static"
    penalty: int = 0
    paused: bool = False
    reason: str = ""
    calls: int = 0
    last_call: int = 0
    last_pause: int = 0
    login_time: int = field(default_factory=lambda: int(time.time()))
    in_call: bool = False
    status: int = NOT_INUSE

    def fields(self) -> Pairs:
        """A QueueMember* event's fields after its Privilege, in Asterisk 22's order."""
        return [
            ("Queue", self.queue),
            ("MemberName", self.name),
            ("Interface", self.interface),
            ("StateInterface", self.state_interface),
            ("Membership", self.membership),
            ("Penalty", str(self.penalty)),
            ("CallsTaken", str(self.calls)),
            ("LastCall", str(self.last_call)),
            ("LastPause", str(self.last_pause)),
            ("LoginTime", str(self.login_time)),
            ("InCall", "1" if self.in_call else "0"),
            ("Status", str(self.status)),
            ("Paused", "1" if self.paused else "0"),
            ("PausedReason", self.reason),
            ("Ringinuse", "0"),  # ringinuse = no
            ("Wrapuptime", "0"),
        ]

    def event(self, name: str) -> bytes:
        return format_frame([("Event", name), ("Privilege", AGENT), *self.fields()])

    def status_item(self) -> Pairs:
        """QueueStatus's QueueMember: Name/Location for MemberName/Interface, no Ringinuse."""
        renamed = {"MemberName": "Name", "Interface": "Location"}
        pairs = [(renamed.get(key, key), value) for key, value in self.fields()]
        return [("Event", "QueueMember"), *(pair for pair in pairs if pair[0] != "Ringinuse")]

    @property
    def available(self) -> bool:
        """app_queue would ring it now (member_status_available, not paused)."""
        return not self.paused and self.status in (NOT_INUSE, UNKNOWN)


@dataclass(slots=True)
class Waiting:
    """One caller in a queue (app_queue's ``queue_ent``)."""

    call: SimCall
    joined: float  # simulated seconds
    original_position: int
    ringing: bool = False  # members are being rung for it


@dataclass(slots=True)
class QueueCounters:
    """QueueParams' and QueueSummary's running figures (exponential averages, as
    app_queue's recalc_holdtime and update_queue keep them)."""

    completed: int = 0
    abandoned: int = 0
    holdtime: int = 0
    talktime: int = 0
    completed_in_sl: int = 0
    abandoned_in_sl: int = 0

    def answered(self, holdtime: int) -> None:
        first = self.completed + self.abandoned == 0
        self.holdtime = holdtime if first else _average(self.holdtime, holdtime)

    def completed_call(self, holdtime: int, talktime: int) -> None:
        self.completed += 1
        self.completed_in_sl += holdtime <= SERVICE_LEVEL
        first = self.completed == 1
        self.talktime = talktime if first else _average(self.talktime, talktime)

    def abandoned_call(self, holdtime: int) -> None:
        self.abandoned += 1
        self.abandoned_in_sl += holdtime <= SERVICE_LEVEL


def _average(old: int, new: int) -> int:
    """app_queue's exponential average: three quarters of the old, a quarter of the new."""
    return ((old << 2) - old + new) >> 2


class QueueBook:
    def __init__(
        self,
        configured: Mapping[str, Sequence[str]],
        phone_of: Callable[[str], str | None],
        clock: Callable[[], float],
        epoch_now: Callable[[], float] = time.time,
    ) -> None:
        """``configured`` is the simulator's own queues mapping (queues.conf): members
        added to it later are read in at the next look. ``phone_of(interface)`` names
        the simulated phone an interface rings. ``epoch_now`` is the simulated wall
        clock of LoginTime, LastCall and LastPause (the same seed, the same bytes)."""
        self._configured, self._phone_of, self._clock = configured, phone_of, clock
        self.epoch_now = epoch_now
        self._members: dict[str, dict[str, SimMember]] = {}  # queue -> interface -> member
        self._by_phone: dict[str | None, list[SimMember]] = {}
        self._read: tuple[tuple[str, int], ...] = ()  # the configuration as last read
        self._waiting: dict[str, list[Waiting]] = {}
        self.counters: dict[str, QueueCounters] = {}

    # -- members ------------------------------------------------------------------------

    def sync(self) -> None:
        """Queues and static members of the configuration not known yet (each device
        change asks, so the configuration is read again only when it grew)."""
        shape = tuple((queue, len(exts)) for queue, exts in self._configured.items())
        if shape == self._read:
            return
        self._read = shape
        for queue, extensions in self._configured.items():
            self.counters.setdefault(queue, QueueCounters())
            self._members.setdefault(queue, {})
            for extension in extensions:
                interface = sip_interface(extension)
                if interface not in self._members[queue]:
                    phone = self._phone_of(interface)
                    member = SimMember(queue, interface, f"SIP Agent {extension}", interface, phone)
                    member.login_time = int(self.epoch_now())
                    member.status = NOT_INUSE if phone is not None else INVALID
                    self.add(member)

    def queues(self) -> list[str]:
        self.sync()
        return list(self.counters)

    def members(self, queue: str | None = None) -> list[SimMember]:
        self.sync()
        if queue is not None:
            return list(self._members.get(queue, {}).values())
        return [member for seats in self._members.values() for member in seats.values()]

    def member(self, queue: str, interface: str) -> SimMember | None:
        self.sync()
        return self._members.get(queue, {}).get(interface)

    def of_extension(self, extension: str, queue: str | None = None) -> list[SimMember]:
        """The members that ring `extension`'s phone (by interface or state interface)."""
        self.sync()
        found = self._by_phone.get(extension, [])
        return [m for m in found if queue is None or m.queue == queue]

    def add(self, member: SimMember) -> None:
        self.counters.setdefault(member.queue, QueueCounters())
        self._members.setdefault(member.queue, {})[member.interface] = member
        self._by_phone.setdefault(member.extension, []).append(member)

    def remove(self, member: SimMember) -> None:
        self._members.get(member.queue, {}).pop(member.interface, None)
        mine = self._by_phone.get(member.extension, [])
        if member in mine:
            mine.remove(member)

    def new_member(
        self, queue: str, interface: str, name: str, state_interface: str, penalty: int
    ) -> SimMember:
        """A dynamic member as QueueAdd creates it (not added yet)."""
        phone = self._phone_of(state_interface) or self._phone_of(interface)
        member = SimMember(
            queue, interface, name, state_interface, phone, membership="dynamic", penalty=penalty
        )
        member.status = NOT_INUSE if phone is not None else INVALID
        member.login_time = int(self.epoch_now())
        return member

    # -- waiting callers ----------------------------------------------------------------

    def join(self, call: SimCall, queue: str) -> tuple[int, int]:
        """The caller enters `queue`; (its position, callers now waiting)."""
        entries = self._waiting.setdefault(queue, [])
        entries.append(Waiting(call, self._clock(), len(entries) + 1))
        return len(entries), len(entries)

    def leave(self, call: SimCall) -> tuple[Waiting, int, int] | None:
        """The caller leaves its queue: (its entry, its position, callers left)."""
        entries = self._waiting.get(call.queue or "", [])
        for position, entry in enumerate(entries, start=1):
            if entry.call is call:
                del entries[position - 1]
                return entry, position, len(entries)
        return None

    def entry(self, call: SimCall) -> Waiting | None:
        return next((e for e in self._waiting.get(call.queue or "", []) if e.call is call), None)

    def waiting(self, queue: str) -> list[Waiting]:
        return list(self._waiting.get(queue, []))

    def counters_of(self, queue: str) -> QueueCounters:
        return self.counters.setdefault(queue, QueueCounters())
