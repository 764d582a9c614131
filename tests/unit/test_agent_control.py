"""AgentControl: login, logout, pause, unpause and DND as AMI queue actions, against the
test model of app_queue (its recorded answers and member events)."""

from __future__ import annotations

import pytest

from cti.agents.commands import AgentControl
from cti.agents.members import QueueMembers
from cti.agents.settings import AgentSettings, AgentSetup
from cti.broker.commands import CommandError
from tests.app_queue import AppQueue, AppQueueSender

ALICE = AgentSetup("1001", ("support", "sales"), "PJSIP/1001", "alice", "PJSIP/1001", 2)
BOB_STATIC = "Local/1002@agents"  # bob: a static member of support, no agents entry


def extension_of(*interfaces: str) -> str | None:
    for interface in interfaces:
        if interface in ("PJSIP/1001",):
            return "1001"
        if interface == BOB_STATIC:
            return "1002"
    return None


class Pbx:
    def __init__(self, queues: tuple[str, ...] = ("support", "sales")) -> None:
        self.app_queue = AppQueue(queues)
        self.app_queue.static("support", BOB_STATIC, "Agent 1002")
        self.members = QueueMembers(extension_of)
        self.members.reload(self.app_queue.queue_status())
        self.sender = AppQueueSender(self.app_queue, self.members)
        settings = AgentSettings(agents={"1001": ALICE})
        self.control = AgentControl(self.sender, self.members, settings)

    def actions(self) -> list[tuple[str, ...]]:
        return [(name, *_keyed(fields)) for name, fields in self.app_queue.actions]

    def state(self, queue: str, interface: str) -> tuple[bool, str] | None:
        member = self.app_queue.members.get((queue, interface))
        return None if member is None else (member.paused, member.reason)


def _keyed(fields: dict[str, str]) -> tuple[str, ...]:
    shown = ("Queue", "Interface", "Paused", "Reason")
    return tuple(fields[key] for key in shown if key in fields)


async def test_login_adds_a_dynamic_member_to_each_configured_queue_with_its_fields() -> None:
    pbx = Pbx()
    message = await pbx.control.login("1001")
    assert message == "logged in to support; logged in to sales"
    (_, fields), _ = pbx.app_queue.actions
    assert {k: fields[k] for k in fields if k not in ("Action", "ActionID")} == {
        "Queue": "support",
        "Interface": "PJSIP/1001",
        "MemberName": "alice",
        "StateInterface": "PJSIP/1001",
        "Penalty": "2",
        "Paused": "false",
    }
    assert [m.queue for m in pbx.members.of_extension("1001")] == ["support", "sales"]


async def test_login_to_a_subset_and_again_sends_only_what_is_missing() -> None:
    pbx = Pbx()
    assert await pbx.control.login("1001", ["sales"]) == "logged in to sales"
    message = await pbx.control.login("1001")
    assert message == "logged in to support; already in sales"
    assert [a[0] for a in pbx.actions()] == ["QueueAdd", "QueueAdd"]


async def test_login_to_a_queue_that_is_not_the_agents_is_bad_args_and_sends_nothing() -> None:
    pbx = Pbx()
    with pytest.raises(CommandError) as refused:
        await pbx.control.login("1001", ["support", "vip"])
    assert (refused.value.error_id, refused.value.message) == (
        "bad-args",
        "not a queue of 1001: vip",
    )
    assert pbx.actions() == []


async def test_already_there_from_asterisk_counts_as_logged_in() -> None:
    pbx = Pbx()
    pbx.app_queue.members[("support", "PJSIP/1001")] = pbx.app_queue.static(
        "support", "PJSIP/1001", "alice"
    )  # Asterisk has it, cti has not heard yet
    message = await pbx.control.login("1001", ["support"])
    assert message == "already in support"


async def test_a_queue_missing_on_the_pbx_is_named_while_the_others_log_in() -> None:
    pbx = Pbx(queues=("support",))
    message = await pbx.control.login("1001")
    assert message == "logged in to support; not in sales: the PBX has no queue 'sales'"
    with pytest.raises(CommandError) as refused:
        await pbx.control.logout("1001")
        await pbx.control.login("1001", ["sales"])
    assert refused.value.error_id == "failed"


async def test_logout_removes_dynamic_and_pauses_static_members_saying_so() -> None:
    pbx = Pbx()
    pbx.app_queue.static("sales", BOB_STATIC, "Agent 1002")
    pbx.members.reload(pbx.app_queue.queue_status())
    message = await pbx.control.logout("1002")
    assert message == (
        "static member of support (queues.conf): paused there with reason logged-out instead; "
        "static member of sales (queues.conf): paused there with reason logged-out instead"
    )
    assert pbx.actions() == [
        ("QueuePause", "support", BOB_STATIC, "true", "logged-out"),
        ("QueuePause", "sales", BOB_STATIC, "true", "logged-out"),
    ]
    await pbx.control.login("1001")
    assert await pbx.control.logout("1001") == "logged out of support; logged out of sales"
    assert pbx.members.of_extension("1001") == []


async def test_member_not_dynamic_from_asterisk_turns_the_logout_into_a_pause() -> None:
    pbx = Pbx()
    pbx.app_queue.static("support", "PJSIP/1001", "alice")  # cti does not know it yet
    message = await pbx.control.logout("1001")
    assert message.startswith("static member of support (queues.conf): paused there")
    assert pbx.state("support", "PJSIP/1001") == (True, "logged-out")
    assert ("QueueRemove", "sales", "PJSIP/1001") in pbx.actions()  # Not there: already out


async def test_login_unpauses_a_static_member_paused_logged_out_and_nothing_else() -> None:
    pbx = Pbx()
    await pbx.control.logout("1002")
    assert await pbx.control.login("1002") == "back in support (unpaused from logged-out)"
    assert pbx.state("support", BOB_STATIC) == (False, "")
    await pbx.control.pause("1002", "lunch")
    assert await pbx.control.login("1002") == "already in support"
    assert pbx.state("support", BOB_STATIC) == (True, "lunch")


async def test_pause_pauses_every_membership_with_the_reason() -> None:
    pbx = Pbx()
    await pbx.control.login("1001")
    message = await pbx.control.pause("1001", "lunch")
    assert message == "paused in support (lunch); paused in sales (lunch)"
    assert pbx.state("support", "PJSIP/1001") == (True, "lunch")
    assert pbx.state("sales", "PJSIP/1001") == (True, "lunch")


async def test_pause_of_an_agent_in_no_queue_is_not_logged_in() -> None:
    pbx = Pbx()
    with pytest.raises(CommandError) as refused:
        await pbx.control.pause("1001", "lunch")
    assert refused.value.error_id == "not-logged-in"
    await pbx.control.logout("1002")  # static, paused logged-out: still out
    with pytest.raises(CommandError) as refused:
        await pbx.control.pause("1002", "lunch")
    assert refused.value.error_id == "not-logged-in"
    assert pbx.state("support", BOB_STATIC) == (True, "logged-out")


async def test_unpause_leaves_a_hold_pause_and_a_logout_alone() -> None:
    pbx = Pbx()
    await pbx.control.login("1001")
    await pbx.sender.send_action(
        "QueuePause",
        {"Queue": "support", "Interface": "PJSIP/1001", "Paused": "true", "Reason": "hold"},
    )
    await pbx.sender.send_action(
        "QueuePause",
        {"Queue": "sales", "Interface": "PJSIP/1001", "Paused": "true", "Reason": "wrap-up"},
    )
    message = await pbx.control.unpause("1001")
    assert message == ("support stays paused until the held call is back; available in sales")
    assert pbx.state("support", "PJSIP/1001") == (True, "hold")
    assert pbx.state("sales", "PJSIP/1001") == (False, "")


async def test_unpause_of_a_member_paused_without_any_reason_unpauses_it() -> None:
    pbx = Pbx()
    await pbx.sender.send_action("QueuePause", {"Interface": BOB_STATIC, "Paused": "true"})
    assert await pbx.control.unpause("1002") == "available in support"
    assert await pbx.control.unpause("1002") == "1002 was not paused"


async def test_dnd_pauses_with_reason_dnd_and_off_undoes_only_dnd() -> None:
    pbx = Pbx()
    await pbx.control.login("1001")
    assert await pbx.control.dnd("1001", True) == "paused in support (dnd); paused in sales (dnd)"
    await pbx.control.pause("1001", "break")  # takes over in both queues
    await pbx.control.dnd("1001", True)
    await pbx.sender.send_action(
        "QueuePause",
        {"Queue": "sales", "Interface": "PJSIP/1001", "Paused": "true", "Reason": "meeting"},
    )
    assert await pbx.control.dnd("1001", False) == "available in support"
    assert pbx.state("sales", "PJSIP/1001") == (True, "meeting")
    assert await pbx.control.dnd("1001", False) == "1001 was not on do not disturb"


async def test_an_agent_without_queues_gets_no_queues() -> None:
    pbx = Pbx()
    for attempt in (pbx.control.login("1003"), pbx.control.pause("1003", "lunch")):
        with pytest.raises(CommandError) as refused:
            await attempt
        assert refused.value.error_id == "no-queues"
    assert not pbx.control.has_queues("1003")
    assert pbx.control.has_queues("1002")  # a static member without configuration
    assert pbx.control.queues_of("1001") == ["support", "sales"]


async def test_permission_denied_stops_at_the_first_queue() -> None:
    pbx = Pbx()
    pbx.app_queue.write_allowed = False
    with pytest.raises(CommandError) as refused:
        await pbx.control.login("1001")
    assert (refused.value.error_id, refused.value.message) == (
        "ami-permission-denied",
        "Permission denied",
    )
    assert len(pbx.actions()) == 1
