"""The universal queue beside the pop path: chat lines, offers of new interactions, and a
10,000-mail first import while calls pop, side by side in one run.

Processes (spawn), each side with its own event loop, as on separate machines:

- the PBX: cti's simulator (``cti.sim.PbxSimulator``) on 127.0.0.1 placing direct calls
  to the agents, each DialBegin stamped just before its bytes are written (as
  ``bench/pop_latency.py``);
- the CTI server: a real ``CtiApp`` in this process with every channel on: the chat's
  ``/chat/ws``, a signed web form, and the mailbox of a real dovecot (IMAP IDLE);
- the agents: one bare WebSocket each, stamping frames as their bytes arrive, accepting
  offers as a desk would;
- the customers: chat visitors (each its own address behind a trusted proxy), web form
  posts, and a mail client APPENDing to dovecot;
- dovecot, started as ``tests/mailserver.py`` starts it.

Paths, each from the customer's send stamp (or the DialBegin's) to the agent's socket:

- the floor: a DialBegin's bytes over plain loopback TCP;
- the pop path: DialBegin → ``call.ringing``;
- chat: a visitor's line → ``interaction.message``, with ``--chats`` chats open;
- offers: a web form POST / a new chat's first line / a mail APPENDed (from dovecot's
  OK) → ``interaction.offered``, one at a time;
- import: ``--mails`` mails in the mailbox before the server's first start; pops during
  the import, and after it; the import's duration and that every mail arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing as mp
import os
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

from pop_bench.server import make_contacts
from pop_latency import run_floor
from uq_bench.runs import run_import, run_live


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    out: dict[str, Any] = {"floor": await run_floor(ctx, args.floor_frames, 0.002)}
    with tempfile.TemporaryDirectory(prefix="uq-bench-") as tmp:
        workdir = Path(tmp)
        db = workdir / "contacts.db"
        numbers = make_contacts(db)
        if not args.skip_live:
            out["live"] = await run_live(ctx, workdir, db, numbers, args)
            out["load_after_live"] = os.getloadavg()
        if args.mails:
            out["import"] = await run_import(ctx, workdir, db, numbers, args)
            out["load_after_import"] = os.getloadavg()
    return out


def _row(path: str, r: dict[str, Any], floor: float, pop: float | None, goal: str) -> str:
    ratio = f"{r['p99'] / floor:.0f}x" if floor else ""
    to_pop = f"{r['p99'] / pop:.2f}x" if pop else ""
    return (
        f"| {path} | {r['received']}/{r['sent']} | {r['p50']:.2f} | {r['p99']:.2f} "
        f"| {r['max']:.2f} | {ratio} | {to_pop} | {goal} |"
    )


def table(out: dict[str, Any]) -> str:
    floor = out["floor"]
    lines = [
        "| path | received/sent | p50 ms | p99 ms | max ms | p99 / floor p99 "
        "| p99 / pop p99 | goal (p99) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    live, imported = out.get("live"), out.get("import")
    pop = live["pop"]["p99"] if live else None
    if live:
        chat = live["chat"]
        lines += [
            _row("pop: DialBegin → call.ringing", live["pop"], floor["p99"], pop, ""),
            _row(
                f"chat line → interaction.message ({chat['chats']} chats open)",
                chat,
                floor["p99"],
                pop,
                "≤ 50 ms",
            ),
            _row(
                "web form POST → interaction.offered",
                live["offer_webform"],
                floor["p99"],
                pop,
                "≤ 100 ms",
            ),
            _row(
                "new chat's first line → interaction.offered",
                live["offer_chat"],
                floor["p99"],
                pop,
                "≤ 100 ms",
            ),
            _row(
                "mail APPENDed (IMAP OK) → interaction.offered",
                live["offer_email"],
                floor["p99"],
                pop,
                "≤ 100 ms",
            ),
            _row(
                "of which cti's: the fetcher knew of it → interaction.offered",
                live["offer_email_in_cti"],
                floor["p99"],
                pop,
                "",
            ),
            _row(
                "mail floor: APPENDed (IMAP OK) → a bare IDLE client sees it",
                live["imap_idle_floor"],
                floor["p99"],
                pop,
                "",
            ),
        ]
    if imported:
        n = imported["mails"]
        lines += [
            _row(
                f"pop during the {n:,}-mail import",
                imported["pop_during"],
                floor["p99"],
                pop,
                "not blocked",
            ),
            _row(
                f"pop after it ({n:,} mails waiting)", imported["pop_after"], floor["p99"], pop, ""
            ),
        ]
    lines.append(
        f"| floor: the same DialBegin bytes over loopback TCP | {floor['samples']} "
        f"| {floor['p50']:.3f} | {floor['p99']:.3f} | {floor['max']:.3f} | 1x | | |"
    )
    if imported:
        lines.append(
            f"\nimport: {imported['mails']:,} mails APPENDed in {imported['fill_seconds']:.1f} s; "
            f"imported at first start in {imported['import_seconds']:.1f} s "
            f"({imported['mails'] / max(imported['import_seconds'], 1e-9):.0f} mails/s); "
            f"email interactions in the centre: {imported['in_centre']:,}, "
            f"distinct imported mails in the records: {imported['in_records']:,}; "
            f"the worst pop {imported['worst_pop_at_seconds']:.1f} s after the server's start; "
            f"the server's GC runs during the import: {imported['gc_collections']}, the "
            f"longest {imported['gc_longest_ms']:.1f} ms (generation "
            f"{imported['gc_longest_generation']})"
        )
    if live and (live["refused"] or live["chat"]["rejected"]):
        lines.append(
            f"\nrefused commands: {live['refused'][:5]}; visitor errors: "
            f"{live['chat']['rejected'][:5]}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--agents", type=int, default=70, help="agent desktops (chat capacity 3 each)")
    p.add_argument("--chats", type=int, default=200, help="concurrent chats")
    p.add_argument("--chat-interval", type=float, default=2.0, help="s between a visitor's lines")
    p.add_argument("--chat-seconds", type=float, default=20.0, help="s of chat lines")
    p.add_argument("--offers", type=int, default=50, help="new interactions per channel")
    p.add_argument("--offer-gap", type=float, default=0.3, help="s between new interactions")
    p.add_argument("--pop-rate", type=float, default=10.0, help="direct calls per second")
    p.add_argument("--pop-seconds", type=float, default=10.0, help="s of pops (without import)")
    p.add_argument("--hold", type=float, default=0.2, help="s from DialBegin to answer")
    p.add_argument("--mails", type=int, default=10_000, help="mails imported (0: skip)")
    p.add_argument("--import-batch", type=float, default=5.0, help="s per batch of pops")
    p.add_argument("--import-limit", type=float, default=900.0, help="s to wait for the import")
    p.add_argument("--grace", type=float, default=30.0, help="s to wait for late arrivals")
    p.add_argument("--floor-frames", type=int, default=1000, help="frames in the TCP floor")
    p.add_argument(
        "--mail-poll",
        type=float,
        metavar="SECONDS",
        help="read the mailbox without IDLE, looking every SECONDS (email.poll_seconds)",
    )
    p.add_argument("--skip-live", action="store_true", help="only the import run")
    p.add_argument("--json", metavar="PATH", help="also save the results as JSON")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    out = asyncio.run(amain(args))
    command = "python " + " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    print(table(out))
    print(f"\ncommand: `{command}`  load average at the end: {os.getloadavg()}")
    if args.json:
        out["command"] = command
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    live, imported = out.get("live"), out.get("import")
    rows = (
        [live[k] for k in ("pop", "chat", "offer_webform", "offer_chat", "offer_email")]
        if live
        else []
    )
    rows += [imported["pop_during"], imported["pop_after"]] if imported else []
    complete = not imported or imported["in_records"] == imported["mails"]
    return 0 if complete and all(r["received"] == r["sent"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
