"""The agents routing may offer work to, read from the agent board (`cti.agents`), so
an interaction sees the same agent state as calls do."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from cti.interactions.router import AgentAvailability
from cti.protocol import AgentStateData


class Board(Protocol):
    def states(self) -> list[AgentStateData]: ...


def board_staff(board: Board) -> list[AgentAvailability]:
    """Every known agent (unknown queue members have no desktop, so no extension)."""
    return list(_availability(board.states()))


def _availability(states: Iterable[AgentStateData]) -> Iterable[AgentAvailability]:
    for state in states:
        extension = state.get("extension")
        if extension:
            since = datetime.fromisoformat(state["since"]).timestamp()
            yield AgentAvailability(extension, state["state"], since)
