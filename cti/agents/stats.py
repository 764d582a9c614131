"""Queue statistics for supervisors: who waits, members by state, and today's counts.

`QueueStatsBook` is fed the call and agent events as they are made (`feed`) and says
what changed on `tick`, at most once a second per queue. "Today" starts at local
midnight; a call counts in the day it joined the queue, when its wait is over
(answered, abandoned, or gone otherwise). `seed` restores today's counts from the call
records after a restart. The convention is `cti.agents.servicelevel`'s.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from cti.agents.day import day_of
from cti.agents.servicelevel import DayTally, Outcome, ServiceLevelRule
from cti.eventdata import epoch_of, number_of
from cti.protocol import AgentState, CallAnswered, CallEnded, CallQueued, QueueStats, WireEvent

log = logging.getLogger(__name__)

MIN_INTERVAL = 1.0
"""Seconds between two `queue.stats` of one queue: the issue's "at most once a second"."""


@dataclass(frozen=True, slots=True)
class QueueCallSeen:
    """A queue call of today as the records kept it (for `seed` after a restart)."""

    call_id: str
    queue: str
    joined_at: float
    answered: bool
    abandoned: bool
    waited_seconds: float | None
    ended: bool


@dataclass(slots=True)
class _Caller:
    """A queue call followed until it ends; ``provisional`` was counted at its answer."""

    queue: str
    joined_at: float
    answered: bool = False
    provisional: Outcome | None = None


class QueueStatsBook:
    """Every queue's line; ``tz`` None counts days in the server's own time zone.

    A queue is known once configured (`add_queues`), seen in an event, or seeded.
    """

    def __init__(
        self,
        rule: ServiceLevelRule,
        clock: Callable[[], float] = time.time,
        tz: tzinfo | None = None,
        min_interval: float = MIN_INTERVAL,
    ) -> None:
        self.rule = rule
        self._clock = clock
        self._tz = tz
        self._min_interval = min_interval
        self.day = day_of(clock(), tz)
        self._queues: set[str] = set()
        self._tallies: dict[str, DayTally] = {}
        self._calls: dict[str, _Caller] = {}
        self._waiting: dict[str, dict[str, float]] = {}  # queue -> call_id -> joined at
        self._agents: dict[str, tuple[str, tuple[str, ...]]] = {}  # member -> state, queues
        self._members: dict[str, Counter[str]] = {}  # queue -> state -> agents
        self._dirty: set[str] = set()
        self._sent: dict[str, tuple[float, QueueStats]] = {}

    def add_queues(self, queues: Iterable[str]) -> None:
        """Queues to show even before anything happens in them (the configured ones)."""
        for queue in queues:
            self._know(queue)

    def feed(self, event: WireEvent) -> None:
        """Take one event; a failure is logged and never reaches the event stream."""
        if not isinstance(event, CallQueued | CallAnswered | CallEnded | AgentState):
            return
        try:
            now = self._clock()
            self._roll(now)
            if isinstance(event, CallQueued):
                self._queued(event, now)
            elif isinstance(event, CallAnswered):
                self._answered(event, now)
            elif isinstance(event, CallEnded):
                self._ended(event, now)
            else:
                self._agent_state(event)
        except Exception:
            log.exception("queue statistics could not take %s", event.type)

    def seed(self, calls: Iterable[QueueCallSeen]) -> None:
        """Today's counts from the records; unanswered calls in progress are left to the
        `call.queued` the resync after the AMI connect brings, if they still wait."""
        for call in calls:
            if call.joined_at < self.day.start:
                continue
            self._know(call.queue)
            outcome = self.rule.outcome(call.answered, call.abandoned, call.waited_seconds)
            if call.ended:
                self._tally(call.queue).add(outcome)
            elif call.answered:
                self._tally(call.queue).add(outcome)
                self._calls[call.call_id] = _Caller(call.queue, call.joined_at, True, outcome)

    def tick(self) -> list[QueueStats]:
        """The lines of the queues that changed and were not sent within the last second.

        A queue with callers waiting changes each second (its longest wait), so its line
        goes out once a second while they wait.
        """
        now = self._clock()
        self._roll(now)
        out: list[QueueStats] = []
        for queue in sorted(self._dirty | {q for q, w in self._waiting.items() if w}):
            sent_at, last = self._sent.get(queue, (-math.inf, None))
            if now - sent_at < self._min_interval:
                continue
            self._dirty.discard(queue)
            line = self._line(queue, now)
            if line != last:
                self._sent[queue] = (now, line)
                out.append(line)
        return out

    def lines(self) -> list[QueueStats]:
        """Every known queue's line now (a supervisor's welcome)."""
        now = self._clock()
        self._roll(now)
        return [self._line(queue, now) for queue in sorted(self._queues)]

    def snapshot(self) -> list[dict[str, Any]]:
        return [line.data() for line in self.lines()]

    def _line(self, queue: str, now: float) -> QueueStats:
        waiting = self._waiting.get(queue) or {}
        longest = max(0, int(now - min(waiting.values()))) if waiting else 0
        tally = self._tallies.get(queue) or DayTally()
        members = self._members.get(queue) or Counter()
        return QueueStats(
            queue=queue,
            waiting=len(waiting),
            longest_wait_seconds=longest,
            agents={state: n for state, n in sorted(members.items()) if n > 0},
            offered=tally.offered,
            answered=tally.answered,
            answered_within_target=tally.answered_within_target,
            abandoned=tally.abandoned,
            short_abandoned=tally.short_abandoned,
            service_level=tally.service_level,
            service_level_seconds=self.rule.target_seconds,
            since=self.day.since,
        )

    def _roll(self, now: float) -> None:
        """At midnight today's counts start again; calls that joined before it no longer
        count (their day is over), even when their wait ends later."""
        if self.day.start <= now < self.day.end:
            return
        self.day = day_of(now, self._tz)
        self._tallies.clear()
        self._dirty |= self._queues
        log.info("queue statistics: a new day since %s", self.day.since)

    def _know(self, queue: str) -> None:
        if queue not in self._queues:
            self._queues.add(queue)
            self._dirty.add(queue)

    def _tally(self, queue: str) -> DayTally:
        tally = self._tallies.get(queue)
        if tally is None:
            tally = self._tallies[queue] = DayTally(self.rule.counts_short_abandons)
        return tally

    def _today(self, caller: _Caller) -> bool:
        return caller.joined_at >= self.day.start

    def _queued(self, event: CallQueued, now: float) -> None:
        call_id, queue = event.call_id, event.queue
        if not call_id or not queue:
            return
        joined = min(now, epoch_of(event.waiting_since) or now)
        caller = self._calls.get(call_id)
        if caller is not None and caller.queue != queue:  # moved on to another queue
            self._finish(call_id, caller, Outcome.UNANSWERED)
            caller = None
        if caller is None:
            caller = self._calls[call_id] = _Caller(queue, joined)
        elif not caller.answered:
            caller.joined_at = min(caller.joined_at, joined)
        if not caller.answered:
            self._waiting.setdefault(queue, {})[call_id] = caller.joined_at
        self._know(queue)
        self._dirty.add(queue)

    def _answered(self, event: CallAnswered, now: float) -> None:
        caller = self._calls.get(event.call_id)
        if caller is None or caller.answered:
            return  # not a queue call, or a later answer (a transfer target)
        caller.answered = True
        self._stop_waiting(event.call_id, caller.queue)
        if self._today(caller):
            caller.provisional = self.rule.outcome(True, False, now - caller.joined_at)
            self._tally(caller.queue).add(caller.provisional)

    def _ended(self, event: CallEnded, now: float) -> None:
        call_id = event.call_id
        caller = self._calls.get(call_id)
        waited = number_of(event.waited_seconds)
        answered = event.answered_by is not None
        if caller is None:
            queue = event.queue
            if not queue:
                return  # not a queue call
            caller = _Caller(queue, now - (waited or 0.0))  # its join time, if waited is known
            self._know(queue)
        elif waited is None and not (answered or caller.answered):
            waited = now - caller.joined_at
        answered = answered or caller.answered
        if waited is None and caller.provisional is not None:
            outcome = caller.provisional
        else:
            outcome = self.rule.outcome(answered, event.abandoned, waited)
        self._finish(call_id, caller, outcome)

    def _finish(self, call_id: str, caller: _Caller, outcome: Outcome) -> None:
        """The call's wait in ``caller.queue`` is over: its count becomes final."""
        self._calls.pop(call_id, None)
        self._stop_waiting(call_id, caller.queue)
        if not self._today(caller):
            return
        tally = self._tally(caller.queue)
        if caller.provisional is not None:
            tally.add(caller.provisional, -1)
        tally.add(outcome)

    def _stop_waiting(self, call_id: str, queue: str) -> None:
        waiting = self._waiting.get(queue)
        if waiting is not None:
            waiting.pop(call_id, None)
        self._dirty.add(queue)

    def _agent_state(self, event: AgentState) -> None:
        # a member whose interface matches no agent has no extension: its interface names it
        member, state = event.extension or event.interface, event.state
        if not member or not state:
            return
        old = self._agents.pop(member, None)
        if old is not None:
            for queue in old[1]:
                self._members[queue][old[0]] -= 1
                self._dirty.add(queue)
        queues = tuple(dict.fromkeys(seat.queue for seat in event.queues if seat.queue))
        if queues:
            self._agents[member] = (state, queues)
        for queue in queues:
            self._know(queue)
            self._members.setdefault(queue, Counter())[state] += 1
            self._dirty.add(queue)
