"""A seeded year of Asterisk queue_log for a contact centre, in app_queue 22's own format.

Agents work 8-hour shifts starting at 08:00, 10:00 or 12:00 on weekdays (two in five of
them 09:00-17:00 on weekends), join the queue with ADDMEMBER and leave with
REMOVEMEMBER, and take a break, lunch and another break (PAUSE/UNPAUSE with the reason)
once they are free after it is due. Calls arrive as a Poisson process shaped by the hour
(peaks late morning and mid-afternoon, weekends lighter) and go to the agent free
soonest: sometimes a RINGNOANSWER first, then CONNECT and COMPLETECALLER or
COMPLETEAGENT, a few blind and attended transfers. Callers whose patience (exponential)
runs out first ABANDON, after their agent started ringing with a RINGCANCELED, and a
few leave by timeout (EXITWITHTIMEOUT). Lines come in time order, as Asterisk writes them.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

DAY = 86400
WEEKDAY_HOURS = {
    8: 1.0, 9: 1.2, 10: 2.0, 11: 2.2, 12: 2.6, 13: 2.6,
    14: 2.8, 15: 2.6, 16: 2.0, 17: 1.8, 18: 1.0, 19: 0.8,
}  # fmt: skip
WEEKEND_HOURS = dict.fromkeys(range(9, 17), 1.0)
PAUSES = ((10_800, 900, "break"), (14_400, 2_700, "lunch"), (23_400, 900, "break"))
"""(seconds into the shift, length, reason) of each agent's pauses."""


@dataclass(frozen=True, slots=True)
class Centre:
    agents: int = 100
    days: int = 365
    weekday_calls: int = 5350
    weekend_calls: int = 1650
    talk_mean: float = 300.0
    patience_mean: float = 90.0
    start: int = int(datetime(2025, 1, 6, tzinfo=UTC).timestamp())  # a Monday
    seed: int = 12


@dataclass(slots=True)
class Agent:
    name: str
    shift_end: float
    pauses: list[tuple[float, int, str]]


def year(centre: Centre) -> Iterator[str]:
    """The lines of ``centre.days`` days, each with its newline."""
    rng = random.Random(centre.seed)
    calls = 0
    for day in range(centre.days):
        log = DayLog(centre, rng, centre.start + day * DAY, weekend=day % 7 >= 5, calls=calls)
        yield from log.lines()
        calls = log.calls


class DayLog:
    def __init__(
        self, centre: Centre, rng: random.Random, midnight: int, weekend: bool, calls: int
    ) -> None:
        self.centre, self.rng, self.midnight, self.weekend = centre, rng, midnight, weekend
        self.calls = calls
        self.out: list[tuple[int, int, str]] = []
        self.free: list[tuple[float, int, Agent]] = []  # (free at, number, agent)

    def lines(self) -> list[str]:
        self._shifts()
        for arrival in self._arrivals():
            self._call(arrival)
        for at, _, agent in self.free:
            self.log(max(at, agent.shift_end), "MANAGER", agent.name, "REMOVEMEMBER", "")
        self.out.sort()
        return [text for _, _, text in self.out]

    def log(self, at: float, callid: str, agent: str, event: str, data: str) -> None:
        stamp = int(at)
        self.out.append(
            (stamp, len(self.out), f"{stamp}|{callid}|support|{agent}|{event}|{data}\n")
        )

    def _shifts(self) -> None:
        for n in range(self.centre.agents):
            if self.weekend and n % 5 >= 2:
                continue
            hour = 9 if self.weekend else 8 + 2 * (n % 3)
            begin = float(self.midnight + hour * 3600)
            pauses = [(begin + s, length, reason) for s, length, reason in PAUSES]
            agent = Agent(f"Agent {1001 + n}", begin + 8 * 3600, pauses)
            self.log(begin, "MANAGER", agent.name, "ADDMEMBER", "")
            heapq.heappush(self.free, (begin, n, agent))

    def _arrivals(self) -> Iterator[float]:
        hours = WEEKEND_HOURS if self.weekend else WEEKDAY_HOURS
        total = self.centre.weekend_calls if self.weekend else self.centre.weekday_calls
        scale = total / sum(hours.values()) / 3600
        for hour, weight in hours.items():
            t = self.midnight + hour * 3600.0
            end = t + 3600
            while (t := t + self.rng.expovariate(weight * scale)) < end:
                yield t

    def _next_free(self, arrival: float) -> tuple[Agent, float] | None:
        """The agent free soonest; pauses and shift ends are taken as they fall due."""
        while self.free:
            at, n, agent = self.free[0]
            when = max(at, arrival)
            if agent.pauses and agent.pauses[0][0] <= when:
                start, length, reason = agent.pauses.pop(0)
                begin = max(at, start)
                self.log(begin, "NONE", agent.name, "PAUSE", reason)
                self.log(begin + length, "NONE", agent.name, "UNPAUSE", "")
                heapq.heapreplace(self.free, (begin + length, n, agent))
            elif agent.shift_end <= when:
                heapq.heappop(self.free)
                self.log(max(at, agent.shift_end), "MANAGER", agent.name, "REMOVEMEMBER", "")
            else:
                return agent, when
        return None

    def _call(self, arrival: float) -> None:
        self.calls += 1
        callid = f"{int(arrival)}.{self.calls}"
        number = f"+1415{self.rng.randrange(10**7):07d}"
        self.log(arrival, callid, "NONE", "ENTERQUEUE", f"|{number}|1")
        found = self._next_free(arrival)
        if found is None:  # after the last shift
            self.log(arrival + 300, callid, "NONE", "EXITEMPTY", "1|1|300")
            return
        agent, at = found
        rng = self.rng
        ring = rng.uniform(2, 6)
        rings_out = rng.random() < 0.08  # the first agent lets it ring out: 15 s more
        gone = arrival + rng.expovariate(1 / self.centre.patience_mean)
        if rings_out and gone > at + 15:
            self.log(at + 15, callid, agent.name, "RINGNOANSWER", "15000")
            ring += 15
        if gone < at + ring:
            self._gone(callid, agent, at, arrival, gone)
        else:
            self._talk(callid, agent, arrival, at + ring, ring)

    def _gone(self, callid: str, agent: Agent, at: float, arrival: float, gone: float) -> None:
        if gone > at:
            self.log(gone, callid, agent.name, "RINGCANCELED", str(int((gone - at) * 1000)))
        event = "EXITWITHTIMEOUT" if self.rng.random() < 0.05 else "ABANDON"
        self.log(gone, callid, "NONE", event, f"1|1|{int(gone) - int(arrival)}")

    def _talk(self, callid: str, agent: Agent, arrival: float, answer: float, ring: float) -> None:
        rng = self.rng
        hold = int(answer) - int(arrival)
        end = answer + max(1.0, rng.expovariate(1 / self.centre.talk_mean))
        self.log(answer, callid, agent.name, "CONNECT", f"{hold}|{callid}1|{int(ring)}")
        times = f"{hold}|{int(end) - int(answer)}|1"
        roll = rng.random()
        if roll < 0.03:
            target = f"2{rng.randrange(100):03d}"
            self.log(end, callid, agent.name, "BLINDTRANSFER", f"{target}|agents|{times}")
        elif roll < 0.04:
            self.log(end, callid, agent.name, "ATTENDEDTRANSFER", f"BRIDGE|{callid}-b|{times}")
        else:
            event = "COMPLETECALLER" if roll < 0.55 else "COMPLETEAGENT"
            self.log(end, callid, agent.name, event, times)
        _, n, _ = self.free[0]
        heapq.heapreplace(self.free, (end + rng.uniform(5, 30), n, agent))  # wrap-up
