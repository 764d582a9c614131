"""Attended transfer (AMI Atxfer) and parking (AMI Park), after Asterisk 22's AMI docs.

No recording covers these, so the shapes follow the documented events: the
``AttendedTransfer`` event with ``OrigTransferer*``, ``OrigBridge*``,
``SecondTransferer*``, ``SecondBridge*``, ``Transferee*`` and ``TransferTarget*``;
``ParkedCall`` with ``Parkee*`` and the parking space, the parked caller on music.
"""

from __future__ import annotations

from cti.sim import frames as f
from cti.sim.frames import STATE_RINGING, STATE_UP, Bridge, SimChannel
from cti.sim.model import Consultation, SimCall
from cti.sim.scenes import Frames, Scenes

PARKING_LOT = "default"


def _prefixed(bridge: Bridge, prefix: str) -> f.Pairs:
    return [(prefix + key[len("Bridge") :], value) for key, value in bridge.pairs()]


class TransferScenes:
    def __init__(self, scenes: Scenes) -> None:
        self.scenes = scenes
        self.state = scenes.state

    # -- attended transfer ---------------------------------------------------------------

    def consult(
        self, call: SimCall, transferer: SimChannel, exten: str
    ) -> tuple[Frames, Consultation]:
        """The caller waits on music; the transferer leaves the bridge and dials `exten`."""
        bridge = call.bridge
        assert bridge is not None
        out = [f.channel_event("MusicOnHoldStart", call.origin, [("Class", "default")])]
        bridge.members.remove(transferer)
        transferer.bridge = None
        out.append(f.bridge_event("BridgeLeave", bridge, transferer))
        target = self.state.new_leg(call, exten)
        out.append(f.channel_event("Newchannel", target))
        dial_string = [("DialString", f"PJSIP/{exten}")]
        out.append(f.dial_event("DialBegin", transferer, target, dial_string))
        call.consultation = Consultation(transferer, target)
        return out, call.consultation

    def consult_rings(self, consultation: Consultation) -> Frames:
        target, transferer = consultation.target, consultation.transferer
        if target.name not in self.state.channels:
            return []
        target.state = STATE_RINGING
        target.conn_num, target.conn_name = transferer.cid_num, transferer.cid_name
        return [
            f.channel_event("Newstate", target),
            f.dial_event("DialState", transferer, target, [("DialStatus", "RINGING")]),
        ]

    def consult_answered(self, consultation: Consultation) -> Frames:
        target, transferer = consultation.target, consultation.transferer
        target.state = STATE_UP
        out = [f.channel_event("Newstate", target)]
        out.append(f.dial_event("DialEnd", transferer, target, [("DialStatus", "ANSWER")]))
        bridge = consultation.bridge = self.state.new_bridge()
        out.append(f.bridge_event("BridgeCreate", bridge))
        for channel in (target, transferer):
            bridge.members.append(channel)
            channel.bridge = bridge
            out.append(f.bridge_event("BridgeEnter", bridge, channel))
        return out

    def complete(self, call: SimCall, consultation: Consultation) -> Frames:
        """The transferer hangs up: Asterisk merges the consultation bridge into the
        caller's (BridgeMerge, then each move as BridgeLeave/BridgeEnter) and reports
        the AttendedTransfer; the transferer's channel is gone."""
        first, second = call.bridge, consultation.bridge
        assert first is not None and second is not None
        transferer, target = consultation.transferer, consultation.target
        done = self._attended_event(call, consultation)
        second.members.remove(transferer)
        transferer.bridge = None
        out = [f.bridge_event("BridgeLeave", second, transferer)]
        merge = [_prefixed(first, "ToBridge"), _prefixed(second, "FromBridge")]
        out.append(f.event("BridgeMerge", f.CALL, *merge))
        second.members.remove(target)
        target.bridge = None
        out.append(f.bridge_event("BridgeLeave", second, target))
        out += self._join_caller(call, target)
        out.append(f.bridge_event("BridgeDestroy", second))
        out.append(done)
        out.append(f.hangup(transferer, 16))
        self.state.forget(call, transferer)
        return out

    def complete_blond(self, call: SimCall, consultation: Consultation) -> Frames:
        """The transferer hung up while the target rang; the target answered: it goes
        straight to the caller (Asterisk's "blond" transfer)."""
        target = consultation.target
        target.state = STATE_UP
        out = [f.channel_event("Newstate", target)]
        out.append(
            f.dial_event("DialEnd", consultation.transferer, target, [("DialStatus", "ANSWER")])
        )
        out += self._join_caller(call, target)
        return [*out, self._attended_event(call, consultation)]

    def _join_caller(self, call: SimCall, target: SimChannel) -> Frames:
        first, caller = call.bridge, call.origin
        assert first is not None
        first.members.append(target)
        target.bridge = first
        caller.conn_num, caller.conn_name = target.cid_num, target.cid_name
        call.queue, call.consultation = None, None
        return [
            f.bridge_event("BridgeEnter", first, target),
            f.channel_event("MusicOnHoldStop", caller),
        ]

    def _attended_event(self, call: SimCall, consultation: Consultation) -> bytes:
        first, second = call.bridge, consultation.bridge
        assert first is not None
        transferer, target = consultation.transferer, consultation.target
        second_bridge = _prefixed(second, "SecondBridge") if second is not None else []
        return f.event(
            "AttendedTransfer",
            f.CALL,
            [("Result", "Success")],
            transferer.snapshot("OrigTransferer"),
            _prefixed(first, "OrigBridge"),
            transferer.snapshot("SecondTransferer"),
            second_bridge,
            [("DestType", "Bridge"), ("DestBridgeUniqueid", first.uniqueid)],
            call.origin.snapshot("Transferee"),
            target.snapshot("TransferTarget"),
            [("IsExternal", "Yes")],
        )

    def abort(self, call: SimCall, consultation: Consultation, cause: int = 16) -> Frames:
        """The target is not taking the call: the transferer returns to the caller."""
        bridge, target, transferer = call.bridge, consultation.target, consultation.transferer
        assert bridge is not None
        out: Frames = []
        second = consultation.bridge
        if second is not None:
            out += self._dissolve(second, [target, transferer])
            consultation.bridge = None
        if target.name in self.state.channels:
            if target.state != STATE_UP:
                dial_end = [("DialStatus", "NOANSWER")]
                out.append(f.dial_event("DialEnd", transferer, target, dial_end))
            out.append(f.hangup(target, cause))
            self.state.forget(call, target)
        bridge.members.append(transferer)
        transferer.bridge = bridge
        out.append(f.bridge_event("BridgeEnter", bridge, transferer))
        call.consultation = None
        return [*out, f.channel_event("MusicOnHoldStop", call.origin)]

    @staticmethod
    def _dissolve(bridge: Bridge, members: list[SimChannel]) -> Frames:
        out: Frames = []
        for channel in members:
            bridge.members.remove(channel)
            channel.bridge = None
            out.append(f.bridge_event("BridgeLeave", bridge, channel))
        return [*out, f.bridge_event("BridgeDestroy", bridge)]

    # -- parking -------------------------------------------------------------------------

    def park(self, call: SimCall, parkee: SimChannel, space: int, timeout: int) -> Frames:
        """`parkee` leaves for a parking space on music; the other side hangs up."""
        out: Frames = []
        if call.bridge is not None:
            stayer = next((ch for ch in call.bridge.members if ch is not parkee), None)
            out += self.scenes.leave_bridge(call, [parkee, *([stayer] if stayer else [])])
            if stayer is not None:
                out.append(f.hangup(stayer, 16))
                self.state.forget(call, stayer)
        lot = call.bridge = Bridge(self.state.ids.bridge_id(), kind="parking")
        lot.technology = "holding_bridge"
        lot.members.append(parkee)
        parkee.bridge = lot
        out.append(f.bridge_event("BridgeCreate", lot))
        out.append(f.bridge_event("BridgeEnter", lot, parkee))
        parked = [
            ("ParkerDialString", ""),
            ("Parkinglot", PARKING_LOT),
            ("ParkingSpace", str(space)),
            ("ParkingTimeout", str(timeout)),
            ("ParkingDuration", "0"),
        ]
        out.append(f.event("ParkedCall", f.CALL, parkee.snapshot("Parkee"), parked))
        out.append(f.channel_event("MusicOnHoldStart", parkee, [("Class", "default")]))
        call.queue, call.held = None, True
        call.parked_at = (space, timeout, self.scenes.clock())
        return out

    def unpark(self, call: SimCall, retriever_call: SimCall) -> Frames:
        """An agent's channel dialled the parking space: it joins the parked call.

        Its Linkedid switches to the parked call's at BridgeEnter, as Asterisk does.
        """
        lot, parkee, retriever = call.bridge, call.origin, retriever_call.origin
        assert lot is not None and call.parked_at is not None
        space, timeout, since = call.parked_at
        parked = [
            ("ParkerDialString", ""),
            ("Parkinglot", PARKING_LOT),
            ("ParkingSpace", str(space)),
            ("ParkingTimeout", str(timeout)),
            ("ParkingDuration", str(int(self.scenes.clock() - since))),
        ]
        parts = [parkee.snapshot("Parkee"), retriever.snapshot("Retriever"), parked]
        out = [f.event("UnParkedCall", f.CALL, *parts)]
        out.append(f.channel_event("MusicOnHoldStop", parkee))
        out += self.scenes.leave_bridge(call, [parkee])
        self.state.adopt(call, retriever_call)
        call.held, call.parked_at = False, None
        parkee.conn_num, parkee.conn_name = retriever.cid_num, retriever.cid_name
        return out + self.scenes.bridge(call, retriever)
