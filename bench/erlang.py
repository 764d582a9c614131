"""What a day's Erlang C staffing costs: 96 intervals of 15 minutes, 10 to 2,000 erlangs each.

Each contender finds, for every interval, the fewest agents that answer 80% of the calls
within 20 s (AHT 180 s), and every contender must find the same agents for every interval
or the run fails. Contenders:

* ``floor``: knowing the answer N beforehand, one pass of Erlang B's recurrence up to N and
  one service level: the least work any recurrence-based search can do. A lower bound,
  not a calculator.
* ``ours``: `cti.reports.erlang.staff_for`, the recurrence continued one agent at a time
  from floor(A) + 1 up.
* ``naive``: the same search, but each candidate N recomputes Erlang B from B(0) (what a
  spreadsheet does with an ``ERLANGB(A, N)`` cell per row).
* ``textbook``: each candidate N computes Erlang C from its textbook formula,
  (A^N/N!)·N/(N-A) / (sum A^k/k! + ...), in log space with ``math.lgamma`` so that it does
  not overflow at 2,000 erlangs (no scipy).

Besides, ``ours, Erlang A`` staffs the same day with callers who hang up after 60 s on
average (`cti.reports.erlang_a.staff_with_patience`): another model, so other answers, timed
for scale only.

Two days: ``ramp`` (traffic rising linearly from 10 to 2,000 erlangs over the 96 intervals)
and ``flat-2000`` (2,000 erlangs all day: the worst case). Times are the median of
``--runs`` runs, each contender's runs interleaved with the others'. Assertion-free apart
from the agreement check; it prints a Markdown table.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cti.reports.erlang import erlang_b, staff_for  # noqa: E402
from cti.reports.erlang_a import staff_with_patience  # noqa: E402

INTERVALS = 96
INTERVAL_SECONDS = 900.0
AHT = 180.0
TARGET_SL = 0.8
TARGET_SECONDS = 20.0
PATIENCE = 60.0
GOAL_SECONDS = 1.0

Day = list[float]
"""Calls per interval."""
Contender = Callable[[Day], list[int]]


def ramp_day() -> Day:
    """Traffic from 10 to 2,000 erlangs in 96 even steps, as calls per 15 minutes."""
    step = (2000 - 10) / (INTERVALS - 1)
    return [(10 + i * step) * INTERVAL_SECONDS / AHT for i in range(INTERVALS)]


def flat_day() -> Day:
    return [2000 * INTERVAL_SECONDS / AHT] * INTERVALS


def traffic_of(calls: float) -> float:
    return calls * AHT / INTERVAL_SECONDS


def meets_target(traffic: float, agents: int, wait_probability: float) -> bool:
    level = 1 - wait_probability * math.exp(-(agents - traffic) * TARGET_SECONDS / AHT)
    return level >= TARGET_SL


def ours(day: Day) -> list[int]:
    return [staff_for(c, INTERVAL_SECONDS, AHT, TARGET_SL, TARGET_SECONDS).agents for c in day]


def ours_erlang_a(day: Day) -> list[int]:
    return [
        staff_with_patience(c, INTERVAL_SECONDS, AHT, TARGET_SL, TARGET_SECONDS, PATIENCE).agents
        for c in day
    ]


def floor_for(answers: list[int]) -> Contender:
    """One recurrence to the known answer and one service level per interval."""

    def floor(day: Day) -> list[int]:
        found = []
        for calls, agents in zip(day, answers, strict=True):
            traffic = traffic_of(calls)
            blocking = erlang_b(traffic, agents)
            wait = agents * blocking / (agents - traffic * (1 - blocking))
            meets_target(traffic, agents, wait)
            found.append(agents)
        return found

    return floor


def naive(day: Day) -> list[int]:
    found = []
    for calls in day:
        traffic = traffic_of(calls)
        agents = math.floor(traffic) + 1
        while True:
            blocking = erlang_b(traffic, agents)
            wait = agents * blocking / (agents - traffic * (1 - blocking))
            if meets_target(traffic, agents, wait):
                break
            agents += 1
        found.append(agents)
    return found


def textbook_erlang_c(traffic: float, agents: int) -> float:
    log_a = math.log(traffic)
    logs = [k * log_a - math.lgamma(k + 1) for k in range(agents)]
    log_top = agents * log_a - math.lgamma(agents + 1) + math.log(agents / (agents - traffic))
    scale = max(max(logs), log_top)
    head = sum(math.exp(x - scale) for x in logs)
    top = math.exp(log_top - scale)
    return top / (head + top)


def textbook(day: Day) -> list[int]:
    found = []
    for calls in day:
        traffic = traffic_of(calls)
        agents = math.floor(traffic) + 1
        while not meets_target(traffic, agents, textbook_erlang_c(traffic, agents)):
            agents += 1
        found.append(agents)
    return found


def timed(contender: Contender, day: Day) -> tuple[float, list[int]]:
    start = time.perf_counter()
    found = contender(day)
    return time.perf_counter() - start, found


def measure(day: Day, runs: int) -> dict[str, float]:
    """Median seconds per contender for the whole day; every contender agrees with ours."""
    answers = ours(day)
    contenders: dict[str, Contender] = {
        "floor": floor_for(answers),
        "ours": ours,
        "naive": naive,
        "textbook": textbook,
    }
    samples: dict[str, list[float]] = {name: [] for name in [*contenders, ERLANG_A]}
    for _ in range(runs):
        for name, contender in contenders.items():
            seconds, found = timed(contender, day)
            if found != answers:
                raise SystemExit(f"{name} disagrees with ours: {found} != {answers}")
            samples[name].append(seconds)
        samples[ERLANG_A].append(timed(ours_erlang_a, day)[0])
    return {name: statistics.median(times) for name, times in samples.items()}


ERLANG_A = f"ours, Erlang A (patience {PATIENCE:g} s)"


def table(days: dict[str, Day], runs: int) -> str:
    lines = [
        "| day | agents (min-max) | contender | median ms / 96 intervals | vs floor | vs ours |",
        "|---|---|---|---:|---:|---:|",
    ]
    for label, day in days.items():
        medians = measure(day, runs)
        answers = ours(day)
        spread = f"{min(answers)}-{max(answers)}"
        for name, seconds in medians.items():
            lines.append(
                f"| {label} | {spread} | {name} | {seconds * 1000:,.2f} "
                f"| {seconds / medians['floor']:,.2f}x | {seconds / medians['ours']:,.2f}x |"
            )
        verdict = "met" if medians["ours"] <= GOAL_SECONDS else "NOT met"
        lines.append(f"| {label} | | goal: ours <= {GOAL_SECONDS:g} s | | {verdict} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per contender (default 5)")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Erlang C staffing, {INTERVALS} intervals of {INTERVAL_SECONDS / 60:g} min, "
        f"AHT {AHT:g} s, target {TARGET_SL:.0%} in {TARGET_SECONDS:g} s; "
        f"Python {sys.version.split()[0]}, {args.runs} runs, load {load:.2f}\n"
    )
    print(table({"ramp": ramp_day(), "flat-2000": flat_day()}, args.runs))


if __name__ == "__main__":
    main()
