"""``cti records import-queue-log FILE``: Asterisk's queue_log into the call records.

Exit status: 0 imported (also when some lines were skipped: the summary lists them),
2 nothing imported because the file, the records file or the config cannot be used.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from cti.agents.settings import agent_settings
from cti.assembly import records_path
from cti.commands.arguments import add_config_argument
from cti.config import ConfigError, load_config
from cti.records import RecordsFileError
from cti.records.queuelog import (
    ImportSummary,
    MemberNames,
    QueueLogFileError,
    import_queue_log,
)
from cti.records.queuelog.importer import Progress as ProgressCallback

OLD_IMPORTED_CALLS = "SELECT count(*) FROM calls WHERE source = 'queue_log' AND arrived_at < ?"


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "records", help="manage the call records", description="Manage the call records."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "import-queue-log",
        help="import Asterisk's queue_log into the call records",
        description=(
            "Imports FILE, an Asterisk queue_log (epoch|callid|queue|agent|event|data...), "
            "into the call records as the same rows live calls make, marked source "
            "'queue_log'. Lines it cannot read are listed with their number and reason and "
            "skipped; unknown events are counted by name. A call or agent period already "
            "recorded is kept, so importing a file again adds nothing. Exit status: 0 "
            "imported (even with skipped lines), 2 nothing imported (see docs/queue-log.md)."
        ),
    )
    load.add_argument(
        "file", type=Path, metavar="FILE", help="the queue_log, e.g. /var/log/asterisk/queue_log"
    )
    load.add_argument(
        "--records",
        type=Path,
        default=None,
        metavar="PATH",
        help="records file (default: records.path from config, else records.db next to "
        "the contact database)",
    )
    add_config_argument(load, "(agents' member names and the records file)")
    load.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"cti records: {exc}", file=sys.stderr)
        return 2
    records = args.records or records_path(config)
    members = MemberNames.of_agents(agent_settings(config))
    try:
        with progress_bar(sys.stderr) as progress:
            summary = import_queue_log(args.file, records, members, progress)
    except (QueueLogFileError, RecordsFileError) as exc:
        print(f"cti records: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        print(
            f"cti records: writing {records} failed: {exc}; the batches committed before "
            "stay, run the import again to complete it",
            file=sys.stderr,
        )
        return 2
    print_summary(summary)
    warn_retention(records, config.records.keep_days)
    return 0


def print_summary(summary: ImportSummary) -> None:
    for line in summary.report():
        print(line)
    if summary.skipped_count:
        print(f"imported, with {summary.skipped_count} lines skipped (listed above)")


def warn_retention(records: Path, keep_days: int) -> None:
    """`cti serve` prunes by arrival: say so before an imported history disappears."""
    cutoff = time.time() - keep_days * 86400.0
    with closing(sqlite3.connect(records)) as conn:
        old = conn.execute(OLD_IMPORTED_CALLS, (cutoff,)).fetchone()[0]
    if old:
        print(
            f"note: {old} imported calls arrived more than records.keep_days ({keep_days}) "
            "days ago: cti serve deletes them when it starts; raise records.keep_days to "
            "keep them"
        )


@contextmanager
def progress_bar(stream: Any) -> Iterator[ProgressCallback | None]:
    """A rich bar by bytes read on a terminal; nothing otherwise (a log, a pipe)."""
    if not stream.isatty():
        yield None
        return
    bar = Progress(
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
    )
    task = bar.add_task("import", total=None)

    def advance(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield advance
