"""The simulator's app_queue over TCP, scenario by scenario as the lab recorded them:
callers waiting in turn (queue_waiting_positions), giving up while every agent talks
(queue_abandon_waiting), a dynamic member's life (queue_member_dynamic), a static one
paused and refused removal (queue_pause). A replay of the simulator's session gives
the recording's calls, agent states and presence."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cti.sim import CallPlan, PbxSimulator
from tests.helpers import CALLS, EXPECTED, call_events
from tests.integration.sim.listener import Listener, listening
from tests.unit.sim.recorded import recorded_header_sets

X = ("+14155550111", "Caller X")
Y = ("+14155550112", "Caller Y")
Z = ("+14155550113", "Caller Z")
ANSWERED_BY_1001 = CallPlan(answer_by="1001", answer_after=1.0, talk=4.0)
LONG = 3600.0


@pytest.fixture
async def pbx() -> AsyncIterator[PbxSimulator]:
    sim = PbxSimulator(
        agents=["1001", "1002", "1003"],
        queues={"support": ["1002", "1001"]},  # the lab's ringall rang 1002 first
        seed=3,
        time_scale=0.001,
    )
    async with sim:
        yield sim


async def pause(ami: Listener, extension: str, on: bool, reason: str = "break") -> str:
    fields = {"Queue": "support", "Interface": f"PJSIP/{extension}"}
    fields |= {"Paused": "true", "Reason": reason} if on else {"Paused": "false"}
    return (await ami.act("QueuePause", **fields)).message


async def hang_up(ami: Listener, channel: str) -> None:
    assert (await ami.act("Hangup", Channel=channel, Cause="16")).message == "Channel Hungup"


def queue_fields(ami: Listener, name: str) -> list[tuple[str, str, str]]:
    """(caller, Position, the next field: OriginalPosition or Count) of each event."""
    second = "OriginalPosition" if name == "QueueCallerAbandon" else "Count"
    return [(e["CallerIDNum"], e["Position"], e[second]) for e in ami.named(name)]


async def test_waiting_callers_take_their_turn_as_in_queue_waiting_positions(
    pbx: PbxSimulator,
) -> None:
    async with listening(pbx) as ami:
        assert [await pause(ami, ext, True) for ext in ("1001", "1002")] == [
            "Interface paused successfully"
        ] * 2
        x, y, z = [
            await pbx.place_call("queue", target="support", caller=who, plan=ANSWERED_BY_1001)
            for who in (X, Y, Z)
        ]
        status = await ami.items("QueueStatus", Queue="support")
        assert [i.name for i in status] == [
            "QueueParams",
            *["QueueMember"] * 2,
            *["QueueEntry"] * 3,
        ]
        assert status[0]["Calls"] == "3"
        entries = [(e["Position"], e["Uniqueid"], e["CallerIDNum"]) for e in status[3:]]
        assert entries == [("1", x, X[0]), ("2", y, Y[0]), ("3", z, Z[0])]
        assert all(e["Wait"].isdigit() for e in status[3:])
        await hang_up(ami, pbx.calls[y].origin.name)
        assert await pause(ami, "1001", False) == "Interface unpaused successfully"
        await pbx.wait_until(lambda: pbx.calls[x].bridge is not None, timeout=30)
        await hang_up(ami, pbx.calls[z].origin.name)
        await pause(ami, "1002", False)
        await pbx.wait_until(lambda: not pbx.calls, timeout=30)
        [summary] = await ami.items("QueueSummary", Queue="support")
        await ami.barrier()
    assert ami.replayed() == EXPECTED["queue_waiting_positions"]
    assert queue_fields(ami, "QueueCallerJoin") == [
        (X[0], "1", "1"),
        (Y[0], "2", "2"),
        (Z[0], "3", "3"),
    ]
    assert queue_fields(ami, "QueueCallerAbandon") == [(Y[0], "2", "2"), (Z[0], "1", "3")]
    assert queue_fields(ami, "QueueCallerLeave") == [
        (Y[0], "2", "2"),
        (X[0], "1", "1"),
        (Z[0], "1", "0"),
    ]
    assert [(s, summary[s]) for s in ("LoggedIn", "Available", "Callers")] == [
        ("LoggedIn", "2"),
        ("Available", "2"),
        ("Callers", "0"),
    ]


async def test_two_waiting_callers_never_ring_one_free_member_together(
    pbx: PbxSimulator,
) -> None:
    """Unpausing 1001 rings it for the first caller only; the second rings it once the
    first call is over."""
    async with listening(pbx) as ami:
        for ext in ("1001", "1002"):
            await pause(ami, ext, True)
        first = await pbx.place_call("queue", target="support", caller=X, plan=CallPlan(talk=LONG))
        second = await pbx.place_call("queue", target="support", caller=Z, plan=CallPlan(talk=LONG))
        await pause(ami, "1001", False)
        await pbx.wait_until(lambda: pbx.calls[first].bridge is not None, timeout=30)
        await ami.barrier()
        assert [e["Linkedid"] for e in ami.named("AgentCalled")] == [first]
        assert pbx.calls[second].ringing_legs() == []
        agent = next(iter(pbx.calls[first].legs.values()))
        await hang_up(ami, agent.name)
        await pbx.wait_until(lambda: pbx.calls[second].bridge is not None, timeout=30)
        await ami.barrier()
    called = [(e["Linkedid"], e["Interface"]) for e in ami.named("AgentCalled")]
    assert called == [(first, "PJSIP/1001"), (second, "PJSIP/1001")]


async def test_a_waiting_caller_rings_the_member_who_frees_up_never_a_paused_one(
    pbx: PbxSimulator,
) -> None:
    async with listening(pbx) as ami:
        await pause(ami, "1001", True, "lunch")
        talking = await pbx.place_call(
            "queue", target="support", caller=X, plan=CallPlan(answer_by="1002", talk=LONG)
        )
        await pbx.wait_until(lambda: pbx.calls[talking].bridge is not None, timeout=30)
        waiting = await pbx.place_call(
            "queue", target="support", caller=Y, plan=CallPlan(talk=LONG)
        )
        await ami.barrier()
        assert pbx.calls[waiting].legs == {}, "1002 talks, 1001 is paused: nobody rings"
        agent = next(iter(pbx.calls[talking].legs.values()))
        await hang_up(ami, agent.name)
        await pbx.wait_until(lambda: pbx.calls[waiting].bridge is not None, timeout=30)
        await ami.barrier()
    rung = [(e["Linkedid"], e["Interface"]) for e in ami.named("AgentCalled")]
    assert rung == [(talking, "PJSIP/1002"), (waiting, "PJSIP/1002")]


async def test_callers_waiting_while_every_agent_talks_give_up_as_recorded(
    pbx: PbxSimulator,
) -> None:
    """queue_abandon_waiting: A on 1001, B on 1002; C and D wait and are hung up (AMI
    Hangup, 4 s apart); D moved up to 1 when C left; then A and B end."""
    callers = [("+14155550101", "Caller A"), ("+14155550102", "Caller B")]
    async with listening(pbx) as ami:
        talking = []
        for who, agent in zip(callers, ("1001", "1002"), strict=True):
            plan = CallPlan(answer_by=agent, answer_after=1.0, talk=LONG)
            call_id = await pbx.place_call("queue", target="support", caller=who, plan=plan)
            await pbx.wait_until(lambda c=call_id: pbx.calls[c].bridge is not None, timeout=30)
            talking.append(call_id)
        waiting = [
            await pbx.place_call(
                "queue", target="support", caller=(f"+1415555010{n}", f"Caller {c}")
            )
            for n, c in ((3, "C"), (4, "D"))
        ]
        for call_id in waiting:
            await hang_up(ami, pbx.calls[call_id].origin.name)
        for call_id in talking:
            await hang_up(ami, next(iter(pbx.calls[call_id].legs.values())).name)
        await pbx.wait_until(lambda: not pbx.calls, timeout=30)
        await ami.barrier()
    assert call_events(ami.replayed()) == CALLS["queue_abandon_waiting"]
    assert {e["Linkedid"] for e in ami.named("AgentCalled")} == set(talking)
    abandons = [(e["Position"], e["OriginalPosition"]) for e in ami.named("QueueCallerAbandon")]
    assert abandons == [("1", "1"), ("1", "2")]


async def test_a_dynamic_member_is_added_paused_and_removed_as_in_queue_member_dynamic(
    pbx: PbxSimulator,
) -> None:
    async with listening(pbx) as ami:
        added = await ami.act(
            "QueueAdd",
            Queue="support",
            Interface="PJSIP/1003",
            MemberName="Agent 1003",
            Paused="false",
        )
        paused = await pause(ami, "1003", True)
        unpaused = await pause(ami, "1003", False)
        listed = await ami.items("QueueStatus", Queue="support")
        removed = await ami.act("QueueRemove", Queue="support", Interface="PJSIP/1003")
        [summary] = await ami.items("QueueSummary", Queue="support")
        after = await ami.items("QueueStatus", Queue="support")
        await ami.barrier()
    assert [added.message, paused, unpaused, removed.message] == [
        "Added interface to queue",
        "Interface paused successfully",
        "Interface unpaused successfully",
        "Removed interface from queue",
    ]
    members = [(i["Name"], i["Membership"]) for i in listed if i.name == "QueueMember"]
    assert members == [
        ("SIP Agent 1002", "static"),
        ("SIP Agent 1001", "static"),
        ("Agent 1003", "dynamic"),
    ]
    assert [i.name for i in after].count("QueueMember") == 2
    assert (summary["LoggedIn"], summary["Available"], summary["Callers"]) == ("2", "2", "0")
    changes = [
        (e.name, e.get("State") or e.get("Paused")) for e in ami.seen if e.name != "FullyBooted"
    ]
    assert changes == [
        ("DeviceStateChange", "NOT_INUSE"),  # Queue:support_pause_PJSIP/1003
        ("QueueMemberAdded", "0"),
        ("DeviceStateChange", "INUSE"),
        ("QueueMemberPause", "1"),
        ("DeviceStateChange", "NOT_INUSE"),
        ("QueueMemberPause", "0"),
        ("QueueMemberRemoved", "0"),
    ]
    assert ami.replayed() == EXPECTED["queue_member_dynamic"]
    shapes = recorded_header_sets()
    for event in ami.seen[1:]:
        assert tuple(event.headers) in shapes[event.name], event.name


async def test_a_static_member_is_paused_not_removed_as_in_queue_pause(pbx: PbxSimulator) -> None:
    async with listening(pbx) as ami:
        assert await pause(ami, "1001", True, "lunch") == "Interface paused successfully"
        plan = CallPlan(answer_by="1002", answer_after=2.0, talk=5.0)
        await pbx.place_call(
            "queue", target="support", caller=("+14155550123", "Alice Example"), plan=plan
        )
        await pbx.wait_until(lambda: not pbx.calls, timeout=30)
        await pause(ami, "1001", False)
        removed = await ami.act("QueueRemove", Queue="support", Interface="PJSIP/1002")
        added = await ami.act(
            "QueueAdd", Queue="support", Interface="PJSIP/1002", MemberName="Agent 1002"
        )
        await ami.barrier()
    assert (removed.status, removed.message) == ("Error", "Member not dynamic")
    assert (added.status, added.message) == ("Error", "Unable to add interface: Already there")
    assert [e["Interface"] for e in ami.named("AgentCalled")] == ["PJSIP/1002"]
    assert ami.replayed() == EXPECTED["queue_pause"]


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("QueueAdd", {"Interface": "PJSIP/1003"}, "'Queue' not specified."),
        ("QueueAdd", {"Queue": "support"}, "'Interface' not specified."),
        (
            "QueueAdd",
            {"Queue": "sales", "Interface": "PJSIP/1003"},
            "Unable to add interface to queue: No such queue",
        ),
        ("QueueRemove", {"Queue": "support"}, "Need 'Queue' and 'Interface' parameters."),
        (
            "QueueRemove",
            {"Queue": "sales", "Interface": "PJSIP/1001"},
            "Unable to remove interface from queue: No such queue",
        ),
        (
            "QueueRemove",
            {"Queue": "support", "Interface": "PJSIP/1003"},
            "Unable to remove interface: Not there",
        ),
    ],
)
async def test_queue_actions_are_refused_with_app_queues_texts(
    pbx: PbxSimulator, action: str, fields: dict[str, str], message: str
) -> None:
    async with listening(pbx) as ami:
        response = await ami.act(action, **fields)
        await ami.barrier()
    assert (response.status, response.message) == ("Error", message)
    assert not ami.named("QueueMemberAdded", "QueueMemberRemoved"), "nothing changed"


async def test_a_member_no_phone_answers_for_is_listed_but_never_rung(pbx: PbxSimulator) -> None:
    """Local/1003@agents is no simulated phone: Status 4 (INVALID), as chan_pjsip would
    say of an endpoint it does not have; the caller waits for a real one."""
    async with listening(pbx) as ami:
        await ami.act(
            "QueueAdd", Queue="support", Interface="Local/1003@agents", MemberName="Agent 1003"
        )
        for ext in ("1001", "1002"):
            await pause(ami, ext, True)
        call_id = await pbx.place_call("queue", target="support", caller=X, plan=CallPlan(talk=1.0))
        status = await ami.items("QueueStatus", Queue="support")
        await hang_up(ami, pbx.calls[call_id].origin.name)
        await ami.barrier()
    unknown = next(i for i in status if i.get("Location") == "Local/1003@agents")
    assert (unknown["Status"], unknown["Membership"]) == ("4", "dynamic")
    assert not ami.named("AgentCalled")


async def test_queue_add_reads_odd_fields_as_app_queue_does(pbx: PbxSimulator) -> None:
    """A Penalty that is no number (or below 0) is 0; Paused is ast_true; a pause
    Reason without Paused true is not kept; QueueStatus's Member filter names one."""
    async with listening(pbx) as ami:
        added = await ami.act(
            "QueueAdd",
            Queue="support",
            Interface="PJSIP/1003",
            Penalty="-3; Drop",
            Paused="maybe",
            Reason="lunch\u202e",
        )
        [member] = [
            i
            for i in await ami.items("QueueStatus", Member="PJSIP/1003")
            if i.name == "QueueMember"
        ]
        await ami.barrier()
    assert added.message == "Added interface to queue"
    assert (member["Penalty"], member["Paused"], member["PausedReason"]) == ("0", "0", "")
    assert (member["Name"], member["StateInterface"]) == ("PJSIP/1003", "PJSIP/1003")
