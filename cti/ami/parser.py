"""Sans-I/O AMI parser: bytes in, typed messages out, no sockets anywhere.

Framing lives here (banner, ``\\r\\n\\r\\n`` terminators, the size limit, resync);
turning a frame's text into headers lives in `cti.ami.headers`. UTF-8 is decoded
only over complete frames, so a character split across two reads survives, and
invalid bytes become U+FFFD.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from types import MemberDescriptorType

from cti.ami.banner import BannerLine
from cti.ami.headers import Headers, Lists, careful_headers, event_headers
from cti.ami.messages import AmiMessage, Banner, Event, Message, Response

logger = logging.getLogger(__name__)

FRAME_END = b"\r\n\r\n"
DEFAULT_MAX_FRAME_BYTES = 1 << 20


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
    return _drop_oversized(frames, max_frame_bytes), rest


def _drop_oversized(frames: list[bytes], max_frame_bytes: int) -> list[bytes]:
    if not frames or max(map(len, frames)) <= max_frame_bytes:
        return frames
    for raw in frames:
        if len(raw) > max_frame_bytes:
            logger.warning(
                "dropped oversized AMI frame of %d bytes (limit %d)", len(raw), max_frame_bytes
            )
    return [raw for raw in frames if len(raw) <= max_frame_bytes]


def _wanted(text: str, events: Collection[str]) -> bool:
    if not text.startswith("Event: "):
        return True
    end = text.find("\r\n")
    name = text[7:end] if end >= 0 else text[7:]
    return name in events or "ActionID: " in text


def parse_frame(raw: bytes) -> Event | Response | None:
    """Turn one frame (without its terminator) into an `Event` or a `Response`."""
    return parse_text(raw.decode("utf-8", "replace"))


def parse_text(text: str) -> Event | Response | None:
    """Like `parse_frame`, for a frame already decoded (whole, never in pieces).

    A bare LF in an event stays in its value (Asterisk ends every event line with
    CRLF, so a lone LF can only be inside a value); other frames split on it too,
    for the Park response.
    """
    if not text.startswith("Event: "):
        headers, lists = careful_headers(text)
        return _classify(headers, lists, text)
    headers, lists = event_headers(text)
    return _new_event(headers, lists, headers["Event"])


def parse_headers(raw: bytes) -> tuple[Headers, Lists]:
    """Decode one frame of any kind (also client ``Action:`` frames) into headers."""
    return careful_headers(raw.decode("utf-8", "replace"))


def _classify(headers: Headers, lists: Lists, text: str) -> Event | Response | None:
    status = headers.get("Response")
    if status is not None:
        return Response(headers=headers, lists=lists, status=status)
    name = headers.get("Event")
    if name is not None:
        return _new_event(headers, lists, name)
    if headers:
        logger.debug("skipping AMI frame without Event or Response: %r", text[:120])
    return None


def _slot_setters() -> tuple[Callable[[Event, object], None], ...] | None:
    """Setters of Event's slots: filling a fresh instance through them skips the
    frozen dataclass ``__init__`` (3x slower, and this is the hot path).

    None (use the constructor) if `Event` ever stops using slots.
    """
    slots = [vars(Message).get("headers"), vars(Message).get("lists"), vars(Event).get("name")]
    if not all(isinstance(slot, MemberDescriptorType) for slot in slots):
        return None
    return tuple(slot.__set__ for slot in slots)  # type: ignore[union-attr]


_SETTERS = _slot_setters()


def _new_event(headers: Headers, lists: Lists, name: str) -> Event:
    if _SETTERS is None:
        return Event(headers=headers, lists=lists, name=name)
    event: Event = object.__new__(Event)
    set_headers, set_lists, set_name = _SETTERS
    set_headers(event, headers)
    set_lists(event, lists)
    set_name(event, name)
    return event


class AmiParser:
    """Stateful framing around `parse_frame` for a stream of arbitrary chunks.

    Memory stays bounded: a frame that outgrows `max_frame_bytes` before its
    terminator switches the parser to a discard mode that keeps only the last three
    bytes, enough to spot the ``\\r\\n\\r\\n`` where the next frame starts. The
    banner line has the same cap (see `cti.ami.banner`).
    """

    def __init__(
        self,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        *,
        banner: bool = True,
        events: Collection[str] | None = None,
    ):
        """`events`, when given, names the only events worth parsing: others are
        dropped after reading their name (about 0.5 us against 10 us for a full
        parse), except events that carry an ActionID, which answer our own actions."""
        self.max_frame_bytes = max_frame_bytes
        self.events = events
        self._chunks: list[bytes] = []
        self._size = 0
        self._tail = b""  # last bytes kept, to find a terminator split across feeds
        self._banner = BannerLine(max_frame_bytes) if banner else None
        self._discarding = False
        self._discarded = 0

    def feed(self, data: bytes) -> list[AmiMessage]:
        """Add received bytes; return every message they complete, in order."""
        messages: list[AmiMessage] = []
        region = self._complete_frames(data, messages)
        if not region:
            return messages
        if len(region) <= self.max_frame_bytes:
            # Only whole frames, so each frame is decoded whole (boundaries are ASCII,
            # so decoding them together gives the same text, minus a bytes copy each).
            texts = region.decode("utf-8", "replace").split("\r\n\r\n")
        else:
            frames = _drop_oversized(region.split(FRAME_END), self.max_frame_bytes)
            texts = [raw.decode("utf-8", "replace") for raw in frames]
        if self.events is not None:
            texts = [text for text in texts if _wanted(text, self.events)]
        if _SETTERS is None:
            messages.extend(filter(None, map(parse_text, texts)))
            return messages
        # parse_text and _new_event, inlined: this loop runs once per event.
        append, new, (set_headers, set_lists, set_name) = messages.append, object.__new__, _SETTERS
        for text in texts:
            if text.startswith("Event: "):
                headers, lists = event_headers(text)
                event = new(Event)
                set_headers(event, headers)
                set_lists(event, lists)
                set_name(event, headers["Event"])
                append(event)
            else:
                message = parse_text(text)
                if message is not None:
                    append(message)
        return messages

    def feed_frames(self, data: bytes, banners: list[AmiMessage] | None = None) -> list[bytes]:
        """Like `feed` but return raw frames; a banner, if any, goes to `banners`."""
        region = self._complete_frames(data, banners)
        if region is None:
            return []
        return _drop_oversized(region.split(FRAME_END), self.max_frame_bytes)

    def _complete_frames(self, data: bytes, banners: list[AmiMessage] | None) -> bytes | None:
        """Buffer `data`; return the complete frames now available (terminators inside)."""
        if self._discarding:
            data = self._skip_oversized(data)
        if self._banner is not None and data:
            data = self._take_banner(self._banner, data, banners)
        if not data or (FRAME_END not in data and FRAME_END not in self._tail + data[:3]):
            self._keep(data)
            return None
        buf = b"".join(self._chunks) + data if self._chunks else data
        end = buf.rfind(FRAME_END)
        self._chunks, self._size, self._tail = [], 0, b""
        self._keep(buf[end + 4 :])
        return buf[:end]

    def _keep(self, data: bytes) -> None:
        if not data:
            return
        self._chunks.append(data)
        self._size += len(data)
        self._tail = (self._tail + data)[-3:] if len(data) < 3 else data[-3:]
        if self._size > self.max_frame_bytes:
            logger.warning(
                "AMI frame exceeds %d bytes without a terminator; discarding it",
                self.max_frame_bytes,
            )
            self._discarding = True
            self._discarded = self._size
            self._chunks, self._size = [], 0

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
        logger.info("AMI stream resynchronised after %d bytes", self._discarded + end - carried)
        return probe[end + 4 :]

    def _take_banner(
        self, line: BannerLine, data: bytes, banners: list[AmiMessage] | None
    ) -> bytes:
        """Hold bytes until the first line is complete, then peel the banner off."""
        banner, rest = line.feed(data)
        if line.done:
            self._banner = None
        if banner is not None and banners is not None:
            banners.append(banner)
        return rest
