"""Header-name sequences of the recorded events, to hold simulated frames against."""

from __future__ import annotations

import re
from functools import cache

from tests.helpers import AMI_FIXTURES


@cache
def recorded_header_sets() -> dict[str, set[tuple[str, ...]]]:
    """Every header-name sequence each event name has in the recordings."""
    shapes: dict[str, set[tuple[str, ...]]] = {}
    parser_keys = re.compile(rb"^([^:\r\n]+):", re.MULTILINE)
    for path in sorted(AMI_FIXTURES.glob("*.raw")):
        if path.name.endswith(".sent.raw"):
            continue
        for frame in path.read_bytes().split(b"\r\n\r\n"):
            keys = tuple(k.decode() for k in parser_keys.findall(frame))
            if keys and keys[0] == "Event":
                shapes.setdefault(frame.split(b"\r\n", 1)[0][7:].decode(), set()).add(keys)
    return shapes


def header_names(frame: bytes) -> tuple[str, ...]:
    return tuple(line.split(":", 1)[0] for line in frame.decode().split("\r\n") if line)
