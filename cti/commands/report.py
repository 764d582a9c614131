"""``cti report``: reports for managers. ``cti report erlang`` is the staffing calculator.

The interval report (``cti report --from ... --queue ...``) will live on this same command
with no subcommand, so the subcommands are optional and ``cti report`` alone says what
there is instead of failing on a missing argument.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cti.reports.erlang import ErlangInputError, Staffing, scheduled, staff_for

OPTION_OF_INPUT = {
    "calls": "--calls",
    "interval_seconds": "--interval",
    "aht_seconds": "--aht",
    "target_sl": "--target-sl",
    "target_seconds": "--target-seconds",
    "shrinkage": "--shrinkage",
    "traffic": "the traffic (--calls x --aht / --interval)",
}
"""The calculator's option for each input `cti.reports.erlang` may refuse."""

NO_REPORT_YET = (
    "cti report: choose a report: 'cti report erlang --calls N --interval SECONDS "
    "--aht SECONDS' (the staffing calculator); see 'cti report --help'"
)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="reports for managers: staffing with Erlang C",
        description="Reports for managers. 'cti report erlang' computes the agents an "
        "interval needs to reach a service level target (Erlang C).",
    )
    reports = parser.add_subparsers(dest="report", metavar="REPORT", required=False)
    _register_erlang(reports)
    parser.set_defaults(run=run)


def _register_erlang(reports: Any) -> None:
    parser: argparse.ArgumentParser = reports.add_parser(
        "erlang",
        help="agents needed for CALLS in an interval to reach a service level (Erlang C)",
        description=(
            "Erlang C staffing calculator: the fewest agents that answer --target-sl of "
            "--calls calls arriving in --interval seconds, each handled in --aht seconds "
            "(talk + hold + wrap-up), within --target-seconds; with the service level, the "
            "average speed of answer (ASA) and the occupancy they reach. --shrinkage adds "
            "the agents to schedule. Exit status 2 on an impossible input. See docs/erlang.md."
        ),
    )
    parser.add_argument(
        "--calls", type=float, required=True, metavar="N", help="calls offered in the interval"
    )
    parser.add_argument(
        "--interval",
        type=float,
        required=True,
        metavar="SECONDS",
        help="length of the interval, e.g. 1800 for 30 minutes",
    )
    parser.add_argument(
        "--aht",
        type=float,
        required=True,
        metavar="SECONDS",
        help="average handle time: talk + hold + wrap-up per call",
    )
    parser.add_argument(
        "--target-sl",
        type=float,
        default=0.8,
        metavar="SHARE",
        help="share of calls to answer within --target-seconds, above 0 and at most 1 "
        "(default: 0.8)",
    )
    parser.add_argument(
        "--target-seconds",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="the service level's answer time (default: 20)",
    )
    parser.add_argument(
        "--shrinkage",
        type=float,
        default=None,
        metavar="SHARE",
        help="share of paid time agents are not on the phones (breaks, training, "
        "absence), e.g. 0.3; adds the agents to schedule",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json for scripts (default: text)",
    )
    parser.set_defaults(run=run_erlang)


def run(args: argparse.Namespace) -> int:
    """``cti report`` with no report named."""
    print(NO_REPORT_YET, file=sys.stderr)
    return 2


def run_erlang(args: argparse.Namespace) -> int:
    try:
        staffing = staff_for(
            args.calls, args.interval, args.aht, args.target_sl, args.target_seconds
        )
        to_schedule = None
        if args.shrinkage is not None:
            to_schedule = scheduled(staffing.agents, args.shrinkage)
    except ErlangInputError as exc:
        option = OPTION_OF_INPUT.get(exc.field, exc.field)
        print(f"cti report erlang: {option} {exc.reason}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(erlang_json(args, staffing, to_schedule)))
    else:
        print(erlang_text(args, staffing, to_schedule))
    return 0


def erlang_json(
    args: argparse.Namespace, staffing: Staffing, to_schedule: int | None
) -> dict[str, Any]:
    """The calculator's answer for scripts: rates 0..1, times in seconds."""
    answer: dict[str, Any] = {
        "agents": staffing.agents,
        "service_level": round(staffing.service_level, 4),
        "asa_seconds": round(staffing.asa_seconds, 2),
        "occupancy": round(staffing.occupancy, 4),
        "traffic_erlangs": round(_traffic(args), 4),
    }
    if to_schedule is not None:
        answer["scheduled"] = to_schedule
        answer["shrinkage"] = args.shrinkage
    return answer


def erlang_text(args: argparse.Namespace, staffing: Staffing, to_schedule: int | None) -> str:
    target = f"{args.target_sl * 100:g}%"
    lines = [
        f"traffic:        {_traffic(args):.2f} erlangs "
        f"({args.calls:g} calls x {args.aht:g} s / {args.interval:g} s)",
        f"agents needed:  {staffing.agents}" + ("  (no calls)" if staffing.agents == 0 else ""),
        f"service level:  {staffing.service_level:.1%} answered within "
        f"{args.target_seconds:g} s (target {target})",
        f"ASA:            {staffing.asa_seconds:.1f} s",
        f"occupancy:      {staffing.occupancy:.1%}",
    ]
    if to_schedule is not None:
        lines.append(f"scheduled:      {to_schedule}  (shrinkage {args.shrinkage:.0%})")
    return "\n".join(lines)


def _traffic(args: argparse.Namespace) -> float:
    return float(args.calls * args.aht / args.interval)
