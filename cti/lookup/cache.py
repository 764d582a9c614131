"""A small LRU cache whose entries go stale after a TTL but can still be served."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Stale entries are kept (until evicted) so a caller can serve them and refresh."""

    def __init__(self, ttl: float, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> tuple[V, bool] | None:
        """(value, fresh) or None when absent."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        stored, value = entry
        return value, self.clock() - stored < self.ttl

    def put(self, key: str, value: V) -> None:
        if self.size <= 0:
            return
        self._entries[key] = (self.clock(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def discard(self, matches: Callable[[V], bool] | None = None) -> None:
        """Forget the entries whose value `matches`, or everything when it is None."""
        if matches is None:
            self._entries.clear()
            return
        for key in [key for key, (_, value) in self._entries.items() if matches(value)]:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
