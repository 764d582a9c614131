"""Where an import's batches of rows go: the same process, or a writer process beside it.

Half of a big import is SQLite inserting rows, half is Python reading lines into rows.
A thread cannot overlap them (the reading holds the GIL; a writer thread would wait
for it after every row), so a big file gets a writer process: the importer builds the
next batch while the writer inserts the last one. Batches travel pickled through a
pipe, one at a time: the importer is never more than one batch ahead. A small file
is written in-process, where starting a process would cost more than it saves.
The writer is a plain ``python -m`` child (`writer_child`), not multiprocessing's:
a spawned multiprocessing child imports the parent's main script again, which a
script without an ``if __name__ == "__main__"`` guard cannot survive.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from cti.records.queuelog.frames import read_frame, send_frame
from cti.records.queuelog.store import ImportStore, Row

log = logging.getLogger(__name__)

Batch = tuple[Sequence[Row], Sequence[Row], Sequence[Row], Sequence[Row]]
"""calls, legs, transfers and agent periods"""
PROCESS_FROM_BYTES = 32 << 20
"""Files from this size (about half a million lines) get a writer process."""


class BatchSink(Protocol):
    def write(self, batch: Batch) -> None:
        """Hand over a batch; a writer process may still be writing the one before."""
        ...

    def finish(self) -> int:
        """Wait until every batch is written; returns how many calls were new."""
        ...

    def close(self) -> None: ...


class InProcess:
    def __init__(self, store: ImportStore) -> None:
        self._store = store
        self._added = 0

    def write(self, batch: Batch) -> None:
        self._added += self._store.write(*batch)  # SQLite checkpoints as it commits

    def finish(self) -> int:
        return self._added

    def close(self) -> None:
        """The store is the importer's: it closes it."""


class WriterProcess:
    """A process of its own (`writer_child`) that opens ``path`` and writes what it is sent.

    The WAL checkpoints (copying committed pages into the file, a tenth of the writing)
    are this process's: after each batch handed over, ``store`` checkpoints what the
    writer committed before, while the writer inserts the next batch.
    """

    def __init__(self, path: Path, store: ImportStore) -> None:
        self._store = store
        self._process = subprocess.Popen(
            [sys.executable, "-m", "cti.records.queuelog.writer_child", str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_importable_env(),
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._batches, self._answers = self._process.stdin, self._process.stdout
        log.debug("queue_log import: writer process %s for %s", self._process.pid, path)

    def write(self, batch: Batch) -> None:
        self._send(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
        self._store.checkpoint()

    def finish(self) -> int:
        self._send(b"")
        outcome, value = self._answer()
        if isinstance(value, BaseException):
            raise value
        assert outcome == "done" and isinstance(value, int)
        self._store.checkpoint()
        return value

    def close(self) -> None:
        for stream in (self._batches, self._answers):
            with contextlib.suppress(OSError):  # a broken pipe has nothing left to flush
                stream.close()
        try:
            self._process.wait(10.0)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _send(self, payload: bytes) -> None:
        try:
            send_frame(self._batches, payload)
        except (BrokenPipeError, ConnectionResetError):
            _, value = self._answer()  # it stopped: its answer says why
            if isinstance(value, BaseException):
                raise value from None
            raise RuntimeError("the writer process stopped") from None

    def _answer(self) -> tuple[str, object]:
        payload = read_frame(self._answers)
        if not payload:
            code = self._process.wait()
            return "failed", RuntimeError(f"the writer process ended (exit status {code})")
        found: tuple[str, object] = pickle.loads(payload)
        return found


def _importable_env() -> dict[str, str]:
    """The environment, with this cti first on the child's path (a source checkout
    run without installing finds itself)."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (here, env.get("PYTHONPATH"))))
    return env
