"""How long reports take on a year of a 100-agent centre, against a plain SQL floor.

Generates (or reuses, ``--db``) a seeded records file: a year of one centre with
``--agents`` agents and three queues, weekdays busier than weekends, a morning and an
afternoon peak, about 1.2 million queue calls (the calls of ~5 million queue_log lines:
ENTERQUEUE, CONNECT, COMPLETE* and some RINGNOANSWER/ABANDON per call) and each agent's
state periods (about 3.4 million rows). The rows go in with ``executemany`` through the real
schema (`cti.records.schema.open_records`). ``--source queue-log`` takes the queue_log
import benchmark's year instead (`queue_log_year.py`), imported by cti's own importer.

Then, in rounds that alternate the contenders (so they share the machine's mood), it
times with ``perf_counter``:

* ``month intervals``: `ReportBook.intervals` of one month, 30-minute intervals, all
  queues (the calls, the agents' periods clipped to 1,440 intervals, Erlang C each);
* ``month intervals, 1 queue``: the same for one queue (its agents found by their calls);
* ``month html``: `ReportBook.html` of that month (the intervals, its heatmap, the page);
* ``year heatmap``: `ReportBook.heatmap` of the whole year;

and beside each its floor, one plain query over the same rows: ``SELECT ... count(*)
... GROUP BY`` of the month's calls and agent periods by interval, or of the year's calls
by hour. It prints a Markdown table of medians and ratios. Goals (issue 12): a month's
interval report in at most 2 s, the year's heatmap in at most 5 s.

    .venv/bin/python bench/reports.py                  # generate in a temp dir, 3 rounds
    .venv/bin/python bench/reports.py --db /tmp/year.db --runs 5   # keep and reuse the file
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cti.records.schema import open_records  # noqa: E402
from cti.reports.query import ReportQuery  # noqa: E402
from cti.reports.service import ReportBook  # noqa: E402
from cti.reports.settings import ReportSettings  # noqa: E402

QUEUES = ("support", "sales", "billing")
CALL_SQL = (
    "INSERT INTO calls (call_id, direction, queue, arrived_at, answered_at, answered_by, "
    "ended_at, waited_seconds, held_seconds, abandoned, talk_seconds, wrapup_seconds) "
    "VALUES (?, 'inbound', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
LEG_SQL = (
    "INSERT INTO call_agents (call_id, leg, extension, rang_at, answered_at, ended_at, outcome) "
    "VALUES (?, 0, ?, ?, ?, ?, ?)"
)
PERIOD_SQL = (
    "INSERT INTO agent_periods (extension, state, reason, started_at, ended_at, call_id) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def day_load(day: date, hour: float) -> float:
    """Calls per hour: weekday peaks at 10:30 and 15:00, a quieter Saturday, Sunday off."""
    if day.weekday() == 6:
        return 0.0
    scale = 0.45 if day.weekday() == 5 else 1.0
    if not 8 <= hour < 20:
        return 0.0
    return scale * (
        740 * math.exp(-((hour - 10.5) ** 2) / 3) + 570 * math.exp(-((hour - 15) ** 2) / 4)
    )


class Agent:
    __slots__ = ("end", "extension", "free", "lunch", "periods", "start")

    def __init__(self, extension: str, start: float, end: float, lunch: float) -> None:
        self.extension, self.start, self.end, self.lunch = extension, start, end, lunch
        self.free = start
        self.periods: list[Span] = []


Span = tuple[str, str | None, float, float, str | None]
"""state, reason, start, end, call_id."""


def next_agent(heap: list[tuple[float, int]], staff: list[Agent], at: float) -> Agent | None:
    """The agent free first for a call arriving at ``at`` (off shift and lunch skipped)."""
    while heap:
        free, index = heap[0]
        agent, moment = staff[index], max(free, at)
        if moment >= agent.end:
            heapq.heappop(heap)  # gone home
        elif agent.lunch <= moment < agent.lunch + 1800:
            agent.periods.append(
                ("paused", "lunch", max(free, agent.lunch), agent.lunch + 1800, None)
            )
            agent.free = agent.lunch + 1800
            heapq.heapreplace(heap, (agent.free, index))
        else:
            return agent
    return None


def one_day(
    day: date, tz: ZoneInfo, agents: int, rng: random.Random, serial: Iterator[int]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()
    staff = [
        Agent(
            f"{1001 + n}",
            midnight + (8 + (n % 4) * 1.5) * 3600,
            midnight + (8 + (n % 4) * 1.5 + 8.5) * 3600,
            midnight + (12 + n % 3 * 0.5) * 3600,
        )
        for n in range(agents)
    ]
    heap = [(agent.start, index) for index, agent in enumerate(staff)]
    heapq.heapify(heap)
    calls: list[tuple[object, ...]] = []
    legs: list[tuple[object, ...]] = []
    arrivals = sorted(
        midnight + (hour + rng.random()) * 3600
        for hour in range(24)
        for _ in range(int(day_load(day, hour + 0.5) * rng.uniform(0.9, 1.1)))
    )
    for at in arrivals:
        call_id = f"{next(serial)}"
        queue = QUEUES[0] if rng.random() < 0.6 else rng.choice(QUEUES[1:])
        agent = next_agent(heap, staff, at)
        answer = max(agent.free, at) if agent is not None else math.inf
        patience = rng.expovariate(1 / 120)
        if agent is None or answer - at > patience:
            gave_up = at + patience
            calls.append(
                (call_id, queue, at, None, None, gave_up, round(patience, 3), 0.0, 1, None, None)
            )
            continue
        talk, wrapup = rng.uniform(60, 420), rng.uniform(5, 45)
        hold = rng.choice((0.0, 0.0, 0.0, 30.0))
        end = answer + talk + hold
        row = (call_id, queue, at, answer, agent.extension, end, round(answer - at, 3), hold, 0)
        calls.append((*row, talk, wrapup))
        legs.append((call_id, agent.extension, at + 0.2, answer, end, "answered"))
        agent.periods.append(("on-call", None, answer, end, call_id))
        agent.periods.append(("wrap-up", "wrap-up", end, end + wrapup, call_id))
        agent.free = end + wrapup
        heapq.heapreplace(heap, (agent.free, staff.index(agent)))
    return calls, legs, [row for agent in staff for row in day_periods(agent)]


def day_periods(agent: Agent) -> Iterator[tuple[object, ...]]:
    """The agent's spans in order, available in the gaps, logged out after the shift."""
    moment = agent.start
    for state, reason, start, end, call_id in sorted(agent.periods, key=lambda span: span[2]):
        if start > moment:
            yield (agent.extension, "available", None, moment, start, None)
        if end > moment:
            yield (agent.extension, state, reason, max(start, moment), end, call_id)
            moment = end
    if moment < agent.end:
        yield (agent.extension, "available", None, moment, agent.end, None)
    yield (agent.extension, "logged-out", None, max(moment, agent.end), None, None)


def generate(
    path: Path, first: date, days: int, agents: int, seed: int, tz: ZoneInfo
) -> dict[str, int]:
    open_records(path).close()
    rng, serial = random.Random(seed), iter(range(10**9))
    counts = {"calls": 0, "agent_periods": 0}
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA synchronous = OFF")
        open_periods: dict[str, tuple[str, float]] = {}
        for number in range(days):
            calls, legs, periods = one_day(first + timedelta(days=number), tz, agents, rng, serial)
            closed = []
            for row in periods:  # yesterday's logged-out period ends at today's first state
                before = open_periods.pop(row[0], None)
                if before is not None:
                    closed.append((row[3], before[0], before[1]))
                if row[4] is None:
                    open_periods[row[0]] = (row[0], row[3])
            with conn:
                conn.executemany(CALL_SQL, calls)
                conn.executemany(LEG_SQL, legs)
                conn.executemany(PERIOD_SQL, periods)
                conn.executemany(
                    "UPDATE agent_periods SET ended_at = ? WHERE extension = ? AND started_at = ?",
                    closed,
                )
            counts["calls"] += len(calls)
            counts["agent_periods"] += len(periods)
        conn.execute("ANALYZE")
    return counts


def floor_month(path: Path, start: float, end: float) -> Callable[[], object]:
    def run() -> object:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            calls = conn.execute(
                "SELECT CAST(arrived_at / 1800 AS INTEGER) AS slot, count(*) FROM calls "
                "WHERE arrived_at >= ? AND arrived_at < ? GROUP BY slot",
                (start, end),
            ).fetchall()
            periods = conn.execute(
                "SELECT CAST(started_at / 1800 AS INTEGER) AS slot, count(*) FROM agent_periods "
                "WHERE started_at >= ? AND started_at < ? GROUP BY slot",
                (start, end),
            ).fetchall()
            return len(calls) + len(periods)

    return run


def floor_year(path: Path, start: float, end: float) -> Callable[[], object]:
    def run() -> object:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            return conn.execute(
                "SELECT CAST(arrived_at / 3600 AS INTEGER) % 24 AS hour, count(*) FROM calls "
                "WHERE arrived_at >= ? AND arrived_at < ? GROUP BY hour",
                (start, end),
            ).fetchall()

    return run


def timed(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="records file to reuse (generated if missing)")
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timezone", default="Europe/Paris")
    parser.add_argument(
        "--source",
        choices=("generated", "queue-log"),
        default="generated",
        help="generated: this script's year; queue-log: bench/queue_log_year.py's year of "
        "queue_log (the import benchmark's), imported by cti's importer",
    )
    args = parser.parse_args()
    tz = ZoneInfo(args.timezone)
    first = date(2025, 1, 1) if args.source == "generated" else date(2025, 1, 6)
    with tempfile.TemporaryDirectory(prefix="cti-bench-reports-") as scratch:
        path = args.db or Path(scratch) / "records.db"
        if not path.exists():
            began = time.perf_counter()
            if args.source == "generated":
                generate(path, first, args.days, args.agents, args.seed, tz)
            else:
                from_queue_log(path, Path(scratch) / "queue_log", args.days, args.agents)
            calls, periods = (count(path, table) for table in ("calls", "agent_periods"))
            print(
                f"{args.source}: {calls:,} calls and {periods:,} agent periods in "
                f"{time.perf_counter() - began:.0f} s ({path.stat().st_size / 2**20:.0f} MiB)"
            )
        measure(path, first, args.days, tz, args.runs)
    return 0


def from_queue_log(path: Path, log: Path, days: int, agents: int) -> None:
    """The import benchmark's seeded year of queue_log, imported as cti imports it."""
    sys.path.insert(0, str(ROOT / "bench"))
    from queue_log_year import Centre, year

    from cti.records.queuelog import import_queue_log

    with log.open("w", encoding="utf-8") as out:
        out.writelines(year(Centre(agents=agents, days=days)))
    import_queue_log(log, path)
    log.unlink()


def count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def measure(path: Path, first: date, days: int, tz: ZoneInfo, runs: int) -> None:
    now = datetime(first.year + 1, 6, 1, tzinfo=tz).timestamp()
    book = ReportBook(path, ReportSettings(timezone=tz), clock=lambda: now)
    month = ReportQuery(date(first.year, 3, 1), date(first.year, 3, 31), (), 30)
    one_queue = ReportQuery(month.first, month.last, ("support",), 30)
    year = ReportQuery(first, first + timedelta(days=days - 1), (), 60)
    m_start = datetime(first.year, 3, 1, tzinfo=tz).timestamp()
    m_end = datetime(first.year, 4, 1, tzinfo=tz).timestamp()
    y_start = datetime(first.year, first.month, first.day, tzinfo=tz).timestamp()
    y_end = y_start + days * 86400
    contenders: dict[str, Callable[[], object]] = {
        "month intervals": lambda: book.intervals(month),
        "month intervals, 1 queue": lambda: book.intervals(one_queue),
        "month html": lambda: book.html(month),
        "year heatmap": lambda: book.heatmap(year),
        "floor: month GROUP BY": floor_month(path, m_start, m_end),
        "floor: year GROUP BY": floor_year(path, y_start, y_end),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for work in contenders.values():
        work()  # warm the page cache once; every round then reads a warm file
    for _ in range(runs):
        for name, work in contenders.items():
            times[name].append(timed(work))
    median = {name: statistics.median(values) for name, values in times.items()}
    goals = {"month intervals": 2.0, "month intervals, 1 queue": 2.0, "year heatmap": 5.0}
    floors = {"year heatmap": "floor: year GROUP BY"}
    print(f"\nload average {os.getloadavg()[0]:.2f}; median of {runs} rounds\n")
    print("| report | seconds | goal | floor (s) | ratio to floor |")
    print("|---|---|---|---|---|")
    for name in ("month intervals", "month intervals, 1 queue", "month html", "year heatmap"):
        floor = floors.get(name, "floor: month GROUP BY")
        goal = goals.get(name)
        print(
            f"| {name} | {median[name]:.3f} | {f'≤ {goal:g}' if goal else '-'} | "
            f"{median[floor]:.3f} | {median[name] / median[floor]:.1f}x |"
        )


if __name__ == "__main__":
    sys.exit(main())
