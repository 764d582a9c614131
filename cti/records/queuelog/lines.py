"""The fields of a queue_log line, checked, and the member events it can name.

`QueueLogBuilder` reads the calls; this base reads what every event has (its call,
queue and agent fields, enough data fields, numbers that are numbers) and the member
events (logins, pauses), which only move agents between states.
"""

from __future__ import annotations

from typing import NoReturn

from cti.records.queuelog.agents import AgentBuilder
from cti.records.queuelog.members import MemberNames

BLANK = frozenset({"", "NONE"})  # a callid, queue or agent field that names nothing
CALLER_EVENTS = frozenset({"ENTERQUEUE", "ABANDON"})  # their agent field is NONE

Fields = list[str]


class BadLine(ValueError):
    """Why a line cannot be read; the line is skipped."""


def whole(text: str, what: str) -> int:
    """A count of seconds (or milliseconds) as app_queue writes it: digits."""
    try:
        value = int(text)
    except ValueError:
        raise BadLine(f"{what} {text!r} is not a whole number") from None
    if value < 0:
        raise BadLine(f"{what} {value} is negative")
    return value


class LineFields:
    """What every event handler checks first; the member events, which touch no call."""

    def __init__(self, members: MemberNames, agents: AgentBuilder) -> None:
        self.members = members
        self._extension = members.extension
        self.agents = agents

    # -- what the fields of a line name

    @staticmethod
    def _call(fields: Fields) -> tuple[str, str]:
        call_id, queue = fields[1], fields[2]
        if not call_id or call_id == "NONE":
            raise BadLine(f"{fields[4]} names no call (callid {call_id!r})")
        if not queue or queue == "NONE":
            raise BadLine(f"{fields[4]} names no queue")
        return call_id, queue

    def _member(self, fields: Fields) -> str:
        name = fields[3]
        if not name or name == "NONE":
            raise BadLine(f"{fields[4]} names no agent")
        return self.members.extension(name)

    @staticmethod
    def _needs(fields: Fields, count: int, what: str) -> None:
        if len(fields) < 5 + count:
            got = len(fields) - 5
            raise BadLine(f"{fields[4]} has {got} data fields, needs {what}: truncated")

    def _explain(self, f: Fields, count: int, what: str, numbers: dict[int, str]) -> NoReturn:
        """Why a line the fast path of its event refused cannot be read."""
        self._call(f)
        if f[4] not in CALLER_EVENTS:
            self._member(f)
        self._needs(f, count, what)
        for index, name in numbers.items():
            if len(f) > index and f[index]:
                whole(f[index], name)
        raise BadLine(f"{f[4]}: unreadable")  # not reached: one of the above raised

    # -- agents

    def _addmember(self, epoch: int, f: Fields) -> None:
        paused = len(f) > 5 and f[5] == "PAUSED"
        self.agents.join(self._member(f), epoch, f[2], paused)

    def _removemember(self, epoch: int, f: Fields) -> None:
        self.agents.leave(self._member(f), epoch, f[2])

    def _pause(self, epoch: int, f: Fields) -> None:
        reason = "|".join(f[5:]) or None
        self.agents.pause(self._member(f), epoch, f[2], reason)

    def _unpause(self, epoch: int, f: Fields) -> None:
        self.agents.unpause(self._member(f), epoch, f[2])

    def _pauseall(self, epoch: int, f: Fields) -> None:
        """Each queue's own PAUSE/UNPAUSE line follows: those change the state."""
        self.agents.seen(self._member(f), epoch)

    _unpauseall = _pauseall

    def _agentlogin(self, epoch: int, f: Fields) -> None:
        self.agents.log_in(self._member(f), epoch)

    _agentcallbacklogin = _agentlogin

    def _agentlogoff(self, epoch: int, f: Fields) -> None:
        self.agents.log_off(self._member(f), epoch)

    _agentcallbacklogoff = _agentlogoff
