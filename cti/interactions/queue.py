"""The universal queue's waiting order: higher priority first, then the oldest arrival.

A heap with lazy removal: an interaction that leaves (offered, closed) stays in the heap
until it reaches the top, so adding and taking are O(log n) whatever the queue's size.
An interaction put back after a declined or lapsed offer keeps its arrival time, so it
returns to its place instead of the end of the line.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator

from cti.interactions.model import Interaction


class InteractionQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[int, float, int, str]] = []
        self._waiting: dict[str, Interaction] = {}
        self._entry: dict[str, int] = {}  # id → the sequence of its live heap entry
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._waiting)

    def __contains__(self, interaction_id: object) -> bool:
        return interaction_id in self._waiting

    def add(self, interaction: Interaction) -> None:
        """Queue it (again); a second add of a waiting interaction changes nothing."""
        if interaction.interaction_id in self._waiting:
            return
        sequence = next(self._order)
        self._waiting[interaction.interaction_id] = interaction
        self._entry[interaction.interaction_id] = sequence
        key = (-interaction.priority, interaction.arrived_at, sequence)
        heapq.heappush(self._heap, (*key, interaction.interaction_id))

    def remove(self, interaction_id: str) -> Interaction | None:
        self._entry.pop(interaction_id, None)
        return self._waiting.pop(interaction_id, None)

    def in_order(self) -> Iterator[Interaction]:
        """The waiting interactions, first to serve first (a sorted copy of the heap)."""
        self._compact()
        for entry in sorted(self._heap):
            if self._live(entry):
                yield self._waiting[entry[3]]

    def oldest(self, channel: str) -> Interaction | None:
        """The channel's longest-waiting interaction, for the wallboard."""
        found = [i for i in self._waiting.values() if i.channel == channel]
        return min(found, key=lambda i: i.arrived_at, default=None)

    def waiting(self, channel: str) -> int:
        return sum(1 for i in self._waiting.values() if i.channel == channel)

    def _compact(self) -> None:
        """Drop what left from the top, and rebuild when stale entries dominate."""
        while self._heap and not self._live(self._heap[0]):
            heapq.heappop(self._heap)
        if len(self._heap) > 2 * len(self._waiting) + 16:
            self._heap = [entry for entry in self._heap if self._live(entry)]
            heapq.heapify(self._heap)

    def _live(self, entry: tuple[int, float, int, str]) -> bool:
        """False for an entry left behind by a removal or a later add of the same id."""
        return self._entry.get(entry[3]) == entry[2]
