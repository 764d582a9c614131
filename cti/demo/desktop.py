"""The agent desktop in the demo: its own process, like on an agent's PC.

`cti demo` opens it when there is a display and the ``desktop`` extra is installed;
the server never imports the desktop, it only starts ``python -m desktop.main``.
The token travels in the environment, not on the command line others can read.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

TOKEN_ENV = "CTI_DESKTOP_TOKEN"  # what `cti-desktop --token-env` reads by default


def why_no_desktop(environ: Mapping[str, str] | None = None) -> str | None:
    """None when the desktop can open here, else the reason it cannot."""
    environ = os.environ if environ is None else environ
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        return "no display (DISPLAY is not set)"
    if importlib.util.find_spec("PyQt6") is None or importlib.util.find_spec("desktop") is None:
        return (
            "the desktop extra is not installed; install it into .venv with: "
            ".venv/bin/python -m pip install -e '.[desktop]'"
        )
    return None


class DesktopProcess:
    """``python -m desktop.main`` signed in as one demo agent; `stop` ends it."""

    def __init__(self, url: str, token: str, workdir: Path) -> None:
        self.url, self._token, self.workdir = url, token, workdir
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        settings = self.workdir / "desktop.ini"  # the demo never touches the user's settings
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "desktop.main",
            "--url",
            self.url,
            "--settings",
            str(settings),
            env={**os.environ, TOKEN_ENV: self._token},
        )
        log.info("desktop started (pid %d)", self.process.pid)

    async def wait(self) -> int:
        """Until the user closes the desktop; its exit status."""
        assert self.process is not None
        return await self.process.wait()

    async def stop(self, timeout: float = 5.0) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            async with asyncio.timeout(timeout):
                await process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
