"""The README's demo options and its desktop screenshots stay true."""

from __future__ import annotations

import re
from pathlib import Path

from cti.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CARD_SHOTS = ("ringing", "on-call", "on-hold", "after-call")  # scripts/cardshots.py


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_image_the_readme_shows_exists() -> None:
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", README)
    assert images
    for image in images:
        assert (ROOT / image).is_file(), image


def test_the_desktop_section_shows_the_card_in_each_state_with_a_line_on_it() -> None:
    desktop = section("The agent desktop")
    for state in CARD_SHOTS:
        rows = [line for line in desktop.splitlines() if f"docs/desktop-card-{state}.png" in line]
        assert len(rows) == 1, state
        caption = rows[0].rsplit(")", 1)[1]
        assert len(caption.strip(" |")) > 30, f"the {state} picture needs its line"


def test_exit_after_calls_is_described_wherever_calls_is() -> None:
    demo = " ".join(section("The demo").split())
    assert "`--calls N`" in demo and "`--exit-after-calls`" in demo
    (row,) = [line for line in README.splitlines() if line.startswith("| `cti demo ")]
    assert "--calls N" in row and "--exit-after-calls" in row
    args = build_parser().parse_args(["demo", "--calls", "2", "--exit-after-calls"])
    assert args.calls == 2 and args.exit_after_calls is True
