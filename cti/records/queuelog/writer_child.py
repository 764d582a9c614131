"""The writer process of a big import: ``python -m cti.records.queuelog.writer_child DB``.

It reads batches from stdin, each one pickled behind its length (8 bytes, big-endian;
length 0 ends), writes each in its own transaction, and answers once on stdout: the
pickled ``("done", calls added)`` or ``("failed", exception)``. Started as a module of
its own, not by multiprocessing, so that the program importing never runs twice.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import IO

from cti.records.queuelog.frames import read_frame, send_frame
from cti.records.queuelog.store import ImportStore


def write_batches(path: Path, batches: IO[bytes]) -> int:
    store = ImportStore(path, checkpoints=False)  # the importer checkpoints
    added = 0
    try:
        while payload := read_frame(batches):
            added += store.write(*pickle.loads(payload))
    finally:
        store.close()
    return added


def main(argv: list[str]) -> int:
    answer = sys.stdout.buffer
    try:
        result: tuple[str, object] = ("done", write_batches(Path(argv[0]), sys.stdin.buffer))
    except Exception as exc:  # the importer raises it
        result = ("failed", exc)
    try:
        payload = pickle.dumps(result)
    except Exception:  # an exception that does not pickle
        payload = pickle.dumps(("failed", RuntimeError(f"{type(result[1]).__name__}: {result[1]}")))
    send_frame(answer, payload)
    return 0 if result[0] == "done" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
