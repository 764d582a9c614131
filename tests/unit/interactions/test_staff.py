"""Routing reads the agent board's states: the same state calls use."""

from __future__ import annotations

from cti.interactions.router import AgentAvailability
from cti.interactions.staff import board_staff
from cti.protocol import AVAILABLE, ON_CALL, AgentState, AgentStateData, iso_utc


class Board:
    def __init__(self, states: list[AgentStateData]) -> None:
        self._states = states

    def states(self) -> list[AgentStateData]:
        return self._states


def test_board_states_become_availability_with_unix_since() -> None:
    since = 1_796_000_000.25
    known = AgentState(agent="alice", extension="1001", state=AVAILABLE, since=iso_utc(since))
    busy = AgentState(agent="bob", extension="1002", state=ON_CALL, since=iso_utc(since + 5))
    board = Board([known.data(), busy.data()])
    assert board_staff(board) == [
        AgentAvailability("1001", AVAILABLE, since),
        AgentAvailability("1002", ON_CALL, since + 5),
    ]


def test_unknown_queue_members_without_extension_are_not_staff() -> None:
    stranger = AgentState(
        agent=None, extension=None, interface="PJSIP/9999", state=AVAILABLE, since=iso_utc(0)
    )
    assert board_staff(Board([stranger.data()])) == []
