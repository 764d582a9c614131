"""Wrap-up after a queue call: paused `wrap-up`, unpaused when the time is up or the
note is saved; a pause set meanwhile, or before, is left alone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from cti.agents.commands import AgentControl
from cti.agents.members import QueueMembers
from cti.agents.queue_actions import AgentLocks, QueueActions
from cti.agents.settings import AgentSettings, AgentSetup
from cti.agents.wrapup import WrapUp
from cti.protocol import Called, CallEnded, CallRinging, Party
from tests.app_queue import AppQueue, AppQueueSender

ALICE = AgentSetup("1001", ("support", "sales"), "PJSIP/1001", "alice")


class Holding:
    def __init__(self, holding: bool) -> None:
        self.holding_now = holding

    def holding(self, extension: str) -> bool:
        return self.holding_now

    async def settled(self) -> None:
        return None


class Pbx:
    def __init__(self, seconds: float = 3600, hold: Holding | None = None, **by_queue: float):
        self.app_queue = AppQueue(["support", "sales"])
        self.members = QueueMembers(lambda *i: "1001" if "PJSIP/1001" in i else None)
        sender = AppQueueSender(self.app_queue, self.members)
        settings = AgentSettings(
            wrapup_seconds=seconds, wrapup_by_queue=by_queue, agents={"1001": ALICE}
        )
        locks = AgentLocks()
        self.wrapup = WrapUp(QueueActions(sender), self.members, settings, locks, hold)
        self.control = AgentControl(sender, self.members, settings, self.wrapup, locks)
        self.changes: list[str] = []
        self.wrapup.subscribe(self.changes.append)

    async def logged_in(self) -> Pbx:
        await self.control.login("1001")
        self.app_queue.actions.clear()
        return self

    def pauses(self) -> list[tuple[str, str, str]]:
        return [
            (f["Queue"], f["Paused"], f.get("Reason", ""))
            for name, f in self.app_queue.actions
            if name == "QueuePause"
        ]

    def state(self, queue: str) -> tuple[bool, str]:
        member = self.app_queue.members[(queue, "PJSIP/1001")]
        return member.paused, member.reason

    async def call_ends(self, call_id: str = "c1", queue: str | None = "support", **end: object):
        party, called = Party("+14155550123", "Alice"), Called(queue, None)
        self.wrapup.observe(
            CallRinging(call_id=call_id, extension="1001", caller=party, called=called, queue=queue)
        )
        fields = {"cause": 16, "cause_text": "Normal Clearing", "answered_by": "1001", **end}
        self.wrapup.observe(CallEnded(call_id=call_id, **fields))  # type: ignore[arg-type]
        await self.wrapup.settled()


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the wrap-up timer has no event to wait on
            await asyncio.sleep(0.01)


async def test_a_queue_call_pauses_its_agent_wrap_up_until_the_time_is_up() -> None:
    pbx = await Pbx(seconds=0.2).logged_in()
    before = time.time()
    await pbx.call_ends()
    await until(lambda: len(pbx.pauses()) == 4)
    await pbx.wrapup.settled()
    assert pbx.pauses() == [
        ("support", "true", "wrap-up"),
        ("sales", "true", "wrap-up"),
        ("support", "false", ""),
        ("sales", "false", ""),
    ]
    assert pbx.state("support") == pbx.state("sales") == (False, "")
    assert pbx.wrapup.until("1001") is None
    assert pbx.changes == ["1001", "1001"] and time.time() - before >= 0.2


async def test_saving_the_note_of_that_call_ends_the_wrap_up_at_once() -> None:
    pbx = await Pbx(seconds=3600).logged_in()
    await pbx.call_ends("c1")
    until_time = pbx.wrapup.until("1001")
    assert until_time is not None and until_time > time.time() + 3000
    assert pbx.state("support") == (True, "wrap-up")
    pbx.wrapup.note_saved("another-call")
    await pbx.wrapup.settled()
    assert pbx.state("support") == (True, "wrap-up")
    pbx.wrapup.note_saved("c1")
    await pbx.wrapup.settled()
    assert pbx.state("support") == pbx.state("sales") == (False, "")
    assert pbx.wrapup.until("1001") is None


async def test_a_pause_during_the_wrap_up_takes_over_and_its_end_unpauses_nothing() -> None:
    pbx = await Pbx(seconds=3600).logged_in()
    await pbx.call_ends("c1")
    await pbx.control.pause("1001", "lunch")
    assert pbx.wrapup.until("1001") is None
    pbx.wrapup.note_saved("c1")
    await pbx.wrapup.settled()
    assert pbx.state("support") == pbx.state("sales") == (True, "lunch")


async def test_an_agent_paused_before_the_call_ended_stays_as_it_was() -> None:
    pbx = await Pbx(seconds=3600).logged_in()
    await pbx.control.pause("1001", "meeting")
    pbx.app_queue.actions.clear()
    await pbx.call_ends("c1")
    assert pbx.pauses() == [] and pbx.wrapup.until("1001") is None
    assert pbx.state("support") == (True, "meeting")


async def test_a_hold_pause_the_hold_has_let_go_of_becomes_wrap_up() -> None:
    pbx = await Pbx(seconds=3600, hold=Holding(False)).logged_in()
    await pbx.control.actions.pause("support", "PJSIP/1001", "hold")
    await pbx.call_ends("c1")
    assert pbx.state("support") == pbx.state("sales") == (True, "wrap-up")


async def test_a_hold_pause_of_another_parked_call_is_not_touched() -> None:
    pbx = await Pbx(seconds=3600, hold=Holding(True)).logged_in()
    await pbx.control.actions.pause("support", "PJSIP/1001", "hold")
    await pbx.call_ends("c1")
    assert pbx.state("support") == (True, "hold")
    assert pbx.state("sales") == (True, "wrap-up")
    pbx.wrapup.note_saved("c1")
    await pbx.wrapup.settled()
    assert pbx.state("support") == (True, "hold")
    assert pbx.state("sales") == (False, "")


async def test_no_wrap_up_without_a_queue_an_answer_or_seconds() -> None:
    pbx = await Pbx(seconds=3600, sales=0).logged_in()
    await Pbx(seconds=0).call_ends("no-wrap-up-configured")
    await pbx.call_ends("direct", queue=None)
    await pbx.call_ends("gave-up", answered_by=None, abandoned=True)
    await pbx.call_ends("from-sales", queue="sales")
    assert pbx.pauses() == [] and pbx.changes == []


async def test_a_wrap_up_for_an_agent_in_no_queue_pauses_nothing() -> None:
    pbx = Pbx(seconds=3600)  # never logged in
    await pbx.call_ends("c1")
    assert pbx.pauses() == [] and pbx.wrapup.until("1001") is None


async def test_a_second_queue_call_restarts_the_wrap_up_for_its_own_note() -> None:
    pbx = await Pbx(seconds=3600).logged_in()
    await pbx.call_ends("c1")
    await pbx.call_ends("c2")
    pbx.wrapup.note_saved("c1")
    await pbx.wrapup.settled()
    assert pbx.state("support") == (True, "wrap-up")
    pbx.wrapup.note_saved("c2")
    await pbx.wrapup.settled()
    assert pbx.state("support") == (False, "")


class SlowHold(Holding):
    """A hold whose own unpause is still on its way until `done` is set."""

    def __init__(self) -> None:
        super().__init__(False)
        self.done = asyncio.Event()

    async def settled(self) -> None:
        await self.done.wait()


async def test_the_wrap_up_waits_for_the_holds_own_unpause_to_go_first() -> None:
    hold = SlowHold()
    pbx = await Pbx(seconds=3600, hold=hold).logged_in()
    await pbx.control.actions.pause("support", "PJSIP/1001", "hold")
    ending = asyncio.create_task(pbx.call_ends("c1"))
    for _ in range(20):  # the wrap-up task runs as far as it can: up to the hold
        await asyncio.sleep(0)
    assert pbx.pauses()[-1] == ("support", "true", "hold"), "nothing before the hold is done"
    await pbx.control.actions.unpause("support", "PJSIP/1001")  # the hold lets go
    hold.done.set()
    await ending
    assert pbx.state("support") == pbx.state("sales") == (True, "wrap-up")


async def test_do_not_disturb_off_during_a_wrap_up_leaves_the_wrap_up_running() -> None:
    pbx = await Pbx(seconds=3600).logged_in()
    await pbx.call_ends("c1")
    assert await pbx.control.dnd("1001", False) == "1001 was not on do not disturb"
    assert pbx.wrapup.until("1001") is not None
    pbx.wrapup.note_saved("c1")
    await pbx.wrapup.settled()
    assert pbx.state("support") == pbx.state("sales") == (False, "")


async def test_unpause_during_a_wrap_up_ends_it() -> None:
    pbx = await Pbx(seconds=3600).logged_in()
    await pbx.call_ends("c1")
    assert await pbx.control.unpause("1001") == "available in support; available in sales"
    assert pbx.wrapup.until("1001") is None and pbx.changes == ["1001", "1001"]
