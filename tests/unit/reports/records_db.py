"""Real records files for report tests, made by `cti.records.schema.open_records` (the
real migrations), and the rows the tests need: queue calls, agent legs, agent periods.
"""

from __future__ import annotations

import math
import random
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from cti.records.schema import open_records


def make_records(path: Path) -> Path:
    """A new records file of the current schema, made by the real migrations."""
    open_records(path).close()
    return path


@dataclass
class QueueCall:
    """One queue call to write: times in seconds after ``at`` (the queue join)."""

    call_id: str
    at: float
    queue: str = "support"
    waited: float | None = 10.0
    answered: bool = True
    abandoned: bool = False
    ended: bool = True
    talk: float = 100.0
    hold: float = 0.0
    wrapup: float | None = None
    agent: str | None = "1001"
    direction: str = "inbound"


def add_calls(path: Path, *calls: QueueCall) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        for call in calls:
            answered_at = call.at + (call.waited or 0.0) if call.answered else None
            if call.answered:
                ended_at = (answered_at or 0.0) + call.talk + call.hold
            else:
                ended_at = call.at + (call.waited or 0.0)
            conn.execute(
                "INSERT INTO calls (call_id, direction, queue, arrived_at, answered_at, "
                "answered_by, ended_at, waited_seconds, held_seconds, abandoned, "
                "talk_seconds, wrapup_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    call.call_id,
                    call.direction,
                    call.queue,
                    call.at,
                    answered_at,
                    call.agent if call.answered else None,
                    ended_at if call.ended else None,
                    call.waited,
                    call.hold,
                    int(call.abandoned),
                    call.talk if call.answered and call.ended else None,
                    call.wrapup,
                ),
            )
            if call.agent is not None:
                conn.execute(
                    "INSERT INTO call_agents (call_id, leg, extension, rang_at, answered_at, "
                    "ended_at, outcome) VALUES (?, 0, ?, ?, ?, ?, ?)",
                    (
                        call.call_id,
                        call.agent,
                        call.at + 1.0,
                        answered_at,
                        ended_at if call.ended else None,
                        "answered" if call.answered else "abandoned",
                    ),
                )


Period = tuple[str, str, float, float | None, str | None]
"""extension, state, start, end (None: still open), reason."""


def add_period(
    path: Path,
    extension: str,
    state: str,
    start: float,
    end: float | None,
    reason: str | None = None,
) -> None:
    add_periods(path, [(extension, state, start, end, reason)])


def add_periods(path: Path, periods: list[Period]) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executemany(
            "INSERT INTO agent_periods (extension, state, started_at, ended_at, reason) "
            "VALUES (?, ?, ?, ?, ?)",
            periods,
        )


def busy_day(path: Path, midnight: float, agents: int = 12, seed: int = 7) -> int:
    """A seeded, realistic day of one queue: a morning and an afternoon peak, agents on
    shifts with a lunch, each answered call taken by a free agent (talk, then wrap-up),
    and callers who give up when no agent is free. Returns the number of calls written.
    """
    rng = random.Random(seed)
    shifts = []
    for index in range(agents):
        start = midnight + (7 + index % 4) * 3600
        lunch = midnight + (12 + index % 2) * 3600 + (index % 3) * 600
        shifts.append((f"{1001 + index}", start, start + 8.5 * 3600, lunch))
    free = {extension: start for extension, start, _, _ in shifts}
    busy: dict[str, list[tuple[str, float, float]]] = {extension: [] for extension in free}
    arrivals = []
    for hour in range(7, 20):
        load = 150 * math.exp(-((hour - 10.5) ** 2) / 3) + 110 * math.exp(-((hour - 15) ** 2) / 4)
        calls_this_hour = int(load * rng.uniform(0.8, 1.2))
        arrivals += [midnight + hour * 3600 + rng.uniform(0, 3600) for _ in range(calls_this_hour)]
    calls = []
    for number, at in enumerate(sorted(arrivals)):
        call_id = f"{midnight:.0f}-{number}"
        patience = rng.expovariate(1 / 90)
        ready = [
            (max(free[ext], at), ext)
            for ext, start, end, lunch in shifts
            if start <= max(free[ext], at) < end and not lunch <= max(free[ext], at) < lunch + 1800
        ]
        answer, agent = min(ready, default=(math.inf, ""))
        talk, wrapup = rng.uniform(60, 360), rng.uniform(5, 40)
        if answer - at > patience:
            calls.append(
                QueueCall(
                    call_id,
                    at,
                    waited=round(patience, 3),
                    answered=False,
                    abandoned=True,
                    agent=None,
                )
            )
            continue
        free[agent] = answer + talk + wrapup
        busy[agent] += [("on-call", answer, answer + talk), ("wrap-up", answer + talk, free[agent])]
        calls.append(
            QueueCall(
                call_id, at, waited=round(answer - at, 3), talk=talk, wrapup=wrapup, agent=agent
            )
        )
    add_calls(path, *calls)
    periods: list[Period] = []
    for extension, start, end, lunch in shifts:
        spans = sorted([*busy[extension], ("paused", lunch, lunch + 1800)], key=lambda s: s[1])
        moment = start
        for state, begin, finish in spans:
            if finish <= moment:
                continue  # a lunch taken while a call went on is no lunch
            if begin > moment:
                periods.append((extension, "available", moment, begin, None))
            reason = {"paused": "lunch", "wrap-up": "wrap-up"}.get(state)
            periods.append((extension, state, max(begin, moment), finish, reason))
            moment = finish
        if moment < end:
            periods.append((extension, "available", moment, end, None))
        periods.append((extension, "logged-out", max(moment, end), None, None))
    add_periods(path, periods)
    return len(calls)
