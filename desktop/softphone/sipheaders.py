"""Who is calling, read from the raw INVITE. No I/O: text in, plain values out.

pjsua2 gives the remote URI but not P-Asserted-Identity or the X- headers, so the engine
parses the received message itself (Asterisk puts the caller ID in PAI or From).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_COMPACT = {"f": "from", "i": "call-id", "t": "to", "m": "contact", "v": "via"}
_QUOTED_NAME = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*<([^>]*)>')
_TOKEN_NAME = re.compile(r"^\s*([^<]*?)\s*<([^>]*)>")
_DIALABLE = re.compile(r"^\+?[0-9*#]+$")
MAX_X_HEADERS = 20
ANONYMOUS = "anonymous"  # Asterisk's user part for a withheld number


@dataclass(frozen=True)
class Caller:
    number: str
    display_name: str
    uri: str


def parse_headers(message: str) -> dict[str, list[str]]:
    """Header values by lower-case name (compact forms expanded), in order; stops at the
    blank line before the body and skips the start line."""
    headers: dict[str, list[str]] = {}
    last: str | None = None
    for line in message.replace("\r\n", "\n").split("\n")[1:]:
        if not line.strip():
            break
        if line[0] in " \t" and last is not None:
            headers[last][-1] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        key = _COMPACT.get(key, key)
        headers.setdefault(key, []).append(value.strip())
        last = key
    return headers


def parse_name_addr(value: str) -> tuple[str, str]:
    """(display name, URI) of a From/PAI value: `"Name" <uri>;tag=x`, `Name <uri>` or
    a bare `uri;tag=x`."""
    quoted = _QUOTED_NAME.match(value)
    if quoted:
        return re.sub(r"\\(.)", r"\1", quoted.group(1)), quoted.group(2).strip()
    token = _TOKEN_NAME.match(value)
    if token:
        return token.group(1), token.group(2).strip()
    return "", value.split(";", 1)[0].strip()


def uri_number(uri: str) -> str:
    """The user part of a sip:/sips:/tel: URI, unescaped; "" when there is none."""
    scheme, sep, rest = uri.partition(":")
    if not sep:
        return ""
    if scheme.lower() == "tel":
        return unquote(rest.split(";", 1)[0])
    if scheme.lower() not in ("sip", "sips") or "@" not in rest:
        return ""
    user = unquote(rest.split("@", 1)[0].split(";", 1)[0].split(":", 1)[0])
    return "" if user.lower() == ANONYMOUS else user


def caller_of(message: str) -> Caller:
    """The caller as the PBX presents it: P-Asserted-Identity (which may list a sip: and
    a tel: entry) before From, a dialable number before any other user part."""
    headers = parse_headers(message)
    candidates: list[str] = []
    for value in headers.get("p-asserted-identity", []):
        candidates.extend(part for part in _split_list(value) if part)
    candidates.extend(headers.get("from", [])[:1])
    found = [parse_name_addr(value) for value in candidates]
    ranked = sorted(
        ((uri_number(uri), name, uri) for name, uri in found),
        key=lambda item: (not is_dialable(item[0]), not item[0]),  # stable: header order
    )
    if not ranked:
        return Caller("", "", "")
    number, name, uri = ranked[0]
    return Caller(number, name or _from_name(headers), uri)


def x_headers(message: str) -> dict[str, str]:
    """The first value of each X- header, names as sent (bounded: a hostile peer can
    send thousands)."""
    found: dict[str, str] = {}
    for line in message.replace("\r\n", "\n").split("\n")[1:]:
        if not line.strip() or len(found) >= MAX_X_HEADERS:
            break
        name, sep, value = line.partition(":")
        if sep and name.lower().startswith("x-") and name not in found:
            found[name.strip()] = value.strip()
    return found


def is_dialable(number: str) -> bool:
    return bool(_DIALABLE.match(number))


def _from_name(headers: dict[str, list[str]]) -> str:
    values = headers.get("from", [])
    return parse_name_addr(values[0])[0] if values else ""


def _split_list(value: str) -> list[str]:
    """Split a header list on commas outside quotes and angle brackets."""
    parts, depth, quoted, current = [], 0, False, ""
    for char in value:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "<>":
            depth += 1 if char == "<" else -1
        if char == "," and not quoted and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts
