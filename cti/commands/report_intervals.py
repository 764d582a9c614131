"""``cti report`` with no subcommand: the interval report (or ``--peaks``) from the records.

It reads the call records `cti serve` writes (read-only, while it runs), or an Asterisk
queue_log given with ``--from-queue-log``: imported, as `cti records import-queue-log`
does, into a temporary records file that is deleted afterwards, so nothing is stored.
Exit status: 0 done, 2 a bad option, config or file (the message says which and why), 1 the
output file cannot be written.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from cti.agents.settings import agent_settings
from cti.assembly import records_path
from cti.commands.arguments import add_config_argument
from cti.config import ConfigError, load_config
from cti.config.report_options import INTERVAL_MINUTES
from cti.records import RecordsFileError
from cti.records.queuelog import MemberNames, QueueLogFileError, import_queue_log
from cti.reports.csvformat import render_csv
from cti.reports.query import BadReportQuery, ReportQuery, parse_query
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings, report_settings
from cti.reports.source import RecordsUnavailable
from cti.reports.table import channel_table, heatmap_table, interval_table

FORMATS = ("table", "csv", "json", "html")
PROG = "cti report"


class ReportFailed(Exception):
    """Ends the command with one line on stderr and the exit status given."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def add_arguments(parser: argparse.ArgumentParser) -> None:
    period = parser.add_argument_group("the interval report (no REPORT named)")
    period.add_argument(
        "--from", dest="first", metavar="YYYY-MM-DD", help="first day (default: today)"
    )
    period.add_argument(
        "--to", dest="last", metavar="YYYY-MM-DD", help="last day (default: --from)"
    )
    period.add_argument(
        "--queue",
        dest="queues",
        action="append",
        default=[],
        metavar="QUEUE",
        help="a queue to report on; repeat it for several (default: every queue)",
    )
    period.add_argument(
        "--interval",
        type=int,
        choices=INTERVAL_MINUTES,
        default=None,
        metavar="MINUTES",
        help="15, 30 or 60 (default: reports.interval_minutes)",
    )
    period.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    period.add_argument(
        "--peaks",
        action="store_true",
        help="the weekday x hour heatmap of calls offered instead (table, csv or json)",
    )
    period.add_argument("--output", type=Path, metavar="FILE", help="write here, not to stdout")
    source = period.add_mutually_exclusive_group()
    source.add_argument(
        "--records",
        type=Path,
        metavar="PATH",
        help="the call records file (default: records.path, as cti serve uses it)",
    )
    source.add_argument(
        "--from-queue-log",
        dest="queue_log",
        type=Path,
        metavar="FILE",
        help="report from an Asterisk queue_log file instead, without storing it",
    )
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:
    try:
        text = render(args, time.time())
        write(text, args.output)
    except ReportFailed as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.status
    return 0


def render(args: argparse.Namespace, now: float) -> str:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        raise ReportFailed(str(exc)) from None
    settings = report_settings(config)
    params = {
        "from": [args.first] if args.first else [],
        "to": [args.last] if args.last else [],
        "queue": list(args.queues),
        "interval": [str(args.interval)] if args.interval else [],
    }
    try:
        query = parse_query(
            {k: v for k, v in params.items() if v},
            settings.timezone,
            now,
            settings.interval_minutes,
        )
    except BadReportQuery as exc:
        raise ReportFailed(str(exc).replace("'from'", "--from").replace("'to'", "--to")) from None
    if args.peaks and args.format == "html":
        raise ReportFailed("--peaks is a table, csv or json; the html report has the heatmap")
    if args.queue_log is not None:
        members = MemberNames.of_agents(agent_settings(config))
        return _from_queue_log(args, members, settings, now, query)
    path = args.records or records_path(config)
    return _formatted(args, ReportBook(path, settings, lambda: now), query)


def _from_queue_log(
    args: argparse.Namespace,
    members: MemberNames,
    settings: ReportSettings,
    now: float,
    query: ReportQuery,
) -> str:
    """Import the file into a temporary records file, report, and delete the file.

    The import's summary (lines read, every line skipped with its number and reason)
    goes to stderr, so stdout stays the report alone.
    """
    with tempfile.TemporaryDirectory(prefix="cti-report-") as scratch:
        path = Path(scratch) / "records.db"
        try:
            summary = import_queue_log(args.queue_log, path, members)
        except (QueueLogFileError, RecordsFileError, sqlite3.Error) as exc:
            raise ReportFailed(f"{args.queue_log}: {exc}") from None
        for line in summary.report()[:-1]:  # the last names the temporary file
            print(f"{PROG}: {line}", file=sys.stderr)
        return _formatted(args, ReportBook(path, settings, lambda: now), query)


def _formatted(args: argparse.Namespace, book: ReportBook, query: ReportQuery) -> str:
    try:
        if args.format == "html":
            return book.html(query)
        body = book.heatmap(query) if args.peaks else book.intervals(query)
    except RecordsUnavailable as exc:
        hint = "" if book.path.exists() else " (cti serve writes it: records.path; or --records)"
        raise ReportFailed(f"{exc}{hint}") from None
    if args.format == "json":
        return json.dumps(body, indent=2) + "\n"
    if args.format == "csv":
        return _peaks_csv(body) if args.peaks else render_csv(body)
    return _table(body, args.peaks, args.output is None and sys.stdout.isatty())


def _table(body: dict[str, object], peaks: bool, terminal: bool) -> str:
    """For a terminal in its width and colours; for a file or a pipe as plain text, wide
    enough that no column is cut."""
    tables = [heatmap_table(body)] if peaks else [interval_table(body), channel_table(body)]
    out = io.StringIO()
    console = Console() if terminal else Console(width=200, color_system=None, file=out)
    for table in tables:
        console.print(table)
    return out.getvalue()


def _peaks_csv(body: dict[str, object]) -> str:
    offered = body["offered"]
    assert isinstance(offered, list)
    lines = ["weekday," + ",".join(f"{hour:02d}" for hour in range(24))]
    for name, row in zip(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), offered, strict=True):
        lines.append(name + "," + ",".join(str(count) for count in row))
    return "\r\n".join(lines) + "\r\n"


def write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportFailed(f"cannot write {output}: {exc.strerror or exc}", 1) from None
