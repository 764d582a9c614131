"""Screen-pop latency end to end: AMI DialBegin written → agent's WebSocket gets call.ringing.

For each configuration (agents x calls/s) this builds a config dir with N agents, a
contacts DB of ~1000 contacts, starts a ``FakeAmiServer`` in a SEPARATE process (spawn)
and a real ``CtiApp`` plus N real aiohttp WebSocket clients in this process. Once the
app's AMI client has logged in, the server process emits synthetic calls at the given
rate: ``Newchannel`` (trunk), ``DialBegin`` (ringing one extension, round-robin), and
``--hold`` seconds later ``DialEnd ANSWER`` and two ``Hangup`` so calls end.

Timestamps: ``time.time_ns()`` (CLOCK_REALTIME, shared by both processes on one
machine). The send stamp is taken in the server process immediately before the
DialBegin bytes are written to the AMI client's transport; the receive stamp is taken
in this process as soon as the agent's ``ws.receive()`` returns, before JSON parsing.

Floor: the same DialBegin bytes written by the server process over a plain loopback TCP
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
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AMI_SECRET = "bench-secret-0123456789"
EXT_BASE = 1000
CONTACTS = 1000


# -- frames (built in the server process) -------------------------------------------------


def _frame(fields: list[tuple[str, str]]) -> bytes:
    return ("".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n").encode()


def _trunk(chan: str, number: str, uid: str) -> list[tuple[str, str]]:
    return [
        ("Channel", chan),
        ("ChannelState", "4"),
        ("ChannelStateDesc", "Ring"),
        ("CallerIDNum", number),
        ("CallerIDName", "Bench Caller"),
        ("ConnectedLineNum", "<unknown>"),
        ("ConnectedLineName", "<unknown>"),
        ("Language", "en"),
        ("AccountCode", ""),
        ("Context", "sip-trunk-in"),
        ("Exten", "support-sip"),
        ("Priority", "2"),
        ("Uniqueid", uid),
        ("Linkedid", uid),
    ]


def _dest(chan: str, ext: str, uid: str, linked: str, state: tuple[str, str], number: str):
    return [
        ("DestChannel", chan),
        ("DestChannelState", state[0]),
        ("DestChannelStateDesc", state[1]),
        ("DestCallerIDNum", ext),
        ("DestCallerIDName", f"Agent {ext}"),
        ("DestConnectedLineNum", number),
        ("DestConnectedLineName", "Bench Caller"),
        ("DestLanguage", "en"),
        ("DestAccountCode", ""),
        ("DestContext", "sip-phones"),
        ("DestExten", "s"),
        ("DestPriority", "1"),
        ("DestUniqueid", uid),
        ("DestLinkedid", linked),
    ]


def call_frames(seq: int, ext: str, number: str) -> tuple[str, bytes, bytes, bytes]:
    """(call id, Newchannel, DialBegin, DialEnd ANSWER + Hangups) for call ``seq``."""
    uid = f"1795400000.{2 * seq}"
    dest_uid = f"1795400000.{2 * seq + 1}"
    trunk_chan = f"PJSIP/trunk-{2 * seq:08x}"
    dest_chan = f"PJSIP/{ext}-{2 * seq + 1:08x}"
    trunk = _trunk(trunk_chan, number, uid)
    newchannel = _frame([("Event", "Newchannel"), ("Privilege", "call,all"), *trunk])
    dial_begin = _frame(
        [
            ("Event", "DialBegin"),
            ("Privilege", "call,all"),
            *trunk,
            *_dest(dest_chan, ext, dest_uid, uid, ("0", "Down"), "<unknown>"),
            ("DialString", f"PJSIP/{ext}"),
        ]
    )
    dial_end = _frame(
        [
            ("Event", "DialEnd"),
            ("Privilege", "call,all"),
            *trunk,
            *_dest(dest_chan, ext, dest_uid, uid, ("6", "Up"), number),
            ("DialStatus", "ANSWER"),
        ]
    )
    hangups = b""
    for chan, cid, u, state in (
        (dest_chan, ext, dest_uid, ("6", "Up")),
        (trunk_chan, number, uid, ("6", "Up")),
    ):
        hangups += _frame(
            [
                ("Event", "Hangup"),
                ("Privilege", "call,all"),
                ("Channel", chan),
                ("ChannelState", state[0]),
                ("ChannelStateDesc", state[1]),
                ("CallerIDNum", cid),
                ("CallerIDName", "x"),
                ("ConnectedLineNum", "<unknown>"),
                ("ConnectedLineName", "<unknown>"),
                ("Language", "en"),
                ("AccountCode", ""),
                ("Context", "sip-phones"),
                ("Exten", "s"),
                ("Priority", "1"),
                ("Uniqueid", u),
                ("Linkedid", uid),
                ("Cause", "16"),
                ("Cause-txt", "Normal Clearing"),
            ]
        )
    return uid, newchannel, dial_begin, dial_end + hangups


# -- server process ----------------------------------------------------------------------


def server_process(conn: Any) -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_server_main(conn))


async def _server_main(conn: Any) -> None:
    from cti.ami.fake_server import FakeAmiServer

    async with FakeAmiServer("cti", AMI_SECRET) as server:
        conn.send(("port", server.port))
        while True:
            cmd = await asyncio.to_thread(conn.recv)
            if cmd[0] == "stop":
                return
            if cmd[0] == "run":
                await server.wait_logged_in(timeout=10)
                conn.send(("sent", await _emit_calls(server, *cmd[1:])))
            elif cmd[0] == "floor":
                conn.send(("floor", await _floor_send(*cmd[1:])))


async def _emit_calls(
    server: Any, exts: list[str], numbers: list[str], rate: float, seconds: float, hold: float
) -> dict[str, tuple[str, int]]:
    count = int(rate * seconds)
    loop = asyncio.get_running_loop()
    sent: dict[str, tuple[str, int]] = {}
    enders: list[asyncio.Task[None]] = []
    start = loop.time() + 0.05

    async def end_later(frames: bytes) -> None:
        await asyncio.sleep(hold)
        await server.send_frames([frames])

    for i in range(count):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        ext = exts[i % len(exts)]
        call_id, newchannel, dial_begin, end = call_frames(i, ext, numbers[i % len(numbers)])
        await server.send_frames([newchannel])
        conns = [c for c in server.connections if c.logged_in]
        stamp = time.time_ns()
        for c in conns:  # what send_frames does, minus its parse: the stamp is the write
            c.write(dial_begin)
        sent[call_id] = (ext, stamp)
        enders.append(asyncio.create_task(end_later(end)))
    await asyncio.gather(*enders)
    return sent


async def _floor_send(port: int, count: int, interval: float) -> list[int]:
    _, _, frame, _ = call_frames(0, str(EXT_BASE), "+14155550000")
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    stamps = []
    for _ in range(count):
        stamps.append(time.time_ns())
        writer.write(frame)
        await writer.drain()
        await asyncio.sleep(interval)
    writer.close()
    await writer.wait_closed()
    return stamps


# -- this process: CtiApp + agents -------------------------------------------------------


def make_contacts(db: Path) -> list[str]:
    """~1000 contacts; returns the caller pool: alternately known and unknown numbers."""
    from cti.lookup import ContactStore
    from cti.lookup.records import ContactRecord, Phone

    known = [f"+1415{5550000 + i:07d}" for i in range(CONTACTS)]
    records = [
        ContactRecord(line=i, name=f"Contact {i}", phones=(Phone(n, n, "mobile"),))
        for i, n in enumerate(known)
    ]
    store = ContactStore(db)
    try:
        store.bulk_insert(records)
    finally:
        store.close()
    unknown = [f"+1212{5550000 + i:07d}" for i in range(CONTACTS)]
    return [n for pair in zip(known, unknown, strict=True) for n in pair]


def write_config(directory: Path, ami_port: int, db: Path, agents: int) -> list[tuple[str, str]]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cti.yaml").write_text(
        f"ami:\n  port: {ami_port}\n  reconnect_min: 0.05\n  reconnect_max: 0.2\n"
        f"lookup:\n  database: {db}\n",
        encoding="utf-8",
    )
    creds = [(f"bench-token-{i:06d}-abcdef", str(EXT_BASE + i)) for i in range(agents)]
    lines = "".join(
        f"    a{i:05d}: {{token: {tok}, extension: '{ext}'}}\n"
        for i, (tok, ext) in enumerate(creds)
    )
    secrets = directory / "secrets.yaml"
    secrets.write_text(f"ami:\n  secret: {AMI_SECRET}\nbroker:\n  agents:\n{lines}")
    secrets.chmod(0o600)
    return creds


class GcWatch:
    """Longest collector pause in this process (CtiApp + clients) while installed."""

    def __init__(self) -> None:
        self.started = 0
        self.longest = (0.0, -1)

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter_ns()
        else:
            pause = (time.perf_counter_ns() - self.started) / 1e6
            self.longest = max(self.longest, (pause, info["generation"]))


def stage_means(text: str) -> dict[str, float]:
    """Mean ms per stage from the app's own /metrics text (all events, whole run)."""
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("cti_stage_latency_seconds_sum") or line.startswith(
            "cti_stage_latency_seconds_count"
        ):
            name, value = line.rsplit(" ", 1)
            stage = name.split('stage="', 1)[1].split('"', 1)[0]
            (sums if "_sum" in name else counts)[stage] = float(value)
    return {k: 1000 * sums[k] / counts[k] for k in sums if counts.get(k)}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {"p50": statistics.median(ms), "p99": pct(ms, 0.99), "max": max(ms)}


async def run_config(
    ctx: Any, workdir: Path, db: Path, numbers: list[str], agents: int, rate: float, args: Any
) -> dict[str, Any]:
    import aiohttp

    from cti.app import CtiApp
    from cti.config import load_config
    from cti.protocol import hello_frame

    parent, child = ctx.Pipe()
    proc = ctx.Process(target=server_process, args=(child,), daemon=True)
    proc.start()
    try:
        _, ami_port = await asyncio.to_thread(parent.recv)
        config_dir = workdir / f"cfg-{agents}-{int(rate)}"
        creds = write_config(config_dir, ami_port, db, agents)
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        received: dict[str, tuple[str, int]] = {}
        stray = 0
        watch = GcWatch()
        with_contact = 0
        frames = 0
        try:
            async with asyncio.timeout(10):
                while app.ami.state != "connected":  # noqa: ASYNC110 - no event for it
                    await asyncio.sleep(0.01)
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:

                async def connect(token: str) -> Any:
                    ws = await session.ws_connect(f"http://127.0.0.1:{app.port}/ws")
                    await ws.send_json(hello_frame(token))
                    welcome = await ws.receive_json(timeout=10)
                    assert welcome["op"] == "welcome", welcome
                    return ws

                sockets: list[Any] = []
                for i in range(0, len(creds), 100):
                    batch = creds[i : i + 100]
                    sockets += await asyncio.gather(*(connect(t) for t, _ in batch))

                async def reader(ws: Any, ext: str) -> None:
                    nonlocal stray, with_contact, frames
                    while True:
                        msg = await ws.receive()
                        now = time.time_ns()
                        if msg.type != aiohttp.WSMsgType.TEXT:
                            return
                        frames += 1
                        frame = json.loads(msg.data)
                        if frame.get("op") == "event" and frame.get("type") == "call.ringing":
                            data = frame["data"]
                            if data.get("extension") != ext:
                                stray += 1
                            with_contact += data.get("contact") is not None
                            received.setdefault(data["call_id"], (ext, now))

                readers = [
                    asyncio.create_task(reader(ws, ext))
                    for ws, (_, ext) in zip(sockets, creds, strict=True)
                ]
                exts = [ext for _, ext in creds]
                gc.collect()  # so one config's garbage is not collected in the next one
                gc.callbacks.append(watch)
                parent.send(("run", exts, numbers, rate, args.seconds, args.hold))
                _, sent = await asyncio.to_thread(parent.recv)
                async with asyncio.timeout(args.grace):
                    while not set(sent) <= set(received):  # noqa: ASYNC110 - polling results
                        await asyncio.sleep(0.05)
        except TimeoutError:
            pass
        finally:
            if watch in gc.callbacks:
                gc.callbacks.remove(watch)
            for task in locals().get("readers", []):
                task.cancel()
            stages = stage_means(app.metrics.render())
            await app.stop()
        parent.send(("stop",))
    finally:
        await asyncio.to_thread(proc.join, 10)
        if proc.is_alive():
            proc.terminate()
    lat = []
    wrong = 0
    worst = (-1.0, -1)
    for index, (call_id, (ext, t0)) in enumerate(sent.items()):
        got = received.get(call_id)
        if got is None:
            continue
        if got[0] != ext:
            wrong += 1
        lat.append((got[1] - t0) / 1e6)
        worst = max(worst, (lat[-1], index))
    return {
        "agents": agents,
        "rate": rate,
        "sent": len(sent),
        "received": len(lat),
        "wrong_extension": wrong + stray,
        "with_contact": with_contact,
        "frames_received": frames,
        "max_at_call": worst[1],
        "app_stage_mean_ms": stages,
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
    port = server.sockets[0].getsockname()[1]
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=server_process, args=(child,), daemon=True)
    proc.start()
    await asyncio.to_thread(parent.recv)
    parent.send(("floor", port, count, interval))
    _, sent = await asyncio.to_thread(parent.recv)
    parent.send(("stop",))
    async with asyncio.timeout(5):
        while len(stamps) < len(sent):  # noqa: ASYNC110 - polling results
            await asyncio.sleep(0.01)
    server.close()
    await asyncio.to_thread(proc.join, 10)
    lat = [(r - s) / 1e6 for s, r in zip(sent, stamps, strict=True)]
    return {"samples": len(lat), **summary(lat)}


def table(results: list[dict[str, Any]], floor: dict[str, Any]) -> str:
    rows = [
        "| agents | calls/s | pops recv/sent | with contact | p50 ms | p99 ms | max ms"
        " | p99 / floor p99 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r["p99"] / floor["p99"] if floor["p99"] else float("nan")
        rows.append(
            f"| {r['agents']} | {r['rate']:g} | {r['received']}/{r['sent']} "
            f"| {r['with_contact']} | {r['p50']:.2f} "
            f"| {r['p99']:.2f} | {r['max']:.2f} | {ratio:.1f}x |"
        )
    rows.append(
        f"| floor (TCP loopback, {floor['samples']} frames) | | | | {floor['p50']:.3f} "
        f"| {floor['p99']:.3f} | {floor['max']:.3f} | 1x |"
    )
    return "\n".join(rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--agents", default="1,100,1000", help="comma-separated agent counts")
    p.add_argument("--rates", default="10,100", help="comma-separated calls per second")
    p.add_argument("--seconds", type=float, default=5.0, help="seconds of calls per config")
    p.add_argument("--hold", type=float, default=0.2, help="seconds from DialBegin to DialEnd")
    p.add_argument("--grace", type=float, default=5.0, help="seconds to wait for late pops")
    p.add_argument("--floor-frames", type=int, default=1000, help="frames in the TCP floor")
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
                    f"(max at call #{r['max_at_call']}; longest GC pause "
                    f"{r['gc_longest_ms']:.1f} ms gen {r['gc_longest_generation']}; "
                    f"ws frames {r['frames_received']}; "
                    f"app stage means ms {json.dumps(r['app_stage_mean_ms'])})",
                    file=sys.stderr,
                )
                results.append(r)
    return {"floor": floor, "results": results}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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
    ok = all(r["received"] == r["sent"] for r in out["results"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
