"""Desktop pop latency: the broker sends call.ringing → the pop card's showEvent.

Two processes (spawn):

- the server: the PBX simulator and a real ``CtiApp`` (AMI client, tracker, SQLite lookup,
  broker). ``Broker.publish`` is wrapped here, in the benchmark's own process, to stamp
  ``time.time_ns()`` when the broker hands each ``call.ringing`` to the agent's socket;
- the desktop: the real agent window (``desktop.main.build_main_window``) on a qasync
  loop, offscreen by default (``--platform xcb`` with a ``DISPLAY`` for a real X server).
  ``MainWindow.card_shown`` (emitted from the card's ``showEvent``) is stamped with
  ``time.time_ns()``.

Each call rings agent 1001 for ``--ring`` seconds, then the caller hangs up; the benchmark
closes the card as an agent would, and the next call comes ``--gap`` seconds later. Both clocks are
CLOCK_REALTIME on one machine.

Cold start: ``python -m desktop.main --exit-when-connected`` as a new process, from
spawning it to its exit after the welcome, and the time it reports itself from
``main()`` to connected (without the interpreter start and imports).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pop_bench.pbx import AMI_SECRET
from pop_bench.server import make_contacts, write_config
from pop_bench.stats import summary

TOKEN = "desktop-bench-token-0123456789"
EXTENSION = "1001"


def server_process(conn: Any, workdir: str) -> None:
    asyncio.run(_server_main(conn, Path(workdir)))


async def _server_main(conn: Any, workdir: Path) -> None:
    from cti.app import CtiApp
    from cti.broker.hub import Broker
    from cti.config import load_config
    from cti.protocol import CallRinging
    from cti.sim import CallPlan, PbxSimulator

    sent: dict[str, int] = {}
    publish = Broker.publish

    def stamped(self: Broker, event: Any) -> None:
        if isinstance(event, CallRinging):
            sent.setdefault(event.call_id, time.time_ns())
        publish(self, event)

    Broker.publish = stamped  # type: ignore[method-assign]
    numbers = make_contacts(workdir / "contacts.db")
    async with PbxSimulator(agents=[EXTENSION], secret=AMI_SECRET, seed=11) as pbx:
        write_config(workdir / "config", pbx.port, workdir / "contacts.db", [(TOKEN, EXTENSION)])
        app = CtiApp(load_config(workdir / "config", require_secrets=True), broker_port=0)
        await app.start()
        conn.send(("url", f"http://127.0.0.1:{app.port}"))
        try:
            while (command := await asyncio.to_thread(conn.recv))[0] == "call":
                _, index, ring = command
                plan = CallPlan(answer_after=3600.0, talk=1.0, abandon_after=ring)
                caller = (numbers[index % len(numbers)], "Bench Caller")
                call_id = await pbx.place_call(
                    "direct", caller=caller, target=EXTENSION, abandon=True, hold=False, plan=plan
                )
                await pbx.wait_until(lambda cid=call_id: cid not in pbx.calls, timeout=30)
                conn.send(("done", call_id))
            conn.send(("sent", sent))
        finally:
            await app.stop()


async def run_pops(window: Any, peer: Any, pops: int, ring: float, gap: float) -> dict[str, Any]:
    shown: dict[str, int] = {}
    window.card_shown.connect(lambda call_id: shown.setdefault(call_id, time.time_ns()))
    connected = asyncio.Event()
    window.controller.link_changed.connect(
        lambda state, _detail: connected.set() if state == "connected" else None
    )
    window.controller.start()
    window.show()
    await asyncio.wait_for(connected.wait(), 20)
    missed = 0
    for index in range(pops):
        peer.send(("call", index, ring))
        kind, call_id = await asyncio.to_thread(peer.recv)
        assert kind == "done"
        deadline = time.monotonic() + 2
        while call_id not in shown and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        missed += call_id not in shown
        card = window.cards.get(call_id)
        if card is not None:
            card.close_requested.emit(call_id)  # the agent closes the card
        await asyncio.sleep(gap)  # the next call finds the desktop idle, as most calls do
    peer.send(("stop",))
    _, sent = await asyncio.to_thread(peer.recv)
    await window.controller.stop()
    lat = [(shown[c] - sent[c]) / 1e6 for c in sent if c in shown]
    return {"pops": pops, "shown": len(lat), "missed": missed, **summary(lat)}


def desktop_pops(args: argparse.Namespace, workdir: Path, peer: Any, url: str) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", args.platform)
    import qasync
    from PyQt6.QtCore import QSettings
    from PyQt6.QtWidgets import QApplication

    from desktop.main import build_main_window
    from desktop.prefs import DesktopPrefs

    app = QApplication(sys.argv[:1])
    prefs = DesktopPrefs(QSettings(str(workdir / "desktop.ini"), QSettings.Format.IniFormat))
    window = build_main_window(url, TOKEN, prefs=prefs)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result: dict[str, Any] = loop.run_until_complete(
            run_pops(window, peer, args.pops, args.ring, args.gap)
        )
    return result


def cold_start(url: str, runs: int, workdir: Path) -> dict[str, Any]:
    walls, reported = [], []
    env = {**os.environ, "CTI_DESKTOP_TOKEN": TOKEN, "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop.main",
                "--url",
                url,
                "--exit-when-connected",
                "--settings",
                str(workdir / "cold.ini"),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        walls.append((time.perf_counter() - started) * 1000)
        if done.returncode != 0:
            raise RuntimeError(f"desktop exited {done.returncode}: {done.stderr[-500:]}")
        reported.append(float(done.stdout.split("connected in ", 1)[1].split(" ", 1)[0]) * 1000)
    return {"runs": runs, "process_ms": summary(walls), "main_to_connected_ms": summary(reported)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pops", type=int, default=200, help="calls popped on the desktop")
    p.add_argument("--ring", type=float, default=0.3, help="seconds each call rings")
    p.add_argument("--gap", type=float, default=0.2, help="idle seconds between calls")
    p.add_argument("--cold-runs", type=int, default=5, help="cold starts measured")
    p.add_argument("--platform", default="offscreen", help="Qt platform (offscreen or xcb)")
    p.add_argument("--json", metavar="PATH", help="also save the results as JSON")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import multiprocessing as mp

    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="desktop-bench-") as tmp:
        workdir = Path(tmp)
        ctx = mp.get_context("spawn")
        peer, child = ctx.Pipe()
        server = ctx.Process(target=server_process, args=(child, str(workdir)), daemon=True)
        server.start()
        kind, url = peer.recv()
        assert kind == "url", kind
        cold = cold_start(url, args.cold_runs, workdir)
        pops = desktop_pops(args, workdir, peer, url)
        server.join(10)
    command = "python " + " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    p, c = pops, cold
    print("| measure | samples | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| broker sends call.ringing → card shown ({args.platform}) | {p['shown']}/{p['pops']} "
        f"| {p['p50']:.2f} | {p['p99']:.2f} | {p['max']:.2f} |"
    )
    for key, text in (
        ("process_ms", "cold start: spawn → connected → exit"),
        ("main_to_connected_ms", "cold start: main() → connected"),
    ):
        row = c[key]
        print(f"| {text} | {c['runs']} | {row['p50']:.0f} | {row['p99']:.0f} | {row['max']:.0f} |")
    print(f"\ncommand: `{command}`  load average: {os.getloadavg()}")
    if args.json:
        out = {"pops": pops, "cold_start": cold, "command": command, "loadavg": os.getloadavg()}
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0 if pops["shown"] == pops["pops"] else 1


if __name__ == "__main__":
    sys.exit(main())
