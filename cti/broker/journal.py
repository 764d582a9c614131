"""Per-agent event journal: the last N frames, so a reconnect can replay without gaps."""

from __future__ import annotations

from collections import deque


class Journal:
    """Bounded, ordered record of (seq, encoded frame) for one agent."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("journal size must be at least 1")
        self._frames: deque[tuple[int, str]] = deque(maxlen=size)
        self.seq = 0

    def append(self, seq: int, text: str) -> None:
        self._frames.append((seq, text))
        self.seq = seq

    def next_seq(self) -> int:
        return self.seq + 1

    def since(self, last_seq: int) -> list[str] | None:
        """Frames after `last_seq`, or None when they are no longer all held.

        A last_seq ahead of ours (the broker restarted) also answers None: the
        client's view cannot be patched, only replaced by a snapshot.
        """
        if last_seq > self.seq or last_seq < 0:
            return None
        if last_seq == self.seq:
            return []
        oldest = self._frames[0][0] if self._frames else self.seq + 1
        if last_seq < oldest - 1:
            return None
        return [text for seq, text in self._frames if seq > last_seq]
