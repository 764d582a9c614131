"""`cti serve` as an admin runs it: a real process, signals, loopback sockets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.integration.serve.conftest import AMI_SECRET, BOB_TOKEN, free_port, write_config


def start(config_dir: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cti.cli", "serve", "--config", str(config_dir), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUTF8": "1"},
    )


def wait_healthy(port: int, process: subprocess.Popen[str], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("cti serve never became healthy")


def test_serve_reloads_on_sighup_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    """No PBX is running: the server still serves desktops and retries the AMI."""
    port = free_port()
    extra = f"broker:\n  port: {port}\n"
    config_dir = write_config(tmp_path / "config", free_port(), extra=extra)
    process = start(config_dir)
    try:
        wait_healthy(port, process)
        write_config(config_dir, 5038, extra=f"{extra}  port: nope\n")
        process.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "config reload refused" in stderr and "broker.port" in stderr
    assert "stopped" in stderr
    for secret in (AMI_SECRET, BOB_TOKEN):
        assert secret not in stderr


def test_serve_with_a_bad_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    config_dir = write_config(tmp_path / "config", 5038, extra="  budget_seconds: -1\n")
    process = start(config_dir)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"{config_dir / 'cti.yaml'}:" in stderr and "lookup.budget_seconds" in stderr


def test_serve_exits_1_when_its_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        extra = f"broker:\n  port: {port}\n"
        process = start(write_config(tmp_path / "config", free_port(), extra=extra))
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "cannot start" in stderr


CLI = (sys.executable, "-m", "cti.cli")


def reload_cmd(config_dir: Path, pid_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "reload", "--config", str(config_dir), "--pid-file", str(pid_file)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_cti_reload_checks_the_config_before_signalling_the_server(tmp_path: Path) -> None:
    port = free_port()
    extra = f"broker:\n  port: {port}\nlogging:\n  level: INFO\n"
    config_dir = write_config(tmp_path / "config", free_port(), extra=extra)
    pid_file = tmp_path / "cti.pid"
    process = start(config_dir, "--pid-file", str(pid_file))
    try:
        wait_healthy(port, process)
        assert pid_file.read_text().strip() == str(process.pid)
        write_config(config_dir, 5038, extra=extra.replace("INFO", "LOUD"))
        refused = reload_cmd(config_dir, pid_file)
        assert refused.returncode == 2
        assert "logging.level" in refused.stderr and "not asked" in refused.stderr
        write_config(config_dir, 5038, extra=extra.replace("INFO", "DEBUG"))
        accepted = reload_cmd(config_dir, pid_file)
        assert accepted.returncode == 0, accepted.stderr
        assert f"pid {process.pid}" in accepted.stdout
        time.sleep(1.0)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "config reload refused" not in stderr, "the bad edit never reached the server"
    assert "reload" in stderr.lower()
    assert not pid_file.exists(), "the pid file goes away with the server"
    stale = reload_cmd(config_dir, pid_file)
    assert stale.returncode == 1 and "cannot read a pid" in stale.stderr
