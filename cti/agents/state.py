"""One agent's state, derived from its queue memberships and its calls.

Calls come first: an agent on a call, holding one or ringing is that, whatever its
queues say. Otherwise its memberships decide. A membership paused with reason
``logged-out`` is a static member "logged out" (app_queue cannot remove those), so it
counts as none. In none of its queues, an agent that has queues (configured, or seen
in one) is logged out; one that never had any is available for its direct calls. Paused
in every queue it is in: cti's ``hold`` is on-hold, ``wrap-up`` is wrap-up and any other
reason (``dnd`` included) is paused with that reason. Paused in some queues only, it is
still available in the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cti.agents.members import Membership
from cti.protocol import (
    AVAILABLE,
    LOGGED_OUT,
    ON_HOLD,
    PAUSED,
    REASON_DND,
    REASON_HOLD,
    REASON_LOGGED_OUT,
    REASON_WRAP_UP,
    WRAP_UP,
)

#: which pause wins when an agent's queues are paused for different reasons
_PAUSE_ORDER = (REASON_HOLD, REASON_WRAP_UP, REASON_DND)


@dataclass(frozen=True, slots=True)
class Derived:
    state: str
    reason: str | None = None
    call_id: str | None = None
    dnd: bool = False


def logged_in(seats: Sequence[Membership]) -> list[Membership]:
    """The memberships that count: not a static member paused as ``logged-out``."""
    return [m for m in seats if not (m.paused and m.reason == REASON_LOGGED_OUT)]


def derive(
    seats: Sequence[Membership], has_queues: bool, activity: tuple[str, str] | None
) -> Derived:
    """``activity`` is (state, call_id) of the agent's busiest call, if any."""
    active = logged_in(seats)
    dnd = any(m.paused and m.reason == REASON_DND for m in active)
    if activity is not None:
        state, call_id = activity
        return Derived(state, REASON_HOLD if state == ON_HOLD else None, call_id, dnd)
    if not active:
        return Derived(LOGGED_OUT if has_queues else AVAILABLE)
    if not all(m.paused for m in active):
        return Derived(AVAILABLE, dnd=dnd)
    reasons = [m.reason for m in active]
    reason = next((r for r in _PAUSE_ORDER if r in reasons), None)
    if reason is None:
        reason = next((r for r in reasons if r), None)
    if reason == REASON_HOLD:
        return Derived(ON_HOLD, reason, dnd=dnd)
    return Derived(WRAP_UP if reason == REASON_WRAP_UP else PAUSED, reason, dnd=dnd)
