"""Recognise the three kinds of transfer Asterisk performs.

Blind and attended transfers announce themselves (BlindTransfer, AttendedTransfer).
An AMI Redirect does not: the caller simply leaves the bridge for another dialplan
location while the agent who answered is still in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cti.ami.messages import Event
from cti.calls.callerid import clean_number
from cti.calls.extensions import ExtensionRules
from cti.calls.flow import CallFlow
from cti.calls.model import TRANSFERRED, Call, Channel


class TransferDetector:
    def __init__(self, flow: CallFlow, rules: ExtensionRules) -> None:
        self.flow = flow
        self.rules = rules

    def bridge_left(self, call: Call, channel: Channel) -> None:
        """Spot a Redirect: the caller left for a new place, the agent stayed behind."""
        if channel.extension is not None or call.answered_by is None or call.transfer_pending:
            return
        entered_at = channel.bridge_location
        if entered_at is None or not channel.exten:
            return
        if (channel.context, channel.exten) == entered_at:
            return
        agents = [
            leg
            for leg in call.channels.values()
            if leg.extension is not None
            and leg.answered
            and leg is not channel
            and leg.bridge == channel.bridge
        ]
        if not agents:
            return
        call.transfer_pending = True
        self.flow.transferred(call, agents[0].extension, channel.exten, "redirect")

    @staticmethod
    def merged(ev: Event, channels: Iterable[Channel]) -> None:
        """BridgeMerge (attended transfer completion): channels of the merged-away bridge
        are now in the other one, whether or not per-channel events follow."""
        source, dest = ev.get("FromBridgeUniqueid"), ev.get("ToBridgeUniqueid")
        if not source or not dest:
            return
        for channel in channels:
            if channel.bridge == source:
                channel.bridge = dest

    def blind(self, ev: Event, calls: Mapping[str, Call], channels: Mapping[str, Channel]) -> None:
        if ev.get("Result") != "Success":
            return
        call = self._call(ev, "Transferer", calls, channels)
        if call is None:
            return
        call.transfer_pending = True
        from_ext = self.rules.extension_of(ev.get("TransfererChannel"))
        self.flow.transferred(call, from_ext, ev.get("Extension"), "blind")

    def attended(
        self, ev: Event, calls: Mapping[str, Call], channels: Mapping[str, Channel]
    ) -> None:
        if ev.get("Result") != "Success":
            return
        call = (
            self._call(ev, "OrigTransferer", calls, channels)
            or self._call(ev, "Transferee", calls, channels)
            or self._call(ev, "SecondTransferer", calls, channels)
        )
        if call is None:
            return
        from_ext = self.rules.extension_of(
            ev.get("OrigTransfererChannel")
        ) or self.rules.extension_of(ev.get("SecondTransfererChannel"))
        consultation, call.consultation = call.consultation, None
        if consultation is not None:
            consultation.outcome = TRANSFERRED
        target = (
            (consultation.target_number if consultation is not None else None)
            or self.rules.extension_of(ev.get("TransferTargetChannel"))
            or clean_number(ev.get("TransferTargetCallerIDNum"))
            or clean_number(ev.get("SecondTransfererConnectedLineNum"))
            or ev.get("DestApp")
            or "unknown"
        )
        call.transfer_pending = True
        self.flow.transferred(call, from_ext, target, "attended")

    @staticmethod
    def _call(
        ev: Event, prefix: str, calls: Mapping[str, Call], channels: Mapping[str, Channel]
    ) -> Call | None:
        call = calls.get(ev.get(prefix + "Linkedid"))
        if call is None:
            channel = channels.get(ev.get(prefix + "Uniqueid"))
            if channel is not None:
                call = calls.get(channel.linkedid)
        return call
