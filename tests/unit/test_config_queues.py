"""The contact-centre options: `queues.*` and the `agents` map, typed and checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.agents.settings import agent_settings
from cti.config import ConfigError, load_config
from cti.config.queue_options import AgentQueues
from tests.unit.test_config import AGENTS, only_error, problems_of, with_secret, write

BOTH = AGENTS + "    bob: {token: bob-token-0123456789ab, extension: '1002', role: supervisor}\n"


def with_two_agents(directory: Path) -> None:
    write(directory, "secrets.yaml", f"ami:\n  secret: s3cr3t-Pa55word\n{BOTH}").chmod(0o600)


def test_defaults_are_the_contracts(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    queues = config.queues
    assert queues.pause_reasons == ("lunch", "break", "training", "meeting")
    assert (queues.wrapup_seconds, queues.wrapup_by_queue) == (0, None)
    assert (queues.service_level_seconds, queues.short_abandon_seconds) == (20, 5)
    assert (queues.short_abandons, queues.announce_waiting) == ("exclude", False)
    assert config.agents is None


def test_agents_map_is_typed_and_the_interface_defaults_from_the_dial_channel(
    tmp_path: Path,
) -> None:
    with_two_agents(tmp_path)
    write(
        tmp_path,
        "cti.yaml",
        """
        calls:
          dial_channel: 'Local/{extension}@agents'
        queues:
          pause_reasons: [lunch, coffee]
          wrapup_seconds: 15
          wrapup_by_queue:
            sales: 0
        agents:
          '1001':
            queues: [support, sales]
          '1002':
            queues: [support]
            interface: PJSIP/1002
            state_interface: PJSIP/1002
            penalty: 2
        """,
    )
    config = load_config(tmp_path, require_secrets=True)
    assert config.agents == {
        "1001": AgentQueues(("support", "sales")),
        "1002": AgentQueues(("support",), "PJSIP/1002", "PJSIP/1002", 2),
    }
    assert config.queues.wrapup_by_queue == {"sales": 0}
    settings = agent_settings(config)
    alice, bob = settings.agent("1001"), settings.agent("1002")
    assert alice is not None and bob is not None
    assert (alice.interface, alice.member_name, alice.penalty) == ("Local/1001@agents", "alice", 0)
    assert (bob.interface, bob.state_interface, bob.penalty) == ("PJSIP/1002", "PJSIP/1002", 2)
    assert settings.wrapup_for("support") == 15 and settings.wrapup_for("sales") == 0
    assert settings.pause_reasons == ("lunch", "coffee")


def test_an_agents_entry_without_an_account_is_an_error_naming_the_extension(
    tmp_path: Path,
) -> None:
    with_secret(tmp_path)  # only alice, 1001
    write(
        tmp_path,
        "cti.yaml",
        "queues:\n  wrapup_seconds: 5\nagents:\n  '1001': {queues: [support]}\n"
        "  '1009': {queues: [support]}\n  '1010': {queues: [sales]}\n",
    )
    problem = only_error(tmp_path)
    assert (problem.file, problem.line, problem.key) == (f"{tmp_path}/cti.yaml", 3, "agents")
    assert problem.message.endswith("has: 1009, 1010")
    assert "broker.agents" in (problem.hint or "")


def test_agents_entries_are_not_checked_against_accounts_before_secrets_are_read(
    tmp_path: Path,
) -> None:
    write(tmp_path, "cti.yaml", "agents:\n  '1009': {queues: [support]}\n")
    assert load_config(tmp_path).agents == {"1009": AgentQueues(("support",))}


def test_an_unknown_key_of_an_agent_names_its_line_and_the_closest_key(tmp_path: Path) -> None:
    with_two_agents(tmp_path)
    write(
        tmp_path,
        "cti.yaml",
        "agents:\n  '1001':\n    queues: [support]\n  '1002':\n    queue: [support]\n",
    )
    problems = [p for p in problems_of(tmp_path) if p.is_error]
    assert [(p.line, p.message) for p in problems] == [
        (4, "1002: unknown key 'queue'"),
        (4, "1002: queues must be a list of at least one queue name"),
    ]
    assert problems[0].hint == "did you mean 'queues'?"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{queues: []}", "queues must be a list of at least one queue name"),
        ("{queues: support}", "queues must be a list of at least one queue name"),
        ("{queues: [support, support]}", "queues: a queue is listed twice"),
        ("{queues: [support], penalty: -1}", "penalty must be an integer of at least 0"),
        ("{queues: [support], penalty: '1'}", "penalty must be an integer of at least 0"),
        ("{queues: [support], interface: 1001}", "interface must be text such as PJSIP/1001"),
        ("{queues: [support], interface: 'PJSIP 1001'}", "interface must be TECH/resource"),
        ('{queues: ["sup\\r\\nAction: Originate"]}', "queues: must not contain control"),
        ("[support]", "expected queues, interface and penalty, got a list"),
    ],
)
def test_a_bad_agent_entry_is_an_error_saying_what_is_wrong(
    tmp_path: Path, entry: str, message: str
) -> None:
    with_two_agents(tmp_path)
    write(tmp_path, "cti.yaml", f"agents:\n  '1001': {entry}\n")
    problem = only_error(tmp_path)
    assert problem.key == "agents" and problem.line == 2
    assert problem.message.startswith(f"1001: {message}"), problem.message


def test_an_unquoted_extension_is_an_error_with_the_quoting_hint(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "agents:\n  1001: {queues: [support]}\n")
    problem = only_error(tmp_path)
    assert problem.message == "1001: extension must be 2 to 8 digits, in quotes"
    assert problem.line == 2


@pytest.mark.parametrize(
    ("reasons", "message"),
    [
        ("[lunch, hold]", "item 2: is a reason cti sets itself, got 'hold'"),
        ("[Wrap-Up]", "item 1: is a reason cti sets itself"),
        ("[lunch, lunch]", "lists 'lunch' twice"),
        ('["tea\\tbreak"]', "item 1: must not contain control characters"),
        (f"[{'x' * 80}]", "item 1: must be at most 79 characters"),
        ("[' lunch']", "item 1: must be text without spaces at either end"),
        ("[]", "needs at least 1 item(s)"),
    ],
)
def test_a_pause_reason_that_cannot_reach_asterisk_as_written_is_an_error(
    tmp_path: Path, reasons: str, message: str
) -> None:
    write(tmp_path, "cti.yaml", f"queues:\n  pause_reasons: {reasons}\n")
    problem = only_error(tmp_path)
    assert problem.key == "queues.pause_reasons"
    assert problem.message.startswith(message), problem.message


def test_a_bad_wrapup_of_one_queue_names_that_queues_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cti.yaml",
        "queues:\n  wrapup_by_queue:\n    support: 30\n    sales: -5\n    vip: 'ten'\n",
    )
    problems = [p for p in problems_of(tmp_path) if p.is_error]
    assert [(p.line, p.message) for p in problems] == [
        (4, "sales: must be 0 to 3600 seconds, got -5"),
        (5, "vip: must be 0 to 3600 seconds, got text"),
    ]


def test_a_misspelt_short_abandons_choice_suggests_the_right_one(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "queues:\n  short_abandons: exclud\n")
    problem = only_error(tmp_path)
    assert problem.hint == "did you mean 'exclude'? allowed: exclude, count"


def test_a_misspelt_queues_option_suggests_the_declared_one(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "queues:\n  wrapup_second: 10\n")
    assert only_error(tmp_path).hint == "did you mean 'queues.wrapup_seconds'?"


def test_a_bad_agents_map_stops_loading(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "agents: [1001]\n")
    with pytest.raises(ConfigError, match="expected a mapping of extensions, got a list"):
        load_config(tmp_path)
