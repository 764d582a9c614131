"""`import_queue_log`: one queue_log file into the records, as `cti records
import-queue-log` and `cti report --from-queue-log` run it.

The file streams through in chunks; the rows of each chunk are committed in one
transaction (by a writer process beside this one for a big file: see `writer`), so
memory holds only the calls and agents still open, and an import that stops half-way
is completed by running it again (see `store`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from cti.records.queuelog.agents import AgentBuilder
from cti.records.queuelog.builder import QueueLogBuilder
from cti.records.queuelog.members import MemberNames
from cti.records.queuelog.reader import QueueLogFileError, chunks, file_size
from cti.records.queuelog.store import ImportStore
from cti.records.queuelog.summary import ImportSummary
from cti.records.queuelog.writer import PROCESS_FROM_BYTES, BatchSink, InProcess, WriterProcess

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Told (bytes read, bytes in the file) after each chunk."""


def import_queue_log(
    path: Path,
    db_path: Path,
    members: MemberNames | None = None,
    progress: Progress | None = None,
    writer_process: bool | None = None,
) -> ImportSummary:
    """Import ``path`` into the records file ``db_path`` (created if need be).

    Raises QueueLogFileError when the file cannot be imported at all (missing,
    unreadable, binary, or not one line of it a queue_log line), RecordsFileError when
    the records file cannot be used. Lines it cannot read are in the summary.
    ``writer_process`` (default: for files from `PROCESS_FROM_BYTES`) writes the rows
    in a process of its own while this one reads on.
    """
    size = file_size(path)
    summary = ImportSummary(path, db_path)
    store = ImportStore(db_path)
    if writer_process is None:
        writer_process = size >= PROCESS_FROM_BYTES
    sink: BatchSink = WriterProcess(db_path, store) if writer_process else InProcess(store)
    try:
        builder = QueueLogBuilder(members or MemberNames(), summary, AgentBuilder(store.live_from))
        for chunk in chunks(path):
            builder.feed(chunk.lines)
            _write(builder, sink)
            if progress is not None:
                progress(chunk.done, size)
        _refuse_if_unread(path, summary)
        builder.close()
        _write(builder, sink)
        summary.calls_added = sink.finish()
        summary.calls_found = builder.calls.finished
        summary.periods_added = store.periods_added()
    finally:
        sink.close()
        store.close()
    log.info(
        "imported %s: %d lines, %d calls added, %d lines skipped",
        path,
        summary.lines_read,
        summary.calls_added,
        summary.skipped_count,
    )
    return summary


def _write(builder: QueueLogBuilder, sink: BatchSink) -> None:
    calls, legs, transfers = builder.calls.take()
    periods = builder.agents.take()
    if calls or periods:
        sink.write((calls, legs, transfers, periods))


def _refuse_if_unread(path: Path, summary: ImportSummary) -> None:
    """Not one line read as a queue_log line: this is some other file."""
    if summary.lines_read and summary.skipped_count == summary.lines_read:
        first = summary.skipped[0]
        raise QueueLogFileError(
            f"{path} is not a queue_log: none of its {summary.lines_read} lines reads as "
            f"one (line {first.number}: {first.reason}); nothing imported"
        )
