"""Which extensions are agents: the config's accounts, and what the events show."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from cti.agents.roster import AgentProfile
from cti.ami.messages import Event
from cti.assembly import agent_profiles
from cti.calls.extensions import ExtensionRules
from cti.config import load_config
from cti.pipeline import event_pipeline
from cti.protocol import AgentState, Called, CallRinging, Party
from tests.unit.test_app_config import write

ACCOUNTS = (
    "    alice: {token: alice-token-0123456789, extension: '1001'}\n"
    "    sue: {token: sue-token-0123456789ab, extension: '1009', role: supervisor}\n"
)


def test_accounts_become_profiles_and_a_supervisors_phone_is_no_agent_yet(
    tmp_path: Path,
) -> None:
    config = load_config(write(tmp_path, agents=ACCOUNTS), require_secrets=True)
    assert agent_profiles(config) == [
        AgentProfile("1001", "alice", (), agent=True),
        AgentProfile("1009", "sue", (), agent=False),
    ]


def test_a_supervisor_whose_phone_rings_becomes_an_agent_with_its_id() -> None:
    profiles = [AgentProfile("1001", "alice"), AgentProfile("1009", "sue", agent=False)]
    pipeline = event_pipeline(ExtensionRules.from_strings(), profiles=profiles)
    assert [s["extension"] for s in pipeline.board.states()] == []
    assert [e.extension for e in pipeline.board.resynced([]) if isinstance(e, AgentState)] == [
        "1001"
    ]
    ring = CallRinging(
        call_id="c1",
        extension="1009",
        caller=Party("+14155550123", None),
        called=Called("1009", None),
    )
    pipeline.board.handle(Event(headers=MappingProxyType({}), name="Newexten"), [ring])
    state = pipeline.board.state_of("1009")
    assert state is not None and (state["agent"], state["state"]) == ("sue", "ringing")
