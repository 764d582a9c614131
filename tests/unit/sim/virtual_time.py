"""Simulated time for the simulator's scripts: every step at its own moment, no sleeping.

The simulator's Player runs each call in an asyncio task; with ``time_scale=0`` calls
keep their own order but not each other's. `VirtualTime` is the clock (``clock=``) and
the queue dispatcher's player (``start``/``later``), so several calls interleave as
their delays say and every figure that counts seconds (queue_log hold and talk times)
is exact.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

from cti.sim import PbxSimulator
from cti.sim.model import SimCall
from cti.sim.scripts import Step

_Entry = tuple[float, int, list[Step], int, int | None, object]


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0
        self._queue: list[_Entry] = []
        self._order = itertools.count()
        self._current: dict[int, object] = {}  # id(call) -> its script's token

    def __call__(self) -> float:
        return self.now

    def attach(self, sim: PbxSimulator) -> None:
        """The dispatcher's rings and offers play here, in simulated time."""
        sim.dispatcher.start, sim.dispatcher.later = self.play, self.later

    def play(self, call: SimCall, steps: list[Step]) -> None:
        """`steps` become the call's script (a script it had is dropped), from now on."""
        token = self._current[id(call)] = object()
        self._push(steps, 0, id(call), token)

    def later(self, delay: float, action: Callable[[], None]) -> None:
        def step() -> list[bytes]:
            action()
            return []

        self._push([(delay, step)], 0, None, None)

    def run_until(self, moment: float) -> None:
        """Every step due by `moment`, in time order; then the clock reads `moment`."""
        while self._queue and self._queue[0][0] <= moment:
            at, _, steps, index, call, token = heapq.heappop(self._queue)
            if call is not None and self._current.get(call) is not token:
                continue  # that call plays another script now
            self.now = at
            steps[index][1]()
            self._push(steps, index + 1, call, token)
        self.now = max(self.now, moment)

    def _push(self, steps: list[Step], index: int, call: int | None, token: object) -> None:
        if index < len(steps):
            entry = (self.now + steps[index][0], next(self._order), steps, index, call, token)
            heapq.heappush(self._queue, entry)
