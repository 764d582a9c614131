"""`cti report erlang` run as the installed command, in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

WORKED_EXAMPLE = ["--calls", "100", "--interval", "1800", "--aht", "180"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cti.cli", "report", "erlang", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONUTF8": "1"},
    )


def test_the_calculator_answers_json_as_a_subprocess() -> None:
    result = run(*WORKED_EXAMPLE, "--format=json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["agents"] == 14


def test_an_impossible_input_exits_2_with_one_line_and_no_traceback() -> None:
    refused = run(*WORKED_EXAMPLE, "--aht", "0")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == (
        "cti report erlang: --aht must be a finite number of seconds above 0, got 0.0\n"
    )
