"""The simulator's answers to the call-control actions added for desk phones, over TCP:
PJSIPNotify like res_pjsip_notify, a write-less AMI user like readonly_permissions, and
Asterisk's "blond" attended transfer (the transferer hangs up while the target rings)."""

from __future__ import annotations

import asyncio

from cti.sim import CallPlan, PbxSimulator
from tests.helpers import brief_event
from tests.integration.test_tracker_reconnect import Pipeline

ALICE = ("+14155550123", "Alice Example")
LOGIN = b"Action: Login\r\nUsername: cti\r\nSecret: ctisecret\r\n\r\n"
RINGING = CallPlan(answer_after=3600.0, talk=3600.0)
ANSWERED = CallPlan(answer_by="1001", answer_after=1.0, talk=3600.0)


def simulator(**options: object) -> PbxSimulator:
    return PbxSimulator(
        agents=["1001", "1002"],
        seed=4,
        time_scale=0.001,
        answer_delay=(1.0, 1.0),
        talk_time=(3600.0, 3600.0),
        **options,  # type: ignore[arg-type]
    )


async def test_pjsipnotify_answers_like_asterisk_and_picks_up_the_ringing_phone() -> None:
    async with simulator() as sim, Pipeline(sim.server).running() as pipeline:
        call_id = await sim.place_call("direct", caller=ALICE, target="1001", plan=RINGING)
        await sim.wait_until(lambda: bool(sim.calls[call_id].legs))
        send = pipeline.client.send_action
        unknown = await send("PJSIPNotify", {"Endpoint": "9999", "Variable": "Event=talk"})
        assert (unknown.status, unknown.message) == ("Error", "Unable to retrieve endpoint 9999")
        nothing = await send("PJSIPNotify", {"Variable": "Event=talk"})
        assert nothing.message == (
            "PJSIPNotify requires either an endpoint name, a SIP URI, or a channel."
        )
        sent = await send("PJSIPNotify", {"Endpoint": "1001", "Variable": "Event=talk"})
        assert (sent.status, sent.message) == ("Success", "NOTIFY sent")
        await sim.wait_until(lambda: sim.calls[call_id].bridge is not None)
        await pipeline.barrier()
    assert [brief_event(e) for e in pipeline.out] == [
        ("call.ringing", "1001", "inbound", ALICE[0]),
        ("call.answered", "1001"),
    ]


async def test_readonly_user_gets_permission_denied_and_a_security_event() -> None:
    async with simulator(write_access=False) as sim:
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
        writer.write(LOGIN)
        writer.write(b"Action: Park\r\nActionID: p1\r\nChannel: PJSIP/trunk-00000001\r\n\r\n")
        async with asyncio.timeout(5):
            await reader.readuntil(b"ActionID: p1\r\n")
            answer = await reader.readuntil(b"\r\n\r\n")
            security = await reader.readuntil(b"\r\n\r\n")
        writer.close()
    assert answer == b"Message: Permission denied\r\n\r\n"
    assert security.startswith(b"Event: RequestNotAllowed\r\nPrivilege: security,all\r\n")
    assert b"RequestType: Action: Park\r\n" in security


async def test_transferer_hanging_up_while_the_target_rings_completes_when_it_answers() -> None:
    # 1002 answers the consultation 10 simulated seconds (0.5 s) after it starts to ring
    sim = PbxSimulator(agents=["1001", "1002"], seed=4, time_scale=0.05, answer_delay=(10, 10))
    async with sim, Pipeline(sim.server).running() as pipeline:
        call_id = await sim.place_call("direct", caller=ALICE, target="1001", plan=ANSWERED)
        await sim.wait_until(lambda: sim.calls[call_id].bridge is not None)
        agent = sim.calls[call_id].agent_in_bridge()
        assert agent is not None
        exten = {"Channel": agent.name, "Variable": "TRANSFER_EXTEN", "Value": "1002"}
        await pipeline.client.send_action("Setvar", exten)
        await pipeline.client.send_action("Atxfer", {"Channel": agent.name, "Exten": "1002"})
        consultation = sim.calls[call_id].consultation
        assert consultation is not None and not consultation.answered
        await pipeline.client.send_action("Hangup", {"Channel": agent.name})
        await sim.wait_until(lambda: sim.calls[call_id].handover is not None)
        await pipeline.barrier()
        bridge = sim.calls[call_id].bridge
        assert bridge is not None
        assert [ch.name for ch in bridge.members] == [
            sim.calls[call_id].origin.name,
            consultation.target.name,
        ]
    assert [brief_event(e) for e in pipeline.out][2:] == [
        ("call.held",),
        ("call.ringing", "1002", "inbound", ALICE[0]),
        ("call.resumed",),
        ("call.transferred", "1001", "1002", "attended"),
        ("call.answered", "1002"),  # it answered after the transfer (at_blond)
    ]
