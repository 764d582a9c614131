"""The `desktop` section: a CRM link template with known placeholders, and dispositions."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.config import ConfigError, ConfigProblem, load_config


def load_desktop(directory: Path, body: str) -> object:
    (directory / "cti.yaml").write_text("desktop:\n" + body, encoding="utf-8")
    return load_config(directory).desktop


def errors(directory: Path, body: str) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        load_desktop(directory, body)
    return [problem for problem in caught.value.problems if problem.is_error]


def test_defaults_give_no_crm_link_and_five_dispositions(tmp_path: Path) -> None:
    desktop = load_config(tmp_path).desktop
    assert desktop.crm_url is None
    assert desktop.dispositions == (
        "resolved",
        "callback",
        "voicemail",
        "wrong-number",
        "escalated",
    )


def test_crm_url_with_every_known_placeholder_is_accepted(tmp_path: Path) -> None:
    url = "https://crm.example.com/c/{contact_id}?ext={crm_id}&n={number}"
    desktop = load_desktop(tmp_path, f"  crm_url: '{url}'\n  dispositions: [done, later]\n")
    assert desktop == type(desktop)(url, ("done", "later"))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://crm.example.com/{contact}", "unknown placeholder {contact}"),
        ("https://crm.example.com/{contact_id", "unbalanced brace"),
        ("ftp://crm.example.com/{contact_id}", "http:// or https://"),
        ("crm.example.com/{contact_id}", "http:// or https://"),
    ],
)
def test_bad_crm_url_is_refused_with_its_reason(tmp_path: Path, url: str, message: str) -> None:
    (problem,) = errors(tmp_path, f"  crm_url: '{url}'\n")
    assert problem.key == "desktop.crm_url" and message in problem.message


@pytest.mark.parametrize(
    "body",
    ["  dispositions: []\n", "  dispositions: [ok, '']\n", f"  dispositions: [{'x' * 41}]\n"],
)
def test_dispositions_must_be_a_non_empty_list_of_short_names(tmp_path: Path, body: str) -> None:
    (problem,) = errors(tmp_path, body)
    assert problem.key.startswith("desktop.dispositions")
