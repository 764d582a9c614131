"""docs/config.md and the shipped config files must match the declared options exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cti.app import LIVE_KEYS
from cti.config import OPTIONS, SECTIONS, Option, render_default_yaml, render_secrets_example
from cti.config.options import SECRETS_FILE
from cti.config.template import LIVE_SECTIONS, scalar

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "config.md"
REGENERATE = (
    "regenerate with: .venv/bin/python -c 'from cti.config import render_default_yaml as r; "
    'print(r(), end="")\' > config/cti.yaml'
)


def doc_block(option: Option) -> str:
    """The reference entry docs/config.md must contain for ``option``, verbatim."""
    lines = [f"### `{option.key}`", "", option.description, "", f"- Type: {option.type.label}"]
    if option.secret and option.default is None:
        lines.append("- Default: none")
    elif isinstance(option.default, tuple):
        lines.append("- Default:")
        lines.extend(f"  - `{item}`" for item in option.default)
    else:
        lines.append(f"- Default: `{scalar(option.default)}`")
    if option.secret:
        lines.append(f"- Secret: set only in `{SECRETS_FILE}`; never logged or shown")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.key)
def test_every_option_is_documented_with_type_and_default(doc: str, option: Option) -> None:
    block = doc_block(option)
    assert block in doc, f"docs/config.md needs this entry, verbatim:\n\n{block}\n"


def test_doc_documents_no_option_that_does_not_exist(doc: str) -> None:
    headings = re.findall(r"^### `([^`]+)`$", doc, flags=re.MULTILINE)
    declared = {option.key for option in OPTIONS}
    assert sorted(set(headings) - declared) == []
    assert len(headings) == len(set(headings)), "an option is documented twice"


def test_doc_mentions_only_declared_keys_of_known_sections(doc: str) -> None:
    """A renamed option must not linger in the prose either."""
    mentioned = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", doc))
    in_sections = {key for key in mentioned if key.split(".")[0] in SECTIONS}
    assert sorted(in_sections - {option.key for option in OPTIONS}) == []


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_has_a_heading_and_its_description(doc: str, section: str) -> None:
    assert f"## `{section}`\n\n{SECTIONS[section]}\n" in doc


def test_every_section_is_described_and_every_option_is_in_one() -> None:
    assert {option.section for option in OPTIONS} == set(SECTIONS)


def test_committed_cti_yaml_is_the_rendered_default() -> None:
    committed = (ROOT / "config" / "cti.yaml").read_text(encoding="utf-8")
    assert committed == render_default_yaml(), REGENERATE


def test_cti_yaml_header_names_exactly_the_sections_a_reload_applies_live() -> None:
    assert tuple(f"{section}." for section in LIVE_SECTIONS) == LIVE_KEYS
    header = (ROOT / "config" / "cti.yaml").read_text(encoding="utf-8").split("\n\n")[0]
    prose = " ".join(line.removeprefix("#").strip() for line in header.splitlines())
    *first, last = LIVE_SECTIONS
    assert f"the {', '.join(first)} and {last} sections apply live on a reload" in prose
    assert "Every other option" in prose and "applies when `cti serve` restarts" in prose


def test_committed_secrets_example_is_the_rendered_example() -> None:
    committed = (ROOT / "config" / "secrets.example.yaml").read_text(encoding="utf-8")
    assert committed == render_secrets_example()


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.key)
def test_every_option_appears_in_its_shipped_file(option: Option) -> None:
    rendered = render_secrets_example() if option.secret else render_default_yaml()
    if option.top_level:  # a whole top-level mapping such as agents:
        assert re.search(rf"^{option.key}:", rendered, flags=re.MULTILINE)
        return
    section_body = rendered.split(f"\n{option.section}:\n", 1)[1]
    assert re.search(rf"^  {option.name}:", section_body, flags=re.MULTILINE)


def test_secrets_file_is_git_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"config/{SECRETS_FILE}" in ignored
