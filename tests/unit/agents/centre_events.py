"""Contact-centre events for the tests of what consumes them (queue statistics, records)."""

from __future__ import annotations

from cti.protocol import AgentState, Seat

SINCE = "2026-11-23T09:00:00.000Z"


def member_of(*queues: str, paused: bool = False, reason: str | None = None) -> tuple[Seat, ...]:
    return tuple(Seat(q, "PJSIP/1001", paused, reason, "dynamic") for q in queues)


def agent_state(
    extension: str,
    state: str,
    queues: tuple[Seat, ...] = (),
    *,
    reason: str | None = None,
    since: str = SINCE,
    call_id: str | None = None,
) -> AgentState:
    return AgentState(
        agent=f"agent-{extension}",
        extension=extension,
        state=state,
        reason=reason,
        since=since,
        queues=queues,
        call_id=call_id,
    )
