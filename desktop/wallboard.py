"""The supervisor's wallboard as rows of text, computed without Qt (a presenter).

Queues: callers waiting and the longest wait (from the waiting callers, so they tick every
second; from the last `queue.stats` when none is listed), with today's service level,
answered, abandoned and offered from `queue.stats`. Waiting callers: queue, position,
who, how long. Agents: state, reason, time in state, who the current call is with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cti.protocol import AGENT_STATES
from desktop.agentview import STATE_COLOUR, STATE_TEXT, state_text
from desktop.calltime import clock_text
from desktop.centre import CentreBoard
from desktop.centredata import AgentStatus, QueueLine, WaitingCaller
from desktop.servertime import ServerClock
from desktop.text import visible_text

NO_STATS = "-"  # a queue whose statistics have not arrived yet


@dataclass(frozen=True, slots=True)
class QueueRow:
    queue: str
    waiting: str
    longest_wait: str
    service_level: str
    answered: str
    abandoned: str
    offered: str
    agents: str
    late: bool  # the longest wait is past the service level's target


@dataclass(frozen=True, slots=True)
class WaitingRow:
    call_id: str
    queue: str
    position: str
    caller: str
    wait: str


@dataclass(frozen=True, slots=True)
class AgentRow:
    key: str
    name: str
    extension: str
    state: str
    colour: str
    in_state: str
    call_with: str
    queues: str


def party_text(entry: dict[str, Any]) -> str:
    """Who is on a call: the contact's name, else the caller's name and number."""
    contact, caller = entry.get("contact"), entry.get("caller")
    caller = caller if isinstance(caller, dict) else {}
    number = visible_text(caller.get("number"))
    if not number and caller.get("anonymous"):
        number = "withheld"
    if isinstance(contact, dict) and contact.get("name"):
        name = visible_text(contact.get("name"))
    else:
        name = visible_text(caller.get("name"))
    if name and number and name != number:
        return f"{name} ({number})"
    return name or number or "unknown caller"


def queue_names(board: CentreBoard) -> list[str]:
    """Every queue the supervisor can know of: from stats, waiting callers, memberships."""
    names = {*board.queues, *(w.queue for w in board.waiting.values())}
    names.update(seat.queue for status in board.agents.values() for seat in status.seats)
    return sorted(names)


def agents_text(counts: dict[str, int]) -> str:
    """ "2 available, 1 paused", in the order of the states."""
    known = [state for state in AGENT_STATES if counts.get(state)]
    others = sorted(state for state in counts if state not in AGENT_STATES and counts[state])
    return ", ".join(
        f"{counts[state]} {STATE_TEXT.get(state, visible_text(state)).lower()}"
        for state in (*known, *others)
    )


def member_counts(board: CentreBoard, queue: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in board.agents.values():
        if any(seat.queue == queue for seat in status.seats):
            counts[status.state] = counts.get(status.state, 0) + 1
    return counts


def longest_wait(line: QueueLine | None, waiting: list[WaitingCaller], clock: ServerClock) -> float:
    if waiting:
        return max(clock.since(caller.since) for caller in waiting)
    if line is None or line.waiting == 0:
        return 0.0
    return line.longest_wait + clock.since(line.received)


def queue_row(board: CentreBoard, queue: str, clock: ServerClock) -> QueueRow:
    line = board.queues.get(queue)
    waiting = board.waiting_in(queue)
    longest = longest_wait(line, waiting, clock)
    count = len(waiting) if waiting or line is None else line.waiting
    if line is None:
        stats = (NO_STATS, NO_STATS, NO_STATS, NO_STATS)
        counts, late = member_counts(board, queue), False
    else:
        level = NO_STATS if line.service_level is None else f"{line.service_level:.0%}"
        stats = (level, str(line.answered), str(line.abandoned), str(line.offered))
        counts = line.agents or member_counts(board, queue)
        late = 0 < line.service_level_seconds < longest
    return QueueRow(
        queue=visible_text(queue),
        waiting=str(count),
        longest_wait=clock_text(longest) if count else "",
        service_level=stats[0],
        answered=stats[1],
        abandoned=stats[2],
        offered=stats[3],
        agents=agents_text(counts),
        late=late,
    )


def queue_rows(board: CentreBoard, clock: ServerClock) -> list[QueueRow]:
    return [queue_row(board, queue, clock) for queue in queue_names(board)]


def waiting_rows(board: CentreBoard, clock: ServerClock) -> list[WaitingRow]:
    callers = sorted(board.waiting.values(), key=lambda w: (w.queue, w.position))
    return [
        WaitingRow(
            call_id=caller.call_id,
            queue=visible_text(caller.queue),
            position=str(caller.position) if caller.position else "",
            caller=party_text({"caller": caller.caller, "contact": caller.contact}),
            wait=clock_text(clock.since(caller.since)),
        )
        for caller in callers
    ]


def agent_name(status: AgentStatus) -> str:
    if status.extension is None:
        return f"unknown member {visible_text(status.interface)}"
    return visible_text(status.agent) or "(no account)"


def agent_row(board: CentreBoard, status: AgentStatus, clock: ServerClock) -> AgentRow:
    on_call = "" if status.call_id is None else party_text(board.caller_of(status.call_id))
    return AgentRow(
        key=status.key,
        name=agent_name(status),
        extension=visible_text(status.extension),
        state=state_text(status),
        colour=STATE_COLOUR.get(status.state, "#e2e3e5"),
        in_state=clock_text(clock.since(status.since)),
        call_with=on_call,
        queues=", ".join(
            visible_text(seat.queue) + (" (paused)" if seat.paused else "") for seat in status.seats
        ),
    )


def agent_rows(board: CentreBoard, clock: ServerClock) -> list[AgentRow]:
    """Agents by name, unknown members (no extension) last."""
    ordered = sorted(
        board.agents.values(), key=lambda s: (s.extension is None, s.agent or "", s.key)
    )
    return [agent_row(board, status, clock) for status in ordered]
