"""Parked calls: the desk-phone hold. Asterisk 22 announces them with ParkedCall,
UnParkedCall, ParkedCallTimeOut and ParkedCallGiveUp, each carrying the parked
channel's snapshot under the ``Parkee`` prefix and the ``ParkingSpace``.

A parked call is held; a retrieved one resumes. The retriever's own channel joins the
call later, at its BridgeEnter, when Asterisk gives it the call's Linkedid. The parked
party's MusicOnHoldStop comes before or after ParkedCallGiveUp/TimeOut (recordings
c2d_park and cti_hold_c2d): it never resumes the call.
"""

from __future__ import annotations

from collections.abc import Callable

from cti.ami.messages import Event
from cti.calls.flow import CallFlow
from cti.calls.model import Call, Channel

PARKING_EVENTS = ("ParkedCall", "UnParkedCall", "ParkedCallTimeOut", "ParkedCallGiveUp")


class ParkingWatcher:
    def __init__(
        self,
        flow: CallFlow,
        parkee_of: Callable[[Event], Channel | None],
        call_of: Callable[[Channel | None], Call | None],
    ) -> None:
        self.flow = flow
        self._parkee_of = parkee_of
        self._call_of = call_of

    def handle(self, ev: Event) -> None:
        parkee = self._parkee_of(ev)
        call = self._call_of(parkee)
        if call is None or parkee is None:
            return
        if ev.name == "ParkedCall":
            call.parked_space = ev.get("ParkingSpace") or None
            call.parkee = parkee.uniqueid
            self.flow.hold(call)
            return
        call.parked_space = call.parkee = None
        if ev.name == "UnParkedCall":
            self.flow.resume(call)
        else:  # ParkedCallGiveUp, ParkedCallTimeOut (Asterisk rings the parker back)
            call.left_park = True
