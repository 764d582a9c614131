"""The built-in PBX simulator: a loopback AMI server with calls like a real Asterisk 22.

It generates inbound calls (queue ringall, direct, abandoned, held) with caller IDs
from demo contacts, keeps app_queue's members and waiting callers and the phones'
device states, and reacts to call-control, queue and ChanSpy actions. ``cti demo``
and the benchmarks drive it; tests run it with ``time_scale=0`` so nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from cti.ami.fake_server import FakeAmiServer
from cti.ami.transcript import TranscriptFrame
from cti.sim.actions import SimActions
from cti.sim.devices import DeviceCache, DeviceWatch
from cti.sim.generator import CallGenerator
from cti.sim.handlers import register
from cti.sim.lists import PbxLists
from cti.sim.members import QueueBook, phone_of
from cti.sim.model import IdAllocator, PbxState, SimCall
from cti.sim.notify import PhoneNotify
from cti.sim.outbound import OutboundScenes
from cti.sim.player import Player
from cti.sim.queuelog import AppQueueLog, QueueLogFile
from cti.sim.queues import SimQueues
from cti.sim.reactions import Reactions
from cti.sim.scenes import Scenes
from cti.sim.scripts import CallPlan, Script, ScriptBuilder
from cti.sim.spy import SpyScenes
from cti.sim.waiting import QueueDispatcher

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
        supervisors: Sequence[str] = (),
        patience: tuple[float, float] | None = None,
        max_waiting: int | None = None,
        queue_log: Path | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """``write_access=False`` is a manager.conf user with ``write =`` empty: every
        call-control and queue action is refused with ``Permission denied``.
        ``atxfer_noanswer`` is features.conf's atxfernoanswertimeout (simulated seconds).
        ``supervisors`` are phones that exist (they ring, answer, spy) but no generated
        call dials them. ``patience`` bounds how long a generated queue caller waits
        unrung; ``max_waiting`` callers waiting in a queue turn new arrivals away.
        ``queue_log``: a file to append app_queue's queue_log to (`cti.sim.queuelog`),
        from `start` on; None writes none. ``clock`` gives the simulated seconds since
        the start (tests step it); by default the event loop's time over time_scale.
        The queue_log's times are ``epoch`` plus those seconds."""
        self.rng = random.Random(seed)
        self.agents = list(agents)
        self.supervisors = list(supervisors)
        self.queues = {name: list(members) for name, members in (queues or {}).items()}
        self.contacts = list(contacts)
        self.calls_per_second, self.max_calls = calls_per_second, max_calls
        self.abandon_ratio, self.hold_ratio = abandon_ratio, hold_ratio
        self.queue_ratio, self.anonymous_ratio = queue_ratio, anonymous_ratio
        self.answer_delay, self.talk_time = answer_delay, talk_time
        self.abandon_delay, self.patience = abandon_delay, patience
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
        phones = {ext: f"Agent {ext}" for ext in self.agents}
        phones |= {ext: f"Supervisor {ext}" for ext in self.supervisors}
        self.state = PbxState(ids, phones)
        self._t0: float | None = None
        self._clock_source = clock
        self.queue_log = AppQueueLog(lambda: ids.epoch + self._clock())
        self.queue_log_path = queue_log
        self._queue_log_file: QueueLogFile | None = None
        self.book = QueueBook(
            self.queues, self._phone_of, self._clock, lambda: ids.epoch + self._clock()
        )
        cache = DeviceCache()
        self.scenes = Scenes(self.state, self._clock, self.book, cache, self.queue_log)
        self.builder = ScriptBuilder(self.scenes, OutboundScenes(self.scenes))
        self.builder.noanswer_timeout = atxfer_noanswer
        self.player = Player(self._emit, time_scale)
        self.dispatcher = QueueDispatcher(self.state, self.scenes, self.builder)
        self.dispatcher.start, self.dispatcher.later = self.player.play, self.player.call_later
        self.devices = DeviceWatch(cache, self.book, phones, self.dispatcher.member_freed)
        self.members = SimQueues(
            self.book, self.devices, self.player, self._clock, self.dispatcher.soon, self.queue_log
        )
        self.spy = SpyScenes(self.state, self.builder.outbound, self.player)
        self.actions = SimActions(
            self.state, self.scenes, self.builder, self.player, self, self.spy
        )
        self.notify = PhoneNotify(self.state, self.scenes, self.player)
        self.lists = PbxLists(self.devices)
        self.reactions = Reactions(self.devices, self.spy)
        self.write_access, self.username = write_access, username
        self.generator = CallGenerator(
            self.rng,
            self.state,
            self.player,
            self.agents,
            calls_per_second=calls_per_second,
            max_calls=max_calls,
            queue_share=queue_ratio if self.queues else 0.0,
            max_waiting=max_waiting,
        )
        self._generator: asyncio.Task[None] | None = None
        self.devices.prime()
        register(self)

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def calls(self) -> Mapping[str, SimCall]:
        return self.state.calls

    async def start(self) -> None:
        self._t0 = asyncio.get_running_loop().time()
        if self.queue_log_path is not None:
            self._open_queue_log(self.queue_log_path)
        await self.server.start()
        if self.calls_per_second > 0:
            running = self.generator.run(self.place_call)
            self._generator = asyncio.create_task(running, name="sim-call-generator")
        logger.info("PBX simulator on %s:%d", self.server.host, self.port)

    async def stop(self) -> None:
        if self._generator is not None:
            self._generator.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._generator
        await self.player.stop()
        await self.server.stop()
        if self._queue_log_file is not None:
            self._queue_log_file.close()
            self.queue_log.sink, self._queue_log_file = None, None

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
            patience=self._draw(self.patience) if self.patience is not None else None,
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
            if queue not in self.queues:
                raise ValueError(f"this simulator has no queue {queue!r}")
            call = self.state.new_caller(number, name, queue)
            call.queue = queue
            return self.dispatcher.script(call, plan)
        if kind == "direct":
            free = self.state.free_agents(self.agents) or self.agents
            extension = target or self.rng.choice(free)
            call = self.state.new_caller(number, name, extension)
            return self.builder.inbound(call, [extension], plan)
        raise ValueError(f"unknown call kind {kind!r}; use 'queue' or 'direct'")

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

    def _open_queue_log(self, path: Path) -> None:
        """Asterisk opens its queue_log at start and says so: QUEUESTART."""
        self._queue_log_file = QueueLogFile(path)  # QueueLogFileError: which file, why
        self.queue_log.sink = self._queue_log_file.write
        self.queue_log.queue_start()
        logger.info("PBX simulator: queue_log %s", path)

    def _phone_of(self, interface: str) -> str | None:
        """The simulated phone an interface rings: ``PJSIP/<extension>``."""
        return phone_of(interface, self.state.agent_names)

    def expand(self, frames: Iterable[bytes]) -> list[TranscriptFrame]:
        """`frames` as the PBX sends them, with the device, member and ChanSpy events
        they cause (`cti.sim.reactions`); tests run scripts through it."""
        return self.reactions.expand(frames)

    async def _emit(self, frames: list[bytes]) -> int:
        return await self.server.send_frames(self.expand(frames))

    def _clock(self) -> float:
        if self._clock_source is not None:
            return self._clock_source()
        if self._t0 is None or self.time_scale <= 0:
            return 0.0
        return (asyncio.get_running_loop().time() - self._t0) / self.time_scale

    def _draw(self, bounds: tuple[float, float]) -> float:
        return round(self.rng.uniform(*bounds), 1)

    def _pick_caller(self) -> Contact:
        if not self.contacts or self.rng.random() < self.anonymous_ratio:
            return ANONYMOUS
        return self.rng.choice(self.contacts)
