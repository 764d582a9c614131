"""Contacts from vCard 3.0/4.0: FN (or N), TEL, ORG, EMAIL, NOTE, CATEGORIES.

Lines are unfolded first (RFC 6350 3.2: CRLF + one space or tab continues a line). A card
that cannot be imported becomes a `Rejection` at the line of its ``BEGIN:VCARD``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cti.lookup.records import ContactRecord, Rejection, has_bad_bytes, normalise_phones

_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}
Property = tuple[str, dict[str, str], str]


def unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the physical line number each one starts on."""
    out: list[tuple[int, str]] = []
    for number, physical in enumerate(text.splitlines(), start=1):
        if physical[:1] in (" ", "\t") and out:
            out[-1] = (out[-1][0], out[-1][1] + physical[1:])
        else:
            out.append((number, physical))
    return out


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), value)


def parse_line(line: str) -> Property | None:
    """``group.NAME;PARAM=V:value`` as (NAME, params, value), or None if no colon."""
    head, sep, value = line.partition(":")
    if not sep:
        return None
    name, *raw_params = head.split(";")
    params: dict[str, str] = {}
    for param in raw_params:
        key, _, val = param.partition("=")
        params[key.upper()] = val.strip('"') if val else key
    return name.rsplit(".", 1)[-1].upper(), params, value


def _label(params: dict[str, str]) -> str | None:
    kinds = [k for k in params.get("TYPE", "").lower().split(",") if k and k != "voice"]
    return kinds[0] if kinds else None


def _card(start: int, props: list[Property], region: str) -> ContactRecord | Rejection:
    if has_bad_bytes(*(value for _, _, value in props)):
        return Rejection(start, "not valid UTF-8")
    first: dict[str, str] = {}
    for name, _, value in props:
        first.setdefault(name, value)
    name = unescape(first.get("FN", "")).strip()
    if not name and "N" in first:
        family, _, given = first["N"].partition(";")
        name = " ".join(p for p in (unescape(given.split(";")[0]), unescape(family)) if p)
    if not name:
        return Rejection(start, "empty name")
    raws = [
        (value.removeprefix("tel:"), _label(params))
        for prop, params, value in props
        if prop == "TEL" and value.strip()
    ]
    phones = normalise_phones(raws, region)
    if isinstance(phones, str):
        return Rejection(start, phones)
    org = unescape(first.get("ORG", "").split(";")[0]).strip()
    tags = tuple(t.strip() for t in unescape(first.get("CATEGORIES", "")).split(",") if t.strip())
    return ContactRecord(
        line=start,
        name=name,
        phones=phones,
        company=org or None,
        email=unescape(first.get("EMAIL", "")).strip() or None,
        notes=unescape(first.get("NOTE", "")).strip() or None,
        tags=tags,
    )


def parse_vcard(text: str, region: str) -> Iterator[ContactRecord | Rejection]:
    """Records and rejections, one per card, in file order."""
    start: int | None = None
    props: list[Property] = []
    for number, line in unfold(text):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if start is not None:
                yield Rejection(start, "card has no END:VCARD")
            start, props = number, []
        elif upper == "END:VCARD" and start is not None:
            yield _card(start, props, region)
            start = None
        elif start is not None and (prop := parse_line(line)) is not None:
            props.append(prop)
        elif line.strip():
            yield Rejection(number, f"not a vCard property: {line[:40]!r}")
    if start is not None:
        yield Rejection(start, "card has no END:VCARD")
