"""Call scripts: what happens to one call, as (delay, step) pairs.

A step runs when its delay (in simulated seconds, after the previous step) is over;
it changes the simulated state and returns the frames to send. Scripts do no I/O,
so tests can run one step after another without sleeping, and the same seed gives
the same frames. Steps tolerate a call changed meanwhile by an action (an agent leg
hung up, say): they act on what is left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cti.sim import frames as f
from cti.sim.atxfer import AttendedScenes
from cti.sim.model import Consultation, SimCall
from cti.sim.outbound import OutboundScenes
from cti.sim.scenes import Frames, Scenes
from cti.sim.transfers import TransferScenes

Step = tuple[float, Callable[[], Frames]]
ALERT_DELAY = 0.1  # from DialBegin to the phone's 180 Ringing
ATXFER_NOANSWER = 15.0  # features.conf atxfernoanswertimeout, as in the lab


@dataclass(frozen=True, slots=True)
class CallPlan:
    """How a call will go; drawn from the seeded generator or given by a test."""

    answer_by: str | None = None  # None: the first leg still ringing
    answer_after: float = 2.0
    talk: float = 6.0
    abandon_after: float | None = None  # the caller hangs up (waiting, or while ringing)
    patience: float | None = None  # a queue caller gives up if still unrung by then
    hold_after: float | None = None  # seconds of talk before the agent holds
    hold_for: float = 3.0


@dataclass(slots=True)
class Script:
    """A call's steps; a step may add steps after itself (a queue call that rings)."""

    call: SimCall
    steps: list[Step] = field(default_factory=list)
    ran: int = 0  # steps run by `run_until` / `run_all`

    def run_all(self) -> Frames:
        """Every step left at once: the frames of the whole call (tests, determinism)."""
        return self.run_until(lambda: False)

    def run_until(self, done: Callable[[], bool]) -> Frames:
        """Steps one after another, without waiting, until `done` holds or none is left."""
        out: Frames = []
        while self.ran < len(self.steps) and not done():
            self.ran += 1
            out += self.steps[self.ran - 1][1]()
        return out


class ScriptBuilder:
    def __init__(self, scenes: Scenes, outbound: OutboundScenes) -> None:
        self.scenes = scenes
        self.outbound = outbound
        self.transfers = TransferScenes(scenes)
        self.atxfer = AttendedScenes(scenes)
        self.noanswer_timeout = ATXFER_NOANSWER

    def inbound(self, call: SimCall, targets: list[str], plan: CallPlan) -> Script:
        """A trunk call straight to `targets` (one extension); queue calls go through
        `cti.sim.waiting`, which rings members with `ring`."""

        def arrive() -> Frames:
            return self.scenes.arrive(call) + self.scenes.dial(call, targets)

        script = Script(call, [(0.0, arrive), (ALERT_DELAY, lambda: self.scenes.alert(call))])
        script.steps += self._ring_out(call, plan)
        return script

    def ring(
        self, call: SimCall, targets: list[str], plan: CallPlan, patience: float | None
    ) -> list[Step]:
        """A queue rings `targets` for its caller, who gives up after `patience` more
        seconds (if it will), else is answered and talks as planned."""
        ring: Step = (0.0, lambda: self.scenes.ring_members(call, targets))
        if patience is not None:
            return [ring, (patience, lambda: self._abandon(call))]
        answer: Step = (plan.answer_after, lambda: self._answer(call, plan.answer_by))
        return [ring, answer, *self._talk(call, plan)]

    def to_target(self, call: SimCall, exten: str, known: bool, plan: CallPlan) -> Script:
        """After a transfer or redirect: the caller runs context,exten and dials it."""
        caller = call.origin

        def dial() -> Frames:
            if not known:
                self.scenes.queue_log.hung_up(call.call_id, caller.uniqueid)
                out = [f.hangup(caller, 1)]
                self.scenes.state.forget(call, caller)
                return out
            dial_app = f.newexten(caller, "Dial", f"PJSIP/{exten},30,tT")
            return [dial_app, *self.scenes.dial(call, [exten])]

        script = Script(call, [(0.0, dial)])
        if known:
            script.steps.append((ALERT_DELAY, lambda: self.scenes.alert(call)))
            script.steps += self._ring_out(call, plan)
        return script

    def click_to_dial(
        self, call: SimCall, context: str, number: str, action_id: str, plan: CallPlan
    ) -> Script:
        out = self.outbound
        steps: list[Step] = [
            (0.0, lambda: out.agent_rings(call)),
            (plan.answer_after, lambda: out.agent_answers(call, context, number, action_id)),
            (ALERT_DELAY, lambda: out.remote_rings(call)),
            (plan.answer_after, lambda: out.remote_answers(call)),
        ]
        return Script(call, steps + self._talk(call, plan))

    def attended(self, call: SimCall, consultation: Consultation, plan: CallPlan) -> Script:
        """After Atxfer: the target rings, and answers after `plan.answer_after` unless
        Asterisk gives up first (atxfernoanswertimeout). The transferer completes or
        cancels from the desktop; left alone, it completes after the talk time."""
        atxfer = self.atxfer

        def answered() -> Frames:
            live = call.consultation is consultation or consultation.blond
            if consultation.done or not live or consultation.agent is None:
                return []
            return atxfer.answered(call, consultation)

        def complete() -> Frames:
            if call.consultation is not consultation or not consultation.answered:
                return []
            return atxfer.complete(call, consultation)

        def given_up() -> Frames:
            if consultation.answered or consultation.done:
                return []
            if consultation.blond:  # nobody is left to return to
                return atxfer.hang_up_handover(call, consultation, 16)
            return atxfer.returned(call, consultation, target_first=False)

        steps: list[Step] = [(ALERT_DELAY, lambda: atxfer.rings(consultation))]
        if plan.answer_after >= self.noanswer_timeout or consultation.agent is None:
            steps.append((self.noanswer_timeout, given_up))
            return Script(call, steps + self._talk(call, plan))
        steps += [(plan.answer_after, answered), (plan.talk, complete)]
        return Script(call, steps + self._talk(call, plan))

    def unpark(
        self, call: SimCall, retriever: SimCall, space: str, action_id: str, plan: CallPlan
    ) -> Script:
        """An Originate into a parking space: the agent's phone rings, then takes the call."""
        out = self.outbound

        def pick_up() -> Frames:
            frames = out.agent_picks_up(retriever, "parkedcalls", space, "ParkedCall", space)
            frames.append(out.originated(retriever, "parkedcalls", space, action_id))
            return frames + self.transfers.unpark(call, retriever)

        steps: list[Step] = [
            (0.0, lambda: out.agent_rings(retriever)),
            (plan.answer_after, pick_up),
        ]
        return Script(call, steps + self._talk(call, plan))

    def _ring_out(self, call: SimCall, plan: CallPlan) -> list[Step]:
        if plan.abandon_after is not None:
            return [(plan.abandon_after, lambda: self._abandon(call))]
        answer: Step = (plan.answer_after, lambda: self._answer(call, plan.answer_by))
        return [answer, *self._talk(call, plan)]

    def talk(self, call: SimCall, plan: CallPlan) -> list[Step]:
        """Talk (with hold and resume if planned) until the agent hangs up."""
        return self._talk(call, plan)

    def _talk(self, call: SimCall, plan: CallPlan) -> list[Step]:
        if plan.hold_after is None or plan.hold_after >= plan.talk:
            return [(plan.talk, lambda: self._agent_hangs_up(call))]
        return [
            (plan.hold_after, lambda: self._hold(call, True)),
            (plan.hold_for, lambda: self._hold(call, False)),
            (plan.talk - plan.hold_after, lambda: self._agent_hangs_up(call)),
        ]

    # -- steps that look at the call as it is now ------------------------------------

    def _answer(self, call: SimCall, answer_by: str | None) -> Frames:
        ringing = call.ringing_legs()
        if call.ended or not ringing:
            return [] if call.ended else self._abandon(call)
        leg = next((leg for leg in ringing if leg.extension == answer_by), ringing[0])
        return self.scenes.answer(call, leg)

    def _abandon(self, call: SimCall) -> Frames:
        return [] if call.ended or call.bridge is not None else self.scenes.abandon(call)

    def _hold(self, call: SimCall, on: bool) -> Frames:
        agent = call.agent_in_bridge()
        if agent is None or call.held == on:
            return []
        return self.scenes.hold(call, agent, on)

    def _agent_hangs_up(self, call: SimCall) -> Frames:
        if call.handover is not None:  # an attended transfer's target ends the call
            return self.atxfer.hang_up_handover(call, call.handover, 16)
        agent = call.agent_in_bridge()
        if agent is None:
            return []
        return self.scenes.hang_up_bridged(call, agent)
