"""The demo's config: the service level's seconds follow its speed, as the calls do."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.demo.session import write_demo_config

TOKENS = {"1001": "demo-token-0123456789abcdef"}


@pytest.mark.parametrize(("speed", "target", "short"), [(1.0, 20, 5), (4.0, 5, 1), (20.0, 1, 0)])
def test_the_service_level_seconds_shrink_with_the_demo_speed(
    tmp_path: Path, speed: float, target: int, short: int
) -> None:
    config = write_demo_config(tmp_path / "demo", 5038, "demo-secret", TOKENS, speed=speed)
    assert (config.queues.service_level_seconds, config.queues.short_abandon_seconds) == (
        target,
        short,
    )
