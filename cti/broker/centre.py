"""The broker's view of the contact centre, kept from the events it publishes.

A welcome must match its `seq`: what it lists is what the events up to that `seq` said,
never something the agent board knows but has not published yet (a pop waiting for its
contact holds back the agent states it caused). So the snapshot is built here, from the
published `agent.state`, `presence`, `queue.stats` and `call.queued` events.

A caller waits from its `call.queued` until an agent answers or the call ends; one who
leaves a queue unanswered and goes on elsewhere (a queue timeout) is listed until then.
"""

from __future__ import annotations

from typing import Any

from cti.protocol import (
    AgentState,
    AgentStateData,
    CallAnswered,
    CallEnded,
    CallQueued,
    Presence,
    PresenceData,
    SupervisorView,
    WireEvent,
)

QUEUE_STATS = "queue.stats"


class CentreView:
    def __init__(self) -> None:
        self._agents: dict[str, AgentStateData] = {}  # extension, or an unknown interface
        self._presence: dict[str, PresenceData] = {}
        self._queues: dict[str, dict[str, Any]] = {}
        self._waiting: dict[str, dict[str, Any]] = {}  # call_id → call.queued data

    def apply(self, event: WireEvent) -> None:
        if isinstance(event, AgentState):
            self._agent(event)
        elif isinstance(event, Presence):
            self._presence[event.extension] = event.data()
        elif isinstance(event, CallQueued):
            self._waiting[event.call_id] = event.data()
        elif isinstance(event, CallAnswered | CallEnded):
            self._waiting.pop(event.call_id, None)
        elif event.type == QUEUE_STATS:
            data = event.data()
            self._queues[str(data.get("queue"))] = data

    def agent_state(self, extension: str) -> AgentStateData | None:
        return self._agents.get(extension)

    def presence(self) -> list[PresenceData]:
        return [self._presence[ext] for ext in sorted(self._presence)]

    def waiting(self) -> list[dict[str, Any]]:
        """Waiting callers, queue by queue, in position order."""
        return sorted(self._waiting.values(), key=lambda d: (d["queue"], d["position"]))

    def supervision(self) -> SupervisorView:
        return SupervisorView(
            agents=[self._agents[key] for key in sorted(self._agents)],
            queues=[self._queues[queue] for queue in sorted(self._queues)],
            waiting=self.waiting(),
        )

    def _agent(self, event: AgentState) -> None:
        key = event.extension or event.interface or ""
        if event.extension is None and not event.queues:
            self._agents.pop(key, None)  # an unknown member that left every queue
        else:
            self._agents[key] = event.data()
