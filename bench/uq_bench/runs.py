"""The two server starts of the benchmark, each a real `CtiApp` on the PBX simulator.

1. ``live``: an empty mailbox. Pops (the pop path), then 200 chats accepted by agents and
   their visitors' lines → the agent's ``interaction.message``, then new interactions of
   each channel → the available agent's ``interaction.offered``.
2. ``import``: a mailbox of ``--mails`` mails APPENDed before the server starts, imported
   at its first start while calls pop; then pops again with the import done.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from pop_bench.pbx import pbx_process
from pop_bench.server import GcWatch
from pop_bench.stats import summary
from pop_latency import Peer

from uq_bench.agents import agents_process
from uq_bench.customers import customers_process
from uq_bench.mailbox import fill, idle_floor, running_mailbox
from uq_bench.setup import DISPOSITION, agent_credentials, write_config


class IdleStamps:
    """When the server's fetcher saw new mail announced (its IDLE returned True), stamped
    in the server process: the mail path's split into dovecot's share and cti's.
    Instrumentation of this benchmark only."""

    def __init__(self) -> None:
        self.seen: list[int] = []
        self._original: Any = None

    def install(self) -> None:
        from cti.channels.email.imapwire import ImapSession

        original, seen = ImapSession.idle, self.seen

        def stamped(session: ImapSession, seconds: float) -> bool:
            announced = original(session, seconds)
            if announced:
                seen.append(time.time_ns())
            return announced

        self._original = original
        ImapSession.idle = stamped  # type: ignore[method-assign]

    def uninstall(self) -> None:
        from cti.channels.email.imapwire import ImapSession

        if self._original is not None:
            ImapSession.idle = self._original  # type: ignore[method-assign]

    def in_cti(self, sent: dict[str, int], got: dict[str, int]) -> dict[str, Any]:
        """ms from when cti could first know of each mail (its APPEND's OK, or the
        announcement it was fetched after, whichever is later) to the agent's offer."""
        ms = []
        for key, t0 in sent.items():
            offered = got.get(key)
            if offered is None:
                continue
            before = [t for t in self.seen if t <= offered]
            ms.append((offered - max(t0, before[-1] if before else t0)) / 1e6)
        return {"sent": len(sent), "received": len(ms), **summary(ms)}


def latency(sent: dict[str, int], got: dict[str, int]) -> dict[str, Any]:
    """ms from each send stamp to its arrival; how many arrived of how many sent."""
    ms = [(got[key] - t0) / 1e6 for key, t0 in sent.items() if key in got]
    return {"sent": len(sent), "received": len(ms), **summary(ms)}


class Server:
    """One CtiApp with its PBX, agents and customers processes."""

    def __init__(
        self, ctx: Any, workdir: Path, agents: int, mail_poll: float | None = None
    ) -> None:
        self.ctx, self.workdir, self.mail_poll = ctx, workdir, mail_poll
        self.creds = agent_credentials(agents)
        self.pbx = Peer(ctx, pbx_process, [ext for _, ext in self.creds])
        self.agents = Peer(ctx, agents_process)
        self.customers = Peer(ctx, customers_process)
        self.app: Any = None
        self.started_ns = 0
        self.idle = IdleStamps()

    async def start(self, db: Path, mailbox: Any, name: str) -> None:
        from cti.app import CtiApp
        from cti.config import load_config

        config_dir = self.workdir / f"cfg-{name}"
        state = self.workdir / f"mail-{name}"
        port = await self.pbx.recv("port")
        write_config(config_dir, port, db, self.creds, mailbox, state, self.mail_poll)
        self.state_file = state / "fetch.json"
        self.records = config_dir / "records.db"
        self.app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        self.idle.install()
        self.started_ns = time.time_ns()
        await self.app.start()
        async with asyncio.timeout(30):
            while self.app.ami.state != "connected":  # noqa: ASYNC110 - no event for it
                await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{self.app.port}"
        self.agents.send(f"{url}/ws", [t for t, _ in self.creds], DISPOSITION)
        await self.agents.recv("connected")
        self.customers.send(url, mailbox)
        await self.customers.recv("ready")

    async def mode(self, mode: str) -> None:
        self.agents.send("mode", mode)
        await self.agents.recv("mode")

    async def arrivals(self, kind: str, keys: list[str], grace: float) -> dict[str, int]:
        """Poll the agents until every key arrived as ``kind``, or ``grace`` s passed."""
        deadline = time.monotonic() + grace
        while True:
            self.agents.send("collect")
            got: dict[str, int] = (await self.agents.recv("collected"))[kind]
            if all(k in got for k in keys) or time.monotonic() > deadline:
                return got
            await asyncio.sleep(0.2)

    async def refused(self) -> list[str]:
        self.agents.send("collect")
        return list((await self.agents.recv("collected"))["refused"])

    async def pops(self, numbers: list[str], args: Any, seconds: float) -> dict[str, int]:
        """Direct calls at ``--pop-rate``; call id → DialBegin send stamp (ring → agent)."""
        self.pbx.send("run", numbers, args.pop_rate, seconds, args.hold)
        sent = await self.pbx.recv("sent")
        return {call_id: t0 for call_id, (_, t0) in sent.items()}

    async def stop(self) -> None:
        for peer in (self.agents, self.customers):
            peer.send("stop")
            await peer.recv("stopped")
        if self.app is not None:
            await self.app.stop()
        self.idle.uninstall()
        self.pbx.send("stop")
        for peer in (self.agents, self.customers, self.pbx):
            await peer.join()


async def run_live(ctx: Any, workdir: Path, db: Path, numbers: list[str], args: Any) -> dict:
    out: dict[str, Any] = {}
    with running_mailbox() as (mailbox, floor):
        ms = await asyncio.to_thread(idle_floor, floor, args.offers)
        out["imap_idle_floor"] = {"sent": args.offers, "received": len(ms), **summary(ms)}
        server = Server(ctx, workdir, args.agents, args.mail_poll)
        try:
            await server.start(db, mailbox, "live")
            await asyncio.sleep(1.0)  # the first agent states go out
            sent = await server.pops(numbers, args, args.pop_seconds)
            got = await server.arrivals("ringing", list(sent), args.grace)
            out["pop"] = latency(sent, got)
            out["chat"] = await chat_phase(server, args)
            await server.mode("churn")
            for channel in ("webform", "chat", "email"):
                server.customers.send("offers", channel, args.offers, args.offer_gap)
                sent = await server.customers.recv("sent")
                got = await server.arrivals("offered", list(sent), args.grace)
                out[f"offer_{channel}"] = latency(sent, got)
                if channel == "email":
                    out["offer_email_in_cti"] = server.idle.in_cti(sent, got)
            out["refused"] = await server.refused()
        finally:
            await server.stop()
    return out


async def chat_phase(server: Server, args: Any) -> dict[str, Any]:
    await server.mode("keep")
    server.customers.send("open_chats", args.chats)
    opened = await server.customers.recv("sent")
    # accepted: the thread so far (the opening line) reached the agent
    accepted = await server.arrivals("messages", list(opened), args.grace)
    held = sum(1 for key in opened if key in accepted)
    server.customers.send("chat_lines", args.chat_interval, args.chat_seconds)
    sent = await server.customers.recv("sent")
    got = await server.arrivals("messages", list(sent), args.grace)
    server.customers.send("leave")
    rejected = await server.customers.recv("left")
    return {"chats": held, "rejected": rejected, **latency(sent, got)}


async def run_import(ctx: Any, workdir: Path, db: Path, numbers: list[str], args: Any) -> dict:
    with running_mailbox() as (mailbox, _):
        fill_seconds = await asyncio.to_thread(fill, mailbox, args.mails)
        server = Server(ctx, workdir, args.agents, args.mail_poll)
        watch = GcWatch()  # the server's garbage collections while the import runs
        try:
            await server.start(db, mailbox, "import")
            gc.callbacks.append(watch)
            await server.mode("ignore")
            during: dict[str, int] = {}
            got: dict[str, int] = {}
            done_ns = None
            while done_ns is None:
                during |= await server.pops(numbers, args, args.import_batch)
                done_ns = imported_at(server.state_file, args.mails)
                if time.time_ns() - server.started_ns > args.import_limit * 1e9:
                    break
            got = await server.arrivals("ringing", list(during), args.grace)
            gc.callbacks.remove(watch)
            while done_ns is None:  # over the limit: wait, so the count below is final
                await asyncio.sleep(1.0)
                done_ns = imported_at(server.state_file, args.mails)
            in_centre = sum(
                i.channel == "email" for i in server.app.interactions.router.open_interactions()
            )
            after = await server.pops(numbers, args, args.pop_seconds)
            got_after = await server.arrivals("ringing", list(after), args.grace)
        finally:
            if watch in gc.callbacks:
                gc.callbacks.remove(watch)
            await server.stop()
    early = {k: t0 for k, t0 in during.items() if done_ns is None or t0 < done_ns}
    worst = max(early, key=lambda k: got.get(k, 0) - early[k], default=None)
    return {
        "mails": args.mails,
        "fill_seconds": fill_seconds,
        "import_seconds": ((done_ns or 0) - server.started_ns) / 1e9,
        "in_centre": in_centre,
        "in_records": recorded_keys(server.records, args.mails),
        "pop_during": latency(early, got),
        "pop_after": latency(after, got_after),
        "worst_pop_at_seconds": (early[worst] - server.started_ns) / 1e9 if worst else None,
        "gc_collections": watch.collections,
        "gc_longest_ms": watch.longest[0],
        "gc_longest_generation": watch.longest[1],
    }


def imported_at(state_file: Path, mails: int) -> int | None:
    """When the fetcher handed over the last mail: the state file's write (ns)."""
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
        stamp = state_file.stat().st_mtime_ns
    except (OSError, ValueError):
        return None
    return stamp if state.get("last_uid", 0) >= mails else None


def recorded_keys(records: Path, mails: int) -> int:
    """How many distinct imported mails (by key) the records hold as email interactions."""
    with sqlite3.connect(records) as conn:
        rows = conn.execute("SELECT subject FROM interactions WHERE channel = 'email'")
        keys = {str(subject).split()[0] for (subject,) in rows if subject}
    return len(keys & {f"bk-import-{n}" for n in range(mails)})
