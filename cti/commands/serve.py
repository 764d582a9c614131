"""``cti serve``: run the server until SIGTERM or SIGINT; SIGHUP reloads the config.

A bad config stops start-up (exit 2) with every problem listed; a bad edit read on
SIGHUP is refused and the running config kept, so a typo never takes agents offline.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

from cti.commands.arguments import add_config_argument
from cti.config import Config, ConfigError, load_config

log = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_START = 1


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the CTI server (AMI, lookup, agent WebSocket)",
        description=(
            "Loads cti.yaml and secrets.yaml from DIR (every secret required), connects to "
            "the AMI and serves agent desktops until SIGTERM or SIGINT. SIGHUP re-reads the "
            "config and applies what can change live. Exit status 2 on a config error."
        ),
    )
    add_config_argument(parser)
    parser.add_argument(
        "--pid-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="write the process id here while running (for `cti reload`)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config, require_secrets=True)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"serve: {len(exc.errors)} config error(s); not starting", file=sys.stderr)
        return EXIT_CONFIG
    for note in config.notes:
        log.warning("%s", note)
    if args.log_level is None:
        logging.getLogger().setLevel(config.logging.level)
    if args.pid_file is None:
        return asyncio.run(serve(config, args.config))
    try:
        args.pid_file.write_text(f"{os.getpid()}\n", encoding="ascii")
    except OSError as exc:
        print(f"serve: cannot write pid file {args.pid_file}: {exc.strerror}", file=sys.stderr)
        return EXIT_START
    try:
        return asyncio.run(serve(config, args.config))
    finally:
        args.pid_file.unlink(missing_ok=True)


async def serve(config: Config, config_dir: Path | None) -> int:
    """Run until a stop signal; returns the exit status."""
    from cti.app import CtiApp, run_until_stopped  # here: other commands need no server

    try:
        app = CtiApp(config)
    except Exception as exc:
        log.error("cannot start: %s", exc)
        return EXIT_START
    try:
        await run_until_stopped(app, partial(load_config, config_dir, require_secrets=True))
    except OSError as exc:
        log.error("cannot start: %s", exc)
        await app.stop()
        return EXIT_START
    return 0
