"""`cti demo` as a new user runs it: simulator → server → live pops, in one process."""

from __future__ import annotations

import os
import re
import subprocess
import sys

GAVE_UP = re.compile(r"^# caller \S+ gave up in queue support( after \d+ s)? \(call=(\S+)\)$")


def test_demo_pops_contacts_and_exits_after_n_calls() -> None:
    """The terminal view, with or without a display: a desktop would wait to be closed.
    The fourth call is an impatient queue caller: it pops if an agent rings before it
    gives up; either way the supervisor's lines say it gave up."""
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
    signed_in = [line for line in lines if "connected (extension" in line]
    assert len(signed_in) == 5, "four agents and the supervisor signed in"
    assert any(line.startswith("# supervisor: connected (extension 9000") for line in signed_in)
    ringing = [line for line in lines if " call.ringing " in line]
    popped_calls = {line.split(" call=", 1)[1].split(" ", 1)[0] for line in ringing}
    gave_up = [match[2] for line in lines if (match := GAVE_UP.match(line))]
    assert len(gave_up) == 1, "one caller gave up"
    assert len(popped_calls | set(gave_up)) == 4, f"every call seen: {sorted(popped_calls)}"
    assert len(popped_calls) >= 3, "the three patient callers popped"
    assert any("contact=" in line for line in ringing), "a caller was found in the directory"
    assert any(" call.ended " in line for line in lines)
    counts = [line for line in lines if line.startswith("# queue support: ")]
    assert counts[-1] == "# queue support: 0 waiting, 2 answered, 1 abandoned", "the last count"
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
    assert sum("connected (extension" in line for line in result.stdout.splitlines()) == 5
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


DEMO_8_CALLS = ("--calls", "8", "--speed", "20", "--no-desktop")


def test_demo_supervisor_sees_callers_wait_and_give_up_and_agents_take_breaks() -> None:
    """Piped, the supervisor's lines count the queue's callers; the agents' rows show
    wrap-up after queue calls; the seeded first break (1002, meeting) goes to the server
    as agent.pause."""
    result = subprocess.run(
        [sys.executable, "-m", "cti.cli", "--log-level", "INFO", "demo", *DEMO_8_CALLS],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    counts = [
        tuple(int(n) for n in re.findall(r"\d+", line))
        for line in lines
        if line.startswith("# queue support: ")
    ]
    assert any(waiting >= 1 for waiting, _, _ in counts), "callers waited in the queue"
    waiting, answered, abandoned = counts[-1]
    assert waiting == 0 and answered + abandoned == 6, "every queue call answered or given up"
    assert abandoned >= 1, "the impatient caller gave up"
    assert len([line for line in lines if GAVE_UP.match(line)]) == abandoned
    assert any(re.fullmatch(r"# agent 100[1-4]: wrap-up", line) for line in lines)
    assert "demo break: agent1002 agent.pause: paused in support (meeting)" in result.stderr
    assert "Traceback" not in result.stderr
