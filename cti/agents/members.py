"""Queue memberships and their pause state, as Asterisk's app_queue reports them.

Events name a member by ``Interface``/``MemberName``; QueueStatus items by
``Location``/``Name`` (queue_pause and queue_member_dynamic recordings). Keyed by
(queue, interface), which is how QueuePause addresses a member.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cti.ami.messages import Event

log = logging.getLogger(__name__)

MEMBER_EVENTS = (
    "QueueMemberAdded",
    "QueueMemberRemoved",
    "QueueMemberPause",
    "QueueMemberStatus",
    "QueueMemberRinginuse",
)


@dataclass(slots=True)
class Membership:
    queue: str
    interface: str
    extension: str | None
    name: str = ""
    membership: str = ""  # static (queues.conf) or dynamic (QueueAdd)
    paused: bool = False
    reason: str = ""  # PausedReason while paused
    state_interface: str = ""  # the device whose state app_queue follows


class QueueMembers:
    def __init__(self, extension_of: Callable[..., str | None]) -> None:
        """``extension_of(interface, state_interface)``: see `AgentInterfaces`."""
        self._extension_of = extension_of
        self._members: dict[tuple[str, str], Membership] = {}
        # by extension (None: unknown interfaces), for the per-event agent lookups
        self._by_extension: dict[str | None, dict[tuple[str, str], Membership]] = {}

    @property
    def handled_events(self) -> frozenset[str]:
        return frozenset(MEMBER_EVENTS)

    def handle(self, ev: Event) -> Membership | None:
        """Take a member event; returns the membership it changed (or removed)."""
        if ev.name not in MEMBER_EVENTS:
            return None
        queue, interface = ev.get("Queue"), ev.get("Interface")
        if not queue or not interface:
            log.debug("%s without Queue or Interface ignored", ev.name)
            return None
        if ev.name == "QueueMemberRemoved":
            return self._forget((queue, interface))
        return self._learn(ev, queue, interface, ev.get("MemberName"))

    def reload(self, items: Iterable[Event]) -> None:
        """Replace everything with QueueStatus's ``QueueMember`` items (after a connect)."""
        self._members.clear()
        self._by_extension.clear()
        for item in items:
            if item.name == "QueueMember" and item.get("Queue") and item.get("Location"):
                self._learn(item, item.get("Queue"), item.get("Location"), item.get("Name"))
        log.info("queue memberships: %d", len(self._members))

    def of_extension(self, extension: str) -> list[Membership]:
        return list(self._by_extension.get(extension, {}).values())

    def unknown(self) -> list[Membership]:
        """Memberships whose interface maps to no agent extension."""
        return list(self._by_extension.get(None, {}).values())

    def of_interface(self, interface: str) -> list[Membership]:
        return [m for m in self.unknown() if m.interface == interface] or [
            m for m in self._members.values() if m.interface == interface
        ]

    def in_queue(self, queue: str) -> list[Membership]:
        return [m for m in self._members.values() if m.queue == queue]

    def all(self) -> list[Membership]:
        return list(self._members.values())

    def get(self, queue: str, interface: str) -> Membership | None:
        return self._members.get((queue, interface))

    def _learn(self, ev: Event, queue: str, interface: str, name: str) -> Membership:
        member = self._members.get((queue, interface))
        if member is None:
            extension = self._extension_of(interface, ev.get("StateInterface"))
            member = self._members[(queue, interface)] = Membership(queue, interface, extension)
            self._by_extension.setdefault(extension, {})[(queue, interface)] = member
        member.name = name or member.name
        member.membership = ev.get("Membership") or member.membership
        member.state_interface = ev.get("StateInterface") or member.state_interface
        if "Paused" in ev:
            member.paused = ev.get("Paused") == "1"
            member.reason = ev.get("PausedReason") if member.paused else ""
        return member

    def _forget(self, key: tuple[str, str]) -> Membership | None:
        member = self._members.pop(key, None)
        if member is not None:
            mine = self._by_extension.get(member.extension, {})
            mine.pop(key, None)
            if not mine:
                self._by_extension.pop(member.extension, None)
        return member
