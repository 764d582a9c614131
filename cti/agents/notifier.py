"""The only place that creates `agent.state` and `presence` events.

It keeps the last event of each agent and each extension, so an event goes out only
when something a desktop shows changed, and `since` moves only when the state itself
(with its reason) changed: a queue added during a call keeps the call's `since`.
"""

from __future__ import annotations

from collections.abc import Callable

from cti.protocol import AgentState, Presence, Seat, iso_utc


class AgentNotifier:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._states: dict[str, AgentState] = {}  # extension, or interface of an unknown member
        self._presence: dict[str, Presence] = {}

    def agent_state(
        self,
        key: str,
        *,
        agent: str | None,
        extension: str | None,
        state: str,
        reason: str | None,
        queues: tuple[Seat, ...],
        call_id: str | None = None,
        wrapup_until: str | None = None,
        dnd: bool = False,
    ) -> AgentState | None:
        """The event for this state, or None when it is what was last sent."""
        last = self._states.get(key)
        same = last is not None and (last.state, last.reason) == (state, reason)
        event = AgentState(
            audience=frozenset((extension,)) if extension else frozenset(),
            agent=agent,
            extension=extension,
            interface=None if extension else key,
            state=state,
            reason=reason,
            since=last.since if same and last is not None else iso_utc(self._clock()),
            queues=queues,
            call_id=call_id,
            wrapup_until=wrapup_until,
            dnd=dnd,
        )
        if event == last:
            return None
        self._states[key] = event
        return event

    def presence(self, extension: str, state: str) -> Presence | None:
        last = self._presence.get(extension)
        if last is not None and last.state == state:
            return None
        event = Presence(extension=extension, state=state, since=iso_utc(self._clock()))
        self._presence[extension] = event
        return event

    def forget(self, key: str) -> AgentState | None:
        """Drop an unknown member that left every queue; returns its last state."""
        return self._states.pop(key, None)

    def state_of(self, key: str) -> AgentState | None:
        return self._states.get(key)

    def states(self) -> list[AgentState]:
        return [self._states[key] for key in sorted(self._states)]

    def presences(self) -> list[Presence]:
        return [self._presence[ext] for ext in sorted(self._presence)]
