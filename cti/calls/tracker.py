"""Turns typed AMI events into the call picture and protocol-v1 domain events.

Channels are keyed by Uniqueid and grouped into calls by Linkedid, which is the
`call_id` of the wire protocol. Nothing assumes a fixed event order: every event
updates the channel snapshot it carries, and the decisions (ringing, answered,
abandoned, ...) are taken in `CallFlow` from the state so far.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from cti.ami.messages import Event
from cti.calls.changes import CallChanges
from cti.calls.consultation import ConsultationWatcher
from cti.calls.dialing import DialWatcher
from cti.calls.extensions import ExtensionRules
from cti.calls.flow import CallFlow
from cti.calls.hold import HoldWatcher
from cti.calls.hold import forget as forget_hold
from cti.calls.model import STATE_RINGING, STATE_UP, Call, Channel
from cti.calls.notifier import CallNotifier
from cti.calls.parking import PARKING_EVENTS, ParkingWatcher
from cti.calls.queueing import QueueWatcher
from cti.calls.snapshot import apply_snapshot, parse_int
from cti.calls.transfers import TransferDetector
from cti.protocol import ANSWERED_ELSEWHERE, DomainEvent

log = logging.getLogger(__name__)

_MAX_DEAD = 8192  # hung-up Uniqueids remembered to ignore late events about them
LINK_DOWN_TEXT = "ended while the PBX link was down"
"""`cause_text` of a call whose channels vanished while the AMI link was down: Asterisk's
hang-up cause went with the lost events, so `cause` is null."""


class CallTracker:
    def __init__(
        self,
        extension_rules: ExtensionRules | None = None,
        *,
        default_region: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``clock`` (unix seconds) times the callers' waits in queues."""
        self.rules = extension_rules or ExtensionRules.from_strings()
        #: told after every handled event, for call control waiting on the PBX
        self.changes = CallChanges()
        self._notifier = CallNotifier()
        self._flow = CallFlow(self._notifier, default_region)
        self._transfers = TransferDetector(self._flow, self.rules)
        self._consultations = ConsultationWatcher(self._flow)
        self._channels: dict[str, Channel] = {}
        self._calls: dict[str, Call] = {}
        self._dead: dict[str, None] = {}
        self._parking = ParkingWatcher(
            self._flow, lambda ev: self._snapshot(ev, "Parkee"), self._call_of
        )
        self._handlers: dict[str, Callable[[Event], None]] = {
            "Newchannel": self._on_channel_state,
            "Newstate": self._on_channel_state,
            "NewCallerid": self._on_channel_state,
            "NewConnectedLine": self._on_channel_state,
            "Hangup": self._on_hangup,
            "BridgeEnter": self._on_bridge_enter,
            "BridgeLeave": self._on_bridge_leave,
            "BlindTransfer": self._on_blind_transfer,
            "AttendedTransfer": self._on_attended_transfer,
        }
        self._handlers.update(DialWatcher(self._flow, self._snapshot, self._call_of).handlers())
        self._handlers.update(HoldWatcher(self._flow, self._snapshot, self._call_of).handlers())
        self._handlers.update(dict.fromkeys(PARKING_EVENTS, self._parking.handle))
        self._queueing = QueueWatcher(self._flow, self._snapshot, self._call_of, clock)
        self._handlers.update(self._queueing.handlers())
        self._handlers["BridgeMerge"] = lambda ev: self._transfers.merged(
            ev, self._channels.values()
        )

    # -- public API ------------------------------------------------------------------

    def handle(self, event: Event) -> list[DomainEvent]:
        """Feed one AMI event; returns the domain events it caused (often none)."""
        handler = self._handlers.get(event.name)
        if handler is None:
            return []
        try:
            handler(event)
        except Exception:  # one odd event must never take the tracker down
            log.exception("tracker could not handle %s event", event.name)
        self.changes.changed()
        return self._notifier.drain()

    @property
    def handled_events(self) -> frozenset[str]:
        """The AMI event names the tracker reads; the client may skip all others."""
        return frozenset(self._handlers)

    @property
    def calls(self) -> Mapping[str, Call]:
        return MappingProxyType(self._calls)

    @property
    def channel_count(self) -> int:
        return len(self._channels)

    def begin_resync(self) -> frozenset[str]:
        """Channels known now; only these may be declared gone by `reconcile`."""
        return frozenset(self._channels)

    def reconcile(
        self,
        known_before: frozenset[str],
        live_channels: Iterable[Event],
        queue_entries: Iterable[Event] = (),
    ) -> list[DomainEvent]:
        """Bring the picture in line with CoreShowChannels (and QueueStatus) after a
        (re)connect: end what vanished, learn what appeared, never pop twice."""
        live = [ev for ev in live_channels if ev.get("Uniqueid")]
        live_ids = {ev.get("Uniqueid") for ev in live}
        for uid in known_before - live_ids:
            channel = self._channels.get(uid)
            if channel is not None:
                channel.cause, channel.cause_text = None, LINK_DOWN_TEXT
                self._channel_gone(channel)
        live.sort(key=lambda ev: ev.get("Uniqueid") != ev.get("Linkedid"))
        snapshots = [(self._snapshot(ev), ev.get("BridgeId")) for ev in live]
        self._queueing.reconcile(queue_entries, self._channels)  # arrival before ringing
        for channel, bridge in snapshots:
            if channel is not None:
                self._reconcile_channel(channel, bridge)
        self.changes.changed()
        return self._notifier.drain()

    # -- channel bookkeeping ---------------------------------------------------------

    def _snapshot(self, ev: Event, prefix: str = "") -> Channel | None:
        headers = ev.headers
        uid = headers.get(prefix + "Uniqueid")
        if not uid:
            return None
        channel = self._channels.get(uid)
        linkedid = headers.get(prefix + "Linkedid") or headers.get("Linkedid") or uid
        if channel is None:
            name = headers.get(prefix + "Channel")
            if not name or uid in self._dead:
                return None
            channel = Channel(
                uniqueid=uid,
                name=name,
                linkedid=linkedid,
                extension=self.rules.extension_of(name),
                is_local=name.startswith("Local/"),
                created_context=headers.get(prefix + "Context"),
            )
            self._channels[uid] = channel
            self._attach(channel, linkedid)
        elif linkedid != channel.linkedid and headers.get(prefix + "Linkedid"):
            self._move(channel, linkedid)
        apply_snapshot(channel, headers, prefix)
        return channel

    def _attach(self, channel: Channel, linkedid: str) -> None:
        call = self._calls.get(linkedid)
        if call is None:
            call = self._calls[linkedid] = Call(call_id=linkedid)
        call.channels[channel.uniqueid] = channel
        channel.linkedid = linkedid
        if channel.uniqueid == linkedid:
            call.origin = channel

    def _move(self, channel: Channel, linkedid: str) -> None:
        """A channel joined another call (e.g. a parked-call pickup at BridgeEnter)."""
        old = self._calls.get(channel.linkedid)
        if old is not None:
            old.channels.pop(channel.uniqueid, None)
            if not old.channels:
                self._end(old)
        channel.answered = channel.ringing = False  # it has yet to take part in this call
        self._attach(channel, linkedid)

    def _call_of(self, channel: Channel | None) -> Call | None:
        return None if channel is None else self._calls.get(channel.linkedid)

    def _channel_gone(self, channel: Channel) -> None:
        self._channels.pop(channel.uniqueid, None)
        self._dead[channel.uniqueid] = None
        if len(self._dead) > _MAX_DEAD:
            del self._dead[next(iter(self._dead))]
        call = self._calls.get(channel.linkedid)
        self._queueing.channel_gone(channel, call)
        if call is None:
            return
        call.channels.pop(channel.uniqueid, None)
        forget_hold(call, channel)
        if channel.extension is not None:
            self._flow.leg_stopped(call, channel, "HANGUP")
            self._flow.leg_left(call, channel)
        if channel is call.origin:
            call.originator_gone = True
            call.cause, call.cause_text = channel.cause, channel.cause_text
            self._flow.abandon(call)
        if not call.channels:
            if call.cause is None:
                call.cause, call.cause_text = channel.cause, channel.cause_text
            self._end(call)

    def _end(self, call: Call) -> None:
        self._calls.pop(call.call_id, None)
        self._flow.abandon(call)
        self._flow.retract_unanswered(call, ANSWERED_ELSEWHERE)
        if call.visible:
            self._notifier.ended(call)

    def _reconcile_channel(self, channel: Channel, bridge: str) -> None:
        channel.bridge = bridge or None
        if bridge and channel.bridge_location is None:
            channel.bridge_location = (channel.context, channel.exten)
        call = self._call_of(channel)
        if call is None or channel.extension is None:
            return
        if channel is call.origin:
            if bridge and not call.pops:
                self._flow.outbound_dialling(call, channel, channel.exten)
                self._flow.outbound_answered(call, channel)
        elif channel.state == STATE_RINGING:
            self._flow.leg_ringing(call, channel)
        elif channel.state == STATE_UP and (bridge or channel.ringing):
            self._flow.leg_answered(call, channel)

    # -- event handlers --------------------------------------------------------------

    def _on_channel_state(self, ev: Event) -> None:
        channel = self._snapshot(ev)
        call = self._call_of(channel)
        if call is None or channel is None or channel.extension is None:
            return
        if channel.state == STATE_RINGING:
            self._flow.leg_ringing(call, channel)
        elif channel.state == STATE_UP and channel.ringing:
            self._flow.leg_answered(call, channel)

    def _on_hangup(self, ev: Event) -> None:
        channel = self._snapshot(ev)
        if channel is None:
            return
        channel.cause = parse_int(ev.get("Cause"))
        channel.cause_text = ev.get("Cause-txt") or None
        self._channel_gone(channel)

    def _on_bridge_enter(self, ev: Event) -> None:
        channel = self._snapshot(ev)
        call = self._call_of(channel)
        if channel is None or call is None:
            return
        channel.bridge = ev.get("BridgeUniqueid") or None
        channel.bridge_location = (channel.context, channel.exten)
        self._consultations.bridge_entered(call, channel)
        if channel is call.origin:
            call.transfer_pending = False
        elif channel.extension is not None and not channel.answered and channel.state == STATE_UP:
            # a phone that never rang (parked-call pickup, directed pickup) takes the call
            # by joining its bridge, off-hook; a ringing consultation target joins the
            # transferer's bridge too, but answers only at its own Newstate Up / DialEnd
            self._flow.leg_answered(call, channel)

    def _on_bridge_leave(self, ev: Event) -> None:
        channel = self._snapshot(ev)
        call = self._call_of(channel)
        if channel is None or call is None:
            return
        self._transfers.bridge_left(call, channel)
        channel.left_bridge = channel.bridge
        channel.bridge = None
        channel.bridge_location = None

    def _on_blind_transfer(self, ev: Event) -> None:
        self._transfers.blind(ev, self._calls, self._channels)

    def _on_attended_transfer(self, ev: Event) -> None:
        self._transfers.attended(ev, self._calls, self._channels)
