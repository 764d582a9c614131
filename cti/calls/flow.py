"""What happens to a call's screen-pops when its legs ring, answer, stop or leave.

The tracker decides *which* leg did something; this module decides what that means
for each agent's pop: open it, mark it answered, or retract it with a reason. It is
the place that guarantees one `call.ringing` per extension and call.
"""

from __future__ import annotations

from cti.calls.callerid import clean_name, clean_number, is_withheld
from cti.calls.model import Call, Channel, HoldSignals, PopState
from cti.calls.notifier import CallNotifier
from cti.numbers import to_e164
from cti.protocol import (
    ABANDONED,
    ANSWERED_ELSEWHERE,
    CONSULT_NOT_ANSWERED,
    INBOUND,
    INTERNAL,
    NOT_ANSWERED,
    OUTBOUND,
    TRANSFER_CANCELLED,
    Party,
)

# DialEnd statuses that mean the leg itself refused or timed out.
_NOT_ANSWERED_STATUSES = frozenset({"NOANSWER", "BUSY", "CHANUNAVAIL", "CONGESTION"})


class CallFlow:
    def __init__(self, notifier: CallNotifier, default_region: str | None) -> None:
        self.notify = notifier
        self.region = default_region

    # -- who is on the other end -------------------------------------------------

    def party(self, number: str, name: str) -> Party:
        num = clean_number(number)
        nam = clean_name(name)
        withheld = is_withheld(num, nam)
        return Party(
            number=None if withheld else num,
            name=None if withheld and nam and nam.lower() == "anonymous" else nam,
            number_e164=None if withheld else to_e164(num, self.region),
            anonymous=withheld,
        )

    def caller_of(self, call: Call, leg: Channel, hint: tuple[str, str] | None) -> Party:
        """The customer, never the agent leg's own caller ID (often the queue name)."""
        origin = call.origin
        if origin is not None and clean_number(origin.cid_num) is not None:
            return self.party(origin.cid_num, origin.cid_name)
        if hint is not None and clean_number(hint[0]) is not None:
            return self.party(*hint)
        if clean_number(leg.connected_num) is not None:
            return self.party(leg.connected_num, leg.connected_name)
        if origin is not None:
            return self.party(origin.cid_num, origin.cid_name)
        return self.party("", "")

    # -- leg transitions ---------------------------------------------------------

    def leg_ringing(self, call: Call, leg: Channel, hint: tuple[str, str] | None = None) -> None:
        ext = leg.extension
        if ext is None or leg.answered or leg is call.origin:
            return
        leg.ringing = True
        state = call.pops.get(ext)
        if state is PopState.STOPPED:
            call.pops[ext] = PopState.RINGING
        if state is not None:
            return
        origin = call.origin
        if origin is not None and origin.extension is not None:
            direction = INTERNAL
            caller = self.party(origin.cid_num, origin.cid_name)
        else:
            direction = INBOUND
            caller = self.caller_of(call, leg, hint)
        if call.dialled is None and origin is not None:
            call.dialled = origin.exten or None
        call.pops[ext] = PopState.RINGING
        self.notify.ringing(call, ext, caller, direction)

    def leg_answered(self, call: Call, leg: Channel) -> None:
        ext = leg.extension
        if ext is None or leg.answered:
            return
        if call.answered_by == ext and call.pops.get(ext) is PopState.ANSWERED:
            leg.answered, leg.ringing = True, False  # back on the call (parked-call pickup)
            if call.left_park:  # the park timed out and rang this agent back
                call.left_park = False
                self.resume(call)
            return
        if ext not in call.pops and leg is not call.origin:
            self.leg_ringing(call, leg)  # answered before we saw it ring (e.g. after a resync)
        leg.answered = True
        leg.ringing = False
        if leg is call.origin:
            return  # the agent's own phone answered the call it is placing
        call.pops[ext] = PopState.ANSWERED
        call.answered_by = ext
        self.notify.answered(call, ext)
        for other, state in list(call.pops.items()):
            if other != ext and state is not PopState.ANSWERED:
                self.retract(call, other, ANSWERED_ELSEWHERE)

    def leg_stopped(self, call: Call, leg: Channel, status: str) -> None:
        """An agent leg stopped ringing without answering (DialEnd, hangup, timeout)."""
        ext = leg.extension
        if ext is None:
            return
        was_ringing, leg.ringing = leg.ringing, False
        state = call.pops.get(ext)
        if state is PopState.STOPPED and status in _NOT_ANSWERED_STATUSES:
            self.retract(call, ext, NOT_ANSWERED)  # e.g. AgentRingNoAnswer after DialEnd CANCEL
            return
        if not was_ringing or state is not PopState.RINGING:
            return
        if any(other.ringing for other in call.legs_of(ext)):
            return
        if status in _NOT_ANSWERED_STATUSES:
            self.retract(call, ext, NOT_ANSWERED)
        elif call.answered_by is not None and call.answered_by != ext:
            self.retract(call, ext, ANSWERED_ELSEWHERE)
        elif call.originator_gone:
            self.retract(call, ext, ABANDONED)
        else:
            call.pops[ext] = PopState.STOPPED

    def leg_left(self, call: Call, leg: Channel) -> None:
        """The answering agent hung up while another agent who answered stays on: a
        consulted transfer target left (the transfer was cancelled); the other agent,
        the transferer, has the call again."""
        ext = leg.extension
        if ext is None or not leg.answered or call.answered_by != ext or call.legs_of(ext):
            return
        stays = next((ch.extension for ch in call.channels.values() if ch.answered), None)
        if stays is None or call.originator_gone:
            return
        self.retract(call, ext, TRANSFER_CANCELLED)
        call.answered_by = stays
        self.notify.answered(call, stays)

    def retract(self, call: Call, extension: str, reason: str) -> None:
        if call.pops.pop(extension, None) is not None:
            self.notify.retracted(call, extension, reason)

    def retract_unanswered(self, call: Call, reason: str) -> None:
        for ext, state in list(call.pops.items()):
            if state is not PopState.ANSWERED:
                self.retract(call, ext, reason)

    def abandon(self, call: Call) -> None:
        """The caller gave up before any agent answered."""
        origin = call.origin
        if origin is not None and origin.extension is not None:
            self.retract_unanswered(call, NOT_ANSWERED)  # an agent's own call went nowhere
        elif call.answered_by is None:
            call.abandoned = True
            self.retract_unanswered(call, ABANDONED)

    # -- outbound (an agent placing the call) -------------------------------------

    def outbound_dialling(self, call: Call, agent: Channel, number: str) -> None:
        ext = agent.extension
        if ext is None or ext in call.pops:
            return
        call.outbound_number = number
        call.dialled = number
        call.pops[ext] = PopState.RINGING
        self.notify.ringing(call, ext, self.party(number, ""), OUTBOUND)

    def outbound_answered(self, call: Call, agent: Channel) -> None:
        ext = agent.extension
        if ext is None or call.pops.get(ext) is not PopState.RINGING:
            return
        call.pops[ext] = PopState.ANSWERED
        call.answered_by = ext
        self.notify.answered(call, ext)

    def outbound_failed(self, call: Call, agent: Channel) -> None:
        ext = agent.extension
        if ext is not None and call.pops.get(ext) is PopState.RINGING:
            self.retract(call, ext, NOT_ANSWERED)

    # -- hold and transfer ---------------------------------------------------------

    def hold(self, call: Call) -> None:
        if call.answered_by is not None and not call.held:
            call.held = True
            self.notify.held(call)

    def resume(self, call: Call) -> None:
        if call.held:
            call.held = False
            self.notify.resumed(call)

    def consultation_failed(
        self, call: Call, transferer: Channel, target: str | None, to: str, reason: str
    ) -> None:
        """The transferer is back with the caller: the target's pop goes (it rang or
        answered for a transfer that will not happen) and the transferer owns the call."""
        ext = transferer.extension
        if target is not None and target != ext:
            why = NOT_ANSWERED if reason == CONSULT_NOT_ANSWERED else TRANSFER_CANCELLED
            self.retract(call, target, why)
        self.notify.transfer_failed(call, ext, to, reason)
        if ext is not None and call.answered_by != ext:
            call.answered_by = ext
            self.notify.answered(call, ext)

    def transferred(self, call: Call, from_ext: str | None, to: str, mode: str) -> None:
        call.hold_signals = HoldSignals()  # the hands-over agent's hold ends with its part
        self.resume(call)  # the caller leaves the hold of the agent who hands it over
        self.notify.transferred(call, from_ext, to, mode)
        if from_ext is not None:
            call.pops.pop(from_ext, None)  # the transferer's part of the call is over
