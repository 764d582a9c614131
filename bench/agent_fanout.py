"""Agent-state and queue-statistics fan-out to 1,000 supervisors, beside the pop path.

Processes (spawn), so each side has its own event loop, as in production:

- the PBX: cti's simulator (``cti.sim.PbxSimulator``) on 127.0.0.1, with the pop
  benchmark's agents (direct calls, no queue) and ``--members`` queue members, each alone
  in a queue of its own;
- the CTI server: a real ``CtiApp`` (AMI client, tracker, agents, lookup over ~1,000
  contacts, broker, queue statistics) in this process;
- the agents' WebSocket clients in one process, and ``--supervisors`` supervisors'
  clients spread over ``--supervisor-processes`` processes.

One run, in turn:

1. the floor: a ``DialBegin`` frame over a plain loopback TCP socket;
2. pops: direct calls at ``--pop-rate``; each ``DialBegin`` → ``call.ringing`` at the
   agent, and at the last of the supervisors (who get every call event);
3. pauses: at ``--pause-rate``, one member is paused (Asterisk 22's ``QueueMemberPause``,
   a reason of its own each time) and unpaused ``--unpause-after`` s later. The pause
   frame → ``agent.state`` at that agent, and at the last supervisor; → that queue's
   ``queue.stats`` at the last supervisor. Members are paused round-robin, so one queue
   changes at most every ``members / pause-rate`` s: its lines are never held back by the
   once-a-second limit.

Send stamp: ``time.time_ns()`` in the PBX process just before the frame's bytes are
written. Receive stamp: ``time.time_ns()`` in the clients' process as soon as
``ws.receive()`` returns (CLOCK_REALTIME, one machine).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import logging
import multiprocessing as mp
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pop_latency
from fanout_bench.pbx import pbx_process
from fanout_bench.rawclients import raw_clients_process
from fanout_bench.stamps import ServerStamps
from pop_bench.pbx import AMI_SECRET
from pop_bench.server import GcWatch, make_contacts, stage_means
from pop_bench.stats import summary
from pop_latency import Peer, run_floor

PAUSED_LINE = json.dumps({"paused": 1}, separators=(",", ":"))


class Fleet:
    """Who connects: pop agents, queue members, supervisors; a token and extension each."""

    def __init__(self, pop_agents: int, members: int, supervisors: int) -> None:
        self.pop = [(f"bench-pop-{i:05d}-abcdefgh", str(1000 + i)) for i in range(pop_agents)]
        self.members = [(f"bench-mem-{i:05d}-abcdefgh", str(3000 + i)) for i in range(members)]
        self.supervisors = [
            (f"bench-sup-{i:05d}-abcdefgh", str(5000 + i)) for i in range(supervisors)
        ]

    @property
    def queues(self) -> dict[str, list[str]]:
        return {f"bq{ext}": [ext] for _, ext in self.members}

    def write_config(self, directory: Path, ami_port: int, db: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "cti.yaml").write_text(
            f"ami:\n  port: {ami_port}\n  reconnect_min: 0.05\n  reconnect_max: 0.2\n"
            f"lookup:\n  database: {db}\nagi:\n  enabled: false\n"
            f"records:\n  path: {directory / 'records.db'}\n",
            encoding="utf-8",
        )
        people = [(t, e, "agent") for t, e in self.pop + self.members]
        people += [(t, e, "supervisor") for t, e in self.supervisors]
        lines = "".join(
            f"    p{i:05d}: {{token: {tok}, extension: '{ext}', role: {role}}}\n"
            for i, (tok, ext, role) in enumerate(people)
        )
        secrets = directory / "secrets.yaml"
        secrets.write_text(f"ami:\n  secret: {AMI_SECRET}\nbroker:\n  agents:\n{lines}")
        secrets.chmod(0o600)


class Clients:
    """The clients' processes: one for the agents, some for the supervisors."""

    def __init__(self, ctx: Any, fleet: Fleet, supervisor_processes: int) -> None:
        self.agents = Peer(ctx, raw_clients_process)
        self.agent_tokens = [t for t, _ in fleet.pop + fleet.members]
        self.supervisors: list[Peer] = []
        self.supervisor_tokens: list[list[str]] = []
        tokens = [t for t, _ in fleet.supervisors]
        size = -(-len(tokens) // max(1, supervisor_processes))
        for i in range(0, len(tokens), size or 1):
            self.supervisors.append(Peer(ctx, raw_clients_process))
            self.supervisor_tokens.append(tokens[i : i + size])
        self.supervisor_count = len(tokens)

    @property
    def all(self) -> list[Peer]:
        return [self.agents, *self.supervisors]

    async def connect(self, url: str) -> None:
        self.agents.send(url, self.agent_tokens)
        for peer, tokens in zip(self.supervisors, self.supervisor_tokens, strict=True):
            peer.send(url, tokens)
        for peer in self.all:
            await peer.recv("connected")

    async def collect(self) -> tuple[dict[str, list[int]], dict[str, list[int]], int]:
        """(agents' arrivals, supervisors' arrivals merged, frames received in all)."""
        for peer in self.all:
            peer.send("collect")
        got = [await peer.recv("arrivals") for peer in self.all]
        merged: dict[str, list[int]] = {}
        for part in got[1:]:
            for key, (count, first, last) in part["seen"].items():
                found = merged.setdefault(key, [0, first, last])
                found[0] += count
                found[1], found[2] = min(found[1], first), max(found[2], last)
        return got[0]["seen"], merged, sum(part["frames"] for part in got)

    async def wait_for(
        self, agent_keys: list[str], supervisor_keys: list[str], grace: float
    ) -> tuple[dict[str, list[int]], dict[str, list[int]], int]:
        """Poll until every key reached its sockets, or ``grace`` seconds passed."""
        deadline = time.monotonic() + grace
        while True:
            agents, sups, frames = await self.collect()
            done = all(k in agents for k in agent_keys) and all(
                sups.get(k, [0])[0] >= self.supervisor_count for k in supervisor_keys
            )
            if done or time.monotonic() > deadline:
                for peer in self.all:
                    peer.send("reset")
                return agents, sups, frames
            await asyncio.sleep(0.2)

    async def stop(self) -> None:
        for peer in self.all:
            peer.send("stop")
        for peer in self.all:
            await peer.recv("stopped")
            await peer.join()


Sent = dict[str, tuple[str, int]]  # event key -> (what the server reads it by, send ns)


def row(
    path: str, sent: Sent, arrivals: dict[str, list[int]], need: int, stamps: ServerStamps
) -> dict[str, Any]:
    """ms from each send to the last of ``need`` sockets; split by the server's stamps.

    ``written``: from the send to the server's write to the last supervisor's socket
    (its batch), without the clients' side of this shared machine.
    """
    lat, in_server, to_socket, written = [], [], [], []
    for key, (read_by, t0) in sent.items():
        found = arrivals.get(key)
        if found is None or found[0] < need:
            continue
        lat.append((found[2] - t0) / 1e6)
        t1, t2 = stamps.read.get(read_by), stamps.published.get(key)
        if t1 is not None and t2 is not None:
            in_server.append((t2 - t1) / 1e6)
            to_socket.append((found[2] - t2) / 1e6)
        t3 = stamps.written.get(key)
        if t3 is not None and need > 1:
            written.append((t3 - t0) / 1e6)
    return {"path": path, "sent": len(sent), "received": len(lat), **summary(lat)} | {
        "in_server": summary(in_server),
        "server_to_socket": summary(to_socket),
        "written": summary(written),
    }


async def run_pops(
    pbx: Peer, clients: Clients, numbers: list[str], args: Any, stamps: ServerStamps
) -> list[dict[str, Any]]:
    pbx.send("pops", numbers, args.pop_rate, args.seconds, args.hold)
    sent = await pbx.recv("sent")
    keys: Sent = {f"ring|{cid}": (cid, t0) for cid, (_, t0) in sent.items()}
    agents, sups, _ = await clients.wait_for(list(keys), list(keys), args.grace)
    n = clients.supervisor_count
    return [
        row("call.ringing → the agent (the pop path)", keys, agents, 1, stamps),
        row(f"call.ringing → last of {n} supervisors", keys, sups, n, stamps),
    ]


async def run_pauses(
    pbx: Peer, clients: Clients, args: Any, stamps: ServerStamps
) -> list[dict[str, Any]]:
    pbx.send("pauses", args.pause_rate, args.seconds, args.unpause_after)
    sent = await pbx.recv("sent")
    states: Sent = {}
    lines: Sent = {}
    nth: dict[str, int] = {}
    for reason, (ext, queue, t0) in sent.items():
        states[f"state|{ext}|paused|{reason}"] = (reason, t0)
        nth[queue] = nth.get(queue, 0) + 1
        lines[f"stats|{queue}|{PAUSED_LINE}|{nth[queue]}"] = (reason, t0)
    agents, sups, _ = await clients.wait_for(list(states), [*states, *lines], args.grace)
    n = clients.supervisor_count
    return [
        row("agent.state → that agent", states, agents, 1, stamps),
        row(f"agent.state → last of {n} supervisors", states, sups, n, stamps),
        row(f"queue.stats → last of {n} supervisors", lines, sups, n, stamps),
    ]


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    from cti.app import CtiApp
    from cti.config import load_config

    ctx = mp.get_context("spawn")
    if os.environ.get("FANOUT_GC_THRESHOLD"):
        gc.set_threshold(*map(int, os.environ["FANOUT_GC_THRESHOLD"].split(",")))
    floor = await run_floor(ctx, args.floor_frames, 0.002)
    fleet = Fleet(args.pop_agents, args.members, args.supervisors)
    with tempfile.TemporaryDirectory(prefix="fanout-bench-") as tmp:
        workdir = Path(tmp)
        db = workdir / "contacts.db"
        numbers = make_contacts(db)
        pbx = Peer(ctx, pbx_process, [e for _, e in fleet.pop], fleet.queues)
        clients = Clients(ctx, fleet, args.supervisor_processes)
        watch = GcWatch()
        stamps = ServerStamps()
        try:
            fleet.write_config(workdir / "cfg", await pbx.recv("port"), db)
            stamps.install()  # before the app binds the methods it calls
            app = CtiApp(load_config(workdir / "cfg", require_secrets=True), broker_port=0)
            await app.start()
            try:
                async with asyncio.timeout(10):
                    while app.ami.state != "connected":  # noqa: ASYNC110 - no event for it
                        await asyncio.sleep(0.01)
                await clients.connect(f"http://127.0.0.1:{app.port}/ws")
                await asyncio.sleep(2.0)  # the first agent states and queue lines go out
                if os.environ.get("FANOUT_GC_TYPES"):
                    from collections import Counter as _C

                    objs = gc.get_objects()
                    print(
                        "tracked",
                        len(objs),
                        _C(type(o).__name__ for o in objs).most_common(12),
                        file=sys.stderr,
                    )
                gc.collect()
                gc.callbacks.append(watch)
                profiler = cProfile.Profile() if args.profile else None
                if profiler is not None:
                    profiler.enable()
                rows = await run_pops(pbx, clients, numbers, args, stamps)
                rows += await run_pauses(pbx, clients, args, stamps)
                if profiler is not None:
                    profiler.disable()
                    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            finally:
                stamps.uninstall()
                if watch in gc.callbacks:
                    gc.callbacks.remove(watch)
                stages = stage_means(app.metrics.render())
                await clients.stop()
                await app.stop()
            pbx.send("stop")
        finally:
            await pbx.join()
    return {
        "floor": floor,
        "rows": rows,
        "app_stage_mean_ms": stages,
        "gc_collections": watch.collections,
        "gc_longest_ms": watch.longest[0],
        "gc_longest_generation": watch.longest[1],
    }


def table(out: dict[str, Any]) -> str:
    floor = out["floor"]
    lines = [
        "| path | received/sent | p50 ms | p99 ms | max ms | p99 / floor p99 "
        "| in server p50 / p99 ms | server → socket p50 / p99 ms "
        "| written to the last socket p50 / p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in out["rows"]:
        ratio = r["p99"] / floor["p99"] if floor["p99"] else float("nan")
        inside, outside, written = r["in_server"], r["server_to_socket"], r["written"]
        wrote = (
            f"{written['p50']:.2f} / {written['p99']:.2f}"
            if written["p50"] == written["p50"]
            else ""
        )
        lines.append(
            f"| {r['path']} | {r['received']}/{r['sent']} | {r['p50']:.2f} | {r['p99']:.2f} "
            f"| {r['max']:.2f} | {ratio:.1f}x | {inside['p50']:.2f} / {inside['p99']:.2f} "
            f"| {outside['p50']:.2f} / {outside['p99']:.2f} | {wrote} |"
        )
    lines.append(
        f"| floor: the same DialBegin bytes over loopback TCP | {floor['samples']} "
        f"| {floor['p50']:.3f} | {floor['p99']:.3f} | {floor['max']:.3f} | 1x | | | |"
    )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--supervisors", type=int, default=1000)
    p.add_argument("--supervisor-processes", type=int, default=4)
    p.add_argument("--pop-agents", type=int, default=100, help="agents the direct calls ring")
    p.add_argument("--members", type=int, default=40, help="queue members, one queue each")
    p.add_argument("--seconds", type=float, default=60.0, help="seconds of each phase")
    p.add_argument("--pop-rate", type=float, default=1.0, help="direct calls per second")
    p.add_argument("--hold", type=float, default=0.2, help="seconds from DialBegin to answer")
    p.add_argument("--pause-rate", type=float, default=1.0, help="member pauses per second")
    p.add_argument("--unpause-after", type=float, default=0.5, help="seconds paused")
    p.add_argument("--grace", type=float, default=10.0, help="seconds to wait for late frames")
    p.add_argument("--floor-frames", type=int, default=1000, help="frames in the TCP floor")
    p.add_argument(
        "--pin",
        action="store_true",
        help="run the CTI server alone on CPU 0, the PBX and every client on CPU 1\n"
        "(as on separate machines; needs 2 CPUs)",
    )
    p.add_argument("--profile", action="store_true", help="print the server's cProfile top 25")
    p.add_argument("--json", metavar="PATH", help="also save the results as JSON")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.members / args.pause_rate < 2.5:
        print("--members / --pause-rate must be at least 2.5 s", file=sys.stderr)
        return 2
    if args.pin:
        os.sched_setaffinity(0, {0})
        pop_latency.PEER_CPUS = {1}
    logging.basicConfig(level=logging.WARNING)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    out = asyncio.run(amain(args))
    command = "python " + " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    print(table(out))
    print(
        f"\ncommand: `{command}`  load average: {os.getloadavg()}  GC runs in the server: "
        f"{out['gc_collections']}, longest {out['gc_longest_ms']:.1f} ms "
        f"(generation {out['gc_longest_generation']}); "
        f"app stage means ms {json.dumps(out['app_stage_mean_ms'])}"
    )
    if os.environ.get("FANOUT_GC_TYPES"):
        print(gc.get_stats(), file=sys.stderr)
    if args.json:
        out["command"] = command
        out["loadavg"] = os.getloadavg()
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0 if all(r["received"] == r["sent"] for r in out["rows"]) else 1


if __name__ == "__main__":
    sys.exit(main())
