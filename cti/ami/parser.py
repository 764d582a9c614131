"""Sans-I/O AMI parser: bytes in, typed messages out, no sockets anywhere.

The hot path is `parse_frame`: one UTF-8 decode per frame (never per TCP chunk, so
a character split across reads survives), one ``str.split`` and one ``dict`` build.
Only frames that need it (repeated or list keys, empty ``Key:`` lines, bare LF,
``Response: Follows`` bodies, junk lines) take the slower line-by-line path.
"""

from __future__ import annotations

import logging

from cti.ami.messages import MULTI_VALUE_KEYS, AmiMessage, Banner, Event, Response

logger = logging.getLogger(__name__)

FRAME_END = b"\r\n\r\n"
DEFAULT_MAX_FRAME_BYTES = 1 << 20
END_COMMAND = "--END COMMAND--"
_FOLLOWS = "Response: Follows"
_FOLLOWS_HEADER_KEYS = frozenset({"Response", "Privilege", "ActionID", "Message"})
_MULTI = MULTI_VALUE_KEYS

Headers = dict[str, str]
Lists = dict[str, tuple[str, ...]]


def parse_buffer(
    buf: bytes, *, expect_banner: bool = False, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
) -> tuple[list[AmiMessage], bytes]:
    """Parse every complete frame in `buf`; return the messages and the unparsed rest.

    With `expect_banner`, a first line without ``": "`` is the greeting (it has no
    blank line after it, so it would otherwise glue itself to the first frame).
    """
    messages: list[AmiMessage] = []
    if expect_banner:
        banner, buf = split_banner(buf)
        if banner is not None:
            messages.append(banner)
    frames, rest = split_frames(buf, max_frame_bytes)
    for raw in frames:
        message = parse_frame(raw)
        if message is not None:
            messages.append(message)
    return messages, rest


def split_banner(buf: bytes) -> tuple[Banner | None, bytes]:
    """Take the greeting line off the front of `buf` when it is complete and is one."""
    end = buf.find(b"\r\n")
    if end < 0:
        return None, buf
    line = buf[:end]
    if b": " in line or not line:
        return None, buf
    return Banner(line.decode("utf-8", "replace")), buf[end + 2 :]


def split_frames(buf: bytes, max_frame_bytes: int) -> tuple[list[bytes], bytes]:
    """Cut `buf` at frame terminators; frames over the limit are logged and dropped."""
    frames = buf.split(FRAME_END)
    rest = frames.pop()
    for index in range(len(frames) - 1, -1, -1):
        size = len(frames[index])
        if size > max_frame_bytes:
            logger.warning(
                "dropped oversized AMI frame of %d bytes (limit %d)", size, max_frame_bytes
            )
            del frames[index]
    return frames, rest


def parse_frame(raw: bytes) -> Event | Response | None:
    """Turn one frame (without its terminator) into an `Event` or a `Response`."""
    text = raw.decode("utf-8", "replace")
    if text.startswith(_FOLLOWS):
        headers, lists = _parse_follows(text)
    else:
        headers, lists = _parse_text(text)
    if text.startswith("Response: "):
        return Response(headers=headers, lists=lists or _NO_LISTS, status=headers["Response"])
    name = headers.get("Event")
    if name is not None:
        return Event(headers=headers, lists=lists or _NO_LISTS, name=name)
    status = headers.get("Response")
    if status is not None:
        return Response(headers=headers, lists=lists or _NO_LISTS, status=status)
    if headers:
        logger.debug("skipping AMI frame without Event or Response: %r", text[:120])
    return None


def parse_headers(raw: bytes) -> tuple[Headers, Lists]:
    """Decode one frame of any kind (also client ``Action:`` frames) into headers."""
    return _parse_text(raw.decode("utf-8", "replace"))


_NO_LISTS: Lists = {}


def _parse_text(text: str) -> tuple[Headers, Lists]:
    lines = text.split("\r\n")
    if text.count("\n") == len(lines) - 1:  # no bare LF inside the frame
        try:
            headers: Headers = dict([line.split(": ", 1) for line in lines])  # type: ignore[misc]
        except ValueError:
            pass  # a line without ": " (empty value, junk): take the careful path
        else:
            if len(headers) == len(lines) and _MULTI.isdisjoint(headers):
                return headers, _NO_LISTS
    else:
        lines = [line.rstrip("\r") for line in text.split("\n")]
    return _parse_lines(lines)


def _parse_lines(lines: list[str]) -> tuple[Headers, Lists]:
    """Line by line: first value wins in `headers`, every value is kept in `lists`."""
    headers: Headers = {}
    repeated: dict[str, list[str]] = {}
    for line in lines:
        key, sep, value = line.partition(": ")
        if not sep:
            if not line:
                continue
            if not line.endswith(":"):
                logger.debug("skipping AMI line without ': ': %r", line[:120])
                continue
            key, value = line[:-1], ""
        if key in headers:
            if key in repeated:
                repeated[key].append(value)
            else:
                repeated[key] = [headers[key], value]
        else:
            headers[key] = value
            if key in _MULTI:
                repeated[key] = [value]
    return headers, {key: tuple(values) for key, values in repeated.items()}


def _parse_follows(text: str) -> tuple[Headers, Lists]:
    """Legacy ``Response: Follows``: CRLF header lines, then LF-ended free text.

    The body runs up to ``--END COMMAND--`` and becomes ``lists["Output"]``.
    """
    segments = text.split("\r\n")
    split_at = len(segments)
    for index, segment in enumerate(segments):
        key = segment.partition(": ")[0]
        if "\n" in segment or key not in _FOLLOWS_HEADER_KEYS:
            split_at = index
            break
    headers, lists = _parse_lines(segments[:split_at])
    body = "\n".join(segments[split_at:]).split("\n")
    output = [line.rstrip("\r") for line in body]
    while output and output[-1] in ("", END_COMMAND):
        removed = output.pop()
        if removed == END_COMMAND:
            break
    return headers, {**lists, "Output": tuple(output)}


class AmiParser:
    """Stateful framing around `parse_buffer` for a stream of arbitrary chunks.

    Memory stays bounded: a frame that outgrows `max_frame_bytes` before its
    terminator switches the parser to a discard mode that keeps only the last three
    bytes, enough to spot the ``\\r\\n\\r\\n`` where the next frame starts.
    """

    def __init__(self, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES, *, banner: bool = True):
        self.max_frame_bytes = max_frame_bytes
        self._chunks: list[bytes] = []
        self._size = 0
        self._tail = b""
        self._want_banner = banner
        self._discarding = False
        self._discarded = 0

    def feed(self, data: bytes) -> list[AmiMessage]:
        """Add received bytes; return every message they complete, in order."""
        messages: list[AmiMessage] = []
        for raw in self.feed_frames(data, messages):
            message = parse_frame(raw)
            if message is not None:
                messages.append(message)
        return messages

    def feed_frames(self, data: bytes, banners: list[AmiMessage] | None = None) -> list[bytes]:
        """Like `feed` but return raw frames; a banner, if any, goes to `banners`."""
        if self._discarding:
            data = self._skip_oversized(data)
        probe = self._tail + data[:3]
        if FRAME_END not in data and FRAME_END not in probe:
            self._keep(data, probe)
            if self._want_banner:
                self._take_banner(banners)
            return []
        buf = b"".join(self._chunks) + data if self._chunks else data
        if self._want_banner:
            self._want_banner = False
            banner, buf = split_banner(buf)
            if banner is not None and banners is not None:
                banners.append(banner)
        frames, rest = split_frames(buf, self.max_frame_bytes)
        self._chunks = []
        self._size = 0
        self._tail = b""
        self._keep(rest, rest[-3:])
        return frames

    def _keep(self, data: bytes, probe: bytes) -> None:
        if not data:
            return
        self._chunks.append(data)
        self._size += len(data)
        self._tail = probe[-3:] if len(data) < 3 else data[-3:]
        if self._size > self.max_frame_bytes and not self._want_banner:
            logger.warning(
                "AMI frame exceeds %d bytes without a terminator; discarding it",
                self.max_frame_bytes,
            )
            self._discarding = True
            self._discarded = self._size
            self._chunks = []
            self._size = 0

    def _skip_oversized(self, data: bytes) -> bytes:
        carried = len(self._tail)
        probe = self._tail + data
        end = probe.find(FRAME_END)
        if end < 0:
            self._discarded += len(data)
            self._tail = probe[-3:]
            return b""
        self._discarding = False
        self._tail = b""
        logger.info("resynchronised after dropping %d bytes", self._discarded + end - carried)
        return probe[end + 4 :]

    def _take_banner(self, banners: list[AmiMessage] | None) -> None:
        buf = b"".join(self._chunks)
        if b"\r\n" not in buf and self._size <= self.max_frame_bytes:
            self._chunks = [buf] if buf else []
            return
        self._want_banner = False
        banner, rest = split_banner(buf)
        if banner is not None and banners is not None:
            banners.append(banner)
        self._chunks = []
        self._size = 0
        self._tail = b""
        self._keep(rest, rest[-3:])
