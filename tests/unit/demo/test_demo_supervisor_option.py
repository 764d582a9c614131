"""`cti demo --supervisor`: the demo's desktop as the supervisor; refused clearly when
there can be no desktop. (The desktop itself, on a real X display:
tests/e2e/test_demo_supervisor_xvfb.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.cli import main
from cti.demo.session import DemoOptions, desktop_user


def test_supervisor_with_no_desktop_is_refused_with_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--supervisor", "--no-desktop"]) == 2
    assert capsys.readouterr().err == (
        "cti demo: --supervisor opens the desktop: leave out --no-desktop\n"
    )


def test_supervisor_without_a_display_says_why_the_desktop_cannot_open(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["demo", "--supervisor", "--calls", "1"]) == 2
    err = capsys.readouterr().err
    assert err == "cti demo: cannot open the desktop: no display (DISPLAY is not set)\n"


def test_the_terminal_says_who_the_desktop_signs_in_as(tmp_path: Path) -> None:
    agent = DemoOptions(tmp_path, desktop=True)
    assert desktop_user(agent) == "the agent desktop as agent 1001"
    supervisor = DemoOptions(tmp_path, desktop=True, desktop_supervisor=True)
    assert desktop_user(supervisor) == (
        "the desktop as the supervisor (9000): wallboard and Reports tab"
    )
