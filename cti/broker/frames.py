"""Client JSON, parsed the same way for WebSocket frames and REST bodies.

Three kinds of valid-looking JSON hurt the broker unless refused at the door:

- Deep nesting: ``json.loads`` recurses once per level, so 10 KB of brackets raises
  RecursionError. Any depth a desktop needs is far below `MAX_DEPTH`.
- Lone surrogates: a JSON escape such as ``"\\ud800"`` parses to text that cannot be
  encoded as UTF-8. Echoed back (a command id, an error message) it cannot be written,
  and stored in SQLite it cannot be bound.
- NaN, Infinity and numbers too large for a float, which Python's json accepts but
  JSON does not: echoed back they would make a reply that strict clients cannot read.

All become `BadFrame`, which callers answer as ``bad-frame`` (or close 4000 for a hello).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 32
"""Objects and arrays nested in one frame, counting the frame itself."""

_SURROGATE = re.compile("[\ud800-\udfff]")


class BadFrame(ValueError):
    """Client JSON that the broker refuses; the message is safe to send back."""


def encodable(text: str) -> bool:
    """True when `text` can be written as UTF-8: it holds no lone surrogate."""
    return text.isascii() or _SURROGATE.search(text) is None


def parse_object(text: str, opaque: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The JSON object in `text`, or BadFrame saying why not.

    Top-level string values under a key in `opaque` are not checked for lone surrogates:
    the hello's token is only compared, never echoed or stored, and a token that no one
    could have configured is a bad token (4002, counted), not a malformed hello.
    """
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise BadFrame(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise BadFrame(f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise BadFrame("a frame must be a JSON object")
    checked = {
        key: item for key, item in value.items() if key not in opaque or not isinstance(item, str)
    }
    problem = _first_problem(checked)
    if problem is not None:
        raise BadFrame(problem)
    return value


def _no_constant(name: str) -> float:
    """NaN and Infinity are not JSON; echoed back they would break a strict client."""
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is too large a number")
    return number


def _first_problem(value: dict[str, Any]) -> str | None:
    """Walks without recursion, so no input depth can exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not encodable(item):
                return "text with a lone surrogate (not valid Unicode)"
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return f"JSON nested deeper than {MAX_DEPTH} levels"
            children = [*item, *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None
