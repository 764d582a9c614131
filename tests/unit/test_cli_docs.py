"""Every `cti` subcommand is documented in the README's command table."""

from __future__ import annotations

from pathlib import Path

from cti.cli import build_parser

README = Path(__file__).parents[2] / "README.md"


def subcommands() -> list[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    return sorted(actions[0].choices)  # type: ignore[arg-type]


def test_every_subcommand_has_a_row_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    names = subcommands()
    assert {"demo", "replay", "serve", "reload", "check-config", "lookup", "contacts"} <= set(names)
    for name in names:
        assert f"| `cti {name}" in text, name


def test_the_desktop_command_has_a_row_in_the_readme() -> None:
    assert "| `cti-desktop" in README.read_text(encoding="utf-8")
