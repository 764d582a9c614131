"""AMI Atxfer as Asterisk 22 runs it, in the order the recordings show.

`attended_transfer_complete` (completed after the answer), `at_cancel_answered` and
`at_cancel_ringing` (the consultation channel hung up), `at_noanswer`
(atxfernoanswertimeout) and `at_blond` (the transferer hung up while the target rang)
give the frames. The consultation is a Local channel pair in the transfer context:
``;1`` joins the transferer's new bridge, ``;2`` dials the agent's phone. Without
TRANSFER_EXTEN naming an agent there is no consultation at all: the lab has no
``pbx-transfer`` prompt, so Asterisk holds the caller and gives it straight back
(`cti_atxfer_no_exten`).
"""

from __future__ import annotations

from cti.sim import frames as f
from cti.sim.frames import STATE_RINGING, STATE_UP, Bridge, SimChannel
from cti.sim.model import Consultation, SimCall
from cti.sim.scenes import Frames, Scenes

FEATURE_CODE = "*2"  # features.conf atxfer


def _prefixed(bridge: Bridge, prefix: str) -> f.Pairs:
    return [(prefix + key[len("Bridge") :], value) for key, value in bridge.pairs()]


def _dtmf(name: str, channel: SimChannel, digit: str, direction: str, ms: str = "") -> bytes:
    extra = [("Digit", digit)] + ([("DurationMs", ms)] if name == "DTMFEnd" else [])
    return f.channel_event(name, channel, [*extra, ("Direction", direction)])


class AttendedScenes:
    def __init__(self, scenes: Scenes) -> None:
        self.scenes = scenes
        self.state = scenes.state

    def feature_code(self, call: SimCall, transferer: SimChannel) -> Frames:
        """The queued ``*2`` arrives: Asterisk holds the caller for the transfer."""
        out = [_dtmf("DTMFEnd", transferer, digit, "Received", "0") for digit in FEATURE_CODE]
        call.held = True
        out.append(f.channel_event("Hold", transferer))
        out.append(f.channel_event("MusicOnHoldStart", call.origin, [("Class", "default")]))
        return out

    def no_target(self, call: SimCall, transferer: SimChannel) -> Frames:
        """No target digits ever came (no TRANSFER_EXTEN): the caller is given back."""
        call.held = False
        return [
            f.channel_event("Unhold", transferer),
            f.channel_event("MusicOnHoldStop", call.origin),
        ]

    def consult(
        self, call: SimCall, transferer: SimChannel, exten: str, context: str
    ) -> tuple[Frames, Consultation]:
        caller, first = call.origin, call.bridge
        assert first is not None
        target, dialer = self.state.new_local_pair(call, exten, context)
        agent = self.state.new_consult_leg(call, exten)
        target.conn_num, target.conn_name = caller.cid_num, caller.cid_name
        dialer.cid_num, dialer.cid_name = caller.cid_num, caller.cid_name
        bridge = self.state.new_bridge()
        consultation = call.consultation = Consultation(transferer, target, dialer, agent, bridge)
        consultation.exten = exten
        out = [f.channel_event("Newchannel", target), f.channel_event("Newchannel", dialer)]
        out.append(f.bridge_event("BridgeCreate", bridge))
        out.append(f.channel_event("NewCallerid", dialer, [("CID-CallingPres", "0")]))
        out += self._enter(bridge, target)
        out += self._leave(first, transferer)
        out += self._enter(bridge, transferer)
        if agent is not None:
            agent.conn_num, agent.conn_name = caller.cid_num, caller.cid_name
            out.append(f.channel_event("Newchannel", agent))
            out.append(f.dial_event("DialBegin", dialer, agent, [("DialString", f"PJSIP/{exten}")]))
        return out, consultation

    def rings(self, consultation: Consultation) -> Frames:
        agent, target, dialer = consultation.agent, consultation.target, consultation.dialer
        if agent is None or consultation.done:
            return []
        agent.state, target.state = STATE_RINGING, STATE_RINGING
        out = [f.channel_event("Newstate", agent), f.channel_event("Newstate", target)]
        out.append(f.dial_event("DialState", dialer, agent, [("DialStatus", "RINGING")]))
        out.append(f.dial_event("DialState", None, target, [("DialStatus", "RINGING")]))
        return out

    def answered(self, call: SimCall, consultation: Consultation) -> Frames:
        """The agent picks up: its leg and the Local pair come up, in a bridge of their own."""
        agent, target, dialer = consultation.agent, consultation.target, consultation.dialer
        assert agent is not None
        consultation.answered = True
        agent.state = STATE_UP
        out = [f.channel_event("Newstate", agent)]
        out.append(f.dial_event("DialEnd", dialer, agent, [("DialStatus", "ANSWER")]))
        dialer.state = target.state = STATE_UP
        out.append(f.channel_event("Newstate", dialer))
        second = consultation.second = self.state.new_bridge()
        out.append(f.bridge_event("BridgeCreate", second))
        out.append(f.channel_event("Newstate", target))
        out.append(f.dial_event("DialEnd", None, target, [("DialStatus", "ANSWER")]))
        out += self._enter(second, agent) + self._enter(second, dialer)
        if consultation.blond:
            out.append(f.bridge_event("BridgeDestroy", consultation.bridge))
            out += self._gone(call, consultation.transferer, 16)
            call.handover, call.consultation = consultation, None
        else:
            out += self._digits(consultation)
        return out

    def _digits(self, consultation: Consultation) -> Frames:
        """Atxfer's queued Exten digits reach the consultation as DTMF (noise)."""
        out: Frames = []
        target, dialer, agent = consultation.target, consultation.dialer, consultation.agent
        for digit in consultation.exten:
            out.append(_dtmf("DTMFEnd", consultation.transferer, digit, "Received", "0"))
            out += [
                _dtmf("DTMFBegin", target, digit, "Sent"),
                _dtmf("DTMFBegin", dialer, digit, "Received"),
            ]
            out += [_dtmf("DTMFEnd", target, digit, "Sent", "100")]
            out += [_dtmf("DTMFEnd", dialer, digit, "Received", "100")]
            if agent is not None:
                out.append(_dtmf("DTMFEnd", agent, digit, "Sent", "100"))
        return out

    def complete(self, call: SimCall, consultation: Consultation) -> Frames:
        """The transferer hangs up after the answer: the consultation bridge merges into
        the caller's and Asterisk reports the AttendedTransfer."""
        first, second = call.bridge, consultation.bridge
        assert first is not None
        transferer, target = consultation.transferer, consultation.target
        out = self._leave(second, transferer)
        out.append(self._merge(first, second))
        out += self._leave(second, target) + self._enter(first, target)
        call.held = False
        out.append(f.channel_event("MusicOnHoldStop", call.origin))
        out += self._transferred(call, consultation)
        out += self._gone(call, transferer, 16)
        out.append(f.bridge_event("BridgeDestroy", second))
        call.handover, call.consultation = consultation, None
        return out

    def complete_blond(self, call: SimCall, consultation: Consultation) -> Frames:
        """The transferer hangs up while the target rings: the ringing Local channel goes
        to the caller at once; its agent answers later (`answered`)."""
        first, second = call.bridge, consultation.bridge
        assert first is not None
        consultation.blond = True
        out = [self._merge(first, second)]
        out += self._leave(second, consultation.target)
        call.held = False
        out.append(f.channel_event("MusicOnHoldStop", call.origin))
        out += self._enter(first, consultation.target)
        out += self._leave(second, consultation.transferer)
        return out + self._transferred(call, consultation)

    def returned(self, call: SimCall, consultation: Consultation, target_first: bool) -> Frames:
        """No transfer: the transferer goes back to the caller and the target's channels
        hang up. `target_first`: the target's channel was hung up (a cancel), so it
        leaves the consultation bridge before the transferer; after a timeout it leaves
        after."""
        first, bridge = call.bridge, consultation.bridge
        assert first is not None
        consultation.done, call.consultation = True, None
        transferer, target = consultation.transferer, consultation.target
        out = self._leave(bridge, target) if target_first else []
        out += self._leave(bridge, transferer) + self._enter(first, transferer)
        call.held = False
        out.append(f.channel_event("MusicOnHoldStop", call.origin))
        out.append(f.channel_event("Unhold", transferer))
        if not target_first:
            out += self._leave(bridge, target)
        out.append(f.bridge_event("BridgeDestroy", bridge))
        return out + self._hang_up_target(call, consultation, 16)

    def hang_up_handover(self, call: SimCall, consultation: Consultation, cause: int) -> Frames:
        """After a transfer the caller talks to the agent through the Local pair; one end
        hanging up takes the whole chain down, the caller last."""
        first = call.bridge
        out = self._hang_up_target(call, consultation, cause)
        if first is not None:
            out += self.scenes.leave_bridge(call, [call.origin])
        call.handover = None
        return out + self._gone(call, call.origin, 16)

    def _hang_up_target(self, call: SimCall, consultation: Consultation, cause: int) -> Frames:
        agent, target, dialer = consultation.agent, consultation.target, consultation.dialer
        out: Frames = []
        second = consultation.second
        if agent is not None and agent.name in self.state.channels:
            if second is not None:
                out += self._leave(second, agent)
            else:
                out.append(f.dial_event("DialEnd", dialer, agent, [("DialStatus", "CANCEL")]))
            out += self._gone(call, agent, cause)
        if second is not None and dialer in second.members:
            out += self._leave(second, dialer)
            out.append(f.bridge_event("BridgeDestroy", second))
        for channel in (target, dialer):
            if channel.bridge is not None:
                out += self._leave(channel.bridge, channel)
            if channel.name in self.state.channels:
                out += self._gone(call, channel, 16)
        return out

    def _transferred(self, call: SimCall, consultation: Consultation) -> Frames:
        first, second = call.bridge, consultation.bridge
        assert first is not None
        transferer = consultation.transferer
        done = f.event(
            "AttendedTransfer",
            f.CALL,
            [("Result", "Success")],
            transferer.snapshot("OrigTransferer"),
            _prefixed(first, "OrigBridge"),
            transferer.snapshot("SecondTransferer"),
            _prefixed(second, "SecondBridge"),
            call.origin.snapshot("Transferee"),
            [("IsExternal", "No"), ("DestType", "Bridge"), ("DestBridgeUniqueid", first.uniqueid)],
        )
        out = [done]
        self.scenes.queue_log.attended_transfer(call.call_id, first.uniqueid)
        if call.queue is not None:
            talk = [("TalkTime", self.scenes.seconds(call, call.answered)), ("Reason", "transfer")]
            out.append(self.scenes.agent_event("AgentComplete", call, transferer, talk))
        call.queue = None
        return out

    def _merge(self, first: Bridge, second: Bridge) -> bytes:
        return f.event(
            "BridgeMerge", f.CALL, _prefixed(first, "ToBridge"), _prefixed(second, "FromBridge")
        )

    def _gone(self, call: SimCall, channel: SimChannel, cause: int) -> Frames:
        self.state.forget(call, channel)
        return [f.hangup(channel, cause)]

    @staticmethod
    def _enter(bridge: Bridge, channel: SimChannel) -> Frames:
        bridge.members.append(channel)
        channel.bridge = bridge
        return [f.bridge_event("BridgeEnter", bridge, channel)]

    @staticmethod
    def _leave(bridge: Bridge, channel: SimChannel) -> Frames:
        if channel in bridge.members:
            bridge.members.remove(channel)
        channel.bridge = None
        return [f.bridge_event("BridgeLeave", bridge, channel)]
