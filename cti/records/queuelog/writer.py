"""Where an import's batches of rows go: the same process, or a writer process beside it.

Half of a big import is SQLite inserting rows, half is Python reading lines into rows.
A thread cannot overlap them (the reading holds the GIL; a writer thread would wait
for it after every row), so a big file gets a writer process: the importer builds the
next batch while the writer inserts the last one. Batches travel pickled through a
pipe, one at a time: the importer is never more than one batch ahead. A small file
is written in-process, where starting a process would cost more than it saves.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from cti.records.queuelog.store import ImportStore, Row

log = logging.getLogger(__name__)

Batch = tuple[Sequence[Row], Sequence[Row], Sequence[Row], Sequence[Row]]
"""calls, legs, transfers and agent periods"""
PROCESS_FROM_BYTES = 32 << 20
"""Files from this size (about half a million lines) get a writer process."""
_DONE = b""


class BatchSink(Protocol):
    def write(self, batch: Batch) -> None: ...

    def finish(self) -> int:
        """Wait until every batch is written; returns how many calls were new."""
        ...

    def close(self) -> None: ...


class InProcess:
    def __init__(self, store: ImportStore) -> None:
        self._store = store
        self._added = 0

    def write(self, batch: Batch) -> None:
        self._added += self._store.write(*batch)

    def finish(self) -> int:
        return self._added

    def close(self) -> None:
        """The store is the importer's: it closes it."""


class WriterProcess:
    """A process of its own that opens ``path`` and writes what it is sent."""

    def __init__(self, path: Path) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        self._pipe, child = context.Pipe()
        self._process = context.Process(
            target=_write_batches, args=(child, path), name="queue-log-writer", daemon=True
        )
        self._process.start()
        child.close()
        log.debug("queue_log import: writer process %s for %s", self._process.pid, path)

    def write(self, batch: Batch) -> None:
        try:
            self._pipe.send_bytes(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
        except (BrokenPipeError, ConnectionResetError):
            self._raise_failure()

    def finish(self) -> int:
        try:
            self._pipe.send_bytes(_DONE)
        except (BrokenPipeError, ConnectionResetError):
            self._raise_failure()
        outcome, value = self._result()
        if isinstance(value, BaseException):
            raise value
        assert outcome == "done" and isinstance(value, int)
        return value

    def close(self) -> None:
        self._pipe.close()
        self._process.join(5.0)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()

    def _raise_failure(self) -> None:
        _, value = self._result()
        if isinstance(value, BaseException):
            raise value
        raise RuntimeError("the writer process stopped")

    def _result(self) -> tuple[str, object]:
        try:
            found: tuple[str, object] = self._pipe.recv()
        except EOFError:
            code = self._process.exitcode
            return "failed", RuntimeError(f"the writer process ended (exit code {code})")
        return found


def _write_batches(pipe: Connection, path: Path) -> None:
    """The writer process: every batch in its own transaction, then the count of new calls."""
    try:
        store = ImportStore(path)
        added = 0
        try:
            while (blob := pipe.recv_bytes()) != _DONE:
                added += store.write(*pickle.loads(blob))
        finally:
            store.close()
        pipe.send(("done", added))
    except Exception as exc:  # the importer raises it
        try:
            pipe.send(("failed", exc))
        except Exception:  # not picklable
            pipe.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        pipe.close()
