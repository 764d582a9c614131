"""``cti check-config``: validate the config files and report every problem.

Admins run it after editing ``config/`` and before restarting. It reads only, prints one
``FILE:LINE: KEY: MESSAGE (hint)`` line per problem, and never prints a secret's value.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cti.commands.arguments import add_config_argument
from cti.config import ConfigError, load_config


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "check-config",
        help="validate the config files and list every problem",
        description=(
            "Reads cti.yaml and secrets.yaml from DIR, checks every option and prints "
            "each problem as 'FILE:LINE: KEY: MESSAGE (hint)'. Changes nothing. "
            "Exit status 1 if there is any error, 0 otherwise (warnings included)."
        ),
    )
    add_config_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem)
        errors, warnings = len(exc.errors), len(exc.warnings)
        print(f"check-config: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
        return 1
    for note in config.notes:
        print(note)
    if config.files_read:
        read = ", ".join(str(path) for path in config.files_read)
        print(f"OK: {read} valid; options not set there have their defaults")
    else:
        print(f"OK: no config files in {config.directory}; every option has its default")
    return 0
