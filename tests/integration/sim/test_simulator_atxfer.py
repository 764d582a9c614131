"""The simulator's attended transfer over TCP, held against cti's lab recordings: the
tracker sees exactly the recorded sequence for completion, cancel (answered or still
ringing), atxfernoanswertimeout and a blond transfer, and every frame has a header set
Asterisk 22 sent. Without TRANSFER_EXTEN there is no consultation, as in the lab."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from cti.sim import CallPlan, PbxSimulator
from cti.sim.model import Consultation, SimCall
from tests.helpers import CALLS, brief_event
from tests.integration.test_tracker_reconnect import Pipeline
from tests.unit.sim.recorded import header_names, recorded_header_sets

ALICE = ("+14155550123", "Alice Example")
ANSWERED_BY_1001 = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)


@dataclass
class Consulting:
    pbx: PbxSimulator
    pipeline: Pipeline
    call: SimCall
    transferer: str

    async def act(self, action: str, **fields: str) -> None:
        response = await self.pipeline.client.send_action(action, fields)
        assert response.ok, (action, response.message)

    async def consult(self, exten: str = "1002", *, setvar: bool = True) -> Consultation | None:
        if setvar:
            await self.act(
                "Setvar", Channel=self.transferer, Variable="TRANSFER_EXTEN", Value=exten
            )
        await self.act("Atxfer", Channel=self.transferer, Exten=exten, Context="cti-dial")
        return self.call.consultation

    async def end(self) -> list[tuple[object, ...]]:
        """Hang up whoever talks to the caller now, then the tracker's whole view."""
        call = self.call
        if call.handover is not None:
            await self.act("Hangup", Channel=call.origin.name)
        elif call.bridge is not None and call.consultation is None:
            await self.act("Hangup", Channel=self.transferer)
        await self.pbx.wait_until(lambda: call.call_id not in self.pbx.calls, timeout=30)
        await self.pipeline.barrier()
        return [brief_event(event) for event in self.pipeline.out]


@asynccontextmanager
async def consulting(
    time_scale: float = 0.01, answer_delay: float = 1.0
) -> AsyncIterator[Consulting]:
    """Agent 1001 talks to Alice (a queue call); consultations answer after `answer_delay`
    simulated seconds, and Asterisk gives up after 15."""
    pbx = PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1002", "1001"]},
        seed=3,
        time_scale=time_scale,
        answer_delay=(answer_delay, answer_delay),
        talk_time=(3600.0, 3600.0),
    )
    async with pbx, Pipeline(pbx.server).running() as pipeline:
        call_id = await pbx.place_call("queue", caller=ALICE, plan=ANSWERED_BY_1001)
        await pbx.wait_until(lambda: pbx.calls[call_id].bridge is not None, timeout=30)
        agent = pbx.calls[call_id].agent_in_bridge()
        assert agent is not None
        yield Consulting(pbx, pipeline, pbx.calls[call_id], agent.name)


async def test_completed_after_the_answer_gives_the_recorded_sequence() -> None:
    async with consulting() as c:
        consultation = await c.consult()
        assert consultation is not None
        assert consultation.target.name.startswith("Local/1002@cti-dial-")
        assert consultation.target.linkedid == c.call.call_id
        await c.pbx.wait_until(lambda: consultation.answered, timeout=30)
        await c.act("Hangup", Channel=c.transferer)
        assert await c.end() == CALLS["attended_transfer_complete"]


@pytest.mark.parametrize("answered", [True, False], ids=["answered", "ringing"])
async def test_consultation_hung_up_gives_the_recorded_cancel(answered: bool) -> None:
    async with consulting(answer_delay=1.0 if answered else 14.0) as c:
        consultation = await c.consult()
        assert consultation is not None
        if answered:
            await c.pbx.wait_until(lambda: consultation.answered, timeout=30)
        await c.act("Hangup", Channel=consultation.target.name)
        await c.pbx.wait_until(lambda: consultation.done, timeout=30)
        expected = CALLS["at_cancel_answered" if answered else "at_cancel_ringing"]
        assert await c.end() == expected


async def test_unanswered_consultation_returns_after_atxfernoanswertimeout() -> None:
    async with consulting(answer_delay=20.0) as c:  # 1002 would answer after 20 s
        consultation = await c.consult()
        assert consultation is not None
        await c.pbx.wait_until(lambda: consultation.done, timeout=30)
        assert c.call.bridge is not None and c.transferer in {
            channel.name for channel in c.call.bridge.members
        }, "1001 is back with the caller"
        assert await c.end() == CALLS["at_noanswer"]


async def test_transferer_hanging_up_while_it_rings_gives_the_recorded_blond_transfer() -> None:
    async with consulting(time_scale=0.05, answer_delay=10.0) as c:
        consultation = await c.consult()
        assert consultation is not None and not consultation.answered
        await c.act("Hangup", Channel=c.transferer)
        await c.pbx.wait_until(lambda: c.call.handover is not None, timeout=30)
        assert await c.end() == CALLS["at_blond"]


async def test_atxfer_without_transfer_exten_starts_no_consultation() -> None:
    async with consulting() as c:
        assert await c.consult(setvar=False) is None
        await c.pbx.wait_until(lambda: not c.call.held, timeout=30)  # held, then given back
        assert not [name for name in c.pbx.state.channels if name.startswith("Local/")]
        assert await c.end() == [
            *CALLS["queue_answered"][:5],
            ("call.held",),
            ("call.resumed",),
            ("call.ended", 16, "1001", False),
        ]


async def test_every_atxfer_frame_has_a_header_set_asterisk_sent() -> None:
    async with consulting() as c:
        reader, writer = await asyncio.open_connection("127.0.0.1", c.pbx.port)
        writer.write(b"Action: Login\r\nUsername: cti\r\nSecret: ctisecret\r\n\r\n")
        async with asyncio.timeout(30):
            await reader.readuntil(b"Authentication accepted\r\n\r\n")
        consultation = await c.consult()
        assert consultation is not None
        await c.pbx.wait_until(lambda: consultation.answered, timeout=30)
        await c.act("Hangup", Channel=c.transferer)
        await c.end()
        writer.write(b"Action: Logoff\r\n\r\n")
        async with asyncio.timeout(30):
            received = await reader.read()
        writer.close()
    shapes = recorded_header_sets()
    frames = [f for f in received.split(b"\r\n\r\n")[1:] if f.startswith(b"Event: ")]
    names = set()
    for frame in frames:
        name = frame.split(b"\r\n", 1)[0][7:].decode()
        names.add(name)
        assert header_names(frame + b"\r\n") in shapes[name], f"{name}: headers Asterisk never sent"
    assert {"AttendedTransfer", "BridgeMerge", "Hold", "DTMFBegin", "VarSet", "DialEnd"} <= names
