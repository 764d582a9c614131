"""CommandService refuses what an identity may not do, before anything reaches the PBX."""

from __future__ import annotations

import asyncio

from cti.broker.auth import AgentIdentity
from cti.broker.commands import CommandError, CommandService
from cti.broker.routing import CallBook
from tests.broker_events import ringing

ALICE = AgentIdentity("alice", "1001")


class SlowControl:
    async def hangup(self, call_id: str, extension: str) -> None:
        await asyncio.sleep(5)

    async def dial(self, extension: str, number: str) -> None:
        raise RuntimeError("AMI exploded")


class RefusingControl:
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
