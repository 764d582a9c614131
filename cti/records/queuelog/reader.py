"""Reading a queue_log file: big chunks of bytes in, lines of text out, with progress.

A year of a busy centre is millions of lines, so the file is read in chunks of a few
megabytes, decoded and split at C speed; the importer's loop then costs one
``split('|')`` per line. Bytes that are not UTF-8 (a caller name in Latin-1) become
U+FFFD: the line is still read, only that character is lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK_BYTES = 4 << 20
SNIFF_BYTES = 64 << 10


class QueueLogFileError(Exception):
    """The file cannot be imported at all: missing, unreadable, or not a queue_log."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Whole lines of the file; ``done`` is how many bytes of the file they end at."""

    lines: list[str]
    done: int


def file_size(path: Path) -> int:
    """The size to show progress against; refuses what is no readable regular file."""
    try:
        if path.is_dir():
            raise QueueLogFileError(f"{path} is a directory, not a queue_log file")
        size = path.stat().st_size
        with path.open("rb") as probe:
            head = probe.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise QueueLogFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise QueueLogFileError(f"{path}: {exc.strerror or exc}") from None
    if b"\x00" in head:
        raise QueueLogFileError(
            f"{path} is a binary file (it holds NUL bytes), not a queue_log: a queue_log "
            "is text, one 'epoch|callid|queue|agent|event|data...' line per event"
        )
    return size


def chunks(path: Path, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """The lines of ``path`` in file order; the last one may lack its newline."""
    done = 0
    rest = b""
    try:
        with path.open("rb") as stream:
            while block := stream.read(chunk_bytes):
                data = rest + block
                cut = data.rfind(b"\n") + 1
                rest = data[cut:]
                done += len(block)
                if cut:
                    yield Chunk(_lines(data[:cut]), done - len(rest))
    except OSError as exc:
        raise QueueLogFileError(f"{path}: {exc.strerror or exc}") from None
    if rest:
        yield Chunk(_lines(rest + b"\n"), done)


def _lines(data: bytes) -> list[str]:
    """Newline-ended bytes as lines without their ending (CRLF too)."""
    text = data.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    lines.pop()  # the empty text after the last newline
    return lines
