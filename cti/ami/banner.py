"""The AMI greeting line, collected across reads in linear time and capped like a frame.

Asterisk greets with one line (``Asterisk Call Manager/11.0.0``) ended by a single CRLF and
no blank line, so it cannot go through the frame splitter. A peer may dribble that line a
byte at a time, so only the new bytes of each read are searched (plus one carried CR), and
the line is held in one growing buffer, never re-joined.

A line longer than ``max_bytes`` (the frame cap) is not a greeting: it is logged once,
dropped, and the stream resynchronises at that line's own CRLF, so the first frame after it
(the Login response) is still parsed. An oversized frame resynchronises at the next
``\\r\\n\\r\\n`` instead, because that is where frames end.
"""

from __future__ import annotations

import logging

from cti.ami.messages import Banner

logger = logging.getLogger(__name__)

LINE_END = b"\r\n"


class BannerLine:
    """Feed reads until `done`; each feed returns the banner (once) and the bytes after it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.done = False
        self._line = bytearray()
        self._discarded = 0  # bytes dropped so far while the line is over the cap
        self._after_cr = False  # the last byte seen was a CR (a CRLF split across reads)

    def feed(self, data: bytes) -> tuple[Banner | None, bytes]:
        """(the banner if this read completed it, what follows the line for the framer).

        The line is handed back to the framer when it is not a greeting (it holds
        ``": "`` or is empty: the peer sent no banner and this is the first frame).
        """
        end, skip = self._line_end(data)
        if end < 0:
            self._hold(data)
            return None, b""
        self.done = True
        rest = data[end + skip :]
        if self._discarded or len(self._line) + end > self.max_bytes:
            self._dropped(self._discarded + len(self._line) + end)
            return None, rest
        line = bytes(self._line) + data[:end]
        self._line = bytearray()
        if b": " in line or not line:
            return None, line + LINE_END + rest
        return Banner(line.decode("utf-8", "replace")), rest

    def _line_end(self, data: bytes) -> tuple[int, int]:
        """Where the line ends in `data` and the length of the CRLF there (the CR of a
        split CRLF is already held: then the line ends before it, at ``-1`` of `data`)."""
        if self._after_cr and data.startswith(b"\n"):
            if self._line:
                del self._line[-1:]
            else:
                self._discarded -= 1
            return 0, 1
        end = data.find(LINE_END)
        return (end, 2) if end >= 0 else (-1, 0)

    def _hold(self, data: bytes) -> None:
        if data:
            self._after_cr = data.endswith(b"\r")
        if self._discarded:
            self._discarded += len(data)
            return
        self._line += data
        if len(self._line) > self.max_bytes:
            logger.warning(
                "AMI banner line exceeds %d bytes without a line end; discarding it",
                self.max_bytes,
            )
            self._discarded = len(self._line)
            self._line = bytearray()

    def _dropped(self, size: int) -> None:
        if self._discarded:
            logger.info("AMI stream resynchronised after a banner line of %d bytes", size)
        else:
            logger.warning(
                "dropped oversized AMI banner line of %d bytes (limit %d)", size, self.max_bytes
            )
        self._line = bytearray()
