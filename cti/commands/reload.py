"""``cti reload``: check the edited config, then ask the running server to apply it.

It validates first, so a typo is reported here with its file and key and the server is
never even asked; a valid config is applied by the server on SIGHUP without dropping
agents or calls.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any

from cti.commands.arguments import add_config_argument
from cti.config import ConfigError, load_config


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "reload",
        help="validate the config and make the running `cti serve` reload it",
        description=(
            "Validates cti.yaml and secrets.yaml like check-config; if they are valid, sends "
            "SIGHUP to the server whose pid is in PATH (see `cti serve --pid-file`). "
            "Under systemd, `systemctl reload cti` does the same."
        ),
    )
    add_config_argument(parser)
    parser.add_argument(
        "--pid-file", type=Path, required=True, metavar="PATH", help="the server's pid file"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        load_config(args.config, require_secrets=True)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("reload: config has errors; the server was not asked to reload", file=sys.stderr)
        return 2
    try:
        pid = int(args.pid_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        print(f"reload: cannot read a pid from {args.pid_file}: {exc}", file=sys.stderr)
        return 1
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        print(f"reload: no server runs with pid {pid} (stale {args.pid_file}?)", file=sys.stderr)
        return 1
    except PermissionError:
        print(f"reload: not allowed to signal pid {pid}", file=sys.stderr)
        return 1
    print(f"reload: config valid; asked the server (pid {pid}) to reload")
    return 0
