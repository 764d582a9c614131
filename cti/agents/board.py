"""The agent board: one state and one presence per agent, kept from the AMI and the
call tracker, with the events that tell desktops about every change.

It is fed every AMI event after the tracker, with the call events the tracker made of
it: member events change memberships, device and hint events change phones, call
events change what agents do on calls. Each agent touched is derived again
(`cti.agents.state`) and the notifier sends only what changed: first the agent's
`agent.state`, then its `presence`, agents in extension order, after the call events.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence

from cti.agents.activity import CallActivity
from cti.agents.devices import DEVICE_EVENTS, DeviceBook
from cti.agents.members import MEMBER_EVENTS, Membership, QueueMembers
from cti.agents.notifier import AgentNotifier
from cti.agents.roster import AgentRoster
from cti.agents.state import Derived, derive, logged_in
from cti.ami.messages import Event
from cti.protocol import (
    DND,
    IDLE,
    IN_USE,
    ON_CALL,
    ON_HOLD,
    RINGING,
    WRAP_UP,
    AgentStateData,
    DomainEvent,
    PresenceData,
    Seat,
    WireEvent,
    iso_utc,
)

log = logging.getLogger(__name__)

_CALL_PRESENCE = {RINGING: RINGING, ON_CALL: IN_USE, ON_HOLD: ON_HOLD}


class AgentBoard:
    def __init__(
        self,
        members: QueueMembers,
        devices: DeviceBook,
        roster: AgentRoster | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``members`` is shared with call control (the hold pause reads it)."""
        self.members = members
        self.devices = devices
        self.roster = roster or AgentRoster()
        self._activity = CallActivity()
        self._notifier = AgentNotifier(clock)
        self._wrapup_until: dict[str, float] = {}
        self._derived: dict[str, Derived] = {}  # each agent's state as last derived

    @property
    def handled_events(self) -> frozenset[str]:
        return frozenset(MEMBER_EVENTS) | frozenset(DEVICE_EVENTS)

    # -- input -----------------------------------------------------------------------

    def handle(self, event: Event, call_events: Sequence[DomainEvent]) -> list[WireEvent]:
        """One AMI event and the call events the tracker made of it."""
        touched: set[str] = set()
        if event.name in MEMBER_EVENTS:
            member = self.members.handle(event)
            if member is not None:
                touched.add(self._key_of(member))
        elif event.name in DEVICE_EVENTS:
            extension = self.devices.handle(event)
            if extension is not None and extension in self.roster:
                return self._phone(extension)
        if call_events:
            touched |= self._calls(call_events)
        return self._refresh(touched) if touched else []

    def reload_members(self, items: Iterable[Event]) -> None:
        """QueueStatus's items after a connect (`resync_calls`' ``on_queue_status``)."""
        self.members.reload(items)

    def reload_devices(self, devices: Iterable[Event], hints: Iterable[Event]) -> None:
        """DeviceStateList's and ExtensionStateList's items after a connect."""
        self.devices.reload(devices, hints)

    def resynced(self, call_events: Sequence[DomainEvent]) -> list[WireEvent]:
        """After a (re)connect: the resync's call events, then every agent derived again."""
        touched = self._calls(call_events)
        touched |= {self._key_of(m) for m in self.members.all()}
        touched |= set(self.roster.extensions())
        touched |= {state.interface for state in self._notifier.states() if state.interface}
        return self._refresh(touched)

    def note_wrapup(self, extension: str, until: float | None) -> list[WireEvent]:
        """When the agent's wrap-up ends (unix seconds), or None: from the wrap-up timer."""
        if until is None:
            self._wrapup_until.pop(extension, None)
        else:
            self._wrapup_until[extension] = until
        return self._refresh({extension}) if extension in self.roster else []

    # -- views -----------------------------------------------------------------------

    def state_of(self, extension: str) -> AgentStateData | None:
        state = self._notifier.state_of(extension)
        return None if state is None else state.data()

    def states(self) -> list[AgentStateData]:
        """Every agent's state, unknown members (by interface) included."""
        return [state.data() for state in self._notifier.states()]

    def presence(self) -> list[PresenceData]:
        return [presence.data() for presence in self._notifier.presences()]

    def members_of(self, queue: str) -> list[str]:
        """The extensions logged in to `queue` (paused or not)."""
        seats = logged_in(self.members.in_queue(queue))
        return sorted({m.extension for m in seats if m.extension is not None})

    # -- derivation ------------------------------------------------------------------

    def _key_of(self, member: Membership) -> str:
        if member.extension is None:
            return member.interface
        self.roster.learn(member.extension, in_queue=True)
        return member.extension

    def _calls(self, call_events: Sequence[DomainEvent]) -> set[str]:
        touched = self._activity.apply(call_events)
        for extension in touched:
            self.roster.learn(extension)
        return touched

    def _refresh(self, keys: set[str]) -> list[WireEvent]:
        out: list[WireEvent] = []
        for key in sorted(keys):
            if key in self.roster:
                out.extend(self._agent(key))
            else:
                out.extend(self._unknown(key))
        return out

    def _agent(self, extension: str) -> list[WireEvent]:
        seats = self.members.of_extension(extension)
        has_queues = self.roster.has_queues(extension)
        derived = derive(seats, has_queues, self._activity.of(extension))
        # the timer's end is told before the pause arrives: kept until the timer says None
        until = self._wrapup_until.get(extension) if derived.state == WRAP_UP else None
        state = self._notifier.agent_state(
            extension,
            agent=self.roster.agent_id(extension),
            extension=extension,
            state=derived.state,
            reason=derived.reason,
            queues=_seats(seats),
            call_id=derived.call_id,
            wrapup_until=None if until is None else iso_utc(until),
            dnd=derived.dnd,
        )
        self._derived[extension] = derived
        presence = self._notifier.presence(extension, self._presence(extension, derived))
        return [event for event in (state, presence) if event is not None]

    def _phone(self, extension: str) -> list[WireEvent]:
        """Only the agent's phone changed: its state is as derived last time."""
        derived = self._derived.get(extension)
        if derived is None:
            return self._agent(extension)
        presence = self._notifier.presence(extension, self._presence(extension, derived))
        return [] if presence is None else [presence]

    def _presence(self, extension: str, derived: Derived) -> str:
        if derived.dnd:
            return DND
        on_call = _CALL_PRESENCE.get(derived.state) if derived.call_id else None
        return on_call or self.devices.presence_of(extension) or IDLE

    def _unknown(self, interface: str) -> list[WireEvent]:
        """A member interface that maps to no agent: supervisors see it as it is."""
        seats = self.members.of_interface(interface)
        if not seats and self._notifier.state_of(interface) is None:
            return []
        derived = derive(seats, True, None)
        state = self._notifier.agent_state(
            interface,
            agent=None,
            extension=None,
            state=derived.state,
            reason=derived.reason,
            queues=_seats(seats),
            dnd=derived.dnd,
        )
        if not seats:  # it left every queue: told once as logged out, then forgotten
            self._notifier.forget(interface)
            log.debug("unknown member %s left every queue", interface)
        return [] if state is None else [state]


def _seats(seats: Iterable[Membership]) -> tuple[Seat, ...]:
    ordered = sorted(seats, key=lambda m: (m.queue, m.interface))
    return tuple(
        Seat(m.queue, m.interface, m.paused, m.reason or None, m.membership) for m in ordered
    )
