"""Parking (AMI Park), as the recorded park_* and c2d_park sessions show it.

``ParkedCall`` carries the ``Parkee*`` snapshot and the space; the parked party hears
music; the one it talked to hangs up. A parked party that hangs up gives
MusicOnHoldStop, then ParkedCallGiveUp. Attended transfer lives in `cti.sim.atxfer`.
"""

from __future__ import annotations

from cti.sim import frames as f
from cti.sim.frames import Bridge, SimChannel
from cti.sim.model import SimCall
from cti.sim.scenes import Frames, Scenes

PARKING_LOT = "default"


class TransferScenes:
    def __init__(self, scenes: Scenes) -> None:
        self.scenes = scenes
        self.state = scenes.state

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
        call.parked_at, call.parkee = (space, timeout, self.scenes.clock()), parkee
        return out

    def _parking(self, call: SimCall) -> f.Pairs:
        assert call.parked_at is not None
        space, timeout, since = call.parked_at
        return [
            ("ParkerDialString", ""),
            ("Parkinglot", PARKING_LOT),
            ("ParkingSpace", str(space)),
            ("ParkingTimeout", str(timeout)),
            ("ParkingDuration", str(int(self.scenes.clock() - since))),
        ]

    def give_up(self, call: SimCall, cause: int = 16) -> Frames:
        """The parked party hangs up (or is hung up): its music stops, then it leaves."""
        parkee, lot = call.parkee, call.bridge
        assert parkee is not None and lot is not None
        out = [f.channel_event("MusicOnHoldStop", parkee)]
        parked = self._parking(call)
        out.append(f.event("ParkedCallGiveUp", f.CALL, parkee.snapshot("Parkee"), parked))
        lot.members.remove(parkee)
        self.scenes.queue_log.hung_up(call.call_id, parkee.uniqueid)  # COMPLETECALLER
        parkee.bridge, call.bridge = None, None
        out.append(f.bridge_event("BridgeLeave", lot, parkee))
        call.held, call.parked_at, call.parkee = False, None, None
        self.state.forget(call, parkee)
        return [*out, f.hangup(parkee, cause)]

    def unpark(self, call: SimCall, retriever_call: SimCall) -> Frames:
        """An agent's channel dialled the parking space: it joins the parked call.

        Its Linkedid switches to the parked call's at BridgeEnter, as Asterisk does.
        """
        lot, parkee, retriever = call.bridge, call.parkee, retriever_call.origin
        assert lot is not None and parkee is not None and call.parked_at is not None
        parked = self._parking(call)
        parts = [parkee.snapshot("Parkee"), retriever.snapshot("Retriever"), parked]
        out = [f.event("UnParkedCall", f.CALL, *parts)]
        out.append(f.channel_event("MusicOnHoldStop", parkee))
        out += self.scenes.leave_bridge(call, [parkee])
        self.state.adopt(call, retriever_call)
        call.held, call.parked_at, call.parkee = False, None, None
        parkee.conn_num, parkee.conn_name = retriever.cid_num, retriever.cid_name
        return out + self.scenes.bridge(call, retriever, parkee)
