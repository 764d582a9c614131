"""The server's config options: agents, broker, lookup and dial settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.assembly import agent_directory, broker_settings, lookup_settings, tls_context
from cti.config import ConfigError, load_config
from cti.config.agents import AgentAccount, AgentMap
from cti.config.types import InvalidValue
from cti.control import settings_from

TOKEN_A = "alice-token-0123456789"
TOKEN_B = "bob-token-0123456789ab"


def write(directory: Path, main: str = "", agents: str = "") -> Path:
    agents = agents or f"    alice: {{token: {TOKEN_A}, extension: '1001', role: supervisor}}\n"
    (directory / "cti.yaml").write_text(main, encoding="utf-8")
    secrets = directory / "secrets.yaml"
    secrets.write_text(f"ami:\n  secret: s3cret-ami\nbroker:\n  agents:\n{agents}")
    secrets.chmod(0o600)
    return directory


def messages(value: object) -> list[str]:
    with pytest.raises(InvalidValue) as caught:
        AgentMap().parse(value)
    return [issue.message for issue in caught.value.issues]


def test_agents_parse_into_accounts_with_default_role() -> None:
    parsed = AgentMap().parse({"bob": {"token": TOKEN_B, "extension": "1002"}})
    assert parsed == (AgentAccount("bob", TOKEN_B, "1002", "agent"),)
    assert TOKEN_B not in repr(parsed)


def test_every_bad_agent_field_is_reported_without_the_token() -> None:
    found = messages(
        {
            "alice": {"token": "short-secret", "extension": 1001, "role": "boss", "pin": 1},
            "bob": "nope",
        }
    )
    assert found == [
        "alice: unknown key 'pin'",
        "alice: token must be text of at least 16 characters",
        "alice: extension must be 2 to 8 digits, in quotes",
        "alice: role must be one of agent, supervisor",
        "bob: expected token, extension and role, got text",
    ]
    assert not any("short-secret" in message for message in found)


def test_duplicate_extension_and_token_are_errors() -> None:
    found = messages(
        {
            "alice": {"token": TOKEN_A, "extension": "1001"},
            "bob": {"token": TOKEN_A, "extension": "1001"},
        }
    )
    assert found == ["bob: same extension as alice", "bob: same token as alice"]


def test_agents_must_be_a_mapping() -> None:
    assert messages(["alice"]) == ["expected a mapping of agents, got a list"]


def test_serve_requires_agents(tmp_path: Path) -> None:
    (tmp_path / "secrets.yaml").write_text("ami:\n  secret: s3cret-ami\n")
    (tmp_path / "secrets.yaml").chmod(0o600)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, require_secrets=True)
    assert [problem.key for problem in caught.value.errors] == ["broker.agents"]


def test_agents_in_the_main_file_are_refused(tmp_path: Path) -> None:
    write(tmp_path, f"broker:\n  agents:\n    x: {{token: {TOKEN_B}, extension: '1009'}}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    problem = caught.value.errors[0]
    assert problem.key == "broker.agents" and "secret" in problem.message
    assert TOKEN_B not in str(problem)


def test_config_becomes_the_parts_settings(tmp_path: Path) -> None:
    main = (
        "broker:\n  port: 9000\n  allowed_origins: [https://crm.example.com]\n"
        "lookup:\n  mode: priority\n  budget_seconds: 0.5\n  crm_timeout: 0.2\n"
        "numbers:\n  default_region: GB\n"
    )
    config = load_config(write(tmp_path, main), require_secrets=True)
    broker = broker_settings(config)
    assert (broker.port, broker.allowed_origins) == (9000, frozenset({"https://crm.example.com"}))
    assert broker_settings(config, port=0).port == 0
    lookup = lookup_settings(config)
    assert (lookup.mode, lookup.budget_seconds, lookup.http_timeout) == ("priority", 0.5, 0.2)
    assert lookup.default_region == "GB"
    identity = agent_directory(config).authenticate(TOKEN_A)
    assert identity is not None and identity.is_supervisor and identity.extension == "1001"
    assert tls_context(config) is None


def test_tls_needs_both_certificate_and_key(tmp_path: Path) -> None:
    write(tmp_path, "broker:\n  tls_cert: /etc/cti/cert.pem\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert [problem.key for problem in caught.value.errors] == ["broker.tls_cert"]


def test_dial_channel_must_contain_the_extension_placeholder(tmp_path: Path) -> None:
    write(tmp_path, "calls:\n  dial_channel: PJSIP/1001\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    problem = caught.value.errors[0]
    assert problem.key == "calls.dial_channel" and "{extension}" in problem.message


def test_optional_crm_settings_default_to_off(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), require_secrets=True)
    assert config.lookup.crm_url is None
    assert config.secrets.lookup_crm_auth_header is None
    assert "s3cret" not in repr(config) and TOKEN_A not in repr(config)


def test_consult_timeout_reaches_call_control_and_stays_below_the_command_timeout(
    tmp_path: Path,
) -> None:
    config = load_config(write(tmp_path, "calls:\n  consult_timeout: 8\n"))
    assert settings_from(config.calls).consult_timeout == 8
    assert settings_from(load_config(write(tmp_path)).calls).consult_timeout == 5
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "calls:\n  consult_timeout: 10\n"))
    assert "calls.consult_timeout" in str(caught.value)
