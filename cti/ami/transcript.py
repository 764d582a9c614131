"""Recorded AMI sessions (``*.raw``) cut into frames that keep their exact bytes.

The fake server replays the events byte for byte; the recorded banner and
responses answered the recording client's ActionIDs, so replays skip them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cti.ami.messages import AmiMessage, Event, Response
from cti.ami.parser import FRAME_END, parse_frame, split_banner

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TranscriptFrame:
    """One recorded frame: its bytes (terminator included) and what they parse to."""

    raw: bytes
    message: AmiMessage | None

    @property
    def is_event(self) -> bool:
        return isinstance(self.message, Event)

    @property
    def name(self) -> str:
        """Event name, ``Response: <status>``, or the banner text."""
        message = self.message
        if isinstance(message, Event):
            return message.name
        if isinstance(message, Response):
            return f"Response: {message.status}"
        return message.text if message is not None else ""


@dataclass(frozen=True, slots=True)
class Transcript:
    frames: tuple[TranscriptFrame, ...]

    @property
    def events(self) -> tuple[TranscriptFrame, ...]:
        """Only the frames a replay sends: the events, in recorded order."""
        return tuple(frame for frame in self.frames if frame.is_event)

    def index(self, name: str, start: int = 0) -> int:
        """Position in `events` of the first event called `name` at or after `start`."""
        events = self.events
        for position in range(start, len(events)):
            if events[position].name == name:
                return position
        raise ValueError(f"no {name} event after position {start}")


def load_transcript(data: bytes) -> Transcript:
    """Cut a recorded stream into frames; a trailing partial frame is left out."""
    frames: list[TranscriptFrame] = []
    banner, rest = split_banner(data)
    if banner is not None:
        frames.append(TranscriptFrame(data[: len(data) - len(rest)], banner))
    position = 0
    while (end := rest.find(FRAME_END, position)) >= 0:
        frames.append(TranscriptFrame(rest[position : end + 4], parse_frame(rest[position:end])))
        position = end + 4
    if position < len(rest):
        logger.warning("transcript ends with %d bytes of a partial frame", len(rest) - position)
    return Transcript(tuple(frames))


def read_transcript(path: str | Path) -> Transcript:
    return load_transcript(Path(path).read_bytes())
