"""docs/erlang.md stays true: its example sessions are what the calculator prints, and it
documents every option of `cti report erlang`."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cti.cli import build_parser, main

DOC = Path(__file__).resolve().parents[3] / "docs" / "erlang.md"


def sessions() -> list[tuple[str, str]]:
    """Each ``$ cti ...`` line of the doc's console blocks, with the lines it printed."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        for command in block.split("$ ")[1:]:
            line, _, printed = command.partition("\n")
            found.append((line, printed))
    return found


SESSIONS = sessions()


def test_the_doc_shows_sessions() -> None:
    assert len(SESSIONS) >= 5


@pytest.mark.parametrize(
    ("command", "printed"), SESSIONS, ids=[command.removeprefix("cti ") for command, _ in SESSIONS]
)
def test_each_example_session_prints_what_the_doc_shows(
    command: str, printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    words = shlex.split(command)
    assert words[0] == "cti"
    status = main(words[1:])
    out, err = capsys.readouterr()
    assert out + err == printed
    assert status == (2 if err else 0)


def test_every_calculator_option_is_in_the_inputs_table() -> None:
    parser = build_parser()
    report = parser._subparsers._group_actions[0].choices["report"]  # type: ignore[union-attr]
    erlang = report._subparsers._group_actions[0].choices["erlang"]  # type: ignore[union-attr]
    options = [a.option_strings[0] for a in erlang._actions if a.option_strings[0] != "-h"]
    table = DOC.read_text(encoding="utf-8").split("## What the inputs mean", 1)[1]
    assert len(options) == 9
    for option in options:
        assert f"| `{option} " in table, option
