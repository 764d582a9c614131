"""The README's first commands and its "Run it against your Asterisk" section stay true."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
import yaml

from cti.agi.server import AgiStats
from cti.broker.metrics import BrokerMetrics
from cti.config import OPTIONS_BY_KEY, SECTIONS
from cti.config.agents import MIN_TOKEN_LENGTH, AgentMap
from cti.config.types import InvalidValue
from cti.lookup.csvfile import EXTRA_PHONES, OPTIONAL, REQUIRED, parse_csv
from cti.lookup.records import ContactRecord
from cti.lookup.settings import DEFAULT_DB_PATH
from desktop.connection import endpoints

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Run it against your Asterisk\n", 1)[1].split("\n## ", 1)[0]
PROSE = " ".join(SECTION.split())  # line breaks do not matter to a reader


def block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", SECTION, flags=re.DOTALL)
    assert found, f"no {language} block in the section"
    return "\n".join(line.removeprefix("   ") for line in found.group(1).splitlines())


def test_the_first_lines_give_the_demo_and_the_test_commands() -> None:
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in first_block.splitlines()]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    assert README.index("```sh") < README.index("\n## ")
    assert (ROOT / "scripts" / "demo.sh").is_file() and (ROOT / "scripts" / "test.sh").is_file()


def test_every_option_the_section_names_exists() -> None:
    named = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", SECTION))
    options = {name for name in named if name.split(".")[0] in SECTIONS}
    assert options >= {"broker.host", "broker.port", "broker.tls_cert", "broker.agents"}
    assert options <= set(OPTIONS_BY_KEY)


def test_the_defaults_the_section_states_are_the_real_ones() -> None:
    assert OPTIONS_BY_KEY["broker.host"].default == "127.0.0.1"
    assert "`broker.host` is `127.0.0.1` by default" in PROSE
    assert f"`broker.port` ({OPTIONS_BY_KEY['broker.port'].default})" in PROSE
    assert OPTIONS_BY_KEY["lookup.database"].default == str(DEFAULT_DB_PATH)
    assert f"`{DEFAULT_DB_PATH}`, which is also the default `lookup.database`" in PROSE
    region = OPTIONS_BY_KEY["numbers.default_region"].default
    assert f"`numbers.default_region` (`{region}` unless you change it" in PROSE


def test_the_agents_example_is_refused_until_its_token_is_replaced() -> None:
    assert f"at least {MIN_TOKEN_LENGTH} characters" in PROSE
    agents = yaml.safe_load(block("yaml"))["broker"]["agents"]
    with pytest.raises(InvalidValue) as refused:
        AgentMap().parse(agents)
    assert f"token must be text of at least {MIN_TOKEN_LENGTH} characters" in str(
        refused.value.issues
    )

    agents["alice"]["token"] = secrets.token_urlsafe(24)  # the README's recipe
    [alice] = AgentMap().parse(agents)
    assert (alice.agent_id, alice.extension, alice.role) == ("alice", "1001", "agent")


def test_the_csv_columns_listed_are_the_importer_columns() -> None:
    for column in (*REQUIRED, *OPTIONAL):
        assert f"`{column}`" in SECTION, column
    assert f"`{EXTRA_PHONES[0]}` to `{EXTRA_PHONES[-1]}`" in PROSE
    assert "`name` and `phone` are required" in PROSE and REQUIRED == ("name", "phone")


def test_the_csv_example_imports_every_row() -> None:
    rows = list(parse_csv(block("csv"), "US"))

    assert rows and all(isinstance(row, ContactRecord) for row in rows), rows
    assert [len(row.phones) for row in rows if isinstance(row, ContactRecord)] == [2]


def test_the_metrics_named_are_exactly_the_ones_served() -> None:
    served = BrokerMetrics().render() + "\n".join(AgiStats().prometheus_lines())
    types = set(re.findall(r"^# TYPE (\w+) ", served, flags=re.MULTILINE))
    assert set(re.findall(r"`(cti_\w+)`", SECTION)) == types


@pytest.mark.parametrize(
    ("typed", "socket"),
    [
        ("https://cti.example.com:8765", "https://cti.example.com:8765/ws"),
        ("wss://cti.example.com:8765/ws", "https://cti.example.com:8765/ws"),
        ("http://192.0.2.10:8765", "http://192.0.2.10:8765/ws"),
        ("ws://192.0.2.10:8765", "http://192.0.2.10:8765/ws"),
        ("192.0.2.10:8765", "http://192.0.2.10:8765/ws"),
    ],
)
def test_the_desktop_url_forms_the_section_gives_reach_the_websocket(
    typed: str, socket: str
) -> None:
    assert endpoints(typed)[1] == socket


def test_the_section_links_to_files_and_headings_that_exist() -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", SECTION):
        assert (ROOT / target).is_file(), target
    for anchor in re.findall(r"\]\(#([^)]+)\)", SECTION):
        headings = re.findall(r"^## (.+)$", README, flags=re.MULTILINE)
        assert anchor in {heading.lower().replace(" ", "-") for heading in headings}
