"""`cti demo` as a new user runs it: simulator → server → live pops, in one process."""

from __future__ import annotations

import os
import subprocess
import sys


def test_demo_pops_contacts_and_exits_after_n_calls() -> None:
    """The terminal view, with or without a display: a desktop would wait to be closed."""
    result = subprocess.run(
        [sys.executable, "-m", "cti.cli", "demo", "--calls", "4", "--speed", "20", "--no-desktop"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[-1] == "demo: 4 calls played"
    assert sum("connected (extension" in line for line in lines) == 4, "four agents signed in"
    ringing = [line for line in lines if " call.ringing " in line]
    popped_calls = {line.split(" call=", 1)[1].split(" ", 1)[0] for line in ringing}
    assert len(popped_calls) == 4, f"every call popped somewhere: {sorted(popped_calls)}"
    assert any("contact=" in line for line in ringing), "a caller was found in the directory"
    assert any(" call.ended " in line for line in lines)
    assert "Traceback" not in result.stderr


def test_demo_agents_sign_in_once_the_pbx_link_is_up() -> None:
    """Piped (no terminal): no "PBX link down", then "up" in the same second, at start."""
    result = subprocess.run(
        [sys.executable, "-m", "cti.cli", "demo", "--calls", "1", "--speed", "20", "--no-desktop"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert sum("connected (extension" in line for line in result.stdout.splitlines()) == 4
    assert "PBX link down" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "demo: 1 calls played"


def test_demo_refuses_nonsense_options() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cti.cli", "demo", "--calls", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--calls" in result.stderr
