"""Caller and contact text made safe to show: never markup, never invisible controls.

Names arrive from the PBX and the directory, so they are untrusted: a name like
``<img src=x>`` must show literally (every QLabel is set to plain text) and a control
character must neither vanish nor reorder the line (bidi overrides), so each one is
replaced by a visible stand-in.
"""

from __future__ import annotations

import unicodedata
from string import Formatter
from typing import Any
from urllib.parse import quote

# Unicode "control pictures": U+2400 + code for C0, U+2421 for DEL.
_DEL_PICTURE = "\u2421"
_REPLACEMENT = "\ufffd"
_KEEP_IN_MULTILINE = frozenset("\n\t")


def visible_char(ch: str, multiline: bool) -> str:
    code = ord(ch)
    if multiline and ch in _KEEP_IN_MULTILINE:
        return ch
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return _DEL_PICTURE
    category = unicodedata.category(ch)
    if category == "Cc" or (category in ("Cf", "Cs", "Co", "Cn") and ch not in "\u200d"):
        return _REPLACEMENT  # C1 controls, bidi overrides, surrogates, unassigned
    return ch


def visible_text(value: object, *, multiline: bool = False) -> str:
    """``value`` as text with every control character shown as a visible symbol."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and "\n" not in text:
        return text
    return "".join(visible_char(ch, multiline) for ch in text)


def crm_link(template: str | None, values: dict[str, Any]) -> str | None:
    """The "Open in CRM" address from the server's template, or None.

    The template names ``{contact_id}``, ``{crm_id}`` and ``{number}``; each value is
    percent-encoded. A template that names a field this call does not have gives None,
    so the button is disabled rather than opening a broken link.
    """
    if not template:
        return None
    encoded: dict[str, str] = {}
    try:
        for _, name, _, _ in Formatter().parse(template):
            if name is None:
                continue
            value = values.get(name)
            if value is None or value == "":
                return None
            encoded[name] = quote(str(value), safe="")
        return template.format(**encoded)
    except (ValueError, IndexError, KeyError):
        return None
