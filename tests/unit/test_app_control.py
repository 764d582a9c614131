"""Call control over AMI and the pop pipeline, without sockets."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest

from cti.ami.actions import AmiDisconnected
from cti.ami.messages import Response
from cti.app import PopPipeline
from cti.broker import BrokerMetrics, CommandError
from cti.calls.model import Call, Channel
from cti.control import AmiCallControl, ControlSettings, error_for
from cti.lookup import LookupResult, LookupService
from cti.protocol import Called, CallEnded, CallRinging, DomainEvent, Party


@dataclass
class FakeAmi:
    """Answers every action with ``reply``; records what was sent."""

    reply: Response = field(default_factory=lambda: Response(status="Success"))
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    down: bool = False

    async def send_action(self, name: str, fields: dict[str, str]) -> Response:
        if self.down:
            raise AmiDisconnected("down")
        self.sent.append((name, fields))
        return self.reply


def call_with_leg() -> dict[str, Call]:
    leg = Channel("1.2", "PJSIP/1001-00000002", "1.1", "1001", False)
    caller = Channel("1.1", "PJSIP/trunk-00000001", "1.1", None, False)
    return {"1.1": Call("1.1", {"1.1": caller, "1.2": leg})}


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Permission denied", "ami-permission-denied"),
        ("No such channel", "call-gone"),
        ("Originate failed", "failed"),
    ],
)
def test_ami_error_messages_map_to_protocol_error_ids(message: str, error: str) -> None:
    assert error_for(message) == error


async def test_hangup_hangs_up_the_agents_own_channel() -> None:
    ami = FakeAmi()
    await AmiCallControl(ami, call_with_leg()).hangup("1.1", "1001")
    assert ami.sent == [("Hangup", {"Channel": "PJSIP/1001-00000002"})]


async def test_hangup_without_a_leg_of_that_extension_is_call_gone() -> None:
    ami = FakeAmi()
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, call_with_leg()).hangup("1.1", "1002")
    assert caught.value.error_id == "call-gone" and ami.sent == []


async def test_refused_hangup_carries_the_mapped_error() -> None:
    ami = FakeAmi(Response({"Message": "Permission denied"}, status="Error"))
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, call_with_leg()).hangup("1.1", "1001")
    assert caught.value.error_id == "ami-permission-denied"


async def test_dial_originates_from_the_configured_device() -> None:
    ami = FakeAmi()
    settings = ControlSettings(dial_channel="SIP/{extension}", dial_context="agents")
    control = AmiCallControl(ami, {}, settings)
    await control.dial("1001", "+14155550123")
    name, fields = ami.sent[0]
    assert name == "Originate"
    assert (fields["Channel"], fields["Exten"], fields["Context"]) == (
        "SIP/1001",
        "+14155550123",
        "agents",
    )


async def test_dial_refuses_a_number_that_is_not_diallable() -> None:
    ami = FakeAmi()
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, {}).dial("1001", "123;Hangup")
    assert caught.value.error_id == "bad-args" and ami.sent == []


async def test_dial_while_the_ami_is_down_says_so() -> None:
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(FakeAmi(down=True), {}).dial("1001", "200")
    assert caught.value.error_id == "ami-disconnected"


class BrokenSource:
    name = "broken"
    local = True

    async def lookup(self, e164: str, raw: str) -> list[dict[str, Any]]:
        raise RuntimeError("database is gone")


def ringing(call_id: str = "9.1") -> CallRinging:
    return CallRinging(
        call_id=call_id,
        extension="1001",
        caller=Party("+14155550123", "Alice"),
        called=Called("1001", None),
        audience=frozenset({"1001"}),
    )


def ended(call_id: str) -> CallEnded:
    return CallEnded(call_id=call_id, cause=16, cause_text="Normal Clearing", answered_by=None)


async def test_failing_lookup_still_pops_with_contact_null() -> None:
    published: list[DomainEvent] = []
    pipeline = PopPipeline(published.append, LookupService([BrokenSource()]), BrokerMetrics())
    pipeline.feed(ringing())
    await asyncio.sleep(0.5)
    assert len(published) == 1
    event = published[0]
    assert isinstance(event, CallRinging) and event.contact is None


async def test_later_event_of_a_call_waits_for_its_pop() -> None:
    published: list[str] = []
    gate = asyncio.Event()
    lookup = LookupService([])

    async def slow(number: str | None) -> LookupResult:
        await gate.wait()
        return LookupResult.unknown(number)

    lookup.lookup = slow  # type: ignore[method-assign]
    pipeline = PopPipeline(lambda e: published.append(e.type), lookup, BrokerMetrics())
    pipeline.feed(ringing("9.1"))
    pipeline.feed(
        CallEnded(call_id="9.1", cause=16, cause_text="Normal Clearing", answered_by=None)
    )
    pipeline.feed(
        CallEnded(call_id="7.1", cause=16, cause_text="Normal Clearing", answered_by=None)
    )
    assert published == ["call.ended"]  # another call is not held up
    gate.set()
    await asyncio.sleep(0.05)
    assert published == ["call.ended", "call.ringing", "call.ended"]
