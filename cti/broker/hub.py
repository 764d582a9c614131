"""The broker: per-agent sequence numbers and journals, routing, and connected sessions."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cti.broker.auth import AgentDirectory, AgentIdentity
from cti.broker.calllog import CallLog
from cti.broker.centre import CentreView
from cti.broker.frames import encodable
from cti.broker.journal import Journal
from cti.broker.metrics import BrokerMetrics
from cti.broker.routing import CallBook
from cti.broker.sessions import Session
from cti.broker.settings import DesktopSettings
from cti.protocol import (
    CallRinging,
    DomainEvent,
    PbxLink,
    WireEvent,
    pbx_data,
    utc_timestamp,
    welcome_frame,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class AgentSlot:
    identity: AgentIdentity
    journal: Journal
    sessions: set[Session] = field(default_factory=set)


def encode(frame: dict[str, Any]) -> str:
    """Compact JSON that can always be sent as UTF-8.

    Text from outside (a CRM's JSON) may hold lone surrogates; those frames go out with
    \\u escapes, since a frame the writer cannot encode would close the agent's socket.
    """
    text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
    return text if encodable(text) else json.dumps(frame, separators=(",", ":"))


def envelope_tail(event: WireEvent, ts: str) -> str:
    """An event's envelope after its seq: only the seq differs between recipients, so a
    fan-out to a thousand supervisors encodes the event once, not once per recipient.

    ``'{"op":"event","seq":%d,' + tail`` is exactly ``encode(event_envelope(...))``.
    """
    return encode({"type": event.type, "ts": ts, "data": event.data()})[1:]


class Broker:
    """Routes domain events to agents and keeps what a reconnect needs.

    Everything here is synchronous: `publish` and `attach` never await, so a welcome,
    its replay and the next live event cannot interleave, and no socket can stall them.

    The journals live in memory, so their seqs start again at each start: `epoch` names
    this run's journals, and a client whose last_seq belongs to another epoch gets a
    fresh snapshot, never a replay of events it did not see before.
    """

    def __init__(self, agents: AgentDirectory, journal_size: int, metrics: BrokerMetrics) -> None:
        self.agents = agents
        self.metrics = metrics
        self.epoch = uuid.uuid4().hex
        self.pbx = PbxLink(connected=False, since=utc_timestamp())
        self.calls = CallBook()
        self.centre = CentreView()  # agent states, presence, queues, waiting callers
        self.call_log = CallLog()  # outlives the calls, for notes filed after hang-up
        self.desktop = DesktopSettings()  # replaced on reload; read by each new welcome
        # more of a welcome's snapshot from other parts (the universal queue's threads)
        self.welcome_parts: list[Callable[[AgentIdentity], Mapping[str, Any]]] = []
        self._states = {
            identity.agent_id: AgentSlot(identity, Journal(journal_size))
            for identity in agents.identities()
        }
        # Routing looks up the event's audience instead of asking every agent.
        self._by_extension: dict[str, list[AgentSlot]] = {}
        self._supervisors: list[AgentSlot] = []
        for state in self._states.values():
            if state.identity.is_supervisor:
                self._supervisors.append(state)
            else:
                self._by_extension.setdefault(state.identity.extension, []).append(state)
        metrics.bind_connected_agents(self.connected_agents)

    def recipients(self, event: WireEvent) -> list[AgentSlot]:
        """The agents that receive `event` (see `receives`), found without scanning them all."""
        if event.everyone:
            return list(self._states.values())
        found = [s for ext in sorted(event.audience) for s in self._by_extension.get(ext, ())]
        return found + self._supervisors

    def pbx_link(self, connected: bool) -> None:
        """The AMI link went up or down: every desktop hears it (once per change)."""
        if connected == self.pbx.connected:
            return
        self.publish(PbxLink(connected=connected, since=utc_timestamp()))

    def publish(self, event: WireEvent) -> None:
        if isinstance(event, DomainEvent):
            self.calls.apply(event)
            self.call_log.apply(event)
        elif isinstance(event, PbxLink):
            self.pbx = event
        self.centre.apply(event)
        tail = envelope_tail(event, utc_timestamp())  # one encoding, whatever the audience
        for state in self.recipients(event):
            identity = state.identity
            seq = state.journal.next_seq()
            text = f'{{"op":"event","seq":{seq},{tail}'
            state.journal.append(seq, text)
            pop = isinstance(event, CallRinging) and event.extension == identity.extension
            # the event's own agents at once; supervisors and everyone-events in a batch
            urgent = identity.extension in event.audience
            # no copy of the set: send never attaches or detaches a session (a slow one
            # closes later, in a task), and a copy per recipient fed the collector
            for session in state.sessions:
                session.send(text, pop=pop, urgent=urgent)

    def calls_for(self, identity: AgentIdentity) -> list[dict[str, Any]]:
        if identity.is_supervisor:
            return self.calls.all_calls()
        return self.calls.calls_of(identity.extension)

    def attach(
        self,
        session: Session,
        last_seq: int | None,
        capabilities: list[str] | None = None,
        epoch: str | None = None,
    ) -> None:
        """Send the welcome (and replay, or a resync snapshot), then live events follow.

        A replay needs `last_seq` from this broker's own `epoch`; from any other one
        (a restart, or a client that does not say) the welcome is a fresh snapshot.
        """
        identity = session.identity
        state = self._states[identity.agent_id]
        replay = None
        if last_seq is not None and epoch == self.epoch:
            replay = state.journal.since(last_seq)
        resync = last_seq is not None and replay is None
        welcome = welcome_frame(
            identity.agent_id,
            identity.extension,
            state.journal.seq,
            self.calls_for(identity),
            resync=resync,
            settings=self.desktop.welcome_data(),
            capabilities=capabilities,
            epoch=self.epoch,
            pbx=pbx_data(self.pbx.connected, self.pbx.since),
            agent_state=self.centre.agent_state(identity.extension),
            presence=self.centre.presence(),
            supervision=self.centre.supervision() if identity.is_supervisor else None,
        )
        for part in self.welcome_parts:
            welcome.update(part(identity))
        session.start([encode(welcome), *(replay or [])])
        state.sessions.add(session)
        log.info(
            "agent %s connected (last_seq=%s, epoch %s, replayed=%d, resync=%s)",
            identity.agent_id,
            last_seq,
            "current" if epoch == self.epoch else "other" if epoch else "none",
            len(replay or []),
            resync,
        )

    def detach(self, session: Session) -> None:
        state = self._states.get(session.identity.agent_id)
        if state is not None:
            state.sessions.discard(session)

    def sessions(self) -> list[Session]:
        """Open sessions; one being closed (too slow, shutting down) no longer counts."""
        return [
            session
            for state in self._states.values()
            for session in state.sessions
            if not session.closing
        ]

    def connected_agents(self) -> int:
        return len({session.identity.agent_id for session in self.sessions()})

    async def close_all(self, code: int, message: str) -> None:
        sessions = [session for state in self._states.values() for session in state.sessions]
        await asyncio.gather(*(session.close(code, message) for session in sessions))
