"""AMI ingest throughput, end to end over loopback: our client against panoramisk and pyst2.

One invocation builds a deterministic synthetic AMI stream from the real Asterisk 22
recordings in ``tests/fixtures/ami`` (whole call lifecycles, replayed with fresh
Uniqueid/Linkedid/channel/bridge ids, agents, caller names and numbers, interleaved as
concurrent calls), writes it to a temp file once, and for every contender and run spawns:

* an AMI server process on 127.0.0.1:0 that sends the banner, accepts the Login, answers
  every action, then sends ``Event: BenchStart``, the whole stream as fast as the socket
  takes it, and ``Event: BenchDone``;
* a fresh client process that counts events; the clock (``perf_counter`` in the client)
  runs from handling BenchStart to handling BenchDone.

``ours+tracker+filter`` is ``ours+tracker`` with the client told to parse only the events
the tracker reads (``AmiClient(events=tracker.handled_events | {BenchStart, BenchDone})``),
as the production server runs; its rate still counts every event of the stream.

This file is the command line; the benchmark itself lives in ``bench/ami_bench/``.
Run it through ``bench/run_ami_ingest.sh`` so the baselines live in their own venv; in the
project venv alone the baseline rows say "not installed".
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from ami_bench.contenders import CONTENDERS
from ami_bench.report import report
from ami_bench.runner import run_benchmark


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--events", type=int, default=200_000, help="events in the main stream")
    p.add_argument("--pyst2-events", type=int, default=10_000, help="events in pyst2's stream")
    p.add_argument("--runs", type=int, default=3, help="runs per contender (median is kept)")
    p.add_argument("--only", default=",".join(CONTENDERS), help="comma-separated contenders")
    p.add_argument("--seed", type=int, default=22, help="stream generator seed")
    p.add_argument("--timeout", type=float, default=120, help="seconds allowed per run")
    p.add_argument("--json", metavar="PATH", help="also save the results as JSON")
    p.add_argument("--profile", metavar="DIR", help="one extra cProfile'd run of all but pyst2")
    p.add_argument("--keep-stream", metavar="DIR", help="keep the generated streams in DIR")
    args = p.parse_args(argv)
    args.only = [c.strip() for c in args.only.split(",") if c.strip()]
    if unknown := set(args.only) - set(CONTENDERS):
        p.error(f"--only: unknown {sorted(unknown)}; choose from {', '.join(CONTENDERS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(args.keep_stream or tempfile.mkdtemp(prefix="ami-ingest-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results = run_benchmark(args, workdir)
    finally:
        if not args.keep_stream:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
