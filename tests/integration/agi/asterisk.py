"""The Asterisk side of a FastAGI session, for tests: its argument parser and a fake peer.

`parse_args` follows res_agi.c's ``parse_args`` rules (``"`` toggles quoting, ``\\``
escapes the next character, blanks outside quotes split), so a test can check that a
command means to Asterisk exactly what the server meant.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

AGI_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "agi"


def parse_args(command: str) -> list[str]:
    """Split one command line (without its LF) into arguments, as Asterisk does."""
    words: list[str] = []
    current: list[str] | None = None
    quoted = escaped = False
    for char in command:
        if char == '"' and not escaped:
            quoted = not quoted
            if current is None:
                current = []
            continue
        if char in " \t" and not quoted and not escaped:
            if current is not None:
                words.append("".join(current))
            current = None
            continue
        if char == "\\" and not escaped:
            escaped = True
            continue
        escaped = False
        if current is None:
            current = []
        current.append(char)
    if current is not None:
        words.append("".join(current))
    return words


def recorded(name: str) -> tuple[bytes, list[bytes]]:
    """A recorded session: Asterisk's ``agi_*`` block (with its blank line), then its
    other lines (replies, ``HANGUP``), each with its LF."""
    raw = (AGI_FIXTURES / f"{name}.from_asterisk.raw").read_bytes()
    end = raw.index(b"\n\n") + 2
    return raw[:end], raw[end:].splitlines(keepends=True)


def answer(command: bytes) -> bytes:
    """What Asterisk 22 replies to the commands the server uses."""
    words = parse_args(command.decode().removesuffix("\n"))
    verb = [word.upper() for word in words[:2]]
    if verb == ["SET", "VARIABLE"] and len(words) == 4:
        return b"200 result=1\n"
    if verb[:1] == ["VERBOSE"] and len(words) in (2, 3):
        return b"200 result=1\n"
    return b"510 Invalid or unknown command\n"


@dataclass
class PeerRun:
    """What the server sent in one session, and when it closed (monotonic seconds)."""

    commands: list[bytes] = field(default_factory=list)
    connected: float = 0.0
    closed: float | None = None

    @property
    def seconds(self) -> float:
        assert self.closed is not None, "the server never closed the session"
        return self.closed - self.connected

    def variables(self) -> dict[str, str]:
        """Every ``SET VARIABLE`` as Asterisk would apply it."""
        found: dict[str, str] = {}
        for command in self.commands:
            words = parse_args(command.decode().removesuffix("\n"))
            if [word.upper() for word in words[:2]] == ["SET", "VARIABLE"]:
                found[words[2]] = words[3]
        return found


Replier = Callable[[bytes], bytes]


async def play(
    port: int,
    chunks: list[bytes],
    reply: Replier = answer,
    *,
    timeout: float = 3.0,
) -> PeerRun:
    """Connect, send ``chunks`` (the ``agi_*`` block, as Asterisk split it), then answer
    each command line with ``reply(line)`` until the server closes."""
    run = PeerRun(connected=time.monotonic())
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for chunk in chunks:
            writer.write(chunk)
        async with asyncio.timeout(timeout):
            while line := await reader.readline():
                run.commands.append(line)
                writer.write(reply(line))
        run.closed = time.monotonic()
    finally:
        writer.close()
    return run


def replay_replies(lines: list[bytes]) -> Replier:
    """Answer each command with the next recorded line; more commands than recorded
    replies is a failure (Asterisk's real answers ran out)."""
    remaining = list(lines)

    def reply(command: bytes) -> bytes:
        assert remaining, f"no recorded reply left for {command!r}"
        return remaining.pop(0)

    return reply
