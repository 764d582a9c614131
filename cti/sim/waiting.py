"""Callers in a queue, and whom app_queue rings for them.

A queue call joins its queue (QueueCallerJoin with its position and the count) and
rings every member that is free right then (ringall). With nobody free it waits on
music: a paused member is never rung, nor one whose phone is in use (ringinuse=no).
When a member becomes free (its phone idle again, an unpause, a QueueAdd), the first
waiting caller not yet ringing rings every free member; app_queue notices on its next
check, which it makes every second (queue_waiting_positions: 0.38 s after an unpause),
so here half a second later. A caller whose plan gives up (`CallPlan.abandon_after`,
counted from its arrival) abandons while waiting (QueueCallerAbandon, QueueCallerLeave,
queue_abandon_waiting) or while its members ring (abandoned_ringing); one with only a
`CallPlan.patience` gives up if nobody has rung for it by then.
"""

from __future__ import annotations

from collections.abc import Callable

from cti.sim.members import INVALID, UNAVAILABLE
from cti.sim.model import PbxState, SimCall
from cti.sim.scenes import Frames, Scenes
from cti.sim.scripts import CallPlan, Script, ScriptBuilder, Step

RECHECK = 0.5  # simulated seconds from a member becoming free to its first ring

Start = Callable[[SimCall, list[Step]], None]
Later = Callable[[float, Callable[[], None]], None]


class QueueDispatcher:
    def __init__(self, state: PbxState, scenes: Scenes, builder: ScriptBuilder) -> None:
        self.state, self.scenes, self.builder = state, scenes, builder
        self.book = scenes.book
        # how a caller's ring script is played, and how an offer is made later: the
        # simulator's player; left alone (unit tests), nothing is played
        self.start: Start = lambda call, steps: None
        self.later: Later = lambda delay, offer: None
        self._promised: dict[str, SimCall] = {}  # phones a ring script will dial next

    def script(self, call: SimCall, plan: CallPlan) -> Script:
        """A queue call: it arrives, then rings free members or waits for one."""
        call.plan = plan
        script = Script(call)
        script.steps.append((0.0, lambda: self._arrive(script)))
        return script

    def free(self, queue: str) -> list[str]:
        """The phones app_queue would ring for `queue` now, in member order."""
        out: list[str] = []
        for member in self.book.members(queue):
            phone = member.extension
            if member.paused or phone is None or member.status in (INVALID, UNAVAILABLE):
                continue
            if phone not in self.state.busy and phone not in self._promised and phone not in out:
                out.append(phone)
        return out

    def offer(self, queue: str, current: SimCall | None = None) -> list[Step] | None:
        """Ring free members for the first waiting callers not ringing yet; the ring
        steps of `current` are returned (its own script plays them), others start."""
        mine = None
        for entry in self.book.waiting(queue):
            if entry.ringing or entry.call.ended:
                continue
            targets = self.free(queue)
            if not targets:
                break
            entry.ringing = True
            steps = self._ring(entry.call, targets)
            if entry.call is current:
                mine = steps
            else:
                self.start(entry.call, steps)
        return mine

    def member_freed(self, extension: str) -> None:
        """Its phone is idle: its queues' waiting callers get it at the next check."""
        for queue in {member.queue for member in self.book.of_extension(extension)}:
            self.soon(queue)

    def soon(self, queue: str) -> None:
        """An offer at app_queue's next check, if anyone in `queue` waits unrung."""
        if any(not entry.ringing for entry in self.book.waiting(queue)):
            self.later(RECHECK, lambda: self._offer_now(queue))

    def _offer_now(self, queue: str) -> None:
        self.offer(queue)

    def _arrive(self, script: Script) -> Frames:
        call = script.call
        frames = self.scenes.arrive(call)
        mine = self.offer(call.queue or "", current=call)
        if mine is not None:
            script.steps += mine
        elif call.plan is not None:
            plan = call.plan
            waits = [t for t in (plan.abandon_after, plan.patience) if t is not None]
            if waits:
                script.steps.append((min(waits), lambda: self._give_up(call)))
        return frames

    def _ring(self, call: SimCall, targets: list[str]) -> list[Step]:
        """The ring script; its phones are promised to `call` until it dials them, so
        another offer meanwhile leaves them alone."""
        plan = call.plan or CallPlan()
        patience = None
        if plan.abandon_after is not None:
            patience = max(0.0, plan.abandon_after - (self.scenes.clock() - call.started))
        steps = self.builder.ring(call, targets, plan, patience)
        self._promised.update(dict.fromkeys(targets, call))
        dial = steps[0][1]

        def dial_promised() -> Frames:
            for phone in targets:
                if self._promised.get(phone) is call:
                    del self._promised[phone]
            return [] if call.ended else dial()

        return [(steps[0][0], dial_promised), *steps[1:]]

    def _give_up(self, call: SimCall) -> Frames:
        """The caller's patience ran out while it waited unrung."""
        entry = self.book.entry(call)
        if entry is None or entry.ringing or call.ended:
            return []
        return self.scenes.abandon(call)
