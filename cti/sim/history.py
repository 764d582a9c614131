"""Weeks of a centre's past as app_queue's queue_log, so `cti demo`'s reports have a history.

A seeded discrete-event run of one ringall queue with the lab's settings (members rung
15 s, then 2 s before the next try; the dialplan's ``Queue(...,60)`` timeout): callers
arrive as a Poisson process following `cti.sim.centre_week`'s weekday and hour profile,
agents work its shifts (ADDMEMBER, REMOVEMEMBER) with a lunch and breaks (PAUSE,
UNPAUSE, never in the middle of a call), the free ones ring together for the first
caller waiting, and each call is answered (CONNECT), given up (RINGCANCELED, ABANDON),
timed out (EXITWITHTIMEOUT), or now and then not answered in time (RINGNOANSWER). A
call ends by the caller, the agent, or a transfer. The lines are written by
`AppQueueLog`, the live simulator's own writer, on a simulated clock, so they follow
app_queue's formats and arithmetic exactly.
"""

from __future__ import annotations

import heapq
import itertools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from random import Random

from cti.sim.centre_week import Shift, calls_per_hour, shifts_on
from cti.sim.queuelog import AppQueueLog, Sink

MEMBER_TIMEOUT = 15.0  # queues.conf timeout: a ring attempt's length
RETRY = 2.0  # queues.conf retry
QUEUE_TIMEOUT = 60.0  # the dialplan's Queue(support,tT,,,60)
NO_ANSWER = 0.04  # ring attempts nobody picks up in time
PATIENCE = 150.0  # mean seconds a caller waits before hanging up (exponential)
TALK_MEDIAN = 140.0  # seconds (lognormal)
WRAP_UP = (5.0, 40.0)  # seconds an agent takes between calls (not logged by app_queue)
QUIET_END = 900.0  # no new callers in the last quarter hour, so the calls can end
PAUSE_REASONS = ("break", "training", "meeting")


@dataclass(slots=True)
class Seat:
    extension: str
    name: str
    logged_in: bool = False
    paused: bool = False
    busy: bool = False  # ringing or talking or wrapping up


@dataclass(slots=True, eq=False)
class Caller:
    callid: str
    give_up_at: float
    ringing: list[Seat] = field(default_factory=list)
    attempt: int = 0  # which ring attempt an answer or a no-answer belongs to
    not_before: float = 0.0  # after a ring attempt nobody answered: the retry wait
    done: bool = False


@dataclass(frozen=True, slots=True)
class HistoryCounts:
    calls: int
    lines: int


class History:
    """One run: ``History(sink, numbers, seed).run(start, end)``; epochs in UTC seconds."""

    def __init__(
        self, sink: Sink, numbers: Sequence[str], seed: int = 7, queue: str = "support"
    ) -> None:
        self.now = 0.0
        self.rng, self.queue, self.numbers = Random(seed), queue, list(numbers)
        self.log = AppQueueLog(lambda: self.now)
        self.lines = 0

        def counted(line: str) -> None:
            self.lines += 1
            sink(line)

        self.log.sink = counted
        self.seats: dict[str, Seat] = {}
        self.waiting: list[Caller] = []
        self._agenda: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._channels = itertools.count(1)
        self.calls = 0

    def run(self, start: float, end: float) -> HistoryCounts:
        """Every day from `start` to `end`: shifts, arrivals, and the calls they make."""
        day = datetime.fromtimestamp(start, UTC).replace(hour=0, minute=0, second=0)
        self.now = start
        self.log.queue_start()
        while day.timestamp() < end:
            self._plan_day(day, start, end)
            day += timedelta(days=1)
        self._play(end)
        return HistoryCounts(self.calls, self.lines)

    # -- the agenda ----------------------------------------------------------------------

    def at(self, moment: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._agenda, (moment, next(self._order), action))

    def _play(self, end: float) -> None:
        while self._agenda and self._agenda[0][0] <= end:
            moment, _, action = heapq.heappop(self._agenda)
            self.now = moment
            action()
        self.now = end

    def _plan_day(self, day: datetime, start: float, end: float) -> None:
        midnight, weekday = day.timestamp(), day.weekday()
        last_arrival = end - QUIET_END
        shifts = shifts_on(weekday)
        for shift in shifts:
            self._plan_shift(shift, midnight, start, end)
        if not shifts:
            return
        opening, closing = min(s.start for s in shifts), max(s.end for s in shifts)
        for hour in range(int(opening), int(closing) + 1):  # callers know the opening hours
            rate = calls_per_hour(weekday, hour) / 3600.0
            moment = midnight + hour * 3600.0
            while rate > 0:
                moment += self.rng.expovariate(rate)
                if moment >= midnight + min(hour + 1, closing) * 3600.0:
                    break
                if start <= moment < last_arrival:
                    self.at(moment, self._arrive)

    def _plan_shift(self, shift: Shift, midnight: float, start: float, end: float) -> None:
        """Login and logout, lunch and breaks, a few minutes early or late."""

        def moment(hours: float) -> float:
            return midnight + hours * 3600.0 + self.rng.uniform(-240.0, 240.0)

        seat = self.seats.setdefault(
            shift.extension, Seat(shift.extension, f"Agent {shift.extension}")
        )
        login, logout = moment(shift.start), min(moment(shift.end), end - 60.0)
        if logout <= start or login >= logout:
            return
        self.at(max(login, start), lambda: self._login(seat))
        pauses = [(h, "break", self.rng.uniform(10, 18)) for h in shift.breaks]
        if shift.lunch is not None:
            pauses.append((shift.lunch[0], "lunch", float(shift.lunch[1])))
        for hours, reason, minutes in pauses:
            if self.rng.random() < 0.1:
                reason = self.rng.choice(PAUSE_REASONS)
            begin = moment(hours)
            if max(login, start) < begin and begin + minutes * 60.0 < logout:
                self.at(begin, partial(self._pause, seat, reason, minutes * 60.0))
        self.at(logout, lambda: self._logout(seat))

    # -- agents --------------------------------------------------------------------------

    def _login(self, seat: Seat) -> None:
        if not seat.logged_in:
            seat.logged_in, seat.paused = True, False
            self.log.member_added(self.queue, f"Local/{seat.extension}@agents", seat.name, False)
            self._offer()

    def _logout(self, seat: Seat) -> None:
        """At the end of the shift, or once the call in hand is over."""
        if seat.busy:
            self.at(self.now + 30.0, lambda: self._logout(seat))
        elif seat.logged_in:
            seat.logged_in = False
            self.log.member_removed(self.queue, f"Local/{seat.extension}@agents", seat.name)

    def _pause(self, seat: Seat, reason: str, length: float) -> None:
        if not seat.logged_in or seat.paused:
            return
        if seat.busy:
            self.at(self.now + 20.0, lambda: self._pause(seat, reason, length))
            return
        seat.paused = True
        self.log.paused(self.queue, seat.name, True, reason)
        self.at(self.now + length, lambda: self._unpause(seat))

    def _unpause(self, seat: Seat) -> None:
        if seat.paused:
            seat.paused = False
            self.log.paused(self.queue, seat.name, False, "")
            self._offer()

    # -- callers -------------------------------------------------------------------------

    def _uniqueid(self) -> str:
        """Asterisk's ``<epoch>.<sequence>``; a call's Local channels take two each."""
        return f"{int(self.now)}.{next(self._channels) * 2}"

    def _number(self) -> str:
        draw = self.rng.random()
        if draw < 0.03 or not self.numbers:
            return "anonymous"
        return "" if draw < 0.04 else self.rng.choice(self.numbers)

    def _arrive(self) -> None:
        self.calls += 1
        patience = self.rng.expovariate(1.0 / PATIENCE)
        caller = Caller(self._uniqueid(), self.now + min(patience, QUEUE_TIMEOUT))
        self.waiting.append(caller)
        self.log.entered(caller.callid, self.queue, self._number(), len(self.waiting))
        timed_out = patience >= QUEUE_TIMEOUT
        self.at(caller.give_up_at, lambda: self._give_up(caller, timed_out))
        self._offer()

    def _free(self) -> list[Seat]:
        return [s for s in self.seats.values() if s.logged_in and not s.paused and not s.busy]

    def _offer(self) -> None:
        """Ringall: the free members ring for the first caller not ringing yet."""
        for caller in self.waiting:
            free = self._free()
            if not free:
                return
            if caller.ringing or caller.not_before > self.now:
                continue
            caller.ringing, caller.attempt = free, caller.attempt + 1
            for seat in free:
                seat.busy = True
            self.log.ringing(caller.callid)
            if self.rng.random() < NO_ANSWER:
                self.at(self.now + MEMBER_TIMEOUT, partial(self._no_answer, caller, caller.attempt))
            else:
                delay = self.rng.uniform(1.0, 7.0)
                self.at(self.now + delay, partial(self._answer, caller, caller.attempt))

    def _release(self, seats: Sequence[Seat]) -> None:
        for seat in seats:
            seat.busy = False

    def _leave(self, caller: Caller) -> int:
        position = self.waiting.index(caller) + 1
        self.waiting.remove(caller)
        caller.done = True
        return position

    def _no_answer(self, caller: Caller, attempt: int) -> None:
        if caller.done or caller.attempt != attempt:
            return
        for seat in caller.ringing:
            self.log.ring_no_answer(caller.callid, seat.name)
        self._release(caller.ringing)
        caller.ringing, caller.not_before = [], self.now + RETRY
        self.at(caller.not_before, self._offer)
        self._offer()  # the members just freed may ring for the callers behind

    def _give_up(self, caller: Caller, timed_out: bool) -> None:
        if caller.done:
            return
        if timed_out:
            for seat in caller.ringing:
                self.log.ring_no_answer(caller.callid, seat.name)
        else:
            self.log.ring_canceled(caller.callid, [seat.name for seat in caller.ringing])
        self._release(caller.ringing)
        event = "EXITWITHTIMEOUT" if timed_out else "ABANDON"
        self.log.left(caller.callid, event, self._leave(caller))
        self._offer()

    def _answer(self, caller: Caller, attempt: int) -> None:
        if caller.done or caller.attempt != attempt:
            return
        agent = self.rng.choice(caller.ringing)
        self._release([seat for seat in caller.ringing if seat is not agent])
        self._leave(caller)
        agent_channel = self._uniqueid()
        self.log.connected(caller.callid, agent.name, agent_channel)
        talk = self.rng.lognormvariate(0.0, 0.6) * TALK_MEDIAN
        self.at(self.now + talk, lambda: self._end(caller, agent, agent_channel))
        self._offer()

    def _end(self, caller: Caller, agent: Seat, agent_channel: str) -> None:
        draw = self.rng.random()
        if draw < 0.03:
            others = sorted(set(self.seats) - {agent.extension}) or [agent.extension]
            self.log.blind_transfer(caller.callid, self.rng.choice(others), "from-internal")
        elif draw < 0.045:
            bridge = uuid.UUID(int=self.rng.getrandbits(128), version=4)
            self.log.attended_transfer(caller.callid, str(bridge))
        else:
            by_caller = draw < 0.55
            self.log.hung_up(caller.callid, caller.callid if by_caller else agent_channel)
        self.at(self.now + self.rng.uniform(*WRAP_UP), lambda: self._wrapped_up(agent))

    def _wrapped_up(self, agent: Seat) -> None:
        agent.busy = False
        self._offer()


def write_history(
    sink: Sink, numbers: Sequence[str], start: float, end: float, seed: int = 7
) -> HistoryCounts:
    """`start` to `end` of seeded traffic, line by line into `sink`."""
    return History(sink, numbers, seed).run(start, end)
