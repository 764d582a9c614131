"""Runs: a server and a client process per run, validation, rows, and the whole benchmark."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import shlex
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ami_bench.contenders import FILTERED, availability, client_main, tracker_events
from ami_bench.server import serve_stream
from ami_bench.stream import Stream, build_stream, count_wanted

MP = multiprocessing.get_context("spawn")
PROFILED = ("ours", "ours+tracker", "ours+tracker+filter", "ours+pipeline+filter", "panoramisk")


def one_run(contender: str, stream: Stream, timeout: float, profile: str = "") -> dict[str, Any]:
    port_in, port_out = MP.Pipe(duplex=False)
    server = MP.Process(target=serve_stream, args=(str(stream.path), port_out, 5.0), daemon=True)
    server.start()
    try:
        if not port_in.poll(60):
            return {"error": "server did not start"}
        port = port_in.recv()
        res_in, res_out = MP.Pipe(duplex=False)
        client = MP.Process(
            target=client_main, args=(contender, port, timeout, profile, res_out), daemon=True
        )
        client.start()
        try:
            if not res_in.poll(timeout + 60):
                return {"error": f"client process hung (> {timeout + 60:.0f} s)"}
            return res_in.recv()
        except EOFError:
            return {"error": f"client process died (exit code {client.exitcode})"}
        finally:
            _stop(client)
    finally:
        _stop(server)


def _stop(process: Any) -> None:
    process.join(5)
    if process.is_alive():
        process.kill()  # only ever a process this script started
        process.join()


@dataclass
class Row:
    contender: str
    label: str
    events: int  # events sent, and the numerator of every rate
    #: events on_event must see when the client parses fewer than it receives
    #: (ours+tracker+filter); None: all of them
    parsed_events: int | None = None
    status: str = "ok"
    runs: list[float] = field(default_factory=list)
    median: float | None = None
    ratio_vs_panoramisk: float | None = None
    failures: int = 0
    notes: list[str] = field(default_factory=list)
    raw: list[dict[str, Any]] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return self.events if self.parsed_events is None else self.parsed_events


def evaluate(row: Row, result: dict[str, Any]) -> None:
    row.raw.append(result)
    if "error" in result:
        row.failures += 1
        row.notes.append(result["error"])
    elif not result["finished"]:
        row.failures += 1
        why = result.get("thread_died", "no BenchDone before the timeout")
        row.notes.append(f"stopped after {result['events']} of {row.expected} events: {why}")
    elif result["events"] != row.expected:
        row.failures += 1
        if row.parsed_events is None:
            row.notes.append(f"counted {result['events']} events, sent {row.events}")
        else:
            row.notes.append(
                f"counted {result['events']} events, expected {row.parsed_events} "
                f"of the {row.events} sent"
            )
    else:
        row.runs.append(row.events / result["seconds"])  # all events sent, parsed or not


def probe_pyst2_chanvariable(stream: Stream) -> str:
    result = one_run("pyst2", stream, timeout=5)
    if "error" in result:
        return f"pyst2 on a stream with ChanVariable: {result['error']}"
    if result.get("finished") and result["events"] == stream.events:
        return "pyst2 survived a stream with ChanVariable headers"
    died = result.get("thread_died", "events stopped arriving")
    return (
        f"pyst2 on the same kind of stream WITH ChanVariable headers: its parser thread died "
        f"({died}); it delivered {result['events']} of {stream.events} events, then nothing"
    )


def _load() -> str:
    """1-minute load average: other work on the machine skews every number here."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_benchmark(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    started, load_start = time.monotonic(), _load()
    print(f"generating streams (seed {args.seed}) ...", file=sys.stderr)
    stream = build_stream(workdir / "ami_stream.raw", args.events, args.seed, chanvars=True)
    rows = []
    pyst2_stream = probe = None
    for contender in args.only:
        label, problem = availability(contender)
        size = stream
        if contender == "pyst2" and not problem:
            pyst2_stream = build_stream(
                workdir / "ami_stream_pyst2.raw", args.pyst2_events, args.seed, chanvars=False
            )
            size = pyst2_stream
        events = args.pyst2_events if contender == "pyst2" else size.events
        row = Row(contender, label, events)
        if contender in FILTERED and not problem:
            row.parsed_events = count_wanted(stream.path, tracker_events(contender))
        if problem == "not installed":
            row.status = problem
        elif problem:
            row.status = "unavailable"
            row.notes.append(problem)
        rows.append(row)
    for run in range(args.runs):
        for row in rows:
            if row.status == "ok" and not (row.failures and not row.runs):
                row_stream = pyst2_stream if row.contender == "pyst2" else stream
                assert row_stream is not None
                print(f"run {run + 1}/{args.runs}: {row.label} ...", file=sys.stderr)
                evaluate(row, one_run(row.contender, row_stream, args.timeout))
    if pyst2_stream is not None:
        probe_stream = build_stream(workdir / "ami_stream_probe.raw", 2000, args.seed, True)
        probe = probe_pyst2_chanvariable(probe_stream)
    by_name = {r.contender: r for r in rows}
    for row in rows:
        if row.runs:
            row.median = statistics.median(row.runs)
        if row.failures and row.status == "ok":
            row.status = "partly failed" if row.runs else "failed"
    base = by_name.get("panoramisk")
    for row in rows:
        if row.median and base and base.median:
            row.ratio_vs_panoramisk = row.median / base.median
    profiles = profile_runs(args, rows, stream) if args.profile else {}
    return {
        "command": shlex.join([sys.executable, *sys.argv]),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "cpu": f"{cpu_model()} ({os.cpu_count()} logical CPUs)",
        "platform": platform.platform(),
        "stream": _stream_info(stream),
        "pyst2_stream": _stream_info(pyst2_stream) if pyst2_stream else None,
        "pyst2_chanvariable_probe": probe,
        "rows": [asdict(r) for r in rows],
        "profiles": profiles,
        "wall_seconds": round(time.monotonic() - started, 1),
        "load_average": {"start": load_start, "end": _load()},
    }


def profile_runs(args: argparse.Namespace, rows: list[Row], stream: Stream) -> dict[str, str]:
    import io
    import pstats

    out = {}
    folder = Path(args.profile)
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:
        if row.contender not in PROFILED or not row.runs:
            continue
        path = folder / f"{row.contender.replace('+', '_')}.pstats"
        print(f"profiling {row.label} ...", file=sys.stderr)
        one_run(row.contender, stream, args.timeout, profile=str(path))
        text = io.StringIO()
        stats = pstats.Stats(str(path), stream=text)
        stats.strip_dirs().sort_stats("tottime").print_stats(18)
        out[row.contender] = f"{path}\n" + text.getvalue().split("\n\n", 1)[-1].strip()
    return out


def _stream_info(stream: Stream) -> dict[str, Any]:
    info = asdict(stream)
    info["path"] = str(stream.path)
    return info
