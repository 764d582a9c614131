"""Action handlers against a simulator that is not listening: state changes only."""

from __future__ import annotations

from typing import Any

from cti.ami.fake_session import ActionRequest
from cti.sim import PbxSimulator
from cti.sim.model import Consultation, SimCall

ALICE = ("+14155550123", "Alice Example")


def action(name: str, **fields: str) -> ActionRequest:
    return ActionRequest(headers={"Action": name, **fields}, name=name)


async def consulting(answered: bool) -> tuple[PbxSimulator, SimCall, Consultation]:
    """Agent 1001 talks to Alice and consults 1002 (who answered, or still rings)."""
    sim = PbxSimulator(agents=["1001", "1002"], queues={"support": ["1001"]}, seed=1, time_scale=0)
    script = sim.plan_call("queue", caller=ALICE, answer_by="1001", abandon=False, hold=False)
    script.run_until(lambda: script.call.bridge is not None)
    call = script.call
    agent = call.agent_in_bridge()
    assert agent is not None
    atxfer = sim.builder.atxfer
    _, consultation = atxfer.consult(call, agent, "1002", "from-internal")
    atxfer.rings(consultation)
    if answered:
        atxfer.answered(call, consultation)
    return sim, call, consultation


def members(call: SimCall) -> list[str]:
    assert call.bridge is not None
    return sorted(channel.name.rsplit("-", 1)[0] for channel in call.bridge.members)


async def test_transferer_hanging_up_after_the_target_answered_completes_the_transfer() -> None:
    sim, call, consultation = await consulting(answered=True)
    conn: Any = None
    reply = await sim.actions.hangup(conn, action("Hangup", Channel=consultation.transferer.name))
    assert reply == {"Message": "Channel Hungup"}
    assert call.consultation is None
    assert members(call) == ["Local/1002@from-internal", "PJSIP/trunk"], "via the Local pair"
    assert call.handover is consultation
    assert consultation.second is not None
    assert [ch.name.rsplit("-", 1)[0] for ch in consultation.second.members] == [
        "PJSIP/1002",
        "Local/1002@from-internal",
    ]
    assert consultation.transferer.name not in sim.state.channels
    await sim.player.stop()


async def test_target_hanging_up_returns_the_transferer_to_the_caller() -> None:
    sim, call, consultation = await consulting(answered=False)
    conn: Any = None
    await sim.actions.hangup(conn, action("Hangup", Channel=consultation.target.name))
    assert call.consultation is None
    assert members(call) == ["PJSIP/1001", "PJSIP/trunk"]
    assert sim.state.busy == {"1001"}
    assert not [name for name in sim.state.channels if "1002" in name], "target side gone"
    await sim.player.stop()


async def test_park_takes_the_next_free_space_and_refuses_during_a_consultation() -> None:
    sim, call, consultation = await consulting(answered=False)
    conn: Any = None
    refused = await sim.actions.park(conn, action("Park", Channel=call.origin.name))
    assert refused == {"Response": "Error", "Message": "Park action failed\n"}
    await sim.actions.hangup(conn, action("Hangup", Channel=consultation.target.name))
    parked = await sim.actions.park(conn, action("Park", Channel=call.origin.name, Timeout="60000"))
    assert parked == {"Message": "Park successful\n"}
    assert call.parked_at is not None and call.parked_at[:2] == (701, 60)
    await sim.player.stop()
