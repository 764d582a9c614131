"""``cti report``: reports for managers. ``cti report erlang`` is the staffing calculator.

With no subcommand, ``cti report [--from ... --queue ...]`` is the interval report from
the call records (`cti.commands.report_intervals`), so the subcommands are optional.
"""

from __future__ import annotations

import argparse
from typing import Any

from cti.commands import report_erlang, report_intervals


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="reports for managers: intervals, service level, peaks, staffing (Erlang C or A)",
        description="Reports for managers. With no REPORT: the interval report of the call "
        "records (offered, answered, abandoned, service level, ASA, AHT, occupancy and "
        "staffing per interval; see docs/reports.md). 'cti report erlang' computes the "
        "agents an interval needs to reach a service level target (Erlang C, or Erlang A).",
    )
    report_intervals.add_arguments(parser)
    reports = parser.add_subparsers(dest="report", metavar="REPORT", required=False)
    report_erlang.register(reports)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """``cti report`` with no report named: the interval report."""
    return report_intervals.run(args)
