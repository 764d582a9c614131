"""Frame text to headers: the hot loop of the AMI parser, and its careful fallback.

* `event_headers`: one ``split(": ", 1)`` per line and one ``dict`` (C loops only).
  Measured fastest among exact methods; a single ``replace``+``split`` over the
  whole frame is faster still, but cannot tell a junk line from a value containing
  ``": "`` without a per-character pass that costs more than it saves.
* `careful_headers`: line by line; bare LF, ``Key:`` without a space, junk lines,
  ``Response: Follows`` bodies.

List keys (MULTI_VALUE_KEYS and any ``...ChanVariable``) always get a tuple in
`lists` (also when seen once); any repeated key keeps its first value in
`headers` and all values in `lists`.
"""

from __future__ import annotations

import logging

from cti.ami.messages import MULTI_VALUE_KEYS

logger = logging.getLogger(__name__)

Headers = dict[str, str]
Lists = dict[str, tuple[str, ...]]

NO_LISTS: Lists = {}
END_COMMAND = "--END COMMAND--"
FOLLOWS = "Response: Follows"
_FOLLOWS_HEADER_KEYS = frozenset({"Response", "Privilege", "ActionID", "Message"})
_MULTI = MULTI_VALUE_KEYS


def is_list_key(key: str) -> bool:
    """List keys: MULTI_VALUE_KEYS and every prefixed ``...ChanVariable`` (LocalOne,
    Transferer, ...), which Asterisk repeats per variable just like ChanVariable."""
    return key in _MULTI or key.endswith("ChanVariable")


def event_headers(text: str) -> tuple[Headers, Lists]:
    """One split per line; lines that are no ``Key: value`` go the careful way."""
    lines = text.split("\r\n")
    pairs = [line.split(": ", 1) for line in lines]
    try:
        headers: Headers = dict(pairs)
    except ValueError:  # a line without ": " (bare "Key:", junk)
        return _parse_lines(lines)
    # A substring test is far cheaper than looking at every key; a false positive
    # (the word in a value) only costs the slower, still exact, path.
    if len(headers) != len(lines) or "Variable" in text or "Output" in text:
        return _gather_lists(headers, pairs) or _parse_lines(lines)
    return headers, NO_LISTS


def careful_headers(text: str) -> tuple[Headers, Lists]:
    """Any frame: splits on a bare LF too (the Park response has one)."""
    if text.startswith(FOLLOWS):
        return _parse_follows(text)
    return _parse_lines([line.rstrip("\r") for line in text.split("\n")])


def _gather_lists(headers: Headers, pairs: list[list[str]]) -> tuple[Headers, Lists] | None:
    """Collect list keys; None if some other key repeats (the careful path decides)."""
    lists: Lists = {}
    extra = len(pairs) - len(headers)
    for key in [key for key in headers if is_list_key(key)]:
        found = tuple([value for name, value in pairs if name == key])
        lists[key] = found
        headers[key] = found[0]
        extra -= len(found) - 1
    return (headers, lists) if extra == 0 else None


def _parse_lines(lines: list[str]) -> tuple[Headers, Lists]:
    """Line by line: first value wins in `headers`, every value is kept in `lists`."""
    headers: Headers = {}
    repeated: dict[str, list[str]] = {}
    for line in lines:
        key, sep, value = line.partition(": ")
        if not sep:
            if not line:
                continue
            if not line.endswith(":"):
                logger.debug("skipping AMI line without ': ': %r", line[:120])
                continue
            key, value = line[:-1], ""
        if key in headers:
            if key in repeated:
                repeated[key].append(value)
            else:
                repeated[key] = [headers[key], value]
        else:
            headers[key] = value
            if is_list_key(key):
                repeated[key] = [value]
    return headers, {key: tuple(values) for key, values in repeated.items()}


def _parse_follows(text: str) -> tuple[Headers, Lists]:
    """Legacy ``Response: Follows``: CRLF header lines, then LF-ended free text.

    The body runs up to ``--END COMMAND--`` and becomes ``lists["Output"]``.
    """
    segments = text.split("\r\n")
    split_at = len(segments)
    for index, segment in enumerate(segments):
        key = segment.partition(": ")[0]
        if "\n" in segment or key not in _FOLLOWS_HEADER_KEYS:
            split_at = index
            break
    headers, lists = _parse_lines(segments[:split_at])
    output = [line.rstrip("\r") for line in "\n".join(segments[split_at:]).split("\n")]
    while output and output[-1] in ("", END_COMMAND):
        if output.pop() == END_COMMAND:
            break
    return headers, {**lists, "Output": tuple(output)}
