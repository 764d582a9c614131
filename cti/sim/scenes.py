"""The moments of a call, each turned into the events Asterisk 22 emits for it.

Every method changes the simulated state and returns the frames, in the order the
recordings show them (queue ringall: ``sip_queue_sip_agents_hold.raw``, abandon:
``abandoned_ringing*.raw``, transfers: ``blind_transfer.raw`` and
``redirect_transfer.raw``, click-to-dial: ``click_to_dial_originate.raw``).
"""

from __future__ import annotations

from collections.abc import Callable

from cti.sim import frames as f
from cti.sim.frames import STATE_RING, STATE_RINGING, STATE_UP, SimChannel
from cti.sim.model import PbxState, SimCall

Frames = list[bytes]


class Scenes:
    def __init__(self, state: PbxState, clock: Callable[[], float]) -> None:
        self.state = state
        self.clock = clock

    def seconds(self, call: SimCall) -> str:
        return str(int(self.clock() - call.started))

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
        out.append(f.device_state(f"Queue:{call.queue}", "RINGING"))
        waiting = self.state.calls.values()
        count = sum(1 for c in waiting if c.queue == call.queue and c.bridge is None)
        queue_pairs = [("Queue", call.queue), ("Position", str(count)), ("Count", str(count))]
        out.append(f.agent_event("QueueCallerJoin", caller, queue_pairs))
        out.append(f.channel_event("MusicOnHoldStart", caller, [("Class", "default")]))
        return out

    def dial(self, call: SimCall, extensions: list[str]) -> Frames:
        """Create and dial one leg per extension (all members at once: ringall)."""
        caller, out = call.origin, []
        for ext in extensions:
            leg = self.state.new_leg(call, ext)
            out.append(f.channel_event("Newchannel", leg))
            if call.queue is not None:
                shown = leg.variant(conn_num=caller.cid_num, conn_name=caller.cid_name)
                shown.exten = caller.exten
                member = [("Queue", call.queue), ("Interface", f"PJSIP/{ext}")]
                member.append(("MemberName", f"SIP Agent {ext}"))
                out.append(f.dial_event("AgentCalled", caller, shown, member, f.AGENT))
            out.append(f.dial_event("DialBegin", caller, leg, [("DialString", f"PJSIP/{ext}")]))
        return out

    def alert(self, call: SimCall) -> Frames:
        """The dialled phones start ringing."""
        out: Frames = []
        for leg in call.ringing_legs():
            if leg.state == STATE_RINGING:
                continue
            leg.state, leg.exten = STATE_RINGING, call.origin.exten
            leg.conn_num, leg.conn_name = call.origin.cid_num, call.origin.cid_name
            out.append(f.channel_event("Newstate", leg))
            out.append(f.channel_event("NewConnectedLine", leg))
            out.append(f.dial_event("DialState", call.origin, leg, [("DialStatus", "RINGING")]))
            out.append(f.device_state(leg.name.rsplit("-", 1)[0], "RINGING"))
        return out

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
        if call.queue is not None:
            out.append(f.channel_event("MusicOnHoldStop", caller))
            queue = [("Queue", call.queue), ("Position", "1"), ("Count", "0")]
            out.append(f.agent_event("QueueCallerLeave", caller, queue))
            out.append(self.agent_event("AgentConnect", call, leg, [("RingTime", "2")]))
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
            talk = [("TalkTime", self.seconds(call)), ("Reason", reason)]
            out.append(self.agent_event("AgentComplete", call, agent, talk))
        stayers = [ch for ch in bridge.members if ch is not leaver]
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
        for leg in legs:
            out.append(f.dial_event("DialEnd", caller, leg, [("DialStatus", "CANCEL")]))
        for leg in legs:
            out.append(f.hangup(leg, 0 if call.queue else 16))
            self.state.forget(call, leg)
        if call.queue is not None:
            out.append(f.channel_event("MusicOnHoldStop", caller))
            held = [("Position", "1"), ("OriginalPosition", "1"), ("HoldTime", self.seconds(call))]
            out.append(f.agent_event("QueueCallerAbandon", caller, [("Queue", call.queue), *held]))
            leave = [("Queue", call.queue), ("Position", "1"), ("Count", "0")]
            out.append(f.agent_event("QueueCallerLeave", caller, leave))
        out.append(f.hangup(caller, cause))
        self.state.forget(call, caller)
        return out

    def reject(self, call: SimCall, leg: SimChannel, cause: int) -> Frames:
        """A ringing leg is hung up on its own; the caller keeps waiting for the others."""
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
            out.append(f.channel_event("Unhold", stayer))
            target = [("Context", context), ("Extension", exten)]
            out.append(f.event("BlindTransfer", f.CALL, *self._blind(call, stayer, mover), target))
        if call.queue is not None:
            talk = [("TalkTime", self.seconds(call)), ("Reason", "transfer")]
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
        ext = leg.extension or ""
        member = [("Queue", call.queue or ""), ("Interface", f"PJSIP/{ext}")]
        member += [("MemberName", f"SIP Agent {ext}"), ("HoldTime", self.seconds(call))]
        return f.dial_event(name, call.origin, leg, member + extra, f.AGENT)
