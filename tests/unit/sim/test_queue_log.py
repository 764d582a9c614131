"""The simulator's queue_log against the lab's: the same scenario writes the same lines.

Each test plays, in simulated time, what the lab did on a real Asterisk 22.10.1 and
compares the lines with that stretch of ``lab_queue_log``, with the epochs made
relative to the first line and every Uniqueid (and bridge id) replaced by its order of
appearance: everything else (events, members, hold, ring and talk times, positions,
milliseconds) must be equal.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from cti.ami.fake_session import ActionRequest
from cti.sim import CallPlan, PbxSimulator
from cti.sim.model import SimCall
from tests.helpers import FIXTURES
from tests.unit.sim.virtual_time import VirtualTime

LAB = (FIXTURES / "queue_log" / "lab_queue_log").read_text(encoding="utf-8").splitlines()
ALICE = ("+14155550123", "Alice Example")
EPOCH = 1796700000
_IDS = re.compile(r"^\d{10}\.\d+$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NO_CONN: Any = None


def lab(first: int, last: int, queue: str = "support") -> list[str]:
    """The lab's lines of `queue` (and QUEUESTART) from epoch `first` to `last`."""
    return [
        line
        for line in LAB
        if first <= int(line.split("|", 1)[0]) <= last and line.split("|")[2] == queue
    ]


def shape(lines: list[str]) -> list[str]:
    """Epochs relative to the first line; ids numbered in order of appearance."""
    names: dict[str, str] = {}
    first = int(lines[0].split("|", 1)[0]) if lines else 0
    out = []
    for line in lines:
        epoch, *fields = line.split("|")
        fields = [names.setdefault(f, f"id{len(names)}") if _IDS.match(f) else f for f in fields]
        out.append("|".join([str(int(epoch) - first), *fields]))
    return out


def action(name: str, **fields: str) -> ActionRequest:
    return ActionRequest(headers={"Action": name, **fields}, name=name)


class Lab:
    """The simulator with the lab's queue `support` (members added as the lab names
    them) in simulated time; `lines` is what its queue_log wrote."""

    def __init__(self, *members: str) -> None:
        self.time = VirtualTime()
        self.sim = PbxSimulator(
            agents=["1001", "1002", "1003"],
            queues={"support": []},
            contacts=[ALICE],
            seed=3,
            epoch=EPOCH,
            time_scale=0,
            clock=self.time,
        )
        self.time.attach(self.sim)
        self.lines: list[str] = []
        self.sim.queue_log.sink = self.lines.append
        self.members = members

    async def __aenter__(self) -> Lab:
        for extension in self.members:
            await self.ami(
                "QueueAdd",
                Queue="support",
                Interface=f"PJSIP/{extension}",
                MemberName=f"Agent {extension}",
            )
        self.lines.clear()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.sim.player.stop()

    async def ami(self, name: str, **fields: str) -> Any:
        """The simulator's own handler of AMI action `name` (as cti.sim.handlers maps it)."""
        sim = self.sim
        handlers = {
            "Hangup": sim.actions.hangup,
            "BlindTransfer": sim.actions.blind_transfer,
            "Setvar": sim.actions.setvar,
            "Atxfer": sim.actions.atxfer,
            "Park": sim.actions.park,
            "QueuePause": sim.members.queue_pause,
            "QueueAdd": sim.members.queue_add,
            "QueueRemove": sim.members.queue_remove,
        }
        return await handlers[name](NO_CONN, action(name, **fields))

    def call(self, at: float, caller: tuple[str, str] = ALICE, **plan: Any) -> SimCall:
        """A queue call arriving `at` simulated seconds, going as `plan` says."""
        answer_by = plan.pop("answer_by", None)
        script = self.sim.plan_call(
            "queue", caller=caller, target="support", answer_by=answer_by, plan=CallPlan(**plan)
        )
        self.time.later(at - self.time.now, lambda: self.time.play(script.call, script.steps))
        return script.call

    def agent_leg(self, call: SimCall) -> str:
        agent = call.agent_in_bridge()
        assert agent is not None, "the call is answered"
        return agent.name


async def test_answered_call_the_agent_ends_writes_enter_connect_completeagent() -> None:
    async with Lab("1001", "1002") as pbx:
        pbx.call(0, answer_by="1001", answer_after=2.0, talk=15.0)
        pbx.time.run_until(60)
    assert shape(pbx.lines) == shape(lab(1796601520, 1796601537))  # chanspy_listen's call
    assert pbx.lines[0] == f"{EPOCH}|{EPOCH}.1|support|NONE|ENTERQUEUE||+14155550123|1"


async def test_answered_call_the_caller_ends_writes_completecaller() -> None:
    async with Lab("1001", "1002") as pbx:
        call = pbx.call(0, answer_by="1001", answer_after=2.0, talk=60.0)
        pbx.time.run_until(8)
        await pbx.ami("Hangup", Channel=call.origin.name)
    assert shape(pbx.lines) == shape(lab(1796599019, 1796599027))


async def test_caller_hanging_up_while_members_ring_writes_ringcanceled_then_abandon() -> None:
    async with Lab("1002", "1001") as pbx:  # the lab rang 1002 first
        pbx.call(0, abandon_after=3.003)
        pbx.time.run_until(60)
    assert shape(pbx.lines) == shape(lab(1796599588, 1796599591))
    assert pbx.lines[1].endswith("|Agent 1002|RINGCANCELED|3003")


async def test_callers_giving_up_while_every_agent_talks_write_abandon_with_positions() -> None:
    async with Lab("1001", "1002") as pbx:  # queue_abandon_waiting
        callers = [(f"+1415555010{n}", f"Caller {n}") for n in range(1, 5)]
        pbx.call(0, callers[0], answer_by="1001", answer_after=1.0, talk=19.0)
        pbx.call(1, callers[1], answer_by="1002", answer_after=1.0, talk=19.0)
        pbx.call(3, callers[2], abandon_after=5.0)
        pbx.call(4, callers[3], abandon_after=5.0)
        pbx.time.run_until(60)
    assert shape(pbx.lines) == shape(lab(1796601494, 1796601515))


async def test_blind_transfer_writes_blindtransfer_and_no_complete() -> None:
    async with Lab("1001", "1002") as pbx:
        call = pbx.call(0, answer_by="1001", answer_after=2.0, talk=60.0)
        pbx.time.run_until(4)
        reply = await pbx.ami(
            "BlindTransfer", Channel=pbx.agent_leg(call), Context="cti-dial", Exten="1002"
        )
        assert reply == {"Message": "Transfer succeeded"}
        pbx.time.run_until(90)
    assert shape(pbx.lines) == shape(lab(1796599613, 1796599617))
    assert pbx.lines[-1].split("|")[4:] == ["BLINDTRANSFER", "1002", "cti-dial", "2", "2", "1"]


async def test_attended_transfer_writes_attendedtransfer_with_the_callers_bridge() -> None:
    async with Lab("1001", "1002") as pbx:
        call = pbx.call(0, answer_by="1001", answer_after=2.0, talk=60.0)
        pbx.time.run_until(4)
        agent = pbx.agent_leg(call)
        bridge = call.bridge
        assert bridge is not None
        await pbx.ami("Setvar", Channel=agent, Variable="TRANSFER_EXTEN", Value="1002")
        await pbx.ami("Atxfer", Channel=agent, Exten="1002", Context="cti-dial")
        await pbx.sim.wait_until(
            lambda: call.consultation is not None and call.consultation.answered
        )
        pbx.time.run_until(9)
        await pbx.ami("Hangup", Channel=agent)
        pbx.time.run_until(60)
    assert shape(pbx.lines) == shape(lab(1796601376, 1796601385))  # attended_transfer_complete
    assert pbx.lines[-1].split("|")[5:7] == ["BRIDGE", bridge.uniqueid]


async def test_pause_and_unpause_around_a_call_the_other_member_takes() -> None:
    async with Lab("1001", "1002") as pbx:  # queue_pause
        await pbx.ami(
            "QueuePause", Interface="PJSIP/1001", Paused="true", Reason="lunch", Queue="support"
        )
        pbx.call(1, answer_after=2.0, talk=6.0)
        pbx.time.run_until(9)
        await pbx.ami("QueuePause", Interface="PJSIP/1001", Paused="false", Queue="support")
    assert shape(pbx.lines) == shape(lab(1796601432, 1796601441))


async def test_dynamic_member_added_paused_unpaused_and_removed() -> None:
    async with Lab() as pbx:  # queue_member_dynamic
        member = {"Queue": "support", "Interface": "Local/1003@agents"}
        await pbx.ami("QueueAdd", **member, MemberName="Agent 1003", Paused="false")
        pbx.time.run_until(1)
        await pbx.ami("QueuePause", **member, Paused="true", Reason="break")
        await pbx.ami("QueuePause", **member, Paused="false")
        pbx.time.run_until(2)
        await pbx.ami("QueueRemove", **member)
    assert shape(pbx.lines) == shape(lab(1796601452, 1796601454))


async def test_pause_naming_no_queue_writes_pauseall_before_each_queues_pause() -> None:
    async with Lab("1001") as pbx:
        await pbx.ami("QueuePause", Interface="PJSIP/1001", Paused="true", Reason="lunch")
        await pbx.ami("QueuePause", Interface="PJSIP/1001", Paused="false")
    assert [line.split("|", 1)[1] for line in pbx.lines] == [
        "NONE|NONE|Agent 1001|PAUSEALL|lunch",
        "NONE|support|Agent 1001|PAUSE|lunch",
        "NONE|NONE|Agent 1001|UNPAUSEALL|",
        "NONE|support|Agent 1001|UNPAUSE|",
    ]


async def test_member_hanging_up_while_ringing_writes_ringnoanswer_in_whole_seconds() -> None:
    async with Lab("1001", "1002") as pbx:
        call = pbx.call(0, answer_by="1001", answer_after=5.0, talk=6.0)
        pbx.time.run_until(2.5)
        leg = next(leg for leg in call.ringing_legs() if leg.extension == "1002")
        await pbx.ami("Hangup", Channel=leg.name)
        pbx.time.run_until(60)
    events = [line.split("|")[3:] for line in pbx.lines]
    assert events[1] == ["Agent 1002", "RINGNOANSWER", "2000"]
    assert [event[1] for event in events] == [
        "ENTERQUEUE",
        "RINGNOANSWER",
        "CONNECT",
        "COMPLETEAGENT",
    ]


async def test_parked_caller_hanging_up_later_writes_completecaller_then() -> None:
    async with Lab("1001", "1002") as pbx:  # lab: a park writes nothing; the hang-up does
        call = pbx.call(0, answer_by="1001", answer_after=2.0, talk=60.0)
        pbx.time.run_until(4)
        await pbx.ami("Park", Channel=call.origin.name, TimeoutChannel=pbx.agent_leg(call))
        assert [line.split("|")[4] for line in pbx.lines] == ["ENTERQUEUE", "CONNECT"]
        pbx.time.run_until(15)
        await pbx.ami("Hangup", Channel=call.origin.name)
    parked = [line for line in LAB if line.split("|")[1] == "1796601477.80"]
    assert shape(pbx.lines) == shape(parked)
    assert pbx.lines[-1].split("|")[4:] == ["COMPLETECALLER", "2", "13", "1"]


@pytest.mark.parametrize(
    ("caller", "logged"),
    [(("anonymous", "Anonymous"), "anonymous"), (("<unknown>", "<unknown>"), "")],
)
async def test_enterqueue_writes_the_caller_number_as_the_lab_did(
    caller: tuple[str, str], logged: str
) -> None:
    async with Lab("1001") as pbx:
        pbx.call(0, caller, answer_after=1.0, talk=2.0)
        pbx.time.run_until(10)
    assert pbx.lines[0].split("|")[4:] == ["ENTERQUEUE", "", logged, "1"]
    assert any(line.endswith(f"ENTERQUEUE||{logged}|1") for line in LAB)
