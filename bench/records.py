"""What recording calls costs the event loop: publishing with and without the call records.

The events are the tracker's own output for the real Asterisk 22 recordings in
``tests/fixtures/ami/*.raw``, cloned into ``--calls`` calls with fresh call ids, ``--in-flight``
calls interleaved. Each contender handles the same events on this thread, as `cti.app`
does, in rounds that alternate the contenders:

* ``publish``: `Broker.publish` only (routing, per-agent journal, JSON encoding), no agent
  connected: the server without records;
* ``publish+records``: the same plus `CallRecorder.record` (each event) and
  `CallRecorder.add_contact` (each published ringing event), with the writer thread
  committing to a real SQLite file (WAL, default synchronous) in a temp directory.

Per contender: events/s on the loop's thread, and the time of one event's handling (p50,
p99, max, in µs): a write that blocked the loop would show in the tail. For the records,
also the time until the writer has committed everything (durable calls/s), the number of
commits and the calls per commit. Assertion-free: it prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cti.ami.messages import Event  # noqa: E402
from cti.ami.parser import AmiParser  # noqa: E402
from cti.broker import AgentDirectory, AgentIdentity, Broker, BrokerMetrics  # noqa: E402
from cti.calls.tracker import CallTracker  # noqa: E402
from cti.protocol import CallRinging, DomainEvent  # noqa: E402
from cti.records import CallRecords  # noqa: E402
from cti.records.writer import COMMIT_EVERY  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "ami"
CONTACT = {"id": 1, "name": "Alice Example", "match": "exact"}


def recorded_calls() -> list[list[DomainEvent]]:
    """The domain events of each recorded scenario that produced any, per call."""
    calls: list[list[DomainEvent]] = []
    for path in sorted(FIXTURES.glob("*.raw")):
        if path.name.endswith(".sent.raw"):
            continue
        tracker = CallTracker(default_region="US")
        by_call: dict[str, list[DomainEvent]] = {}
        for message in AmiParser().feed(path.read_bytes()):
            if isinstance(message, Event):
                for event in tracker.handle(message):
                    by_call.setdefault(event.call_id, []).append(event)
        calls.extend(by_call.values())
    return calls


def stream(count: int, in_flight: int) -> list[DomainEvent]:
    """``count`` calls cloned from the recordings, ``in_flight`` of them interleaved."""
    templates = recorded_calls()
    out: list[DomainEvent] = []
    for start in range(0, count, in_flight):
        group = [
            [dataclasses.replace(e, call_id=f"bench.{n}") for e in templates[n % len(templates)]]
            for n in range(start, min(start + in_flight, count))
        ]
        for step in range(max(len(events) for events in group)):
            out.extend(events[step] for events in group if step < len(events))
    return out


def broker() -> Broker:
    agents = AgentDirectory(
        {f"tok-{ext}": AgentIdentity(f"agent{ext}", ext, "agent") for ext in ("1001", "1002")}
        | {"tok-sup": AgentIdentity("sup", "1999", "supervisor")}
    )
    return Broker(agents, 1000, BrokerMetrics())


def run(events: list[DomainEvent], handle: Callable[[DomainEvent], None]) -> dict[str, float]:
    times: list[int] = []
    clock = time.perf_counter_ns
    started = clock()
    for event in events:
        before = clock()
        handle(event)
        times.append(clock() - before)
    elapsed = (clock() - started) / 1e9
    times.sort()
    return {
        "events_per_s": len(events) / elapsed,
        "p50_us": times[len(times) // 2] / 1e3,
        "p99_us": times[int(len(times) * 0.99)] / 1e3,
        "max_us": times[-1] / 1e3,
    }


class Contender:
    """One way of handling the stream; `close` returns what it measured besides time."""

    commit_every = COMMIT_EVERY

    def __init__(self, name: str, directory: Path) -> None:
        self.name = name
        self.hub = broker()
        self.records: CallRecords | None = None
        if name == "publish+records":
            self.records = CallRecords(directory / "records.db", 400)
            self.records.writer.commit_every = self.commit_every
            self.records.start()

    def handle(self, event: DomainEvent) -> None:
        """As CtiApp._feed and CtiApp._publish do: publish, record, then the contact."""
        published = enriched(event)
        self.hub.publish(published)
        if self.records is not None:
            self.records.recorder.record(event)
            self.records.recorder.add_contact(published)

    def close(self, started: float, calls: int) -> dict[str, float]:
        if self.records is None:
            return {}
        self.records.writer.wait_written(600.0)
        durable = time.perf_counter() - started
        stats = self.records.writer.stats
        asyncio.run(self.records.aclose())
        return {
            "durable_calls_per_s": calls / durable,
            "calls_per_commit": stats.calls_written / max(1, stats.batches),
            "commits": float(stats.batches),
        }


def flat_out(name: str, events: list[DomainEvent], directory: Path) -> dict[str, float]:
    """As fast as the thread goes: events/s and the time of each event."""
    contender = Contender(name, directory)
    started = time.perf_counter()
    result = run(events, contender.handle)
    return result | contender.close(started, len({e.call_id for e in events}))


async def _paced(
    events: list[DomainEvent], handle: Callable[[DomainEvent], None], rate: float
) -> list[float]:
    loop = asyncio.get_running_loop()
    tick = 0.001
    lags: list[float] = []
    start = loop.time()
    done = 0
    step = 0
    while done < len(events):
        step += 1
        target = start + step * tick
        await asyncio.sleep(max(0.0, target - loop.time()))
        lags.append(loop.time() - target)
        until = min(len(events), int(step * tick * rate))
        for event in events[done:until]:
            handle(event)
        done = max(done, until)
    return lags


def paced(name: str, events: list[DomainEvent], directory: Path, rate: float) -> dict[str, float]:
    """At ``rate`` events/s on a running loop: how late a 1 ms timer fires (loop lag), and
    the CPU time of the whole process (both threads) per event, which load elsewhere on
    the machine moves far less than the lag."""
    contender = Contender(name, directory)
    cpu = time.process_time()
    lags = sorted(asyncio.run(_paced(events, contender.handle, rate)))
    closed = contender.close(time.perf_counter(), 1)
    cpu = time.process_time() - cpu
    return {
        "lag_p50_ms": lags[len(lags) // 2] * 1e3,
        "lag_p99_ms": lags[int(len(lags) * 0.99)] * 1e3,
        "lag_max_ms": lags[-1] * 1e3,
        "paced_cpu_us": cpu / len(events) * 1e6,
        "paced_commits": closed.get("commits", 0.0),
    }


def enriched(event: DomainEvent) -> DomainEvent:
    if isinstance(event, CallRinging):
        return dataclasses.replace(event, contact=CONTACT, matches=(CONTACT,))
    return event


def median(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def report(args: argparse.Namespace, events: int, results: dict[str, dict[str, float]]) -> str:
    load = os.getloadavg()[0]
    lines = [
        f"{args.calls} calls, {events} events, {args.in_flight} in flight, "
        f"median of {args.runs} runs; writer commits at most every {args.commit_every} s; "
        f"load average {load:.2f}",
        "",
        "| contender | events/s | p50 µs | p99 µs | max µs | durable calls/s | calls/commit "
        f"| at {args.rate:,.0f} events/s: loop lag p50 / p99 / max ms | CPU µs/event | commits |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in results.items():
        durable = "- | -"
        if "durable_calls_per_s" in row:
            durable = f"{row['durable_calls_per_s']:,.0f} | {row['calls_per_commit']:,.1f}"
        lag = f"{row['lag_p50_ms']:.2f} / {row['lag_p99_ms']:.2f} / {row['lag_max_ms']:.1f}"
        lines.append(
            f"| {name} | {row['events_per_s']:,.0f} | {row['p50_us']:.1f} | "
            f"{row['p99_us']:.1f} | {row['max_us']:,.0f} | {durable} | {lag} | "
            f"{row['paced_cpu_us']:.1f} | {row['paced_commits']:,.0f} |"
        )
    base, rec = results["publish"]["events_per_s"], results["publish+records"]["events_per_s"]
    lines += ["", f"publish+records runs at {rec / base:.2f}x the events/s of publish alone."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--in-flight", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=float, default=2000.0, help="paced events/s")
    parser.add_argument("--paced-events", type=int, default=10000)
    parser.add_argument(
        "--commit-every", type=float, default=COMMIT_EVERY, help="the writer's pause, s"
    )
    args = parser.parse_args(argv)
    Contender.commit_every = args.commit_every
    events = stream(args.calls, args.in_flight)
    gc.collect()
    gc.freeze()  # the stream itself is not the server's garbage: keep it out of GC pauses
    names = ("publish", "publish+records")
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for _ in range(args.runs):
        for name in names:
            with tempfile.TemporaryDirectory(prefix="cti-bench-records-") as scratch:
                row = flat_out(name, events, Path(scratch))
            with tempfile.TemporaryDirectory(prefix="cti-bench-records-") as scratch:
                row |= paced(name, events[: args.paced_events], Path(scratch), args.rate)
            rows[name].append(row)
    print(report(args, len(events), {name: median(runs) for name, runs in rows.items()}))
    print(f"\n`{' '.join(['python', 'bench/records.py', *(argv or sys.argv[1:])])}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
