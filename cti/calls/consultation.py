"""Attended transfers as Asterisk 22 runs them, seen from the bridges.

AMI `Atxfer` (like the phone's ``*2`` feature) puts the caller on hold, creates a
channel for the target (``Local/1002@<dial context>-…;1``, with the caller's Linkedid)
and moves the transferer out of the caller's bridge into a new bridge with it; the
target channel enters that bridge while it still rings. So a consultation starts when
an answering agent leg leaves a bridge where someone of its call stays and enters
another one, and its target is the other channel of that new bridge. It ends with
`AttendedTransfer` (completed), or with the transferer entering the caller's bridge
again: the target was cancelled, hung up, or never answered (``atxfernoanswertimeout``).
The recordings ``attended_transfer_complete`` and ``at_*`` show every one of these.
"""

from __future__ import annotations

import logging

from cti.calls.callerid import clean_number
from cti.calls.flow import CallFlow
from cti.calls.model import STATE_UP, Call, Channel, Consultation
from cti.protocol import CONSULT_CANCELLED, CONSULT_HUNG_UP, CONSULT_NOT_ANSWERED

log = logging.getLogger(__name__)


class ConsultationWatcher:
    def __init__(self, flow: CallFlow) -> None:
        self.flow = flow

    def bridge_entered(self, call: Call, channel: Channel) -> None:
        """`channel` just entered `channel.bridge`: a consultation may start, find its
        target, or end with the transferer back with the caller."""
        consultation = call.consultation
        if consultation is None:
            if self._leaves_someone_waiting(call, channel):
                self._start(call, channel)
        elif channel is consultation.transferer:
            if channel.bridge != consultation.bridge:
                self._returned(call, consultation)
        elif consultation.target is None and channel.bridge == consultation.bridge:
            self._found_target(call, consultation, channel)

    @staticmethod
    def _leaves_someone_waiting(call: Call, channel: Channel) -> bool:
        """An agent who took the call moved from a bridge where a party of the call
        stays (the caller, on hold) into another bridge."""
        left = channel.left_bridge
        if channel.extension is None or not channel.answered or left is None:
            return False
        if channel.bridge == left:
            return False
        return any(other.bridge == left for other in call.channels.values() if other is not channel)

    def _start(self, call: Call, transferer: Channel) -> None:
        bridge = transferer.bridge
        assert bridge is not None
        consultation = call.consultation = Consultation(transferer, bridge)
        log.debug("call %s: %s consults from bridge %s", call.call_id, transferer.name, bridge)
        for other in call.channels.values():
            if other is not transferer and other.bridge == bridge and other is not call.origin:
                self._found_target(call, consultation, other)
                return

    @staticmethod
    def _found_target(call: Call, consultation: Consultation, target: Channel) -> None:
        consultation.target = target
        consultation.target_number = target.extension or clean_number(target.exten)
        log.debug("call %s: consultation target is %s", call.call_id, target.name)

    def _returned(self, call: Call, consultation: Consultation) -> None:
        """The transferer is back with the caller: there will be no transfer."""
        call.consultation = None
        target = consultation.target
        if target is None or not (target.answered or target.state == STATE_UP):
            reason = CONSULT_NOT_ANSWERED
        elif target.bridge == consultation.bridge:
            reason = CONSULT_CANCELLED  # the transferer left the target (abort feature code)
        else:
            reason = CONSULT_HUNG_UP
        if consultation.cancelling:
            reason = CONSULT_CANCELLED
        consultation.outcome = reason
        self.flow.consultation_failed(
            call,
            consultation.transferer,
            None if target is None else target.extension,
            consultation.target_number or "unknown",
            reason,
        )
