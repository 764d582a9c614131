"""``cti report erlang``: the staffing calculator (Erlang C, or Erlang A with ``--patience``).

A manager types a forecast (calls in an interval, AHT, target) and reads the agents to put
on the phones, and with ``--shrinkage`` the agents to schedule. Impossible inputs exit with
status 2 and one line naming the option, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from typing import Any

from cti.reports.erlang import ErlangInputError, Staffing, scheduled, staff_for
from cti.reports.erlang_a import Performance, staff_with_patience

OPTION_OF_INPUT = {
    "calls": "--calls",
    "interval_seconds": "--interval",
    "aht_seconds": "--aht",
    "target_sl": "--target-sl",
    "target_seconds": "--target-seconds",
    "shrinkage": "--shrinkage",
    "patience_seconds": "--patience",
    "max_abandon_rate": "--max-abandon",
    "traffic": "the traffic (--calls x --aht / --interval)",
}
"""The calculator's option for each input `cti.reports.erlang` may refuse."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the calculator prints; ``abandon_rate`` only with a patience (Erlang A)."""

    agents: int
    service_level: float
    asa_seconds: float
    occupancy: float
    abandon_rate: float | None
    scheduled: int | None


def register(reports: Any) -> None:
    parser: argparse.ArgumentParser = reports.add_parser(
        "erlang",
        help="agents needed for CALLS in an interval to reach a service level (Erlang C or A)",
        description=(
            "Staffing calculator: the fewest agents that answer --target-sl of --calls "
            "calls arriving in --interval seconds, each handled in --aht seconds (talk + "
            "hold + wrap-up), within --target-seconds; with the service level, the average "
            "speed of answer (ASA) and the occupancy they reach. Erlang C, or Erlang A when "
            "--patience gives the callers' mean patience. --shrinkage adds the agents to "
            "schedule. Exit status 2 on an impossible input. See docs/erlang.md."
        ),
    )
    _number(parser, "--calls", "N", "calls offered in the interval", required=True)
    _number(parser, "--interval", "SECONDS", "the interval, e.g. 1800 for 30 min", required=True)
    _number(parser, "--aht", "SECONDS", "average handle time: talk + hold + wrap-up", required=True)
    _number(parser, "--target-sl", "SHARE", "share answered in time, (0, 1] (default: 0.8)", 0.8)
    _number(parser, "--target-seconds", "SECONDS", "the answer time (default: 20)", 20.0)
    _number(parser, "--shrinkage", "SHARE", "share of paid time off the phones, e.g. 0.3")
    _number(parser, "--patience", "SECONDS", "callers' mean patience: Erlang A, with hang-ups")
    _number(parser, "--max-abandon", "SHARE", "with --patience: at most this share hang up")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json for scripts (default: text)",
    )
    parser.set_defaults(run=run)


def _number(
    parser: argparse.ArgumentParser,
    option: str,
    metavar: str,
    help_text: str,
    default: float | None = None,
    *,
    required: bool = False,
) -> None:
    parser.add_argument(
        option, type=float, default=default, metavar=metavar, help=help_text, required=required
    )


def run(args: argparse.Namespace) -> int:
    if args.max_abandon is not None and args.patience is None:
        print("cti report erlang: --max-abandon needs --patience (Erlang A)", file=sys.stderr)
        return 2
    try:
        answer = compute(args)
    except ErlangInputError as exc:
        option = OPTION_OF_INPUT.get(exc.field, exc.field)
        print(f"cti report erlang: {option} {exc.reason}", file=sys.stderr)
        return 2
    print(json.dumps(as_json(args, answer)) if args.format == "json" else as_text(args, answer))
    return 0


def compute(args: argparse.Namespace) -> Answer:
    question = (args.calls, args.interval, args.aht, args.target_sl, args.target_seconds)
    found: Staffing | Performance
    if args.patience is None:
        found = staff_for(*question)
    else:
        found = staff_with_patience(*question, args.patience, args.max_abandon)
    to_schedule = None if args.shrinkage is None else scheduled(found.agents, args.shrinkage)
    return Answer(
        found.agents,
        found.service_level,
        found.asa_seconds,
        found.occupancy,
        found.abandon_rate if isinstance(found, Performance) else None,
        to_schedule,
    )


def as_json(args: argparse.Namespace, answer: Answer) -> dict[str, Any]:
    """The calculator's answer for scripts: rates 0..1, times in seconds."""
    rounded: dict[str, Any] = {
        **asdict(answer),
        "service_level": round(answer.service_level, 4),
        "asa_seconds": round(answer.asa_seconds, 2),
        "occupancy": round(answer.occupancy, 4),
        "traffic_erlangs": round(_traffic(args), 4),
        "model": "erlang-c" if args.patience is None else "erlang-a",
    }
    if answer.abandon_rate is None:
        del rounded["abandon_rate"]
    else:
        rounded["abandon_rate"] = round(answer.abandon_rate, 4)
        rounded["patience_seconds"] = args.patience
    if answer.scheduled is None:
        del rounded["scheduled"]
    else:
        rounded["shrinkage"] = args.shrinkage
    return rounded


def as_text(args: argparse.Namespace, answer: Answer) -> str:
    lines = [
        f"traffic:        {_traffic(args):.2f} erlangs "
        f"({args.calls:g} calls x {args.aht:g} s / {args.interval:g} s)",
        f"model:          {_model(args)}",
        f"agents needed:  {answer.agents}" + ("  (no calls)" if answer.agents == 0 else ""),
        f"service level:  {answer.service_level:.1%} answered within "
        f"{args.target_seconds:g} s (target {args.target_sl * 100:g}%)",
    ]
    if answer.abandon_rate is not None:
        lines.append(f"abandoned:      {answer.abandon_rate:.1%} hang up before an answer")
    answered = "" if answer.abandon_rate is None else "  (of the calls answered)"
    lines.append(f"ASA:            {answer.asa_seconds:.1f} s{answered}")
    lines.append(f"occupancy:      {answer.occupancy:.1%}")
    if answer.scheduled is not None:
        lines.append(f"scheduled:      {answer.scheduled}  (shrinkage {args.shrinkage * 100:g}%)")
    return "\n".join(lines)


def _model(args: argparse.Namespace) -> str:
    if args.patience is None:
        return "Erlang C (no caller hangs up)"
    ceiling = "" if args.max_abandon is None else f", at most {args.max_abandon * 100:g}% hang up"
    return f"Erlang A (callers hang up after {args.patience:g} s on average{ceiling})"


def _traffic(args: argparse.Namespace) -> float:
    return float(args.calls * args.aht / args.interval)
