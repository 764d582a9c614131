"""The clients: one contender per fresh process, all counting with the same `Meter`."""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import inspect
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from ami_bench.server import HOST, SECRET, USER

CONTENDERS = (
    "ours",
    "ours+tracker",
    "ours+tracker+filter",
    "ours+pipeline+filter",
    "panoramisk",
    "pyst2",
)
#: contenders whose client parses only the events its consumer reads
FILTERED = ("ours+tracker+filter", "ours+pipeline+filter")
#: The bench's own markers, which the filtering client must still parse.
BENCH_EVENTS = frozenset({"BenchStart", "BenchDone"})


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


def consumer(contender: str) -> Any:
    """What the contender's client feeds: the call tracker alone, or the server's whole
    event pipeline (tracker and agent board, as `cti serve` runs it); None for ``ours``."""
    if contender.startswith("ours+pipeline"):
        from cti.calls.extensions import ExtensionRules
        from cti.pipeline import event_pipeline

        return event_pipeline(ExtensionRules.from_strings())
    if contender.startswith("ours+tracker"):
        from cti.calls.tracker import CallTracker

        return CallTracker(extension_rules=None)
    return None


async def run_ours(port: int, timeout: float, contender: str) -> dict[str, Any]:
    """A ``+filter`` contender's client parses only its consumer's events (and the bench
    markers)."""
    from cti.ami.client import AmiClient, AmiSettings

    done = asyncio.Event()
    meter = Meter(done.set)
    see = meter.see
    options: dict[str, Any] = {}
    fed = consumer(contender)
    if fed is not None:
        handle = fed.handle
        if contender in FILTERED:
            options["events"] = fed.handled_events | BENCH_EVENTS
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
    client = AmiClient(settings, on_event=on_event, **options)
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
            result = asyncio.run(run_ours(port, timeout, contender))
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


def availability(contender: str) -> tuple[str, str]:
    """(label, problem) for a contender; problem is "" when it can run."""
    modules = {
        "ours": ("cti.ami.client",),
        "ours+tracker": ("cti.ami.client", "cti.calls.tracker"),
        "ours+tracker+filter": ("cti.ami.client", "cti.calls.tracker"),
        "ours+pipeline+filter": ("cti.ami.client", "cti.pipeline"),
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
    if contender in ("ours+tracker", "ours+tracker+filter"):
        from cti.calls.tracker import CallTracker

        if not callable(getattr(CallTracker, "handle", None)):
            return label, "unavailable (CallTracker has no handle())"
    if contender == "ours+tracker+filter":
        from cti.ami.client import AmiClient

        if not hasattr(CallTracker, "handled_events"):
            return label, "unavailable (CallTracker has no handled_events)"
        if "events" not in inspect.signature(AmiClient).parameters:
            return label, "unavailable (AmiClient takes no events=)"
    return label, ""


def tracker_events(contender: str = "ours+tracker+filter") -> frozenset[str]:
    """The event names a ``+filter`` contender parses from the stream (its consumer's)."""
    return frozenset(consumer(contender).handled_events)
