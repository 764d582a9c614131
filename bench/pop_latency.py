"""Screen-pop latency end to end: the PBX simulator writes DialBegin → agent gets call.ringing.

Three processes (spawn), so that each side has its own event loop, as in production:

- the PBX: cti's own simulator (``cti.sim.PbxSimulator``) on 127.0.0.1, placing direct
  calls round-robin over the agents at the given rate; each is answered ``--hold``
  seconds later by its agent and hung up after as long again;
- the CTI server: a real ``CtiApp`` (AMI client, tracker, lookup in a ~1000-contact SQLite
  directory, broker) in this process;
- the agents: N real aiohttp WebSocket clients, one per agent.

Send stamp: ``time.time_ns()`` in the PBX process just before the DialBegin bytes are
written (``FakeAmiServer.before_write``). Receive stamp: ``time.time_ns()`` in the agents
process as soon as ``ws.receive()`` returns, before JSON parsing. Both are CLOCK_REALTIME
on one machine.

Floor: the same DialBegin bytes written by the PBX process over a plain loopback TCP
socket to this process, stamped the same way (send → full frame read).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pop_bench.agents import agents_process
from pop_bench.pbx import pbx_process
from pop_bench.server import (
    GcWatch,
    ServerStamps,
    agent_credentials,
    make_contacts,
    stage_means,
    write_config,
)
from pop_bench.stats import summary, table

PEER_CPUS: set[int] | None = None  # --pin: the PBX and the agents share the other CPU


class Peer:
    """A child process and the pipe the benchmark talks to it over."""

    def __init__(self, ctx: Any, target: Any, *args: Any) -> None:
        self.pipe, child = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child, *args), daemon=True)
        self.proc.start()
        if PEER_CPUS is not None:
            os.sched_setaffinity(self.proc.pid, PEER_CPUS)

    def send(self, *message: Any) -> None:
        self.pipe.send(message)

    async def recv(self, expect: str) -> Any:
        kind, value = await asyncio.to_thread(self.pipe.recv)
        if kind != expect:
            raise RuntimeError(f"expected {expect!r} from {self.proc.name}, got {kind!r}")
        return value

    async def join(self) -> None:
        await asyncio.to_thread(self.proc.join, 10)
        if self.proc.is_alive():
            self.proc.terminate()


async def run_config(
    ctx: Any, workdir: Path, db: Path, numbers: list[str], agents: int, rate: float, args: Any
) -> dict[str, Any]:
    from cti.app import CtiApp
    from cti.config import load_config

    creds = agent_credentials(agents)
    pbx = Peer(ctx, pbx_process, [ext for _, ext in creds])
    clients = Peer(ctx, agents_process)
    watch = GcWatch()
    stamps = ServerStamps()
    try:
        config_dir = workdir / f"cfg-{agents}-{int(rate)}"
        write_config(config_dir, await pbx.recv("port"), db, creds)
        stamps.install()  # before the app binds the methods it calls
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        try:
            async with asyncio.timeout(10):
                while app.ami.state != "connected":  # noqa: ASYNC110 - no event for it
                    await asyncio.sleep(0.01)
            clients.send(f"http://127.0.0.1:{app.port}/ws", creds)
            await clients.recv("connected")
            gc.collect()  # so one config's garbage is not collected in the next one
            gc.callbacks.append(watch)
            pbx.send("run", numbers, rate, args.seconds, args.hold)
            sent = await pbx.recv("sent")
            clients.send(list(sent), args.grace)
            got = await clients.recv("received")
        finally:
            stamps.uninstall()
            if watch in gc.callbacks:
                gc.callbacks.remove(watch)
            stages = stage_means(app.metrics.render())
            await app.stop()
        pbx.send("stop")
    finally:
        await pbx.join()
        await clients.join()
    received = {call_id: stamp for call_id, (_, stamp) in got["ringing"].items()}
    split = stamps.split({call_id: t0 for call_id, (_, t0) in sent.items()}, received)
    return result(agents, rate, sent, got, stages, watch) | {
        "split_ms": {segment: summary(values) for segment, values in split.items()}
    }


def result(
    agents: int,
    rate: float,
    sent: dict[str, tuple[str, int]],
    got: dict[str, Any],
    stages: dict[str, float],
    watch: GcWatch,
) -> dict[str, Any]:
    lat = []
    wrong = 0
    worst = (-1.0, -1)
    for index, (call_id, (ext, t0)) in enumerate(sent.items()):
        arrival = got["ringing"].get(call_id)
        if arrival is None:
            continue
        wrong += arrival[0] != ext
        lat.append((arrival[1] - t0) / 1e6)
        worst = max(worst, (lat[-1], index))
    return {
        "agents": agents,
        "rate": rate,
        "sent": len(sent),
        "received": len(lat),
        "wrong_extension": wrong + got["stray"],
        "with_contact": got["with_contact"],
        "frames_received": got["frames"],
        "max_at_call": worst[1],
        "app_stage_mean_ms": stages,
        "gc_collections": watch.collections,
        "gc_longest_ms": watch.longest[0],
        "gc_longest_generation": watch.longest[1],
        **summary(lat),
    }


async def run_floor(ctx: Any, count: int, interval: float) -> dict[str, Any]:
    stamps: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                stamps.append(time.time_ns())
        except asyncio.IncompleteReadError:
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    pbx = Peer(ctx, pbx_process, ["1000"])
    await pbx.recv("port")
    pbx.send("floor", server.sockets[0].getsockname()[1], count, interval)
    sent = await pbx.recv("floor")
    pbx.send("stop")
    async with asyncio.timeout(5):
        while len(stamps) < len(sent):  # noqa: ASYNC110 - polling results
            await asyncio.sleep(0.01)
    server.close()
    await pbx.join()
    lat = [(r - s) / 1e6 for s, r in zip(sent, stamps, strict=True)]
    return {"samples": len(lat), **summary(lat)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--agents", default="1,100,1000", help="comma-separated agent counts")
    p.add_argument("--rates", default="10,100", help="comma-separated calls per second")
    p.add_argument("--seconds", type=float, default=5.0, help="seconds of calls per config")
    p.add_argument("--hold", type=float, default=0.2, help="seconds from DialBegin to answer")
    p.add_argument("--grace", type=float, default=5.0, help="seconds to wait for late pops")
    p.add_argument("--floor-frames", type=int, default=1000, help="frames in the TCP floor")
    p.add_argument(
        "--pin",
        action="store_true",
        help="run the CTI server alone on CPU 0, the PBX and the agents on CPU 1\n"
        "(as on separate machines; needs 2 CPUs)",
    )
    p.add_argument("--json", metavar="PATH", help="also save the results as JSON")
    return p.parse_args(argv)


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    floor = await run_floor(ctx, args.floor_frames, 0.002)
    results = []
    with tempfile.TemporaryDirectory(prefix="pop-bench-") as tmp:
        workdir = Path(tmp)
        db = workdir / "contacts.db"
        numbers = make_contacts(db)
        for agents in [int(a) for a in args.agents.split(",")]:
            for rate in [float(r) for r in args.rates.split(",")]:
                r = await run_config(ctx, workdir, db, numbers, agents, rate, args)
                print(
                    f"agents={agents} rate={rate:g}: {r['received']}/{r['sent']} "
                    f"p50={r['p50']:.2f} p99={r['p99']:.2f} max={r['max']:.2f} ms "
                    f"(max at call #{r['max_at_call']}; {r['gc_collections']} GC runs, longest "
                    f"{r['gc_longest_ms']:.1f} ms gen {r['gc_longest_generation']}; "
                    f"ws frames {r['frames_received']}; "
                    f"app stage means ms {json.dumps(r['app_stage_mean_ms'])})",
                    file=sys.stderr,
                )
                results.append(r)
    return {"floor": floor, "results": results}


def main(argv: list[str] | None = None) -> int:
    global PEER_CPUS
    args = parse_args(argv)
    if args.pin:
        os.sched_setaffinity(0, {0})
        PEER_CPUS = {1}
    logging.basicConfig(level=logging.WARNING)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    out = asyncio.run(amain(args))
    command = "python " + " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    print(table(out["results"], out["floor"]))
    print(f"\ncommand: `{command}`  load average: {os.getloadavg()}")
    if args.json:
        out["command"] = command
        out["loadavg"] = os.getloadavg()
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    ok = all(r["received"] == r["sent"] and not r["wrong_extension"] for r in out["results"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
