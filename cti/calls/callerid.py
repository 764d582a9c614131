"""Caller ID as Asterisk reports it, turned into what a person should see.

Channel-snapshot events C-escape ``"`` ``'`` ``?`` and ``\\`` in caller names
(``Seán O\\'Brien\\? C:\\\\temp``); OriginateResponse and AGI do not. Missing caller
ID shows as ``<unknown>``; withheld callers arrive as ``anonymous`` and friends.
"""

from __future__ import annotations

UNKNOWN_VALUES = frozenset({"", "<unknown>", "unknown"})
WITHHELD_VALUES = frozenset(
    {"anonymous", "restricted", "private", "withheld", "unavailable", "blocked", "unknown"}
)


def unescape_name(name: str) -> str:
    """Undo Asterisk's C-escaping of caller names in snapshot events."""
    if "\\" not in name:
        return name
    out: list[str] = []
    chars = iter(name)
    for char in chars:
        if char == "\\":
            out.append(next(chars, "\\"))
        else:
            out.append(char)
    return "".join(out)


def clean_number(number: str) -> str | None:
    """The number, or None when Asterisk has none to give."""
    return None if number.strip().lower() in UNKNOWN_VALUES else number.strip()


def clean_name(name: str) -> str | None:
    name = unescape_name(name).strip()
    return None if name.lower() in UNKNOWN_VALUES else name


def is_withheld(number: str | None, name: str | None) -> bool:
    """True when the caller withheld or has no number (pops as an unknown caller)."""
    if number is None:
        return True
    if number.lower() in WITHHELD_VALUES:
        return True
    return name is not None and name.lower() in WITHHELD_VALUES and not number[-1:].isdigit()
