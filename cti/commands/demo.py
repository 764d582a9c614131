"""``cti demo``: the built-in PBX simulator, the server and live screen-pops, one command."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from cti.demo.client import ClientRefused
from cti.demo.desktop import why_no_desktop
from cti.demo.history import DEFAULT_WEEKS, MAX_WEEKS
from cti.demo.session import DemoOptions, desktop_user, run_demo
from cti.demo.view import TerminalView


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="run the PBX simulator, the server and live pops in this terminal",
        description=(
            "Creates a demo directory of a few hundred contacts, starts the built-in PBX "
            "simulator (real AMI on 127.0.0.1) and the server, signs in four demo agents "
            "(1001-1004), who log in to queue support, and a supervisor (9000), and shows "
            "the agents' screen-pops and the supervisor's view of the queue live. Simulated "
            "customers email a local mailbox (dovecot, when installed), chat on the web "
            "widget and post a signed web form; the agents the demo drives answer them. "
            "When a "
            "display exists and the "
            "desktop extra is installed, it also opens the agent desktop signed in as 1001 "
            "(with --supervisor: as the supervisor, with the wallboard and the Reports tab). "
            "Runs until Ctrl-C (or until the desktop window is closed); with --calls N, "
            "until the N calls have ended and the desktop window (if any) is closed."
        ),
    )
    parser.add_argument(
        "--desktop",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="open the agent desktop (default: when a display and PyQt6 are available)",
    )
    parser.add_argument(
        "--supervisor",
        action="store_true",
        help="open the desktop signed in as the supervisor (9000), with the wallboard and "
        "the Reports tab, instead of agent 1001 (needs a display)",
    )
    parser.add_argument(
        "--calls",
        type=int,
        default=None,
        metavar="N",
        help="play N calls, then exit (with the desktop: once its window is closed)",
    )
    parser.add_argument(
        "--exit-after-calls",
        action="store_true",
        help="with --calls and the desktop: close the desktop after the last call too "
        "(scripts and tests)",
    )
    parser.add_argument(
        "--rate", type=float, default=0.2, help="new calls per second (default: 0.2)"
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="play calls this many times faster (default: 1)"
    )
    parser.add_argument("--seed", type=int, default=7, help="simulator and contacts seed")
    parser.add_argument(
        "--customers",
        type=float,
        default=2.0,
        metavar="PER_MINUTE",
        help="simulated customers who email, chat or post a web form, per minute on "
        "average (default: 2; 0 for none)",
    )
    parser.add_argument(
        "--history-weeks",
        type=int,
        default=DEFAULT_WEEKS,
        metavar="N",
        help=f"weeks of simulated queue_log history before today, for the reports "
        f"(default: {DEFAULT_WEEKS}; 0 for none)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the demo config and database here (default: a temporary directory)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.calls is not None and args.calls < 1:
        print("cti demo: --calls must be at least 1", file=sys.stderr)
        return 2
    if args.speed <= 0 or args.rate <= 0:
        print("cti demo: --speed and --rate must be positive", file=sys.stderr)
        return 2
    if not args.customers >= 0:
        print("cti demo: --customers must be 0 or more", file=sys.stderr)
        return 2
    if not 0 <= args.history_weeks <= MAX_WEEKS:
        print(f"cti demo: --history-weeks must be 0 to {MAX_WEEKS}", file=sys.stderr)
        return 2
    if args.supervisor and args.desktop is False:
        print("cti demo: --supervisor opens the desktop: leave out --no-desktop", file=sys.stderr)
        return 2
    desktop = True if args.supervisor else args.desktop
    reason = why_no_desktop()
    if desktop and reason is not None:
        print(f"cti demo: cannot open the desktop: {reason}", file=sys.stderr)
        return 2
    if desktop is None:
        desktop = reason is None
    with tempfile.TemporaryDirectory(prefix="cti-demo-") as scratch:
        workdir = args.data or Path(scratch)
        options = DemoOptions(
            workdir=workdir,
            calls=args.calls,
            calls_per_second=args.rate,
            speed=args.speed,
            seed=args.seed,
            desktop=desktop,
            exit_after_calls=args.exit_after_calls,
            desktop_supervisor=args.supervisor,
            history_weeks=args.history_weeks,
            customers_per_minute=args.customers,
        )
        try:
            with TerminalView() as view:
                view.note("demo: PBX simulator and server starting on 127.0.0.1")
                if desktop:
                    view.note(f"demo: opening {desktop_user(options)}")
                elif reason is not None:
                    view.note(f"demo: terminal view only: {reason}")
                # a SIGTERM stops the demo as Ctrl-C does: its mail server and
                # simulator are shut down by the same clean-up, never left running
                signal.signal(signal.SIGTERM, _stop_as_interrupt)
                played = asyncio.run(run_demo(options, view))
        except ClientRefused as exc:
            print(f"cti demo: {exc}", file=sys.stderr)
            return 1
        except (OSError, TimeoutError) as exc:
            print(f"cti demo: could not start: {exc}", file=sys.stderr)
            return 1
    if args.calls is not None:
        print(f"demo: {played} calls played")
    return 0


def _stop_as_interrupt(signum: int, frame: object) -> None:
    signal.raise_signal(signal.SIGINT)
