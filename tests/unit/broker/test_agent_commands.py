"""The contact-centre commands are authorized before anything reaches the PBX: an agent
acts on itself only, a supervisor on any agent, only supervisors listen in."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cti.broker.agent_commands import AGENT_COMMANDS, SUPERVISOR_COMMANDS, AgentCommands
from cti.broker.auth import AgentDirectory, AgentIdentity
from cti.broker.commands import CommandService
from cti.broker.routing import CallBook
from tests.call_control_stub import ALL_COMMANDS, StubAgentControl, StubCallControl, StubSpyControl

ALICE = AgentIdentity("alice", "1001")
BOB = AgentIdentity("bob", "1002")
CAROL = AgentIdentity("carol", "1003")  # an agent without queues
SUE = AgentIdentity("sue", "9000", "supervisor")
DIRECTORY = AgentDirectory({f"{i.agent_id}-token-0123456789": i for i in (ALICE, BOB, CAROL, SUE)})


class Setup:
    def __init__(self, timeout: float = 1.0) -> None:
        self.control = StubAgentControl()
        self.spy = StubSpyControl()
        agents = AgentCommands(lambda: DIRECTORY, self.control, self.spy)
        self.service = CommandService(CallBook(), StubCallControl(), timeout, agents)

    async def run(self, who: AgentIdentity, name: str, **args: Any) -> tuple[str | None, str]:
        result = await self.service.run(who, name, args)
        assert result.ok == (result.error is None)
        return result.error, result.message


async def test_an_agent_pauses_itself() -> None:
    setup = Setup()
    assert await setup.run(ALICE, "agent.pause", reason="lunch") == (None, "paused 1001")
    assert await setup.run(ALICE, "agent.login", agent="alice") == (None, "logged in 1001")
    assert setup.control.sent == [("pause", "1001", "lunch"), ("login", "1001", None)]


@pytest.mark.parametrize("name", AGENT_COMMANDS)
async def test_an_agent_naming_another_agent_is_not_a_supervisor(name: str) -> None:
    setup = Setup()
    error, message = await setup.run(ALICE, name, agent="bob", reason="lunch", on=True)
    assert (error, message) == ("not-a-supervisor", "only a supervisor may act on another agent")
    assert setup.control.sent == []


async def test_a_supervisor_acts_on_the_agent_it_names() -> None:
    setup = Setup()
    assert (await setup.run(SUE, "agent.logout", agent="bob"))[0] is None
    assert (await setup.run(SUE, "agent.pause", agent="alice", reason="break"))[0] is None
    assert (await setup.run(SUE, "agent.dnd", agent="alice", on=False))[0] is None
    assert setup.control.sent == [
        ("logout", "1002"),
        ("pause", "1001", "break"),
        ("dnd", "1001", False),
    ]


@pytest.mark.parametrize("agent", ["mallory", "", 7, ["bob"]])
async def test_a_supervisor_naming_no_agent_is_refused(agent: object) -> None:
    setup = Setup()
    error, _ = await setup.run(SUE, "agent.unpause", agent=agent)
    assert error == ("no-such-agent" if agent == "mallory" else "bad-args")
    assert setup.control.sent == []


@pytest.mark.parametrize("name", SUPERVISOR_COMMANDS)
async def test_only_a_supervisor_listens_whispers_or_barges(name: str) -> None:
    setup = Setup()
    assert (await setup.run(ALICE, name, extension="1002"))[0] == "not-a-supervisor"
    mode = name.rpartition(".")[2]
    assert await setup.run(SUE, name, extension="1002") == (None, f"{mode} 1002")
    assert setup.spy.sent == [("9000", "1002", mode)]


@pytest.mark.parametrize(
    ("extension", "error"), [("1999", "no-such-extension"), (None, "bad-args")]
)
async def test_listening_to_no_agents_extension_is_refused(extension: str, error: str) -> None:
    setup = Setup()
    assert (await setup.run(SUE, "supervisor.listen", extension=extension))[0] == error
    assert setup.spy.sent == []


async def test_capabilities_list_agent_commands_if_queues_and_spying_for_supervisors() -> None:
    service = Setup().service
    assert service.capabilities(ALICE) == [*ALL_COMMANDS, *AGENT_COMMANDS]
    assert service.capabilities(CAROL) == ALL_COMMANDS
    assert service.capabilities(SUE) == [*ALL_COMMANDS, *AGENT_COMMANDS, *SUPERVISOR_COMMANDS]


async def test_an_agent_without_queues_is_not_supported() -> None:
    setup = Setup()
    assert (await setup.run(CAROL, "agent.login"))[0] == "not-supported"
    assert setup.control.sent == []


@pytest.mark.parametrize(
    ("name", "args", "error"),
    [
        ("agent.pause", {"reason": "nap"}, "unknown-pause-reason"),
        ("agent.pause", {"reason": "LUNCH"}, "unknown-pause-reason"),
        ("agent.pause", {}, "bad-args"),
        ("agent.pause", {"reason": ["lunch"]}, "bad-args"),
        ("agent.dnd", {"on": "yes"}, "bad-args"),
        ("agent.dnd", {}, "bad-args"),
        ("agent.login", {"queues": "support"}, "bad-args"),
        ("agent.login", {"queues": []}, "bad-args"),
        ("agent.login", {"queues": ["support", 3]}, "bad-args"),
        ("agent.login", {"queues": ["q"] * 101}, "bad-args"),
    ],
)
async def test_bad_arguments_are_refused_before_the_pbx(
    name: str, args: dict[str, Any], error: str
) -> None:
    setup = Setup()
    assert (await setup.run(ALICE, name, **args))[0] == error
    assert setup.control.sent == []


async def test_the_unknown_reason_message_lists_the_allowed_ones() -> None:
    setup = Setup()
    _, message = await setup.run(ALICE, "agent.pause", reason="nap")
    assert message == "unknown pause reason; allowed: lunch, break"


async def test_without_agent_control_the_commands_are_not_configured() -> None:
    agents = AgentCommands(lambda: DIRECTORY)
    service = CommandService(CallBook(), StubCallControl(), 1.0, agents)
    for who, name in ((ALICE, "agent.login"), (SUE, "supervisor.barge")):
        result = await service.run(who, name, {"extension": "1001"})
        assert result.error == "not-configured"
    assert service.capabilities(SUE) == ALL_COMMANDS


async def test_a_slow_pbx_answers_timeout() -> None:
    setup = Setup(timeout=0.05)

    async def stuck(extension: str) -> str:
        await asyncio.sleep(30)
        return ""

    setup.control.unpause = stuck  # type: ignore[method-assign]
    assert (await setup.run(ALICE, "agent.unpause"))[0] == "timeout"
