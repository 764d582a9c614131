"""Options of the `agi` section: the FastAGI lookup the dialplan can call."""

from __future__ import annotations

from cti.config.option import Option
from cti.config.types import Bool, Choice, Float, Int, Str

AGI_SECTION = (
    "FastAGI lookup for the dialplan: `AGI(agi://127.0.0.1:4573/lookup)` names the caller "
    "and sets CTI_* channel variables before any phone rings."
)

AGI_OPTIONS: tuple[Option, ...] = (
    Option(
        "agi.enabled",
        Bool(),
        True,
        "Run the FastAGI server in `cti serve`, for the dialplan's "
        "`AGI(agi://HOST:4573/lookup)`. Set false when the dialplan does not use it.",
    ),
    Option("agi.host", Str(), "127.0.0.1", "Address the FastAGI server listens on."),
    Option(
        "agi.port",
        Int(0, 65535),
        4573,
        "TCP port of the FastAGI server (4573 is the FastAGI default; 0 picks a free one).",
    ),
    Option(
        "agi.budget_seconds",
        Float(above=0),
        0.3,
        "Longest a FastAGI session may hold the call, from Asterisk connecting to the "
        "server closing. On time-out nothing more is set and the dialplan continues.",
    ),
    Option(
        "agi.max_connections",
        Int(minimum=1),
        100,
        "FastAGI sessions open at once. When full, the oldest connection that has not sent "
        "its agi_ block within 5 ms is closed to make room; if none, the new one is closed.",
    ),
    Option(
        "agi.max_line_bytes",
        Int(minimum=256),
        4096,
        "Longest line accepted from Asterisk, in bytes; a longer one ends the session.",
    ),
    Option(
        "agi.caller_name",
        Choice(("if-missing", "always", "never")),
        "if-missing",
        "When the lookup sets CALLERID(name) to the contact's name: `if-missing` only when "
        "the caller sent no name, `unknown` or just digits; `always`; or `never`.",
    ),
    Option(
        "agi.name_from",
        Choice(("exact", "suffix")),
        "exact",
        "Which match may set CALLERID(name): `exact`, only a single contact with the very "
        "number; `suffix`, also one that shares only the last `numbers.match_last_digits` "
        "digits (a number from another country can share them). CTI_MATCH and the other "
        "CTI_* variables report any single match either way.",
    ),
)
