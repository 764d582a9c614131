"""CommandService refuses what an identity may not do, before anything reaches the PBX."""

from __future__ import annotations

import asyncio

import pytest

from cti.broker.auth import AgentIdentity
from cti.broker.commands import CommandError, CommandService
from cti.broker.routing import CallBook
from tests.broker_events import answered, ringing
from tests.call_control_stub import ALL_COMMANDS, StubCallControl

ALICE = AgentIdentity("alice", "1001")


class SlowControl(StubCallControl):
    async def hangup(self, call_id: str, extension: str) -> None:
        await asyncio.sleep(5)

    async def dial(self, extension: str, number: str) -> None:
        raise RuntimeError("AMI exploded")


class RefusingControl(StubCallControl):
    async def hangup(self, call_id: str, extension: str) -> None:
        raise CommandError("call-gone", "already over")

    async def dial(self, extension: str, number: str) -> None:
        raise CommandError("not-your-call", "no")


def book_with_call() -> CallBook:
    book = CallBook()
    book.apply(ringing("c1", "1001"))
    return book


async def test_without_call_control_commands_say_not_configured() -> None:
    service = CommandService(book_with_call(), None, 1.0)
    result = await service.run(ALICE, "call.dial", {"number": "1"})
    assert (result.ok, result.error) == (False, "not-configured")


async def test_slow_pbx_answers_timeout_and_crash_answers_failed() -> None:
    service = CommandService(book_with_call(), SlowControl(), 0.05)
    slow = await service.run(ALICE, "call.hangup", {"call_id": "c1"})
    assert (slow.ok, slow.error) == (False, "timeout")
    crashed = await service.run(ALICE, "call.dial", {"number": "1"})
    assert (crashed.ok, crashed.error) == (False, "failed")
    assert "exploded" not in crashed.message


async def test_command_error_from_control_is_passed_through() -> None:
    service = CommandService(book_with_call(), RefusingControl(), 1.0)
    result = await service.run(ALICE, "call.hangup", {"call_id": "c1"})
    assert (result.ok, result.error, result.message) == (False, "call-gone", "already over")


async def test_not_your_call_is_decided_before_the_pbx_is_asked() -> None:
    service = CommandService(book_with_call(), SlowControl(), 5.0)
    bob = AgentIdentity("bob", "1002")
    result = await asyncio.wait_for(service.run(bob, "call.hangup", {"call_id": "c1"}), 1.0)
    assert result.error == "not-your-call"


SUE = AgentIdentity("sue", "1009", "supervisor")
BOB = AgentIdentity("bob", "1002")


def answered_call() -> CallBook:
    book = book_with_call()
    book.apply(answered("c1", "1001"))
    return book


@pytest.mark.parametrize(
    ("name", "args", "sent"),
    [
        ("call.hold", {}, ("hold", "c1", "1001")),
        ("call.resume", {}, ("resume", "c1", "1001")),
        ("call.transfer", {"to": "1002"}, ("transfer", "c1", "1001", "1002", "blind")),
        (
            "call.transfer",
            {"to": "1002", "mode": "attended"},
            ("transfer", "c1", "1001", "1002", "attended"),
        ),
        ("call.transfer", {"action": "complete"}, ("complete", "c1", "1001")),
        ("call.transfer", {"action": "cancel"}, ("cancel", "c1", "1001")),
    ],
)
async def test_own_call_commands_reach_the_pbx_for_the_agents_extension(
    name: str, args: dict[str, str], sent: tuple[str, ...]
) -> None:
    control = StubCallControl()
    result = await CommandService(answered_call(), control, 1.0).run(
        ALICE, name, {"call_id": "c1", **args}
    )
    assert result.ok, result
    assert control.sent == [sent]


@pytest.mark.parametrize("name", ["call.hold", "call.resume", "call.transfer", "call.answer"])
async def test_another_agents_call_is_refused_for_every_command(name: str) -> None:
    control = StubCallControl()
    result = await CommandService(answered_call(), control, 1.0).run(
        BOB, name, {"call_id": "c1", "to": "1003"}
    )
    assert (result.ok, result.error) == (False, "not-your-call")
    assert control.sent == []


async def test_supervisor_acts_on_the_answering_extension() -> None:
    control = StubCallControl()
    result = await CommandService(answered_call(), control, 1.0).run(
        SUE, "call.hold", {"call_id": "c1"}
    )
    assert result.ok and control.sent == [("hold", "c1", "1001")]


async def test_supervisor_answers_for_the_ringing_extension() -> None:
    control = StubCallControl()
    result = await CommandService(book_with_call(), control, 1.0).run(
        SUE, "call.answer", {"call_id": "c1"}
    )
    assert result.ok and control.sent == [("answer", "c1", "1001")]


@pytest.mark.parametrize(
    "args",
    [
        {"call_id": "c1"},
        {"call_id": "c1", "to": ""},
        {"call_id": "c1", "to": "1002", "mode": "warm"},
        {"call_id": "c1", "action": "finish"},
        {"to": "1002"},
    ],
)
async def test_transfer_with_bad_args_is_refused(args: dict[str, str]) -> None:
    control = StubCallControl()
    result = await CommandService(answered_call(), control, 1.0).run(ALICE, "call.transfer", args)
    assert (result.ok, result.error) == (False, "bad-args")
    assert control.sent == []


async def test_answer_on_a_phone_that_cannot_is_not_supported() -> None:
    control = StubCallControl(commands=["call.hangup", "call.dial"])
    result = await CommandService(book_with_call(), control, 1.0).run(
        ALICE, "call.answer", {"call_id": "c1"}
    )
    assert (result.ok, result.error) == (False, "not-supported")
    assert control.sent == []


async def test_capabilities_come_from_the_agents_device() -> None:
    control = StubCallControl(commands=["call.hangup", "call.hold"])
    assert CommandService(CallBook(), control, 1.0).capabilities(ALICE) == [
        "call.hangup",
        "call.hold",
    ]
    assert CommandService(CallBook(), None, 1.0).capabilities(ALICE) == []


async def test_commands_on_an_unknown_call_say_no_such_call() -> None:
    control = StubCallControl()
    service = CommandService(CallBook(), control, 1.0)
    for name in ("call.hold", "call.resume", "call.answer", "call.transfer"):
        result = await service.run(ALICE, name, {"call_id": "nope", "to": "1002"})
        assert result.error == "no-such-call", name
    assert control.sent == []


@pytest.mark.parametrize("identity", [ALICE, SUE], ids=["agent", "supervisor"])
@pytest.mark.parametrize("name", ALL_COMMANDS)
async def test_a_command_missing_from_the_identitys_capabilities_is_not_supported(
    identity: AgentIdentity, name: str
) -> None:
    others = [command for command in ALL_COMMANDS if command != name]
    control = StubCallControl(commands=others)
    args = {"call_id": "c1", "number": "0612", "to": "1002"}
    service = CommandService(answered_call(), control, 1.0)
    assert name not in service.capabilities(identity)
    result = await service.run(identity, name, args)
    assert (result.ok, result.error) == (False, "not-supported")
    assert control.sent == []


async def test_unknown_command_is_unknown_even_without_call_control() -> None:
    result = await CommandService(CallBook(), None, 1.0).run(ALICE, "call.teleport", {})
    assert result.error == "unknown-command"
