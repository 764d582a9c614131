"""FastAGI lookups per second and latency, 1M contacts, N concurrent sessions over loopback.

The server process runs the real `cti.agi.AgiServer` over `LookupService` and the SQLite
store that ``bench/lookup.py`` builds (1M seeded contacts, cached under ``bench/results/``,
built on first use). This process plays Asterisk: ``--concurrency`` workers each open a
session, send the recorded ``agi_*`` block (``tests/fixtures/agi/agi_lookup-01``) with a
caller number from the directory as soon as ``connect()`` completes (as res_agi.c does),
answer every command ``200 result=1`` as Asterisk does, and time from ``connect()`` to the
server closing the session; then start the next one.
Every session is a hit with a nameless caller, the longest path: the lookup, then five
``SET VARIABLE`` round trips. Numbers are distinct, so the lookup cache never answers.

Two loads in one run. *Closed loop*: every worker starts its next session as soon as one
ends, so all ``--concurrency`` sessions are always open and the rate is the most the server
can do; by Little's law p50 is then about concurrency / throughput, i.e. queueing at
saturation. *Open loop*: sessions start at ``--rate`` per second, as calls arrive, at most
``--concurrency`` at once; its latency is what a call waits at that load. Each load also
runs against a *floor* server in the same process (the same five commands and round
trips, no parsing, no lookup), which shows what the machine and this Asterisk stand-in
cost alone. Goal: p99 <= 20 ms with 50 sessions. Prints a Markdown table and the command.

``--silent N`` runs both loads once more against the FastAGI server while N silent clients
(``bench/agi_silent.py``, a third process) hold connections that never send an ``agi_``
block and reconnect as soon as the server closes them. The server has
``max_connections = 2 x concurrency`` slots, so the silent clients keep it full; the rows
say how many of our real sessions still failed, and how many connections the server
evicted and refused. ``--evict-after 1e9`` turns eviction off (a full server then refuses
every new connection, as before eviction existed), for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import socket
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agi_silent import silent_process  # bench/agi_silent.py
from lookup import RESULTS, build, percentile  # bench/lookup.py: the same 1M directory

from cti.agi.settings import EVICT_AFTER_SECONDS

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "agi" / "agi_lookup-01.from_asterisk.raw"
RECORDED_NUMBER = b"+14155550123"
OK = b"200 result=1\n"


def sample_numbers(db: Path, count: int, seed: int) -> list[str]:
    """``count`` numbers held by exactly one contact each, picked at random (seeded)."""
    raw = sqlite3.connect(db)
    try:
        (max_id,) = raw.execute("SELECT max(id) FROM phones").fetchone()
        ids = random.Random(seed).sample(range(1, max_id + 1), min(count * 2, max_id))
        number = "SELECT number_e164 FROM phones WHERE id = ?"
        holders = "SELECT count(*) FROM phones WHERE number_e164 = ?"
        found: dict[str, None] = {}
        for i in ids:
            (e164,) = raw.execute(number, (i,)).fetchone()
            if raw.execute(holders, (e164,)).fetchone()[0] == 1:
                found[e164] = None
            if len(found) == count:
                break
        return list(found)
    finally:
        raw.close()


def block_for(template: bytes, number: str) -> bytes:
    return template.replace(RECORDED_NUMBER, number.encode())


# -- server process ----------------------------------------------------------------------


def server_process(
    conn: Any, db: str, concurrency: int, evict_after: float, profile: str | None
) -> None:
    serve = _serve(conn, Path(db), concurrency, evict_after)
    if profile is None:
        asyncio.run(serve)
        return
    import cProfile

    cProfile.runctx("asyncio.run(serve)", globals(), locals(), profile)


async def _serve(conn: Any, db: Path, concurrency: int, evict_after: float) -> None:
    from cti.agi import AgiServer, AgiSettings
    from cti.lookup import ContactStore, LookupService, StoreSource

    store = ContactStore(db)
    lookup = LookupService([StoreSource(store)])
    settings = AgiSettings(port=0, max_connections=concurrency * 2, evict_after_seconds=evict_after)
    server = AgiServer(settings, lambda: lookup)
    await server.start()
    floor = await asyncio.get_running_loop().create_server(FloorAgi, "127.0.0.1", 0)
    conn.send((server.port, floor.sockets[0].getsockname()[1]))
    while await asyncio.to_thread(conn.recv) == "cpu":
        shed = {"evicted": server.stats.outcomes["evicted"], "refused": server.stats.refused}
        conn.send((time.process_time(), shed))
    await server.stop()
    floor.close()
    await lookup.aclose()
    store.close()
    stats = server.stats
    conn.send({"outcomes": dict(stats.outcomes), "refused": stats.refused})


FLOOR_COMMANDS = [
    b'SET VARIABLE CALLERID(name) "Contact 1"\n',
    b'SET VARIABLE CTI_CONTACT_ID "2"\n',
    b'SET VARIABLE CTI_COMPANY "Company 1"\n',
    b'SET VARIABLE CTI_CRM_ID "CRM-1"\n',
    b'SET VARIABLE CTI_MATCH "exact"\n',
]


class FloorAgi(asyncio.Protocol):
    """The floor: the same five commands and round trips, no parsing, no lookup, no tasks."""

    def __init__(self) -> None:
        self.buffer = b""
        self.sent = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        if self.sent == 0:
            self.buffer += data
            if b"\n\n" not in self.buffer:
                return
        elif self.sent == len(FLOOR_COMMANDS):
            self.transport.close()
            return
        self.transport.write(FLOOR_COMMANDS[self.sent])
        self.sent += 1


# -- this process: the Asterisk side -----------------------------------------------------


class AsteriskSide(asyncio.Protocol):
    """One session, once the block is sent: answer each command line, note the close."""

    def __init__(self, done: asyncio.Future[list[bytes]]) -> None:
        self.done = done
        self.buffer = b""
        self.commands: list[bytes] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            self.commands.append(line)
            assert self.transport is not None
            self.transport.write(OK)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(self.commands)


@dataclass
class Phase:
    """One measured run: its sessions' latencies, failures, wall time and CPU per side."""

    name: str
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    wall: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    evicted: int = 0  # connections the server closed to make room (silent ones)
    refused: int = 0  # connections the server closed at once, ours or silent

    def row(self) -> str:
        ms = [value * 1000 for value in self.latencies]
        count = len(ms)
        return (
            f"| {self.name} | {count:,} | {self.failures} | {count / self.wall:,.0f} "
            f"| {statistics.median(ms):.2f} | {percentile(ms, 0.99):.2f} | {max(ms):.2f} "
            f"| {self.server_cpu / count * 1e6:.0f} | {self.client_cpu / count * 1e6:.0f} "
            f"| {self.evicted:,} / {self.refused:,} |"
        )


async def one_session(port: int, block: bytes, phase: Phase) -> None:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[list[bytes]] = loop.create_future()
    started = time.perf_counter()
    sock = socket.socket()
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    # res_agi.c writes the block as soon as connect() completes, before anything else
    sock.send(block)
    transport, _ = await loop.create_connection(lambda: AsteriskSide(done), sock=sock)
    commands = await done
    phase.latencies.append(time.perf_counter() - started)
    transport.close()
    if commands[-1:] != [b'SET VARIABLE CTI_MATCH "exact"'] or len(commands) != 5:
        phase.failures += 1


async def closed_loop(port: int, blocks: list[bytes], concurrency: int, phase: Phase) -> None:
    """``concurrency`` workers, each starting its next session as soon as one ends."""
    queue = iter(blocks)

    async def worker() -> None:
        for block in queue:
            await one_session(port, block, phase)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def open_loop(
    port: int, blocks: list[bytes], rate: float, concurrency: int, phase: Phase
) -> None:
    """Sessions start every 1/``rate`` s (at most ``concurrency`` at once), like calls."""
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(concurrency)
    running: set[asyncio.Task[None]] = set()
    start = loop.time()

    async def session(block: bytes) -> None:
        try:
            await one_session(port, block, phase)
        finally:
            slots.release()

    for index, block in enumerate(blocks):
        delay = start + index / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await slots.acquire()
        task = asyncio.create_task(session(block))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)


def measure(conn: Any, phase: Phase, run: Any) -> Phase:
    """Run the ``run`` coroutine, timing its wall clock and both processes' CPU, and
    counting the connections the server evicted and refused meanwhile."""
    conn.send("cpu")
    (server_cpu, shed), client_cpu = conn.recv(), time.process_time()
    started = time.perf_counter()
    asyncio.run(run)
    phase.wall = time.perf_counter() - started
    phase.client_cpu = time.process_time() - client_cpu
    conn.send("cpu")
    server_cpu_after, shed_after = conn.recv()
    phase.server_cpu = server_cpu_after - server_cpu
    phase.evicted = shed_after["evicted"] - shed["evicted"]
    phase.refused = shed_after["refused"] - shed["refused"]
    return phase


def report(
    args: argparse.Namespace, phases: list[Phase], server: dict[str, Any], silent: dict[str, int]
) -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        f"FastAGI lookup, {args.contacts:,} contacts, every session an exact hit (5 commands), "
        f"{args.warmup:,} warm-up sessions first; latency from connect() to the server's close; "
        f"max_connections {args.concurrency * 2}, eviction after {args.evict_after:g} s",
        "",
        "| load | sessions | failed | lookups/s | p50 ms | p99 ms | max ms "
        "| server CPU µs/session | Asterisk stand-in CPU µs/session "
        "| server evicted / refused |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(phase.row() for phase in phases),
        "",
        f"Server outcomes: {server['outcomes']}, refused: {server['refused']}. "
        + (
            f"Silent clients: {silent['connected']:,} connections, "
            f"{silent['connect_errors']:,} failed connect() calls. "
            if silent
            else ""
        )
        + f"Load average at the end: {load}.",
        "",
        f"Command: `{' '.join(['.venv/bin/python', 'bench/agi_lookup.py', *sys.argv[1:]])}`",
    ]
    return "\n".join(lines)


def with_silent_clients(
    args: argparse.Namespace,
    context: Any,
    port: int,
    server: Any,
    take: Any,
    phases: list[Phase],
) -> dict[str, int]:
    """Both loads again, on our server, while ``args.silent`` silent clients run."""
    ours, theirs = context.Pipe()
    process = context.Process(target=silent_process, args=(theirs, port, args.silent))
    process.start()
    try:
        assert ours.recv() == "ready"
        label = f"{args.silent} silent clients + "
        closed = Phase(f"{label}closed loop, {args.concurrency} sessions always open")
        run = closed_loop(port, take(args.sessions), args.concurrency, closed)
        phases.append(measure(server, closed, run))
        if args.rate > 0:
            paced_count = int(args.rate * args.seconds)
            paced = Phase(f"{label}open loop, {args.rate:g} calls/s, ≤ {args.concurrency} open")
            run = open_loop(port, take(paced_count), args.rate, args.concurrency, paced)
            phases.append(measure(server, paced, run))
        ours.send("stop")
        counts: dict[str, int] = ours.recv()
        return counts
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="default: bench/results/")
    parser.add_argument("--rate", type=float, default=200.0, help="open loop; 0: skip it")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the open loop")
    parser.add_argument("--profile", default=None, help="write the server's cProfile here")
    parser.add_argument(
        "--silent", type=int, default=0, help="also run both loads with N silent clients"
    )
    parser.add_argument(
        "--evict-after",
        type=float,
        default=EVICT_AFTER_SECONDS,
        help="AgiSettings.evict_after_seconds (default: the server's)",
    )
    args = parser.parse_args(argv)
    db = args.db or RESULTS / f"lookup-{args.contacts}-seed{args.seed}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        build(db, args.contacts, args.seed)
    template = FIXTURE.read_bytes()
    template = template[: template.index(b"\n\n") + 2]
    paced_count = int(args.rate * args.seconds)
    rounds = 3 if args.silent else 2  # ours and the floor, then ours with the silent clients
    wanted = args.warmup + rounds * (args.sessions + paced_count)
    numbers = sample_numbers(db, wanted, args.seed + 1)
    blocks = [block_for(template, number) for number in numbers]
    context = mp.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=server_process,
        args=(theirs, str(db), args.concurrency, args.evict_after, args.profile),
    )
    process.start()
    server: dict[str, Any] = {}
    silent: dict[str, int] = {}
    try:
        port, floor = ours.recv()
        fresh = iter(blocks)  # every session of ours gets a number never asked before

        def take(count: int) -> list[bytes]:
            return [next(fresh) for _ in range(count)]

        asyncio.run(closed_loop(port, take(args.warmup), args.concurrency, Phase("warm-up")))
        phases: list[Phase] = []
        for prefix, target in (("", port), ("floor: ", floor)):
            closed = Phase(f"{prefix}closed loop, {args.concurrency} sessions always open")
            run = closed_loop(target, take(args.sessions), args.concurrency, closed)
            phases.append(measure(ours, closed, run))
        for prefix, target in (("", port), ("floor: ", floor)) if args.rate > 0 else ():
            paced = Phase(f"{prefix}open loop, {args.rate:g} calls/s, ≤ {args.concurrency} open")
            run = open_loop(target, take(paced_count), args.rate, args.concurrency, paced)
            phases.append(measure(ours, paced, run))
        if args.silent:
            silent = with_silent_clients(args, context, port, ours, take, phases)
        ours.send("stop")
        server |= ours.recv()
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
    print(report(args, phases, server, silent))
    return 0 if all(phase.failures == 0 for phase in phases) else 1


if __name__ == "__main__":
    sys.exit(main())
