"""The real `cti-desktop` command, started as a process against the live broker."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tests.desktop.conftest import ALICE_TOKEN, LiveServer

CTI_DESKTOP = Path(sys.executable).with_name("cti-desktop")


def run_desktop(server: LiveServer, tmp_path: Path, token: str) -> subprocess.CompletedProcess[str]:
    """Runs the command in a thread while the qasync loop keeps serving the broker."""
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "CTI_DESKTOP_TOKEN": token}
    command = [
        str(CTI_DESKTOP),
        "--url",
        server.url,
        "--settings",
        str(tmp_path / "desktop.ini"),
        "--exit-when-connected",
    ]

    async def in_thread() -> subprocess.CompletedProcess[str]:
        return await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: subprocess.run(command, env=env, capture_output=True, text=True, timeout=60),
        )

    return server.run(in_thread(), timeout=90)


def test_cti_desktop_connects_with_url_and_token_and_reports_the_time(
    server: LiveServer, tmp_path: Path
) -> None:
    done = run_desktop(server, tmp_path, ALICE_TOKEN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("connected in ")
    assert ALICE_TOKEN not in done.stdout + done.stderr  # the token is never printed or logged


def test_cti_desktop_with_a_wrong_token_says_it_was_refused(
    server: LiveServer, tmp_path: Path
) -> None:
    done = run_desktop(server, tmp_path, "wrong-token-0000000000")
    assert done.returncode == 2
    assert "refused: the server refused the token" in done.stderr
