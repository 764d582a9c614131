"""Listen, whisper and barge: the AMI Originate into ChanSpy, on the exact leg of the
agent's call that the tracker learnt from a real Asterisk (chanspy_listen recording)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.ami.messages import Event
from cti.ami.transcript import read_transcript
from cti.broker.commands import CommandError
from cti.calls.extensions import ExtensionRules
from cti.calls.tracker import CallTracker
from cti.control import ControlSettings
from cti.control.spy import SpyControl
from tests.unit.test_control_routes import ScriptedAmi, refused, talking_call

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami"
LAB = ControlSettings(dial_channel="Local/{extension}@agents")


def tracker_before_the_spy() -> CallTracker:
    """The chanspy_listen call up to the recorded supervisor's ChanSpyStart: 1001 talks."""
    transcript = read_transcript(FIXTURES / "chanspy_listen.raw")
    tracker = CallTracker(ExtensionRules.from_strings())
    for frame in transcript.events[: transcript.index("ChanSpyStart")]:
        assert isinstance(frame.message, Event)
        tracker.handle(frame.message)
    return tracker


@pytest.mark.parametrize(
    ("mode", "options", "doing"),
    [
        ("listen", "qE", "listen to"),
        ("whisper", "qwE", "whisper to"),
        ("barge", "qBE", "barge in on"),
    ],
)
async def test_spy_rings_the_supervisors_device_into_chanspy_on_the_agents_bridged_half(
    mode: str, options: str, doing: str
) -> None:
    ami = ScriptedAmi()
    spy = SpyControl(ami, tracker_before_the_spy().calls, LAB)
    message = await spy.spy("9000", "1001", mode)
    assert message == f"your phone 9000 is ringing: pick it up to {doing} 1001's call"
    ((name, fields),) = ami.sent
    assert name == "Originate"
    assert fields == {
        "Channel": "Local/9000@agents",
        "Application": "ChanSpy",
        "Data": f"Local/1001@agents-00000037;1,{options}",  # the ;1 half in the bridge
        "CallerID": f'"{mode} 1001" <1001>',
        "Async": "true",
    }


async def test_a_pjsip_agent_is_spied_on_by_its_channel_not_its_device_prefix() -> None:
    ami = ScriptedAmi()
    await SpyControl(ami, talking_call(), ControlSettings()).spy("9000", "1001", "listen")
    assert ami.sent[0][1]["Data"] == "PJSIP/1001-00000002,qE"
    assert ami.sent[0][1]["Channel"] == "PJSIP/9000"


async def test_an_agent_on_no_call_cannot_be_listened_to() -> None:
    ami = ScriptedAmi()
    with pytest.raises(CommandError) as caught:
        await SpyControl(ami, tracker_before_the_spy().calls, LAB).spy("9000", "1002", "listen")
    assert (caught.value.error_id, caught.value.message) == (
        "no-such-call",
        "1002 is not talking on any call",
    )
    assert ami.sent == []


async def test_an_originate_refused_for_permission_is_ami_permission_denied() -> None:
    ami = ScriptedAmi({"Originate": refused("Permission denied")})
    with pytest.raises(CommandError) as caught:
        await SpyControl(ami, talking_call(), ControlSettings()).spy("9000", "1001", "barge")
    assert caught.value.error_id == "ami-permission-denied"


async def test_spying_on_oneself_or_an_unknown_mode_is_bad_args() -> None:
    spy = SpyControl(ScriptedAmi(), talking_call(), ControlSettings())
    for supervisor, mode in (("1001", "listen"), ("9000", "record")):
        with pytest.raises(CommandError) as caught:
            await spy.spy(supervisor, "1001", mode)
        assert caught.value.error_id == "bad-args"
