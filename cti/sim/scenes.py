"""The moments of a call, each turned into the events Asterisk 22 emits for it.

Every method changes the simulated state and returns the frames, in the order the
recordings show them (queue ringall: ``sip_queue_sip_agents_hold.raw``, abandon:
``abandoned_ringing*.raw``, transfers: ``blind_transfer.raw`` and
``redirect_transfer.raw``, click-to-dial: ``click_to_dial_originate.raw``).
"""

from __future__ import annotations

from collections.abc import Callable

from cti.sim import frames as f
from cti.sim.devices import DeviceCache
from cti.sim.frames import STATE_RING, STATE_RINGING, STATE_UP, SimChannel
from cti.sim.members import QueueBook, sip_interface
from cti.sim.model import PbxState, SimCall
from cti.sim.queuelog import AppQueueLog

Frames = list[bytes]


class Scenes:
    def __init__(
        self,
        state: PbxState,
        clock: Callable[[], float],
        book: QueueBook,
        cache: DeviceCache,
        queue_log: AppQueueLog | None = None,
    ) -> None:
        self.state = state
        self.clock = clock
        self.book = book  # app_queue's members and waiting callers
        self.cache = cache  # device states (the queue's own ``Queue:<name>`` device)
        self.queue_log = queue_log or AppQueueLog(clock)  # app_queue's queue_log lines

    def seconds(self, call: SimCall, since: float | None = None) -> str:
        return str(int(self.clock() - (call.started if since is None else since)))

    # -- an inbound call arrives and rings agents -----------------------------------

    def arrive(self, call: SimCall) -> Frames:
        caller = call.origin
        caller.state = STATE_RING
        call.started = self.clock()
        out = [f.channel_event("Newchannel", caller), f.var_set(caller, "__FROM_DID", caller.exten)]
        number, name = caller.cid_num, caller.cid_name
        out.append(f.newexten(caller, "NoOp", f'Inbound from "{name}" <{number}>'))
        caller.priority = 2
        if call.queue is None:
            return [*out, f.newexten(caller, "Dial", f"PJSIP/{caller.exten},30,tT")]
        out.append(f.newexten(caller, "Queue", f"{call.queue},tT,,,60"))
        out += self.cache.set(f"Queue:{call.queue}", "RINGING")
        position, count = self.book.join(call, call.queue)
        self.queue_log.entered(call.call_id, call.queue, _logged_number(caller.cid_num), position)
        queue_pairs = [("Queue", call.queue), ("Position", str(position)), ("Count", str(count))]
        out.append(f.agent_event("QueueCallerJoin", caller, queue_pairs))
        out.append(f.channel_event("MusicOnHoldStart", caller, [("Class", "default")]))
        return out

    def dial(self, call: SimCall, extensions: list[str]) -> Frames:
        """Create and dial one leg per extension (all members at once: ringall)."""
        caller, out = call.origin, []
        call.ringing_since = self.clock()
        for ext in extensions:
            leg = self.state.new_leg(call, ext)
            out.append(f.channel_event("Newchannel", leg))
            if call.queue is not None:
                leg.member = self._member_of(call.queue, ext)
                shown = leg.variant(conn_num=caller.cid_num, conn_name=caller.cid_name)
                shown.exten = caller.exten
                member = [("Queue", call.queue), ("Interface", leg.member[0])]
                member.append(("MemberName", leg.member[1]))
                out.append(f.dial_event("AgentCalled", caller, shown, member, f.AGENT))
                self.queue_log.ringing(call.call_id)
            out.append(f.dial_event("DialBegin", caller, leg, [("DialString", f"PJSIP/{ext}")]))
        return out

    def _member_of(self, queue: str, extension: str) -> tuple[str, str]:
        """(Interface, MemberName) of the member that rings `extension` in `queue`."""
        found = self.book.of_extension(extension, queue)
        if not found:
            return sip_interface(extension), f"SIP Agent {extension}"
        return found[0].interface, found[0].name

    def alert(self, call: SimCall) -> Frames:
        """The dialled phones start ringing."""
        out: Frames = []
        for leg in call.ringing_legs():
            if leg.state != STATE_RINGING:
                out += [*self._rings(call, leg), self._dial_state(call, leg)]
        return out

    def ring_members(self, call: SimCall, extensions: list[str]) -> Frames:
        """A queue rings its members one after the other; each SIP phone answers the
        INVITE with 180 Ringing at once, before the next member is dialled, and the
        queue reads each 180 after dialling the next (sip_queue_sip_agents_hold)."""
        out: Frames = []
        previous: SimChannel | None = None
        for ext in extensions:
            out += self.dial(call, [ext])
            leg = call.legs[next(reversed(call.legs))]
            if previous is not None:
                out.append(self._dial_state(call, previous))
            out += self._rings(call, leg)
            previous = leg
        return out + ([self._dial_state(call, previous)] if previous is not None else [])

    def _rings(self, call: SimCall, leg: SimChannel) -> Frames:
        leg.state, leg.exten = STATE_RINGING, call.origin.exten
        leg.conn_num, leg.conn_name = call.origin.cid_num, call.origin.cid_name
        return [f.channel_event("Newstate", leg), f.channel_event("NewConnectedLine", leg)]

    def _dial_state(self, call: SimCall, leg: SimChannel) -> bytes:
        return f.dial_event("DialState", call.origin, leg, [("DialStatus", "RINGING")])

    # -- answered, held, ended ---------------------------------------------------------

    def answer(self, call: SimCall, leg: SimChannel) -> Frames:
        caller = call.origin
        leg.state = STATE_UP
        out = [f.channel_event("Newstate", leg)]
        out.append(f.dial_event("DialEnd", caller, leg, [("DialStatus", "ANSWER")]))
        others = [other for other in call.ringing_legs() if other is not leg]
        for other in others:
            out.append(f.dial_event("DialEnd", caller, other, [("DialStatus", "CANCEL")]))
        caller.conn_num, caller.conn_name = leg.cid_num, leg.cid_name
        out.append(f.channel_event("NewConnectedLine", caller))
        call.answered = self.clock()
        if call.queue is not None:
            member_name = leg.member[1] if leg.member else ""
            self.queue_log.connected(call.call_id, member_name, leg.uniqueid)
            out.append(f.channel_event("MusicOnHoldStop", caller))
            out += self._leave(call, "QueueCallerLeave")
            ring_time = [("RingTime", self.seconds(call, call.ringing_since or call.started))]
            out.append(self.agent_event("AgentConnect", call, leg, ring_time))
        if caller.state != STATE_UP:
            caller.state = STATE_UP
            out.append(f.channel_event("Newstate", caller))
        for other in others:
            out.append(f.hangup(other, 26))
            self.state.forget(call, other)
        return out + self.bridge(call, leg)

    def bridge(self, call: SimCall, leg: SimChannel, other: SimChannel | None = None) -> Frames:
        """`leg` and `other` (by default the call's first channel) talk."""
        bridge = call.bridge = self.state.new_bridge()
        out = [f.bridge_event("BridgeCreate", bridge)]
        for channel in (leg, other or call.origin):
            bridge.members.append(channel)
            channel.bridge = bridge
            out.append(f.bridge_event("BridgeEnter", bridge, channel))
        return out

    def hold(self, call: SimCall, agent: SimChannel, on: bool) -> Frames:
        """A SIP phone holds by re-INVITE: Hold on the agent, music for the caller."""
        call.held = on
        if on:
            return [
                f.channel_event("Hold", agent, [("MusicClass", "default")]),
                f.channel_event("MusicOnHoldStart", call.origin, [("Class", "default")]),
            ]
        return [f.channel_event("Unhold", agent), f.channel_event("MusicOnHoldStop", call.origin)]

    def hang_up_bridged(self, call: SimCall, leaver: SimChannel, cause: int = 16) -> Frames:
        """One side of a conversation hangs up; the other side follows."""
        bridge = call.bridge
        assert bridge is not None
        out = [f.channel_event("HangupRequest", leaver)]
        agent = call.agent_in_bridge()
        if call.queue is not None and agent is not None:
            reason = "caller" if leaver is call.origin else "agent"
            talk = [("TalkTime", self.seconds(call, call.answered)), ("Reason", reason)]
            out.append(self.agent_event("AgentComplete", call, agent, talk))
        stayers = [ch for ch in bridge.members if ch is not leaver]
        for channel in (leaver, *stayers):
            self.queue_log.hung_up(call.call_id, channel.uniqueid)
        out += self.leave_bridge(call, [leaver, *stayers])
        out.append(f.hangup(leaver, cause))
        self.state.forget(call, leaver)
        for channel in stayers:
            out.append(f.channel_event("SoftHangupRequest", channel, [("Cause", "16")]))
            out.append(f.hangup(channel, 16))
            self.state.forget(call, channel)
        return out

    def abandon(self, call: SimCall, cause: int = 16) -> Frames:
        """The caller hangs up before anyone answered (queue or direct)."""
        caller, out = call.origin, []
        legs = call.ringing_legs()
        self.queue_log.ring_canceled(call.call_id, [leg.member[1] for leg in legs if leg.member])
        for leg in legs:
            out.append(f.dial_event("DialEnd", caller, leg, [("DialStatus", "CANCEL")]))
        for leg in legs:
            out.append(f.hangup(leg, 0 if call.queue else 16))
            self.state.forget(call, leg)
        if call.queue is not None:
            out.append(f.channel_event("MusicOnHoldStop", caller))
            out += self._leave(call, "QueueCallerAbandon")
        out.append(f.hangup(caller, cause))
        self.state.forget(call, caller)
        return out

    def reject(self, call: SimCall, leg: SimChannel, cause: int) -> Frames:
        """A ringing leg is hung up on its own; the caller keeps waiting for the others."""
        if leg.member is not None:
            self.queue_log.ring_no_answer(call.call_id, leg.member[1])
        out = [f.dial_event("DialEnd", call.origin, leg, [("DialStatus", "NOANSWER")])]
        out.append(f.hangup(leg, cause))
        self.state.forget(call, leg)
        return out

    # -- transfers ---------------------------------------------------------------------

    def leave_for(
        self, call: SimCall, mover: SimChannel, context: str, exten: str, blind: bool
    ) -> Frames:
        """`mover` leaves the conversation for context,exten; the other side hangs up."""
        bridge = call.bridge
        assert bridge is not None
        stayer = next(ch for ch in bridge.members if ch is not mover)
        out: Frames = []
        if blind:
            self.queue_log.blind_transfer(call.call_id, exten, context)
            out.append(f.channel_event("Unhold", stayer))
            target = [("Context", context), ("Extension", exten)]
            out.append(f.event("BlindTransfer", f.CALL, *self._blind(call, stayer, mover), target))
        if call.queue is not None:
            talk = [("TalkTime", self.seconds(call, call.answered)), ("Reason", "transfer")]
            out.append(self.agent_event("AgentComplete", call, stayer, talk))
        mover.context, mover.exten, mover.priority = context, exten, 1
        out += self.leave_bridge(call, [mover, stayer])
        out.append(f.hangup(stayer, 16))
        self.state.forget(call, stayer)
        call.queue, call.held = None, False
        return out

    def _blind(
        self, call: SimCall, transferer: SimChannel, transferee: SimChannel
    ) -> list[f.Pairs]:
        bridge = call.bridge
        assert bridge is not None
        return [
            [("Result", "Success")],
            transferer.snapshot("Transferer"),
            transferee.snapshot("Transferee"),
            bridge.pairs(),
            [("IsExternal", "Yes")],
        ]

    # -- helpers -----------------------------------------------------------------------

    def leave_bridge(self, call: SimCall, order: list[SimChannel]) -> Frames:
        bridge = call.bridge
        assert bridge is not None
        out: Frames = []
        for channel in order:
            bridge.members.remove(channel)
            channel.bridge = None
            out.append(f.bridge_event("BridgeLeave", bridge, channel))
        out.append(f.bridge_event("BridgeDestroy", bridge))
        call.bridge = None
        return out

    def agent_event(self, name: str, call: SimCall, leg: SimChannel, extra: f.Pairs) -> bytes:
        """AgentConnect or AgentComplete, counted as app_queue counts them."""
        queue, ext = call.queue or "", leg.extension or ""
        interface, member_name = leg.member or self._member_of(queue, ext)
        answered = self.clock() if call.answered is None else call.answered
        hold = int(answered - call.started)
        self._count(name, queue, interface, hold, int(self.clock() - answered))
        member = [("Queue", queue), ("Interface", interface)]
        member += [("MemberName", member_name), ("HoldTime", str(hold))]
        return f.dial_event(name, call.origin, leg, member + extra, f.AGENT)

    def _count(self, name: str, queue: str, interface: str, hold: int, talk: int) -> None:
        member = self.book.member(queue, interface)
        counters = self.book.counters_of(queue)
        if name == "AgentConnect":
            counters.answered(hold)
            if member is not None:
                member.in_call = True
        elif name == "AgentComplete":
            counters.completed_call(hold, talk)
            if member is not None:
                member.in_call, member.calls = False, member.calls + 1
                member.last_call = int(self.book.epoch_now())

    def _leave(self, call: SimCall, why: str) -> Frames:
        """The caller leaves its queue: answered (QueueCallerLeave) or given up
        (QueueCallerAbandon first); the queue's device goes idle with its last caller."""
        caller, queue = call.origin, call.queue or ""
        left = self.book.leave(call)
        entry, position, count = left if left is not None else (None, 1, 0)
        out: Frames = []
        if why == "QueueCallerAbandon":
            self.queue_log.left(call.call_id, "ABANDON", position)
            original = entry.original_position if entry is not None else position
            hold = self.seconds(call)
            self.book.counters_of(queue).abandoned_call(int(hold))
            held = [("Position", str(position)), ("OriginalPosition", str(original))]
            out.append(f.agent_event(why, caller, [("Queue", queue), *held, ("HoldTime", hold)]))
        if count == 0:
            out += self.cache.set(f"Queue:{queue}", "NOT_INUSE")
        leave = [("Queue", queue), ("Position", str(position)), ("Count", str(count))]
        return [*out, f.agent_event("QueueCallerLeave", caller, leave)]


def _logged_number(number: str) -> str:
    """ENTERQUEUE's caller number: empty when the caller ID has none."""
    return "" if number == f.UNKNOWN else number
