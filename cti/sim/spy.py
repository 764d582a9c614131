"""ChanSpy by AMI Originate (listen, whisper, barge), as the chanspy_listen recording
shows it.

``Originate Channel=PJSIP/<phone> Application=ChanSpy Data=<prefix>,<options>`` rings
the supervisor's phone like a click-to-dial; once it answers, the OriginateResponse
names the application and its data, and ~0.1 s later ChanSpy attaches to the first
live channel whose name starts with the prefix: ``ChanSpyStart`` with a Spyer and a
Spyee snapshot. The spy is a call of its own (own Linkedid) and never joins a bridge,
so the spied call is untouched. ``ChanSpyStop`` comes when either side hangs up, just
before that Hangup; with option ``E`` the spy then hangs up too (Cause 0).
"""

from __future__ import annotations

from dataclasses import dataclass

from cti.ami.messages import Event
from cti.sim import frames as f
from cti.sim.frames import STATE_UP, SimChannel
from cti.sim.model import PbxState, SimCall
from cti.sim.outbound import OutboundScenes
from cti.sim.player import Player
from cti.sim.scenes import Frames
from cti.sim.scripts import CallPlan, Step

SPY_START_DELAY = 0.1  # chanspy_listen: ChanSpyStart 0.1 s after the OriginateResponse
APPLICATION = "ChanSpy"


@dataclass(slots=True, eq=False)
class Spy:
    call: SimCall  # the supervisor's phone: a call of its own
    prefix: str
    exit_with_spyee: bool  # option E
    spyee: SimChannel | None = None
    ending: bool = False  # its spyee hung up with option E: the spy follows


class SpyScenes:
    def __init__(self, state: PbxState, outbound: OutboundScenes, player: Player) -> None:
        self.state, self.outbound, self.player = state, outbound, player
        self.spies: dict[str, Spy] = {}  # by the spy's Uniqueid

    def script(self, call: SimCall, data: str, action_id: str, plan: CallPlan) -> list[Step]:
        """The supervisor's phone rings, answers, spies, and hangs up after the plan's
        talk time unless ChanSpy's ``E`` ended it first."""
        prefix, _, options = data.partition(",")
        spy = Spy(call, prefix.strip(), "E" in options)
        self.spies[call.origin.uniqueid] = spy
        return [
            (0.0, lambda: self.outbound.agent_rings(call)),
            (plan.answer_after, lambda: self._answered(spy, data, action_id)),
            (SPY_START_DELAY, lambda: self._attach(spy)),
            (plan.talk, lambda: self._hang_up(spy)),
        ]

    def _answered(self, spy: Spy, data: str, action_id: str) -> Frames:
        phone = spy.call.origin
        if spy.call.ended:
            return []
        phone.state = STATE_UP
        out = [f.channel_event("Newstate", phone)]
        out.append(f.dial_event("DialEnd", None, phone, [("DialStatus", "ANSWER")]))
        cid = (phone.uniqueid, phone.cid_num, phone.cid_name)
        response = f.originate_response(
            action_id, True, phone.name, APPLICATION, data, cid, application=True
        )
        return [*out, response]

    def _attach(self, spy: Spy) -> Frames:
        if spy.call.ended:
            return []
        spy.spyee = self._target(spy)
        if spy.spyee is None:
            return []  # ChanSpy goes on scanning, silently, until the phone hangs up
        return [self._event("ChanSpyStart", spy, spy.spyee)]

    def _target(self, spy: Spy) -> SimChannel | None:
        """The first live channel named by the prefix (ChanSpy's channel iterator)."""
        prefix = spy.prefix.lower()
        for name, (_, channel) in self.state.channels.items():
            if name.lower().startswith(prefix) and channel is not spy.call.origin:
                return channel
        return None

    def _hang_up(self, spy: Spy) -> Frames:
        """The supervisor puts the phone down."""
        if spy.call.ended:
            return []
        phone = spy.call.origin
        self.state.forget(spy.call, phone)
        return [f.hangup(phone, 16)]

    def _event(self, name: str, spy: Spy, spyee: SimChannel) -> bytes:
        return f.event(name, f.CALL, spy.call.origin.snapshot("Spyer"), spyee.snapshot("Spyee"))

    # -- what ChanSpy sees of other channels' hang-ups (fed every frame sent) ---------

    def before(self, event: Event) -> Frames:
        """ChanSpyStop just before the Hangup of a spy or of the channel it spies on."""
        if event.name != "Hangup" or not self.spies:
            return []
        out: Frames = []
        uniqueid = event.get("Uniqueid")
        for spy in list(self.spies.values()):
            spyee = spy.spyee
            if spyee is None:
                continue
            if uniqueid == spy.call.origin.uniqueid:
                out.append(self._event("ChanSpyStop", spy, spyee))
            elif uniqueid == spyee.uniqueid:
                out.append(self._event("ChanSpyStop", spy, spyee))
                spy.spyee, spy.ending = None, spy.exit_with_spyee
        return out

    def after(self, event: Event) -> Frames:
        """A spy's own Hangup forgets it; one told to exit with its spyee hangs up."""
        if event.name != "Hangup" or not self.spies:
            return []
        self.spies.pop(event.get("Uniqueid"), None)
        out: Frames = []
        for spy in [spy for spy in self.spies.values() if spy.ending]:
            spy.ending = False
            self.player.interrupt(spy.call)
            phone = spy.call.origin
            if not spy.call.ended:
                self.state.forget(spy.call, phone)
                out.append(f.hangup(phone, 0))
        return out
