"""Callers waiting in Asterisk queues: every call is visible from its arrival.

``QueueCallerJoin`` puts a caller's channel in a queue at a position; it leaves with
``QueueCallerLeave`` (answered, timed out, or after ``QueueCallerAbandon``). Asterisk
renumbers the callers behind one who leaves without telling anyone (recording
queue_abandon_waiting: D joined at 2 and abandoned at 1), so the positions are
worked out here and each caller whose position changed is announced again.

A call's wait is the time its caller spent in queues: from each join to the leave,
which is the answer (QueueCallerLeave comes just before AgentConnect) or the caller
giving up. A caller whose leave was never seen (the AMI link dropped) stops waiting
when its channel goes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from cti.ami.messages import Event
from cti.calls.flow import CallFlow
from cti.calls.model import Call, Channel, QueueStay
from cti.calls.snapshot import parse_int

log = logging.getLogger(__name__)


class QueueWatcher:
    def __init__(
        self,
        flow: CallFlow,
        snapshot: Callable[[Event], Channel | None],
        call_of: Callable[[Channel | None], Call | None],
        clock: Callable[[], float],
    ) -> None:
        self.flow = flow
        self._snapshot = snapshot
        self._call_of = call_of
        self._clock = clock
        self._queues: dict[str, dict[str, QueueStay]] = {}  # queue → Uniqueid → stay

    def handlers(self) -> dict[str, Callable[[Event], None]]:
        return {
            "QueueCallerJoin": self._on_join,
            "QueueCallerLeave": self._on_leave,
            "QueueCallerAbandon": self._on_abandon,
        }

    def waiting(self) -> list[QueueStay]:
        """Every caller waiting now, queue by queue, in position order."""
        return [
            stay
            for stays in self._queues.values()
            for stay in sorted(stays.values(), key=lambda s: s.position)
        ]

    def channel_gone(self, channel: Channel, call: Call | None) -> None:
        for queue, stays in list(self._queues.items()):
            stay = stays.get(channel.uniqueid)
            if stay is not None:
                self._leave(queue, stay, call, stay.position, len(stays) - 1)

    def reconcile(self, entries: Iterable[Event], channels: dict[str, Channel]) -> None:
        """QueueStatus's ``QueueEntry`` items after a (re)connect replace the waiting
        callers: new ones and moved ones are announced, vanished ones stop waiting."""
        now = self._clock()
        live: dict[str, dict[str, Event]] = {}
        for ev in entries:
            if ev.get("Queue") and ev.get("Uniqueid") in channels:
                live.setdefault(ev.get("Queue"), {})[ev.get("Uniqueid")] = ev
        for queue, stays in list(self._queues.items()):
            for uid, stay in list(stays.items()):
                if uid not in live.get(queue, {}):
                    call = self._call_of(channels.get(uid))
                    self._end_stay(queue, stay, call, now)
        for queue, items in live.items():
            for uid, ev in items.items():
                channel = channels[uid]
                position = parse_int(ev.get("Position")) or len(items)
                wait = parse_int(ev.get("Wait")) or 0
                self._place(channel, queue, position, len(items), now - max(wait, 0))

    # -- events ------------------------------------------------------------------

    def _on_join(self, ev: Event) -> None:
        channel = self._snapshot(ev)
        queue = ev.get("Queue")
        if channel is None or not queue:
            return
        stays = self._queues.get(queue, {})
        count = parse_int(ev.get("Count")) or len(stays) + 1
        position = parse_int(ev.get("Position")) or count
        self._place(channel, queue, position, count, self._clock())

    def _on_leave(self, ev: Event) -> None:
        channel = self._snapshot(ev)
        queue = ev.get("Queue")
        stay = self._queues.get(queue, {}).get(channel.uniqueid) if channel else None
        if stay is None:
            return
        remaining = parse_int(ev.get("Count"))
        if remaining is None:
            remaining = len(self._queues[queue]) - 1
        self._leave(queue, stay, self._call_of(channel), stay.position, remaining)

    def _on_abandon(self, ev: Event) -> None:
        call = self._call_of(self._snapshot(ev))
        if call is not None:
            self.flow.abandon(call)

    # -- bookkeeping -------------------------------------------------------------

    def _place(
        self, channel: Channel, queue: str, position: int, count: int, joined: float
    ) -> None:
        call = self._call_of(channel)
        if call is None:
            return
        stays = self._queues.setdefault(queue, {})
        stay = stays.get(channel.uniqueid)
        if stay is None:
            stay = stays[channel.uniqueid] = QueueStay(channel, queue, position, count, joined)
            call.queue = queue
            call.queued = True
        elif stay.position == position:
            return
        stay.position, stay.count = position, count
        self._announce(call, channel, stay)

    def _leave(
        self, queue: str, stay: QueueStay, call: Call | None, position: int, remaining: int
    ) -> None:
        self._end_stay(queue, stay, call, self._clock())
        for other in self._queues.get(queue, {}).values():
            other.count = remaining
            if other.position > position:
                other.position -= 1
                moved = self._call_of(other.channel)
                if moved is not None:
                    self._announce(moved, other.channel, other)

    def _end_stay(self, queue: str, stay: QueueStay, call: Call | None, now: float) -> None:
        stays = self._queues.get(queue, {})
        stays.pop(stay.channel.uniqueid, None)
        if not stays:
            self._queues.pop(queue, None)
        if call is not None:
            call.waited += max(now - stay.joined, 0.0)

    def _announce(self, call: Call, channel: Channel, stay: QueueStay) -> None:
        caller = self.flow.party(channel.cid_num, channel.cid_name)
        self.flow.notify.queued(call, stay, caller)
