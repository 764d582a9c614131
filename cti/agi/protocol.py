"""Sans-I/O FastAGI: bytes from Asterisk in, typed inputs out; commands as bytes. No sockets.

What Asterisk 22 sends (see ``tests/fixtures/agi/``): the ``agi_*`` environment, one
``agi_name: value`` line each, LF-terminated and ended by an empty line; then one reply per
command (``200 result=1 (data)``, ``510 ...``, ``511 ...`` on a dead channel, or a
``520-`` ... ``520 End of proper usage.`` block); and a bare ``HANGUP`` line, at any time,
when the caller hangs up. Memory stays bounded: a line longer than ``max_line_bytes``, or an
environment of more than `MAX_ENVIRONMENT_LINES` lines or `MAX_ENVIRONMENT_BYTES` bytes, is
a protocol error, never buffered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

DEFAULT_MAX_LINE_BYTES = 4096
MAX_ENVIRONMENT_LINES = 256
"""agi_* variables are about 25, plus one per AGI() argument (Asterisk allows 128)."""
MAX_ENVIRONMENT_BYTES = 65536
"""A recorded block is 600 bytes; this leaves room for long arguments, and caps memory."""
MAX_USAGE_LINES = 64
"""Lines of one ``520-`` usage block kept before it counts as garbage."""
COMMAND_VALUE_BYTES = 256
"""Longest value put in one command: Asterisk reads a command into 2048 bytes."""

_KEY = re.compile(r"agi_[a-z0-9_]+")
_REPLY = re.compile(r"(\d{3})([ -])(.*)")
_RESULT = re.compile(r"result=(\S*)(?: \((.*)\))?")
_VARIABLE_NAME = re.compile(r"[A-Za-z0-9_]+(?:\([A-Za-z0-9_-]*\))?")


class AgiProtocolError(ValueError):
    """The peer does not speak FastAGI the way Asterisk does; end the session."""


class LineTooLong(AgiProtocolError):
    """A line outgrew the configured limit before its LF."""


@dataclass(frozen=True, slots=True)
class AgiEnvironment:
    """The ``agi_*`` block Asterisk sends first: who is calling, and which script it wants."""

    variables: Mapping[str, str]

    def get(self, key: str, default: str = "") -> str:
        return self.variables.get(key, default)

    @property
    def script(self) -> str:
        """``lookup`` for ``AGI(agi://host:4573/lookup)``."""
        return self.get("agi_network_script")

    @property
    def caller_number(self) -> str:
        return self.get("agi_callerid")

    @property
    def caller_name(self) -> str:
        return self.get("agi_calleridname")

    @property
    def channel(self) -> str:
        return self.get("agi_channel")

    @property
    def arguments(self) -> tuple[str, ...]:
        """``agi_arg_1``, ``agi_arg_2``, ... in order, up to the first gap."""
        found: list[str] = []
        while f"agi_arg_{len(found) + 1}" in self.variables:
            found.append(self.variables[f"agi_arg_{len(found) + 1}"])
        return tuple(found)


@dataclass(frozen=True, slots=True)
class AgiReply:
    """Asterisk's answer to one command: ``code`` 200 is success, 511 a dead channel."""

    code: int
    result: str | None
    data: str | None
    text: str

    @property
    def ok(self) -> bool:
        return self.code == 200


@dataclass(frozen=True, slots=True)
class HangupNotice:
    """The caller hung up. Asterisk still answers later commands, but nobody is listening."""


AgiInput = AgiEnvironment | AgiReply | HangupNotice


_KNOWN_KEYS: set[str] = set()
"""Keys already checked; every session sends the same two dozen, so one set lookup each."""


def _valid_key(key: str) -> bool:
    if _KEY.fullmatch(key) is None:
        return False
    if len(_KNOWN_KEYS) < MAX_ENVIRONMENT_LINES:  # bounded: a peer cannot grow it forever
        _KNOWN_KEYS.add(key)
    return True


def parse_environment(lines: list[str]) -> AgiEnvironment:
    """The block's lines (without the blank one) as an environment; malformed ones raise."""
    variables: dict[str, str] = {}
    for line in lines:
        key, colon, value = line.partition(":")
        if not colon or (key not in _KNOWN_KEYS and not _valid_key(key)):
            raise AgiProtocolError(f"not an agi_ variable line: {line[:80]!r}")
        variables[key] = value[1:] if value.startswith(" ") else value
    if not variables.get("agi_network_script") and not variables.get("agi_request"):
        raise AgiProtocolError("agi_ block names no script (no agi_network_script)")
    return AgiEnvironment(MappingProxyType(variables))


def parse_reply(line: str) -> AgiReply | HangupNotice:
    """One reply line (a ``520-`` block arrives already joined by `AgiParser`)."""
    if line == "HANGUP":
        return HangupNotice()
    match = _REPLY.fullmatch(line)
    if match is None:
        raise AgiProtocolError(f"not an AGI reply: {line[:80]!r}")
    code, rest = int(match.group(1)), match.group(3)
    result = _RESULT.match(rest)
    if result is None:
        return AgiReply(code, None, None, line)
    return AgiReply(code, result.group(1), result.group(2), line)


class AgiParser:
    """Stateful framing for one session: feed received bytes, get `AgiInput` items.

    The ``agi_*`` block is parsed once it is complete (Asterisk writes it in two or three
    pieces), so a 25-line block costs one decode, not 25; while it is incomplete only the
    new bytes are scanned, so a peer dripping bytes costs linear time.
    """

    def __init__(self, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self._buffer = bytearray()
        self._in_environment = True
        self._scanned = 0  # bytes of the incomplete block already searched
        self._lines = 0  # line ends in those bytes
        self._usage: list[str] | None = None  # lines of a ``520-`` block in progress

    @property
    def in_environment(self) -> bool:
        """True until the blank line that ends the ``agi_*`` block has arrived."""
        return self._in_environment

    def feed(self, data: bytes) -> list[AgiInput]:
        """Add bytes; return every item they complete. Raises `AgiProtocolError`."""
        self._buffer += data
        items: list[AgiInput] = []
        if self._in_environment:
            environment = self._complete_environment()
            if environment is None:
                return items
            items.append(environment)
        start = 0
        while (end := self._buffer.find(b"\n", start)) >= 0:
            if end - start > self.max_line_bytes:
                raise LineTooLong(f"line of {end - start} bytes (limit {self.max_line_bytes})")
            line = self._buffer[start:end].decode("utf-8", "replace").removesuffix("\r")
            start = end + 1
            item = self._reply_line(line)
            if item is not None:
                items.append(item)
        del self._buffer[:start]
        if len(self._buffer) > self.max_line_bytes:
            raise LineTooLong(f"more than {self.max_line_bytes} bytes without a line end")
        return items

    def _complete_environment(self) -> AgiEnvironment | None:
        buffer = self._buffer
        if buffer.startswith((b"\n", b"\r\n")):
            raise AgiProtocolError("empty agi_ block")
        end, after = _blank_line(buffer, max(0, self._scanned - 2))
        if end < 0:
            self._lines += buffer.count(b"\n", self._scanned)
            self._scanned = len(buffer)
            self._check_block(len(buffer), self._lines, len(buffer) - buffer.rfind(b"\n") - 1)
            return None
        raw = bytes(buffer[:end])
        del buffer[:after]
        lines = raw.split(b"\n")
        self._check_block(len(raw), len(lines), max(map(len, lines)))
        self._in_environment = False
        return parse_environment(
            [line.decode("utf-8", "replace").removesuffix("\r") for line in lines]
        )

    def _check_block(self, size: int, lines: int, longest: int) -> None:
        if size > MAX_ENVIRONMENT_BYTES:
            raise AgiProtocolError(f"agi_ block larger than {MAX_ENVIRONMENT_BYTES} bytes")
        if lines > MAX_ENVIRONMENT_LINES:
            raise AgiProtocolError(f"agi_ block longer than {MAX_ENVIRONMENT_LINES} lines")
        if longest > self.max_line_bytes:
            raise LineTooLong(f"line of {longest} bytes (limit {self.max_line_bytes})")

    def _reply_line(self, line: str) -> AgiInput | None:
        if self._usage is not None:
            return self._usage_line(self._usage, line)
        if line.startswith("520-"):
            self._usage = [line]
            return None
        return parse_reply(line)

    def _usage_line(self, lines: list[str], line: str) -> AgiInput | None:
        if line == "HANGUP":
            return HangupNotice()
        lines.append(line)
        if line.startswith("520 "):
            self._usage = None
            return AgiReply(520, None, None, "\n".join(lines))
        if len(lines) > MAX_USAGE_LINES:
            raise AgiProtocolError(f"520 usage block longer than {MAX_USAGE_LINES} lines")
        return None


def _blank_line(buffer: bytearray, start: int) -> tuple[int, int]:
    """Where the block's last line ends and where what follows the blank line starts."""
    found = [(end, end + 2) for end in [buffer.find(b"\n\n", start)] if end >= 0]
    found += [(end, end + 3) for end in [buffer.find(b"\n\r\n", start)] if end >= 0]
    return min(found) if found else (-1, -1)


def quote(value: str, max_bytes: int = COMMAND_VALUE_BYTES) -> str:
    """``value`` as one double-quoted AGI argument that cannot break out of its command.

    Asterisk splits a command on its first LF and parses arguments with ``"`` and ``\\``
    as the only special characters. Line breaks and every other control or invisible
    character become a space (a contact name must never smuggle in a second command),
    whitespace runs collapse, the text is cut to ``max_bytes`` of UTF-8 on a character
    boundary, and ``"`` and ``\\`` are backslash-escaped.
    """
    visible = (
        value if value.isprintable() else "".join(ch if ch.isprintable() else " " for ch in value)
    )
    text = " ".join(visible.split())
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:
        text = encoded[:max_bytes].decode("utf-8", "ignore").rstrip()
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def set_variable(name: str, value: str) -> bytes:
    """``SET VARIABLE name "value"``; the name is ours, so a bad one is a programming error."""
    if not _VARIABLE_NAME.fullmatch(name):
        raise ValueError(f"not a channel variable or function name: {name!r}")
    return f"SET VARIABLE {name} {quote(value)}\n".encode()


def verbose(message: str, level: int = 1) -> bytes:
    """A line for the Asterisk console and log (``VERBOSE "message" level``)."""
    return f"VERBOSE {quote(message)} {level}\n".encode()
