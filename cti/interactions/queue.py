"""The universal queue's waiting order: higher priority first, then the oldest arrival.

One heap per channel with lazy removal: an interaction that leaves (offered, closed)
stays in its heap until it reaches the top, so adding and taking are O(log n) whatever
the queue's size. `in_order` walks the heaps lazily, merged, and only the channels the
caller asks for: with ten thousand mails waiting and every agent's mail capacity full, a
dispatch does not look at one of them (a first import calls dispatch on every mail). An
interaction put back after a declined or lapsed offer keeps its arrival time, so it
returns to its place instead of the end of the line.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Container, Iterator

from cti.interactions.model import Interaction

Entry = tuple[int, float, int, str]  # (-priority, arrived_at, sequence, id): unique


class InteractionQueue:
    def __init__(self) -> None:
        self._heaps: dict[str, list[Entry]] = {}  # channel → its waiting order
        self._waiting: dict[str, Interaction] = {}
        self._entry: dict[str, int] = {}  # id → the sequence of its live heap entry
        self._count: Counter[str] = Counter()  # channel → how many wait
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
        self._count[interaction.channel] += 1
        entry = (
            -interaction.priority,
            interaction.arrived_at,
            sequence,
            interaction.interaction_id,
        )
        heapq.heappush(self._heaps.setdefault(interaction.channel, []), entry)

    def remove(self, interaction_id: str) -> Interaction | None:
        self._entry.pop(interaction_id, None)
        interaction = self._waiting.pop(interaction_id, None)
        if interaction is not None:
            self._count[interaction.channel] -= 1
        return interaction

    def channels(self) -> set[str]:
        """The channels with something waiting."""
        return {channel for channel, count in self._count.items() if count}

    def in_order(self, channels: Container[str] | None = None) -> Iterator[Interaction]:
        """The waiting interactions of ``channels`` (None: all), first to serve first.

        Lazy: each step costs O(log n). ``channels`` is read at every step, so a caller
        that drops a channel while walking (its agents are full) walks it no further.
        Removing what was yielded is allowed while walking; adding is not."""
        self._compact()
        fronts: list[tuple[Entry, str, Iterator[Entry]]] = []
        for channel, heap in self._heaps.items():
            walk = _walk(heap)
            first = next(walk, None)
            if first is not None:
                fronts.append((first, channel, walk))
        heapq.heapify(fronts)
        while fronts:
            entry, channel, walk = fronts[0]
            if channels is not None and channel not in channels:
                heapq.heappop(fronts)
                continue
            if self._live(entry):
                yield self._waiting[entry[3]]
            following = next(walk, None)
            if following is None:
                heapq.heappop(fronts)
            else:
                heapq.heapreplace(fronts, (following, channel, walk))

    def oldest(self, channel: str) -> Interaction | None:
        """The channel's longest-waiting interaction, for the wallboard."""
        found = [i for i in self._waiting.values() if i.channel == channel]
        return min(found, key=lambda i: i.arrived_at, default=None)

    def waiting(self, channel: str) -> int:
        return self._count[channel]

    def _compact(self) -> None:
        """Drop what left from each top, and rebuild when stale entries dominate."""
        stored = 0
        for heap in self._heaps.values():
            while heap and not self._live(heap[0]):
                heapq.heappop(heap)
            stored += len(heap)
        if stored > 2 * len(self._waiting) + 16:
            for channel, heap in self._heaps.items():
                self._heaps[channel] = [entry for entry in heap if self._live(entry)]
                heapq.heapify(self._heaps[channel])

    def _live(self, entry: Entry) -> bool:
        """False for an entry left behind by a removal or a later add of the same id."""
        return self._entry.get(entry[3]) == entry[2]


def _walk(heap: list[Entry]) -> Iterator[Entry]:
    """A heap's entries in order without popping it: a frontier of the nodes whose
    parents were yielded (O(log n) a step, nothing copied)."""
    if not heap:
        return
    frontier = [(heap[0], 0)]
    while frontier:
        entry, index = heapq.heappop(frontier)
        yield entry
        for child in (2 * index + 1, 2 * index + 2):
            if child < len(heap):
                heapq.heappush(frontier, (heap[child], child))
