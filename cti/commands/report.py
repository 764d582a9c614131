"""``cti report``: reports for managers. ``cti report erlang`` is the staffing calculator.

The interval report (``cti report --from ... --queue ...``) will live on this same command
with no subcommand, so the subcommands are optional and ``cti report`` alone says what
there is instead of failing on a missing argument.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cti.commands import report_erlang

NO_REPORT_YET = (
    "cti report: choose a report: 'cti report erlang --calls N --interval SECONDS "
    "--aht SECONDS' (the staffing calculator); see 'cti report --help'"
)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="reports for managers: staffing with Erlang C or A",
        description="Reports for managers. 'cti report erlang' computes the agents an "
        "interval needs to reach a service level target (Erlang C, or Erlang A).",
    )
    reports = parser.add_subparsers(dest="report", metavar="REPORT", required=False)
    report_erlang.register(reports)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """``cti report`` with no report named."""
    print(NO_REPORT_YET, file=sys.stderr)
    return 2
