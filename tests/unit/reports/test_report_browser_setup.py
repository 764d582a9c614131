"""The project's own setup installs the browser the HTML report is tested in."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def debian_packages(extras: str) -> set[str]:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup-env.sh"), "--debian-packages", extras],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(result.stdout.split())


def test_the_dev_extra_brings_chromium_and_its_driver_and_the_demo_does_not() -> None:
    assert {"chromium", "chromium-driver"} <= debian_packages("desktop,softphone,dev")
    assert not {"chromium", "chromium-driver"} & debian_packages("desktop")


def test_selenium_is_a_dev_dependency() -> None:
    setup = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    dev = setup.split("\ndev =\n", 1)[1].split("\n\n", 1)[0]
    assert "selenium" in dev
