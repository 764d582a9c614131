"""The built-in PBX simulator: a loopback AMI server with calls like a real Asterisk 22.

It generates inbound calls (queue ringall, direct, abandoned, held) with caller IDs
from demo contacts, and reacts to call-control actions. ``cti demo`` and the
benchmarks drive it; tests run it with ``time_scale=0`` so nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType

from cti.ami.fake_server import FakeAmiServer
from cti.ami.fake_session import ActionHandler
from cti.sim.actions import SimActions
from cti.sim.model import IdAllocator, PbxState, SimCall
from cti.sim.notify import PhoneNotify, write_guarded
from cti.sim.outbound import OutboundScenes
from cti.sim.player import Player
from cti.sim.queues import SimQueues
from cti.sim.scenes import Scenes
from cti.sim.scripts import CallPlan, Script, ScriptBuilder

logger = logging.getLogger(__name__)

Contact = tuple[str, str]  # (number, name)
ANONYMOUS: Contact = ("anonymous", "Anonymous")


class PbxSimulator:
    """``async with PbxSimulator(agents=[...], queues={...}, contacts=[...]) as pbx``."""

    def __init__(
        self,
        agents: Sequence[str] = ("1001", "1002"),
        queues: Mapping[str, Sequence[str]] | None = None,
        contacts: Sequence[Contact] = (),
        *,
        seed: int | None = None,
        calls_per_second: float = 0.0,
        abandon_ratio: float = 0.1,
        hold_ratio: float = 0.2,
        queue_ratio: float = 0.7,
        anonymous_ratio: float = 0.05,
        answer_delay: tuple[float, float] = (1.0, 6.0),
        talk_time: tuple[float, float] = (5.0, 40.0),
        abandon_delay: tuple[float, float] = (2.0, 8.0),
        max_calls: int = 50,
        time_scale: float = 1.0,
        username: str = "cti",
        secret: str = "ctisecret",
        host: str = "127.0.0.1",
        port: int = 0,
        epoch: int | None = None,
        write_access: bool = True,
        atxfer_noanswer: float = 15.0,
    ) -> None:
        """``write_access=False`` is a manager.conf user with ``write =`` empty: every
        call-control action is refused with ``Permission denied``. ``atxfer_noanswer``
        is features.conf's atxfernoanswertimeout (simulated seconds)."""
        self.rng = random.Random(seed)
        self.agents = list(agents)
        self.queues = {name: list(members) for name, members in (queues or {}).items()}
        self.contacts = list(contacts)
        self.calls_per_second, self.max_calls = calls_per_second, max_calls
        self.abandon_ratio, self.hold_ratio = abandon_ratio, hold_ratio
        self.queue_ratio, self.anonymous_ratio = queue_ratio, anonymous_ratio
        self.answer_delay, self.talk_time = answer_delay, talk_time
        self.abandon_delay = abandon_delay
        self.time_scale = time_scale
        self.server = FakeAmiServer(
            username,
            secret,
            host=host,
            port=port,
            login_failure_delay=time_scale,
            fully_booted=True,
        )
        ids = IdAllocator(int(time.time()) if epoch is None else epoch, self.rng)
        self.state = PbxState(ids, {ext: f"Agent {ext}" for ext in self.agents})
        self._t0: float | None = None
        self.scenes = Scenes(self.state, self._clock)
        self.builder = ScriptBuilder(self.scenes, OutboundScenes(self.scenes))
        self.builder.noanswer_timeout = atxfer_noanswer
        self.player = Player(self.server.send_frames, time_scale)
        self.members = SimQueues(self.queues, self.server.queues, self.player)
        self.actions = SimActions(self.state, self.scenes, self.builder, self.player, self)
        self.notify = PhoneNotify(self.state, self.scenes, self.player)
        self.write_access, self.username = write_access, username
        self._generator: asyncio.Task[None] | None = None
        self._register()

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def calls(self) -> Mapping[str, SimCall]:
        return self.state.calls

    async def start(self) -> None:
        self._t0 = asyncio.get_running_loop().time()
        await self.server.start()
        if self.calls_per_second > 0:
            self._generator = asyncio.create_task(self._generate(), name="sim-call-generator")
        logger.info("PBX simulator on %s:%d", self.server.host, self.port)

    async def stop(self) -> None:
        if self._generator is not None:
            self._generator.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._generator
        await self.player.stop()
        await self.server.stop()

    async def __aenter__(self) -> PbxSimulator:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Until every call placed so far has played out."""
        await self.player.wait_idle(timeout)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Until `predicate` holds; checked after every simulated step (tests, demos)."""
        await self.player.wait_until(predicate, timeout)

    # -- calls ---------------------------------------------------------------------------

    def plan(self, *, abandon: bool = False, hold: bool = False) -> CallPlan:
        """Draw one call's timings from the seeded generator."""
        talk = self._draw(self.talk_time)
        return CallPlan(
            answer_after=self._draw(self.answer_delay),
            talk=talk,
            abandon_after=self._draw(self.abandon_delay) if abandon else None,
            hold_after=round(talk / 3, 1) if hold else None,
            hold_for=self._draw((2.0, 6.0)),
        )

    def plan_call(
        self,
        kind: str = "queue",
        *,
        caller: Contact | None = None,
        target: str | None = None,
        answer_by: str | None = None,
        abandon: bool | None = None,
        hold: bool | None = None,
        plan: CallPlan | None = None,
    ) -> Script:
        """The script of one inbound call (no I/O): to queue `target` or extension `target`."""
        number, name = caller if caller is not None else self._pick_caller()
        abandon = self.rng.random() < self.abandon_ratio if abandon is None else abandon
        hold = self.rng.random() < self.hold_ratio if hold is None else hold
        if plan is None:
            plan = self.plan(abandon=abandon, hold=hold)
        if answer_by is not None:
            plan = dataclasses.replace(plan, answer_by=answer_by)
        if kind == "queue" and not self.queues:
            raise ValueError("this simulator has no queues")
        if kind == "queue":
            queue = target or self.rng.choice(sorted(self.queues))
            call = self.state.new_caller(number, name, queue)
            call.queue = queue
            members = self.members.unpaused(queue, self.queues[queue])
            targets = self.state.free_agents(members)
        elif kind == "direct":
            free = self.state.free_agents(self.agents) or self.agents
            extension = target or self.rng.choice(free)
            call = self.state.new_caller(number, name, extension)
            targets = [extension]
        else:
            raise ValueError(f"unknown call kind {kind!r}; use 'queue' or 'direct'")
        return self.builder.inbound(call, targets, plan)

    async def place_call(
        self,
        kind: str = "queue",
        *,
        caller: Contact | None = None,
        target: str | None = None,
        answer_by: str | None = None,
        abandon: bool | None = None,
        hold: bool | None = None,
        plan: CallPlan | None = None,
    ) -> str:
        """Start one inbound call now; returns its call id (the caller's Uniqueid)."""
        script = self.plan_call(
            kind,
            caller=caller,
            target=target,
            answer_by=answer_by,
            abandon=abandon,
            hold=hold,
            plan=plan,
        )
        self.player.play(script.call, script.steps)
        return script.call.call_id

    # -- internals -----------------------------------------------------------------------

    def _register(self) -> None:
        control: dict[str, ActionHandler] = {
            "Originate": self.actions.originate,
            "Hangup": self.actions.hangup,
            "Redirect": self.actions.redirect,
            "BlindTransfer": self.actions.blind_transfer,
            "Setvar": self.actions.setvar,
            "Atxfer": self.actions.atxfer,
            "Park": self.actions.park,
            "PJSIPNotify": self.notify.pjsip_notify,
            "QueuePause": self.members.queue_pause,
        }
        for name, handler in control.items():
            self.server.handle(name, write_guarded(handler, self.write_access, self.username))

    def _clock(self) -> float:
        if self._t0 is None or self.time_scale <= 0:
            return 0.0
        return (asyncio.get_running_loop().time() - self._t0) / self.time_scale

    def _draw(self, bounds: tuple[float, float]) -> float:
        return round(self.rng.uniform(*bounds), 1)

    def _pick_caller(self) -> Contact:
        if not self.contacts or self.rng.random() < self.anonymous_ratio:
            return ANONYMOUS
        return self.rng.choice(self.contacts)

    async def _wait_for_free_agent(self) -> list[str]:
        """The free agents, waiting a while (simulated minute) when every one is busy.

        Asterisk holds a queue caller until a member frees up (queue ``retry``); here the
        caller arrives then, so a generated call always rings someone instead of waiting
        in the queue unseen and abandoning.
        """
        if not self.state.free_agents(self.agents) and self.time_scale > 0:
            with contextlib.suppress(TimeoutError):
                await self.player.wait_until(
                    lambda: bool(self.state.free_agents(self.agents)), 60 * self.time_scale
                )
        return self.state.free_agents(self.agents)

    async def _generate(self) -> None:
        """Poisson arrivals at `calls_per_second`, while fewer than `max_calls` are live."""
        while True:
            await asyncio.sleep(self.rng.expovariate(self.calls_per_second) * self.time_scale)
            if len(self.state.calls) >= self.max_calls:
                continue
            free = await self._wait_for_free_agent()
            if not free:
                continue  # still nobody after a simulated minute: this caller gave up
            if self.queues and self.rng.random() < self.queue_ratio:
                await self.place_call("queue")
            else:
                await self.place_call("direct")
