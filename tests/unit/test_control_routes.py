"""Call control without sockets: which AMI actions each button sends, the device rules,
the fallbacks, and the `calls` config that drives them (broken config included)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cti.ami.messages import Response
from cti.broker import CommandError
from cti.calls.model import Call, Channel
from cti.config import ConfigError, load_config
from cti.config.call_options import Device
from cti.control import AmiCallControl, ControlSettings, settings_from

YEALINK = ControlSettings(devices={"1001": Device("deskphone", "yealink T46U")})


@dataclass
class ScriptedAmi:
    """Answers each action from `replies` (by name; Success otherwise); records them."""

    replies: dict[str, Response] = field(default_factory=dict)
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    async def send_action(self, name: str, fields: dict[str, str]) -> Response:
        self.sent.append((name, fields))
        return self.replies.get(name, Response(status="Success"))


def refused(message: str) -> Response:
    return Response({"Message": message}, status="Error")


def talking_call() -> dict[str, Call]:
    caller = Channel("1.1", "PJSIP/trunk-00000001", "1.1", None, False, bridge="b1")
    caller.cid_num, caller.cid_name = "+14155550123", 'Alice "Al" Example'
    agent = Channel("1.2", "PJSIP/1001-00000002", "1.1", "1001", False, bridge="b1")
    agent.answered = True
    return {"1.1": Call("1.1", {"1.1": caller, "1.2": agent}, origin=caller)}


async def test_blind_transfer_falls_back_to_redirecting_the_caller() -> None:
    ami = ScriptedAmi({"BlindTransfer": refused("Transfer invalid")})
    route = await AmiCallControl(ami, talking_call()).transfer("1.1", "1001", "1002", "blind")
    assert route == "redirect"
    assert [name for name, _ in ami.sent] == ["BlindTransfer", "Redirect"]
    redirect = ami.sent[1][1]
    assert (redirect["Channel"], redirect["Exten"], redirect["Context"]) == (
        "PJSIP/trunk-00000001",
        "1002",
        "from-internal",
    )


async def test_blind_transfer_refused_for_permission_is_not_retried() -> None:
    ami = ScriptedAmi({"BlindTransfer": refused("Permission denied")})
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, talking_call()).transfer("1.1", "1001", "1002", "blind")
    assert caught.value.error_id == "ami-permission-denied"
    assert len(ami.sent) == 1


async def test_hold_that_asterisk_refuses_says_why_the_call_cannot_be_parked() -> None:
    ami = ScriptedAmi({"Park": refused("Park action failed\n")})
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, talking_call()).hold("1.1", "1001")
    assert caught.value.error_id == "failed"
    assert caught.value.message == "this call cannot be parked: Park action failed"
    calls = talking_call()
    del calls["1.1"].channels["1.1"]  # the far party is gone
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, calls).hold("1.1", "1001")
    assert caught.value.message == "this call cannot be parked: nobody else is on it"


async def test_hold_parks_the_far_party_and_resume_originates_into_the_space() -> None:
    ami, calls = ScriptedAmi(), talking_call()
    settings = ControlSettings(parking_lot="sales", park_timeout=60, parking_context="park")
    control = AmiCallControl(ami, calls, settings)
    await control.hold("1.1", "1001")
    assert ami.sent[0] == (
        "Park",
        {
            "Channel": "PJSIP/trunk-00000001",
            "TimeoutChannel": "PJSIP/1001-00000002",
            "Parkinglot": "sales",
            "Timeout": "60000",
        },
    )
    with pytest.raises(CommandError) as caught:
        await control.resume("1.1", "1001")
    assert caught.value.error_id == "bad-args", "not parked yet"
    calls["1.1"].parked_space = "702"
    await control.resume("1.1", "1001")
    name, fields = ami.sent[-1]
    assert (name, fields["Channel"], fields["Context"], fields["Exten"]) == (
        "Originate",
        "PJSIP/1001",
        "park",
        "702",
    )
    assert fields["CallerID"] == '"Alice Al Example" <+14155550123>'


async def test_answer_only_on_a_ringing_leg_of_a_supported_phone() -> None:
    ami, calls = ScriptedAmi(), talking_call()
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, calls).answer("1.1", "1001")
    assert caught.value.error_id == "not-supported", "no model configured"
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, calls, YEALINK).answer("1.1", "1001")
    assert caught.value.error_id == "call-gone", "already answered"
    leg = calls["1.1"].channels["1.2"]
    leg.answered, leg.ringing = False, True
    await AmiCallControl(ami, calls, YEALINK).answer("1.1", "1001")
    assert ami.sent == [("PJSIPNotify", {"Endpoint": "1001", "Variable": "Event=talk"})]


async def test_unknown_endpoint_answer_maps_to_no_such_extension() -> None:
    calls = talking_call()
    leg = calls["1.1"].channels["1.2"]
    leg.answered, leg.ringing = False, True
    ami = ScriptedAmi({"PJSIPNotify": refused("Unable to retrieve endpoint 1001")})
    with pytest.raises(CommandError) as caught:
        await AmiCallControl(ami, calls, YEALINK).answer("1.1", "1001")
    assert caught.value.error_id == "no-such-extension"


def test_capabilities_follow_the_device() -> None:
    settings = ControlSettings(
        device="deskphone",
        devices={
            "1001": Device("deskphone", "Yealink T54W"),
            "1002": Device("softphone"),
            "1003": Device("deskphone", "Cisco 7941"),
        },
    )
    assert "call.answer" in settings.commands_for("1001")
    for extension in ("1002", "1003", "1004"):
        commands = settings.commands_for(extension)
        assert "call.answer" not in commands, extension
        assert {"call.hold", "call.resume", "call.transfer"} <= set(commands)
    sip = ControlSettings(dial_channel="SIP/{extension}", devices=YEALINK.devices)
    assert not sip.can_answer("1001"), "PJSIPNotify needs a PJSIP endpoint"


@pytest.mark.parametrize("number", ["12;Hangup", "1001,t", "", "+", "abc", "1" * 40])
def test_dial_rules_refuse_what_could_break_a_dial_string(number: str) -> None:
    with pytest.raises(CommandError) as caught:
        ControlSettings(dial_rules=(".*",)).checked_number(number)
    assert caught.value.error_id == "bad-args"


def test_dial_rules_from_config_restrict_numbers() -> None:
    national = ControlSettings(dial_rules=(r"^0\d{9}$",))
    assert national.checked_number("06 12 34 56 78") == "0612345678"
    with pytest.raises(CommandError):
        national.checked_number("+33612345678")


async def test_transfer_to_an_unknown_agent_extension_is_refused_before_asterisk() -> None:
    ami = ScriptedAmi()
    control = AmiCallControl(ami, talking_call(), extensions=["1001", "1002"])
    with pytest.raises(CommandError) as caught:
        await control.transfer("1.1", "1001", "1003", "blind")
    assert caught.value.error_id == "no-such-extension" and ami.sent == []
    await control.transfer("1.1", "1001", "0612345678", "blind")  # not extension-shaped
    assert ami.sent[0][1]["Exten"] == "0612345678"


def write_calls(directory: Path, text: str) -> None:
    (directory / "cti.yaml").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def test_devices_config_becomes_control_settings(tmp_path: Path) -> None:
    write_calls(
        tmp_path,
        """
        calls:
          answer_notify_event: answer
          devices:
            '1001': {kind: deskphone, model: Snom D785}
            '1002': {kind: softphone}
        """,
    )
    settings = settings_from(load_config(tmp_path).calls)
    assert settings.device_of("1002") == Device("softphone", "")
    assert settings.can_answer("1001") and settings.answer_notify_event == "answer"


@pytest.mark.parametrize(
    ("devices", "complaint"),
    [
        ("'1001': {kind: headset}", "kind must be one of deskphone, softphone"),
        ("'1001': {kind: deskphone, colour: red}", "unknown key 'colour'"),
        ("'x1': {kind: deskphone}", "extension must be 2 to 8 digits"),
        ("'1001': deskphone", "expected kind and model"),
    ],
)
def test_broken_devices_config_is_reported_with_its_key(
    tmp_path: Path, devices: str, complaint: str
) -> None:
    write_calls(tmp_path, f"calls:\n  devices:\n    {devices}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    problems = [p for p in caught.value.problems if p.is_error]
    assert [p.key for p in problems] == ["calls.devices"]
    assert complaint in problems[0].message


def test_a_bad_dial_rule_is_a_config_error(tmp_path: Path) -> None:
    write_calls(tmp_path, "calls:\n  dial_rules:\n    - '^(\\d+$'\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert [p.key for p in caught.value.problems if p.is_error] == ["calls.dial_rules"]
