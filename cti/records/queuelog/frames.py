"""Length-prefixed frames on a byte stream: how the importer and its writer process talk.

Each payload goes behind its length (8 bytes, big-endian); a zero length ends the
stream. Its own module so that `writer_child`, run with ``python -m``, is imported
by nobody else (runpy warns when a module it runs was imported before).
"""

from __future__ import annotations

import struct
from typing import IO

_LENGTH = struct.Struct(">Q")


def send_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def read_frame(stream: IO[bytes]) -> bytes:
    """The next payload; b"" at the end (a zero length, or the stream closed)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return b""
    (size,) = _LENGTH.unpack(head)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError(f"a batch cut short: {len(payload)} of {size} bytes")
    return payload
