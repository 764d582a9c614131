"""Run SIPp (Debian `sip-tester`) as the far end of the softphone's calls, on loopback.

Each run gets free ports, its own control socket on 127.0.0.1 (`-ci`: by default SIPp
listens on every interface), its message and error traces in a temporary directory, and
is stopped by its PID.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

SIPP = shutil.which("sipp")
SCENARIOS = Path(__file__).parent / "scenarios"
LOOPBACK = "127.0.0.1"
LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class Sipp:
    """One SIPp process playing one call of a scenario (`-m 1`)."""

    def __init__(
        self,
        scenario: str,
        workdir: Path,
        *,
        remote: tuple[str, int] | None = None,
        service: str = "1001",
        variables: dict[str, str] | None = None,
        tcp: bool = False,
    ) -> None:
        assert SIPP is not None
        self.port = free_port(socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
        self.workdir = workdir
        command = [SIPP, "-sf", str(SCENARIOS / scenario), "-i", LOOPBACK, "-p", str(self.port)]
        command += ["-ci", LOOPBACK, "-cp", str(free_port()), "-mi", LOOPBACK]
        command += ["-mp", str(free_port()), "-m", "1", "-s", service, "-nostdin"]
        command += ["-cid_str", "softphone-test-%u@%s", "-timeout", "15s", "-timeout_error"]
        command += ["-recv_timeout", "6000", "-trace_err", "-trace_msg"]
        command += ["-error_file", str(workdir / "errors.log")]
        command += ["-message_file", str(workdir / "messages.log")]
        command += ["-t", "t1" if tcp else "u1"]
        for name, value in (variables or {}).items():
            command += ["-set", name, value]
        if remote is not None:
            command.append(f"{remote[0]}:{remote[1]}")
        self.output = (workdir / "sipp.out").open("wb")
        self.process = subprocess.Popen(command, stdout=self.output, stderr=subprocess.STDOUT)
        if tcp:
            self._await_listening()

    @property
    def address(self) -> tuple[str, int]:
        return LOOPBACK, self.port

    @property
    def uri_host(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def finished(self) -> bool:
        return self.process.poll() is not None

    def wait(self, pump: Callable[[], None], timeout: float = 10.0) -> int:
        """Keep the softphone running until SIPp exits; its exit code (0: passed)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"SIPp still running after {timeout} s\n{self.report()}")
            pump()
            time.sleep(0.005)
        return int(self.process.returncode)

    def _await_listening(self, timeout: float = 5.0) -> None:
        """Over TCP a REGISTER sent before SIPp listens is refused at once (no retry)."""
        entry = f"{LOOPBACK_HEX}:{self.port:04X} 00000000:0000 0A"  # 0A: LISTEN
        deadline = time.monotonic() + timeout
        while entry not in Path("/proc/net/tcp").read_text():
            if time.monotonic() > deadline or self.finished():
                raise AssertionError(f"SIPp is not listening on TCP\n{self.report()}")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()

    def report(self) -> str:
        """SIPp's own account of a failure, for assertion messages."""
        parts = []
        for name in ("errors.log", "messages.log", "sipp.out"):
            path = self.workdir / name
            if path.exists():
                text = path.read_text(errors="replace")[-4000:]
                parts.append(f"--- {name}\n{text}")
        return "\n".join(parts)
