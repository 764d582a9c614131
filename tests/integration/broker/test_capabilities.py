"""A welcome's `capabilities` and what the broker accepts are the same list, for everyone.

The desktop shows only the listed controls; a command that is not listed must be refused
`not-supported`, and a listed one must never be.
"""

from __future__ import annotations

from typing import Any

import pytest

from cti.broker import CommandError
from cti.protocol import CMD_ANSWER, command_frame
from tests.broker_events import answered, ringing
from tests.call_control_stub import ALL_COMMANDS
from tests.integration.broker.conftest import BrokerServer, StartServer, receive_json

WITHOUT_ANSWER = [name for name in ALL_COMMANDS if name != CMD_ANSWER]

# Extension → what its device can do, as ControlSettings.commands_for says for desk phones
# with and without the answer NOTIFY.
DEVICES = {"1001": ALL_COMMANDS, "1002": WITHOUT_ANSWER, "1900": WITHOUT_ANSWER}

ARGS: dict[str, dict[str, Any]] = {
    "call.answer": {"call_id": "ringing"},
    "call.hangup": {"call_id": "talking"},
    "call.hold": {"call_id": "talking"},
    "call.resume": {"call_id": "talking"},
    "call.transfer": {"call_id": "talking", "to": "1003"},
    "call.dial": {"number": "0612345678"},
}


async def capable_broker(start_broker: StartServer, devices: dict[str, list[str]]) -> BrokerServer:
    server = await start_broker()
    control = server.control

    def capabilities(extension: str) -> list[str]:
        return list(devices.get(extension, []))

    async def answer(call_id: str, extension: str) -> None:
        if CMD_ANSWER not in capabilities(extension):  # as AmiCallControl does
            raise CommandError("not-supported", "this phone cannot be answered remotely")
        control.others.append(("answer", call_id, extension))

    control.capabilities = capabilities  # type: ignore[method-assign]
    control.answer = answer  # type: ignore[method-assign]
    hub = server.ctx.broker
    hub.publish(ringing("ringing", "1001"))
    hub.publish(ringing("talking", "1001"))
    hub.publish(answered("talking", "1001"))
    return server


async def listed_and_refused(server: BrokerServer, token: str) -> tuple[set[str], set[str]]:
    """The welcome's capabilities, and the commands refused with not-supported."""
    ws, welcome = await server.connect(token)
    refused = set()
    for name in ALL_COMMANDS:
        await ws.send_json(command_frame(name, name, ARGS[name]))
        while (frame := await receive_json(ws))["op"] != "result":
            pass
        assert frame["id"] == name
        if frame["error"] == "not-supported":
            refused.add(name)
        else:
            assert frame["error"] != "unknown-command", frame
    await ws.close()
    return set(welcome["capabilities"]), refused


@pytest.mark.parametrize("token", ["tok-alice", "tok-sue"])
async def test_listed_commands_are_exactly_those_not_refused_as_not_supported(
    start_broker: StartServer, token: str
) -> None:
    server = await capable_broker(start_broker, DEVICES)
    listed, refused = await listed_and_refused(server, token)
    assert listed == set(ALL_COMMANDS) - refused
    assert listed | refused == set(ALL_COMMANDS)


async def test_a_supervisor_whose_phone_cannot_answer_cannot_answer_an_agents_call(
    start_broker: StartServer,
) -> None:
    """It used to work (acting on the agent's phone) though the welcome did not list it."""
    server = await capable_broker(start_broker, DEVICES)
    listed, refused = await listed_and_refused(server, "tok-sue")
    assert CMD_ANSWER not in listed and CMD_ANSWER in refused
    assert [sent for sent in server.control.others if sent[0] == "answer"] == []


async def test_a_supervisor_whose_phone_can_answer_has_it_listed_and_accepted(
    start_broker: StartServer,
) -> None:
    server = await capable_broker(start_broker, {**DEVICES, "1900": ALL_COMMANDS})
    listed, refused = await listed_and_refused(server, "tok-sue")
    assert CMD_ANSWER in listed and refused == set()
    assert ("answer", "ringing", "1001") in server.control.others


async def test_an_agent_whose_phone_answers_on_notify_keeps_answer(
    start_broker: StartServer,
) -> None:
    server = await capable_broker(start_broker, DEVICES)
    listed, refused = await listed_and_refused(server, "tok-alice")
    assert CMD_ANSWER in listed and refused == set()
    assert ("answer", "ringing", "1001") in server.control.others


async def test_an_agent_whose_device_lists_nothing_may_do_nothing(
    start_broker: StartServer,
) -> None:
    server = await capable_broker(start_broker, {})
    ws, welcome = await server.connect("tok-bob")
    assert welcome["capabilities"] == []
    await ws.send_json(command_frame("d", "call.dial", {"number": "0612"}))
    assert (await receive_json(ws))["error"] == "not-supported"
