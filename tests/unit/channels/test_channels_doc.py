"""docs/channels.md lists every error id the chat and web form channels can send."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
RAISED = re.compile(r"(?:Refused|BadFrame|error)\(\s*(?:\d+,\s*)?\"([a-z]+(?:-[a-z]+)+)\"")


def error_ids_in_code() -> set[str]:
    sources = (ROOT / "cti" / "channels").rglob("*.py")
    return {found for path in sources for found in RAISED.findall(path.read_text("utf-8"))}


def test_every_channel_error_id_is_documented() -> None:
    ids = error_ids_in_code()
    assert {"bad-hello", "stale-signature", "field-too-long", "rate-limited"} <= ids
    documented = set(
        re.findall(
            r"\| `([a-z]+(?:-[a-z]+)+)` \|", (ROOT / "docs" / "channels.md").read_text("utf-8")
        )
    )
    assert sorted(ids - documented) == []
