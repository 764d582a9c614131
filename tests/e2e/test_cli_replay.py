"""`cti replay` as an admin runs it: a real process, real loopback TCP, JSON lines out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import AMI_FIXTURES, EXPECTED, briefs


def cti(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cti.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_replay_prints_expected_events_for_every_recording(name: str) -> None:
    result = cti("replay", str(AMI_FIXTURES / f"{name}.raw"))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(line) == {"type", "data"} for line in lines)
    assert briefs((line["type"], line["data"]) for line in lines) == EXPECTED[name]
    assert f"{len(lines)} events from" in result.stderr


def test_quiet_prints_only_the_count_line() -> None:
    result = cti("replay", "--quiet", str(AMI_FIXTURES / "blind_transfer.raw"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{len(EXPECTED['blind_transfer'])} events from 327 AMI events"
    ]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = cti("replay", str(tmp_path / "nope.raw"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr and "nope.raw" in result.stderr
    assert "Traceback" not in result.stderr


def test_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = cti("replay", str(tmp_path))
    assert result.returncode == 2
    assert "cannot read" in result.stderr


@pytest.mark.parametrize(
    "content",
    [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, b"hello world\n" * 50],
    ids=["empty", "binary", "text"],
)
def test_garbage_input_is_refused_clearly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "capture.raw"
    path.write_bytes(content)
    result = cti("replay", str(path))
    assert result.returncode == 2
    assert "capture.raw" in result.stderr
    assert "Traceback" not in result.stderr


def test_truncated_capture_still_replays_what_it_holds(tmp_path: Path) -> None:
    data = (AMI_FIXTURES / "queue_answered.raw").read_bytes()
    path = tmp_path / "cut.raw"
    path.write_bytes(data[: len(data) // 2] + b"\xff\xfe garbage \r\nno colon here\r\n\r\n")
    result = cti("replay", str(path))
    assert result.returncode == 0, result.stderr
    types = [json.loads(line)["type"] for line in result.stdout.splitlines()]
    assert types[:2] == ["call.queued", "call.ringing"]


def test_bad_channel_pattern_and_region_are_refused(tmp_path: Path) -> None:
    raw = str(AMI_FIXTURES / "direct_answered.raw")
    bad_pattern = cti("replay", "--channel-pattern", "PJSIP/(\\d+", raw)
    assert bad_pattern.returncode == 2 and "PJSIP/(" in bad_pattern.stderr
    no_group = cti("replay", "--channel-pattern", "PJSIP/(\\d+)", raw)
    assert no_group.returncode == 2 and "(?P<ext>" in no_group.stderr
    bad_region = cti("replay", "--region", "XX", raw)
    assert bad_region.returncode == 2 and "region" in bad_region.stderr


def test_custom_channel_pattern_changes_who_is_an_agent() -> None:
    pattern = r"^Local/(?P<ext>1001)@agents-[0-9a-f]{8};1$"
    result = cti("replay", "--channel-pattern", pattern, str(AMI_FIXTURES / "queue_answered.raw"))
    assert result.returncode == 0, result.stderr
    extensions = {json.loads(line)["data"].get("extension") for line in result.stdout.splitlines()}
    assert extensions - {None} == {"1001"}


def test_channel_patterns_and_region_come_from_config(tmp_path: Path) -> None:
    (tmp_path / "cti.yaml").write_text(
        "calls:\n  channel_patterns:\n    - '^Local/(?P<ext>1002)@agents-[0-9a-f]{8};1$'\n"
        "numbers:\n  default_region: GB\n",
        encoding="utf-8",
    )
    raw = str(AMI_FIXTURES / "queue_answered.raw")
    result = cti("replay", "--config", str(tmp_path), raw)
    assert result.returncode == 0, result.stderr
    extensions = {json.loads(line)["data"].get("extension") for line in result.stdout.splitlines()}
    assert extensions - {None} == {"1002"}


def test_broken_config_is_reported_with_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "cti.yaml").write_text("numbers:\n  default_regoin: GB\n", encoding="utf-8")
    result = cti("replay", "--config", str(tmp_path), str(AMI_FIXTURES / "direct_answered.raw"))
    assert result.returncode == 2
    assert "cti.yaml" in result.stderr and "default_region" in result.stderr
    assert "Traceback" not in result.stderr
