"""Dial and queue events: which agent legs ring, answer or stop, and outbound calls.

DialBegin/DialState/DialEnd come from Dial() and from originated calls; AgentCalled,
AgentConnect and AgentRingNoAnswer from app_queue, which also names the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from cti.ami.messages import Event
from cti.calls.flow import CallFlow
from cti.calls.model import Call, Channel


class Snapshot(Protocol):
    """`CallTracker._snapshot`: the channel an event (or its ``prefix`` part) is about."""

    def __call__(self, ev: Event, prefix: str = "") -> Channel | None: ...


class DialWatcher:
    def __init__(
        self, flow: CallFlow, snapshot: Snapshot, call_of: Callable[[Channel | None], Call | None]
    ) -> None:
        self.flow = flow
        self._snapshot = snapshot
        self._call_of = call_of

    def handlers(self) -> dict[str, Callable[[Event], None]]:
        return {
            "DialBegin": self._on_dial_begin,
            "DialState": self._on_dial_state,
            "DialEnd": self._on_dial_end,
            "AgentCalled": self._on_agent_called,
            "AgentConnect": self._on_agent_connect,
            "AgentRingNoAnswer": self._on_agent_ring_no_answer,
        }

    def _dial_legs(self, ev: Event) -> tuple[Call | None, Channel | None, Channel | None]:
        caller = self._snapshot(ev)
        dest = self._snapshot(ev, "Dest")
        return self._call_of(dest), caller, dest

    def _is_outbound_leg(self, call: Call, caller: Channel | None, dest: Channel) -> bool:
        """The agent who placed the call is dialling an outside party."""
        return (
            caller is not None
            and caller is call.origin
            and caller.extension is not None
            and dest.extension is None
        )

    def _on_dial_begin(self, ev: Event) -> None:
        call, caller, dest = self._dial_legs(ev)
        if call is None or dest is None:
            return
        if caller is not None and self._is_outbound_leg(call, caller, dest):
            self.flow.outbound_dialling(call, caller, caller.exten)
        else:
            hint = (ev.get("DestConnectedLineNum"), ev.get("DestConnectedLineName"))
            self.flow.leg_ringing(call, dest, hint)

    def _on_dial_state(self, ev: Event) -> None:
        call, _caller, dest = self._dial_legs(ev)
        if call is not None and dest is not None and ev.get("DialStatus") == "RINGING":
            self.flow.leg_ringing(call, dest)

    def _on_dial_end(self, ev: Event) -> None:
        call, caller, dest = self._dial_legs(ev)
        if call is None or dest is None:
            return
        status = ev.get("DialStatus")
        if caller is not None and self._is_outbound_leg(call, caller, dest):
            if status == "ANSWER":
                self.flow.outbound_answered(call, caller)
            else:
                self.flow.outbound_failed(call, caller)
        elif status == "ANSWER":
            self.flow.leg_answered(call, dest)
        else:
            self.flow.leg_stopped(call, dest, status)

    def _queue_legs(self, ev: Event) -> tuple[Call | None, Channel | None]:
        self._snapshot(ev)
        dest = self._snapshot(ev, "Dest")
        call = self._call_of(dest)
        if call is not None and ev.get("Queue"):
            call.queue = ev.get("Queue")
        return call, dest

    def _on_agent_called(self, ev: Event) -> None:
        call, dest = self._queue_legs(ev)
        if call is not None and dest is not None:
            hint = (ev.get("DestConnectedLineNum"), ev.get("DestConnectedLineName"))
            self.flow.leg_ringing(call, dest, hint)

    def _on_agent_connect(self, ev: Event) -> None:
        call, dest = self._queue_legs(ev)
        if call is not None and dest is not None:
            self.flow.leg_answered(call, dest)

    def _on_agent_ring_no_answer(self, ev: Event) -> None:
        call, dest = self._queue_legs(ev)
        if call is not None and dest is not None:
            self.flow.leg_stopped(call, dest, "NOANSWER")
