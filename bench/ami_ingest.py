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

Run it through ``bench/run_ami_ingest.sh`` so the baselines live in their own venv; in the
project venv alone the baseline rows say "not installed".
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import hashlib
import importlib
import importlib.metadata
import itertools
import json
import logging
import multiprocessing
import os
import platform
import random
import re
import shlex
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
USER = SECRET = "bench"
REPO = Path(__file__).resolve().parent.parent
FIXTURE_DIRS = (REPO / "tests" / "fixtures" / "ami", REPO.parent / "shared" / "fixtures" / "ami")
CONTENDERS = ("ours", "ours+tracker", "panoramisk", "pyst2")
MP = multiprocessing.get_context("spawn")

# ---------------------------------------------------------------------------------------
# The synthetic stream
# ---------------------------------------------------------------------------------------

#: Recorded scenarios used as call templates, with their share of the traffic.
TEMPLATES = {
    "queue_answered": 4,
    "sip_inbound_queue": 3,
    "direct_answered": 3,
    "sip_queue_sip_agents_hold": 2,
    "abandoned_ringing": 2,
    "click_to_dial_originate": 2,
    "abandoned_ringing_direct": 1,
    "hold_unhold": 1,
    "blind_transfer": 1,
    "redirect_transfer": 1,
    "agi_lookup": 1,
}
#: Frames that belong to the recording session rather than to a call.
SESSION_EVENTS = frozenset({"FullyBooted", "SuccessfulAuth"})
CONCURRENT_CALLS = 40
CHANVAR_CALL_SHARE = 0.3  # calls whose channels carry ChanVariable headers
AGENT_POOL = range(1001, 1161)
CALLER_NAMES = (
    "Jörg Müller",
    "Seán O'Brien",
    "王伟",
    "Zoë Ångström",
    "José Álvarez-Núñez",
    "Ólafur Þórsson",
    "Παναγιώτης Οικονόμου",
    "Иван Петров",
    "Françoise Lefèvre",
    "Łukasz Żółć",
    "Ayşe Yılmaz",  # noqa: RUF001 - a dotless i on purpose
    "محمد الأحمد",
    "佐藤 花子",
    "김민준",
    "Nguyễn Văn An",
    "Søren Kierkegård",
    "Alice Example",
    "Bob Smith",
    "ACME Corp",
    "",
)
COUNTRY_PREFIXES = (("+1", 10), ("+49", 11), ("+353", 9), ("+44", 10), ("+86", 11), ("+33", 9))

_TOKEN = re.compile(
    r"(?P<uuid>\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b)"
    r"|(?P<uid>\b\d{10}\.\d+\b)"
    r"|(?P<chan>(?<=-)[0-9a-f]{8}(?![0-9a-f]))"
    r"|(?P<agent>(?<![0-9A-Za-z.])100[1-9](?!\d))"
    r"|(?P<num>\+\d{11})"
    r"|(?P<name>Alice Example|Carol Caller|Walk In)"
)
_LINKEDID = re.compile(r"^(\w*)Linkedid: ")

Part = str | tuple[str, str]  # a literal, or (kind, recorded value) to be replaced


def fixture_dir() -> Path:
    for candidate in FIXTURE_DIRS:
        if (candidate / "queue_answered.raw").exists():
            return candidate
    raise SystemExit(f"AMI recordings not found in {', '.join(map(str, FIXTURE_DIRS))}")


def compile_template(raw: bytes) -> list[list[Part]]:
    """Call events of one recording, each split into literals and replaceable ids."""
    frames = []
    for frame in raw.decode("utf-8").split("\r\n\r\n"):
        if not frame.startswith("Event: ") or "\r\nActionID: " in frame:
            continue  # responses, and events that answer the recording's own actions
        if frame[7:].split("\r\n", 1)[0] in SESSION_EVENTS:
            continue
        parts: list[Part] = []
        for line in frame.split("\r\n"):
            pos = 0
            for m in _TOKEN.finditer(line):
                parts += [line[pos : m.start()], (m.lastgroup or "", m.group())]
                pos = m.end()
            parts.append(line[pos:])
            if cv := _LINKEDID.match(line):
                parts.append(("chanvar", cv.group(1)))
            parts.append("\r\n")
        parts.append("\r\n")
        frames.append(_merge_literals(parts))
    return frames


def _merge_literals(parts: list[Part]) -> list[Part]:
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return out


class StreamFactory:
    """Turns call templates into an endless, seeded, interleaved sequence of frames."""

    def __init__(self, templates: dict[str, list[list[Part]]], seed: int, chanvars: bool):
        self.rng = random.Random(seed)
        self.names = list(templates)
        self.templates = [templates[n] for n in self.names]
        self.cum_weights = list(itertools.accumulate(TEMPLATES[n] for n in self.names))
        self.chanvars = chanvars
        self.free_agents = deque(AGENT_POOL)
        self.uid_seq = itertools.count(1)
        self.chan_seq = itertools.count(1)
        self.calls_started = 0

    def frames(self) -> Iterator[bytes]:
        active = [self._call() for _ in range(CONCURRENT_CALLS)]
        while True:
            slot = self.rng.randrange(len(active))
            for _ in range(self.rng.randint(1, 8)):  # Asterisk emits a call's events in bursts
                frame = next(active[slot], None)
                if frame is None:
                    active[slot] = self._call()
                    break
                yield frame

    def _call(self) -> Iterator[bytes]:
        rng = self.rng
        index = bisect.bisect_right(self.cum_weights, rng.randrange(self.cum_weights[-1]))
        epoch = 1795400000 + self.calls_started // 4
        self.calls_started += 1
        maps: dict[tuple[str, str], str] = {}
        agents: list[int] = []
        with_vars = self.chanvars and rng.random() < CHANVAR_CALL_SHARE
        chanvars = (f"CRM_ID={rng.randrange(10000, 99999)}", f"LABEL={rng.choice(CALLER_NAMES)}")

        def fresh(kind: str, old: str) -> str:
            if kind == "uid":
                return f"{epoch}.{next(self.uid_seq)}"
            if kind == "chan":
                return f"{next(self.chan_seq):08x}"
            if kind == "uuid":
                h = f"{rng.getrandbits(128):032x}"
                return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            if kind == "agent":
                agent = self.free_agents.popleft() if self.free_agents else rng.choice(AGENT_POOL)
                agents.append(agent)
                return str(agent)
            if kind == "num":
                prefix, digits = rng.choice(COUNTRY_PREFIXES)
                return prefix + str(rng.randrange(2 * 10 ** (digits - 1), 10**digits))
            if kind == "name":
                return rng.choice(CALLER_NAMES)
            if not with_vars:  # chanvar: channelvars=CRM_ID,LABEL in manager.conf
                return ""
            return "".join(f"\r\n{old}ChanVariable: {var}" for var in chanvars)

        def render(frame: list[Part]) -> bytes:
            out = []
            for part in frame:
                if isinstance(part, str):
                    out.append(part)
                else:
                    value = maps.get(part)
                    if value is None:
                        value = maps[part] = fresh(*part)
                    out.append(value)
            return "".join(out).encode("utf-8")

        try:
            yield from map(render, self.templates[index])
        finally:
            self.free_agents.extend(a for a in agents if a in AGENT_POOL)


@dataclass
class Stream:
    path: Path
    events: int
    bytes: int
    sha256: str
    chanvars: bool
    headers_min: int = 0
    headers_mean: float = 0.0
    headers_max: int = 0
    events_with_chanvariable: int = 0
    top_events: dict[str, int] = field(default_factory=dict)


def build_stream(path: Path, events: int, seed: int, chanvars: bool) -> Stream:
    folder = fixture_dir()
    templates = {n: compile_template((folder / f"{n}.raw").read_bytes()) for n in TEMPLATES}
    frames = list(itertools.islice(StreamFactory(templates, seed, chanvars).frames(), events))
    data = b"".join(frames)
    path.write_bytes(data)
    headers = [f.count(b"\r\n") - 1 for f in frames]
    names: dict[str, int] = {}
    for f in frames:
        name = f[7 : f.index(b"\r\n")].decode()
        names[name] = names.get(name, 0) + 1
    top = dict(sorted(names.items(), key=lambda kv: -kv[1])[:12])
    return Stream(
        path=path,
        events=len(frames),
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        chanvars=chanvars,
        headers_min=min(headers),
        headers_mean=round(sum(headers) / len(headers), 1),
        headers_max=max(headers),
        events_with_chanvariable=sum(b"ChanVariable: " in f for f in frames),
        top_events=top,
    )


# ---------------------------------------------------------------------------------------
# The AMI server (its own process)
# ---------------------------------------------------------------------------------------

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
BENCH_START = b"Event: BenchStart\r\nPrivilege: system,all\r\n\r\n"
BENCH_DONE = b"Event: BenchDone\r\nPrivilege: system,all\r\n\r\n"
FULLY_BOOTED = b"Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 1\r\nLastReload: 1\r\n"
FULLY_BOOTED += b"Status: Fully Booted\r\n\r\n"
LIST_ACTIONS = {
    "status": "StatusComplete",
    "coreshowchannels": "CoreShowChannelsComplete",
    "queuestatus": "QueueStatusComplete",
    "queuesummary": "QueueSummaryComplete",
    "devicestatelist": "DeviceStateListComplete",
    "extensionstatelist": "ExtensionStateListComplete",
    "pjsipshowendpoints": "EndpointListComplete",
    "bridgelist": "BridgeListComplete",
}


def frame_chunks(data: bytes, size: int = 64 * 1024) -> list[bytes]:
    """Frame-aligned chunks, so that action responses can go out between them."""
    chunks, start = [], 0
    while start < len(data):
        end = data.find(b"\r\n\r\n", start + size)
        end = len(data) if end < 0 else end + 4
        chunks.append(data[start:end])
        start = end
    return chunks


def reply_to(action: dict[str, str]) -> bytes:
    name = action.get("action", "").lower()
    aid = f"ActionID: {action['actionid']}\r\n" if "actionid" in action else ""
    if name == "login":
        return f"Response: Success\r\n{aid}Message: Authentication accepted\r\n\r\n".encode()
    if name == "logoff":
        return f"Response: Goodbye\r\n{aid}Message: Thanks for all the fish.\r\n\r\n".encode()
    if name == "ping":
        pong = f"Ping: Pong\r\nTimestamp: {time.time():.6f}"
        return f"Response: Success\r\n{aid}{pong}\r\n\r\n".encode()
    if name == "challenge":
        return f"Response: Success\r\n{aid}Challenge: 840415273\r\n\r\n".encode()
    if name in LIST_ACTIONS:
        return (
            f"Response: Success\r\n{aid}EventList: start\r\nMessage: List will follow\r\n\r\n"
            f"Event: {LIST_ACTIONS[name]}\r\n{aid}EventList: Complete\r\nListItems: 0\r\n\r\n"
        ).encode()
    return f"Response: Success\r\n{aid}Message: OK\r\n\r\n".encode()


def serve_stream(path: str, port_out: Any, linger: float) -> None:
    chunks = frame_chunks(Path(path).read_bytes())
    with socket.create_server((HOST, 0)) as listener:
        listener.settimeout(60)
        port_out.send(listener.getsockname()[1])
        conn, _ = listener.accept()
    conn.settimeout(None)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    lock, logged_in, closed = threading.Lock(), threading.Event(), threading.Event()

    def answer_actions() -> None:
        buf = b""
        while data := conn.recv(65536):
            buf += data.replace(b"\r\n", b"\n")
            *frames, buf = buf.split(b"\n\n")
            for frame in frames:
                action = {}
                for line in frame.decode("utf-8", "replace").split("\n"):
                    key, _, value = line.partition(":")
                    action[key.strip().lower()] = value.strip()
                if not action.get("action"):
                    continue
                with lock:
                    conn.sendall(reply_to(action))
                    if action["action"].lower() == "login":
                        conn.sendall(FULLY_BOOTED)
                        logged_in.set()
        closed.set()

    conn.sendall(BANNER)
    threading.Thread(target=answer_actions, daemon=True).start()
    if not logged_in.wait(60):
        return
    try:
        for chunk in itertools.chain([BENCH_START], chunks, [BENCH_DONE]):
            with lock:
                conn.sendall(chunk)
    except OSError:
        return  # the client went away (e.g. a contender that died); the client reports it
    closed.wait(linger)


# ---------------------------------------------------------------------------------------
# The clients (each run in a fresh process)
# ---------------------------------------------------------------------------------------


class Meter:
    """Counts events between BenchStart and BenchDone; the same code for every contender."""

    def __init__(self, on_done: Callable[[], None]):
        self.on_done = on_done
        self.count = 0
        self.t0 = self.t1 = self.cpu0 = self.cpu1 = 0.0
        self.started = False

    def see(self, name: str) -> None:
        if self.started:
            if name == "BenchDone":
                self.t1, self.cpu1 = time.perf_counter(), time.process_time()
                self.on_done()
            else:
                self.count += 1
        elif name == "BenchStart":
            self.started = True
            self.t0, self.cpu0 = time.perf_counter(), time.process_time()

    def result(self, finished: bool, **extra: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"events": self.count, "finished": finished, **extra}
        if finished:
            out["seconds"] = self.t1 - self.t0
            out["cpu_seconds"] = self.cpu1 - self.cpu0
        return out


async def run_ours(port: int, timeout: float, with_tracker: bool) -> dict[str, Any]:
    from cti.ami.client import AmiClient, AmiSettings

    done = asyncio.Event()
    meter = Meter(done.set)
    see = meter.see
    if with_tracker:
        from cti.calls.tracker import CallTracker

        handle = CallTracker(extension_rules=None).handle
        emitted = [0]

        def on_event(event: Any) -> None:
            emitted[0] += len(handle(event))
            see(event.name)
    else:
        emitted = []

        def on_event(event: Any) -> None:
            see(event.name)

    settings = AmiSettings(
        host=HOST, port=port, username=USER, secret=SECRET, auth="plain", ping_interval=3600
    )
    client = AmiClient(settings, on_event=on_event)
    task = asyncio.create_task(client.run())
    finished = await _wait(done, timeout, task)
    if task.done() and not task.cancelled() and task.exception() and not finished:
        exc = task.exception()
        return {"error": f"AmiClient.run() raised {type(exc).__name__}: {exc}"}
    try:
        await asyncio.wait_for(client.close(), 5)
    except Exception as exc:  # close() is checked, but never spoils the numbers
        print(f"ours: close() failed: {exc!r}", file=sys.stderr)
    task.cancel()
    extra = {"domain_events": emitted[0]} if emitted else {}
    return meter.result(finished, **extra)


async def run_panoramisk(port: int, timeout: float) -> dict[str, Any]:
    from panoramisk import Manager

    done = asyncio.Event()
    meter = Meter(done.set)
    manager = Manager(
        loop=asyncio.get_running_loop(),
        host=HOST,
        port=port,
        username=USER,
        secret=SECRET,
        ping_delay=3600,
        ping_interval=3600,
        reconnect_timeout=3600,
    )
    manager.register_event("*", lambda _manager, event: meter.see(event["Event"]))
    manager.connect()
    return meter.result(await _wait(done, timeout))


async def _wait(done: asyncio.Event, timeout: float, task: asyncio.Task[Any] | None = None) -> bool:
    """True once BenchDone was handled; False on timeout or when `task` ends first."""
    waiter = asyncio.create_task(done.wait())
    await asyncio.wait(
        {waiter, *([task] if task else [])}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
    )
    waiter.cancel()
    return done.is_set()


def run_pyst2(port: int, timeout: float) -> dict[str, Any]:
    import asterisk.manager

    done = threading.Event()
    meter = Meter(done.set)
    died: list[str] = []
    threading.excepthook = lambda a: died.append(f"{a.exc_type.__name__}: {a.exc_value}")
    manager = asterisk.manager.Manager()
    manager.register_event("*", lambda event, _manager: meter.see(event.name))
    manager.connect(HOST, port)
    manager.login(USER, SECRET)
    finished = done.wait(timeout)
    if not finished and not died:
        # Its message thread dies inside a try/finally that joins the reader thread
        # forever, so the exception never surfaces; reproduce it on one frame instead.
        try:
            asterisk.manager.ManagerMsg(["Event: Newstate\r\n", "ChanVariable: A=1\r\n"])
        except Exception as exc:
            died.append(f"ManagerMsg() on a ChanVariable frame raises {type(exc).__name__}: {exc}")
    return meter.result(finished, **({"thread_died": died[0]} if died else {}))


class _ErrorCounter(logging.Handler):
    """Counts ERROR records (e.g. the tracker's "could not handle") instead of printing."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if not self.first:
            exc = f" ({record.exc_info[1]!r})" if record.exc_info else ""
            self.first = f"{record.name}: {record.getMessage()}{exc}"


def client_main(contender: str, port: int, timeout: float, profile: str, out: Any) -> None:
    """Entry point of a client process: run one contender, send its result, exit hard."""
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.ERROR)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        if contender == "pyst2":
            result = run_pyst2(port, timeout)
        elif contender == "panoramisk":
            result = asyncio.run(run_panoramisk(port, timeout))
        else:
            result = asyncio.run(run_ours(port, timeout, contender == "ours+tracker"))
    except BaseException as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    if errors.count:
        result["log_errors"] = f"{errors.count} logged errors, first: {errors.first}"
    out.send(result)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # pyst2 leaves non-daemon work behind; panoramisk would try to reconnect


# ---------------------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------------------


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


def availability(contender: str) -> tuple[str, str]:
    """(label, problem) for a contender; problem is "" when it can run."""
    modules = {
        "ours": ("cti.ami.client",),
        "ours+tracker": ("cti.ami.client", "cti.calls.tracker"),
        "panoramisk": ("panoramisk",),
        "pyst2": ("asterisk.manager",),
    }[contender]
    label = contender
    if contender in ("panoramisk", "pyst2"):
        try:
            label = f"{contender} {importlib.metadata.version(contender)}"
        except importlib.metadata.PackageNotFoundError:
            return contender, "not installed"
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception as exc:
            return label, f"unavailable ({module}: {type(exc).__name__}: {exc})"
    if contender == "ours+tracker":
        from cti.calls.tracker import CallTracker

        if not callable(getattr(CallTracker, "handle", None)):
            return label, "unavailable (CallTracker has no handle())"
    return label, ""


@dataclass
class Row:
    contender: str
    label: str
    events: int
    status: str = "ok"
    runs: list[float] = field(default_factory=list)
    median: float | None = None
    ratio_vs_panoramisk: float | None = None
    failures: int = 0
    notes: list[str] = field(default_factory=list)
    raw: list[dict[str, Any]] = field(default_factory=list)


def evaluate(row: Row, result: dict[str, Any]) -> None:
    row.raw.append(result)
    if "error" in result:
        row.failures += 1
        row.notes.append(result["error"])
    elif not result["finished"]:
        row.failures += 1
        why = result.get("thread_died", "no BenchDone before the timeout")
        row.notes.append(f"stopped after {result['events']} of {row.events} events: {why}")
    elif result["events"] != row.events:
        row.failures += 1
        row.notes.append(f"counted {result['events']} events, sent {row.events}")
    else:
        row.runs.append(result["events"] / result["seconds"])


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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--events", type=int, default=200_000, help="events in the main stream")
    p.add_argument("--pyst2-events", type=int, default=10_000, help="events in pyst2's stream")
    p.add_argument("--runs", type=int, default=3, help="runs per contender (median is kept)")
    p.add_argument("--only", default=",".join(CONTENDERS), help="comma-separated contenders")
    p.add_argument("--seed", type=int, default=22, help="stream generator seed")
    p.add_argument("--timeout", type=float, default=120, help="seconds allowed per run")
    p.add_argument("--json", metavar="PATH", help="also save the results as JSON")
    p.add_argument("--profile", metavar="DIR", help="one extra cProfile'd run of ours[+tracker]")
    p.add_argument("--keep-stream", metavar="DIR", help="keep the generated streams in DIR")
    args = p.parse_args(argv)
    args.only = [c.strip() for c in args.only.split(",") if c.strip()]
    if unknown := set(args.only) - set(CONTENDERS):
        p.error(f"--only: unknown {sorted(unknown)}; choose from {', '.join(CONTENDERS)}")
    return args


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
        if row.contender not in ("ours", "ours+tracker", "panoramisk") or not row.runs:
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


TIMES, DASH = "\u00d7", "\u2013"  # spelled out: ruff flags them as look-alikes


def fmt_rate(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f}"


def report(results: dict[str, Any]) -> str:
    rows = results["rows"]
    s, p = results["stream"], results["pyst2_stream"]
    lines = [
        "# AMI ingest benchmark",
        "",
        f"- command: `{results['command']}`",
        f"- python: {results['python']}; cpu: {results['cpu']}; {results['platform']}",
        f"- stream: {s['events']:,} events, {s['bytes'] / 1e6:.1f} MB, headers per event "
        f"{s['headers_min']}{DASH}{s['headers_max']} (mean {s['headers_mean']}), "
        f"{s['events_with_chanvariable']:,} events with ChanVariable, sha256 {s['sha256'][:12]}",
    ]
    if p:
        lines.append(
            f"- pyst2 stream: {p['events']:,} events from the same generator WITHOUT ChanVariable "
            f"headers (pyst2's parser thread dies on them), sha256 {p['sha256'][:12]}"
        )
    lines += [
        "- clock: in the client process, from handling `Event: BenchStart` (sent just before "
        "the stream) to handling `Event: BenchDone` (sent just after it)",
        "",
        "| contender | events | median events/s | runs (events/s each) | ratio vs panoramisk |",
        "|---|---:|---:|---|---:|",
    ]
    for r in rows:
        if r["status"] in ("not installed", "unavailable"):
            lines.append(f"| {r['label']} | {r['events']:,} | {r['status']} | | |")
            continue
        runs = ", ".join(fmt_rate(x) for x in r["runs"]) or r["status"]
        ratio = r["ratio_vs_panoramisk"]
        ratio = DASH if ratio is None else f"{ratio:.2f}{TIMES}"
        median = fmt_rate(r["median"])
        lines.append(f"| {r['label']} | {r['events']:,} | {median} | {runs} | {ratio} |")
    lines.append("")
    lines += summary_lines({r["contender"]: r for r in rows})
    if results["pyst2_chanvariable_probe"]:
        lines.append(f"- {results['pyst2_chanvariable_probe']}")
    for r in rows:
        for note in dict.fromkeys(r["notes"]):
            lines.append(f"- {r['label']}: {note}")
        cpu = [x["cpu_seconds"] / x["seconds"] for x in r["raw"] if x.get("seconds")]
        if cpu:
            us = 1e6 / _cpu_rate(r)
            lines.append(
                f"- {r['label']}: client CPU / wall = {statistics.median(cpu):.0%}, "
                f"client CPU per event = {us:.1f} µs"
            )
        for err in dict.fromkeys(x["log_errors"] for x in r["raw"] if "log_errors" in x):
            lines.append(f"- {r['label']}: {err}")
        domain = [x["domain_events"] for x in r["raw"] if "domain_events" in x]
        if domain:
            lines.append(f"- {r['label']}: the tracker emitted {domain[0]:,} domain events per run")
    load = results["load_average"]
    lines.append(
        f"- total wall time: {results['wall_seconds']} s; 1-min load average at start "
        f"{load['start']}, at end {load['end']} (contenders use 2 processes; more load means "
        "other work competed for the CPUs)"
    )
    for name, text in results["profiles"].items():
        lines += ["", f"## cProfile, {name} (tottime, top 18)", "", "```", text, "```"]
    return "\n".join(lines)


def summary_lines(rows: dict[str, dict[str, Any]]) -> list[str]:
    ours, tracked, pano = (rows.get(k) for k in ("ours", "ours+tracker", "panoramisk"))
    out = []
    if _ran(ours) and _ran(pano):
        out.append(f"ours / panoramisk = {_vs(ours, pano, 2.5)}")
    else:
        out.append("ours / panoramisk = n/a (one of them did not run)")
    if _ran(ours) and _ran(tracked):
        slower = (1 - tracked["median"] / ours["median"]) * 100
        paired = [(1 - t / o) * 100 for o, t in _pairs(ours, tracked)]
        line = f"tracker cost: ours+tracker is {slower:.1f}% slower than ours"
        if paired:
            line += f" (paired per round: {statistics.median(paired):.1f}%)"
        out.append(line)
    else:
        out.append("tracker cost: n/a (ours+tracker did not run)")
    if _ran(tracked) and _ran(pano):
        out.append(f"ours+tracker / panoramisk = {_vs(tracked, pano, 1.25)}")
    if _ran(ours) and _ran(pano):
        by_cpu = [f"ours {_cpu_rate(ours) / _cpu_rate(pano):.2f}{TIMES}"]
        if _ran(tracked):
            by_cpu.append(f"ours+tracker {_cpu_rate(tracked) / _cpu_rate(pano):.2f}{TIMES}")
        out.append(
            f"by client CPU time instead of wall time (less sensitive to other load), "
            f"vs panoramisk: {', '.join(by_cpu)}"
        )
    return [f"{line}  " for line in out]  # two spaces: a Markdown line break


def _cpu_rate(row: dict[str, Any]) -> float:
    """Median events per client CPU second over the successful runs."""
    return statistics.median(
        x["events"] / x["cpu_seconds"]
        for x in row["raw"]
        if x.get("cpu_seconds") and x["events"] == row["events"]
    )


def _ran(row: dict[str, Any] | None) -> bool:
    return bool(row and row.get("median"))


def _rates(row: dict[str, Any]) -> list[float | None]:
    """Per-round rates, None where that round failed (rounds interleave contenders)."""
    return [
        x["events"] / x["seconds"] if x.get("seconds") and x["events"] == row["events"] else None
        for x in row["raw"]
    ]


def _pairs(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[float, float]]:
    return [(x, y) for x, y in zip(_rates(a), _rates(b), strict=False) if x and y]


def _vs(row: dict[str, Any], base: dict[str, Any], goal: float) -> str:
    ratio = row["median"] / base["median"]
    verdict = "meets" if ratio >= goal else "does NOT meet"
    text = f"{ratio:.2f}{TIMES} ({verdict} the goal of >= {goal:.2f}{TIMES})"
    if paired := [x / y for x, y in _pairs(row, base)]:
        each = ", ".join(f"{r:.2f}" for r in paired)
        text += f"; paired per round: median {statistics.median(paired):.2f}{TIMES} [{each}]"
    return text


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
