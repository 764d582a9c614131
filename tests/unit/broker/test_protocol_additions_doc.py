"""docs/protocol.md documents every close code, error id and endpoint the broker uses."""

from __future__ import annotations

import re
from pathlib import Path

from cti import protocol
from cti.broker.metrics import STAGES
from cti.broker.rest import STATUS_OF_ERROR

DOC = Path(__file__).parents[3] / "docs" / "protocol.md"


def constants(prefix: str) -> dict[str, object]:
    return {name: value for name, value in vars(protocol).items() if name.startswith(prefix)}


def test_every_close_code_is_in_the_close_code_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = {int(code) for code in re.findall(r"^\| `(\d{4})` \|", text, re.MULTILINE)}
    assert documented == set(constants("CLOSE_").values())


def test_error_table_lists_exactly_the_error_ids_with_their_rest_status() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- error-ids")[1].split("<!-- /error-ids -->")[0]
    rows = dict(
        re.findall(r"^\| `([a-z-]+)` \| .+ \| (\d+|WebSocket only) \|$", table, re.MULTILINE)
    )
    assert set(rows) == set(constants("ERR_").values())
    for error, status in STATUS_OF_ERROR.items():
        assert rows[error] == str(status), error


def test_every_route_and_stage_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for path in ("/api/health", "/api/calls", "/api/calls/{call_id}/hangup", "/api/dial"):
        assert f" {path}`" in text, path
    for path in ("/api/commands", "/api/contacts/lookup", "/metrics"):
        assert f" {path}" in text, path
    for stage in STAGES:
        assert f"`{stage}`" in text
    for name in ("CMD_HANGUP", "CMD_DIAL", "CMD_HOLD", "CMD_RESUME", "CMD_TRANSFER", "CMD_ANSWER"):
        assert f"`{getattr(protocol, name)}`" in text


def test_every_interaction_command_has_a_row_in_the_commands_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("## Commands")[1].split("\n## ")[0]
    rows = set(re.findall(r"^\| `([a-z.]+)` \|", table, re.MULTILINE))
    commands = set(constants("CMD_INTERACTION_").values())
    assert commands and commands <= rows
