"""`cti demo`'s past: weeks of simulated queue_log before the live run, for the reports.

Before the simulator starts, `write_demo_history` writes `weeks` of seeded traffic
(`cti.sim.history`) to the demo's ``queue_log``, ending at midnight (UTC, the reports'
default zone) so that today is the live run's alone: the supervisor's counts for today
start at zero as before. The live simulator then appends to the same file, as a
restarted Asterisk does (QUEUESTART, then its lines), so the file is one centre's
whole queue_log. A file already there (``--data`` kept from an earlier run) is kept:
its history was written then. The lines are then imported into the demo's records
(`import_demo_history`), as `cti records import-queue-log` would.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cti.sim.history import write_history

log = logging.getLogger(__name__)

DEFAULT_WEEKS = 4
MAX_WEEKS = 104  # two years: about 0.1 s a week to write
QUEUE_LOG = "queue_log"


@dataclass(frozen=True, slots=True)
class DemoHistory:
    path: Path
    weeks: int
    calls: int
    lines: int
    seconds: float  # how long writing it took


def history_end(now: float) -> float:
    """Midnight UTC of `now`'s day: the history stops where today begins."""
    day = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.timestamp()


def write_demo_history(
    workdir: Path, numbers: Sequence[str], weeks: int, seed: int, now: float | None = None
) -> DemoHistory | None:
    """`weeks` of history in ``workdir/queue_log``; None when there is nothing to write
    (no weeks asked, or the file is there already)."""
    path = workdir / QUEUE_LOG
    if weeks <= 0 or path.exists():
        return None
    began = time.perf_counter()
    end = history_end(time.time() if now is None else now)
    with path.open("w", encoding="utf-8", newline="\n") as file:
        counts = write_history(
            lambda line: file.write(line + "\n"), numbers, end - weeks * 7 * 86400.0, end, seed
        )
    seconds = time.perf_counter() - began
    log.info(
        "demo history: %d calls, %d lines in %s (%.2f s)", counts.calls, counts.lines, path, seconds
    )
    return DemoHistory(path, weeks, counts.calls, counts.lines, seconds)


def import_demo_history(history: DemoHistory, records: Path) -> str:
    """The history into the demo's records, as ``cti records import-queue-log`` does
    (`cti.records.queuelog.import_queue_log`); what happened, in a few words. A cti
    without that importer still runs the demo, with the history in the file only."""
    try:
        importer = importlib.import_module("cti.records.queuelog").import_queue_log
    except (ImportError, AttributeError):
        return "kept in the queue_log only (this cti has no queue_log importer)"
    began = time.perf_counter()
    importer(history.path, records)
    return f"imported into {records.name} in {time.perf_counter() - began:.1f} s"
