"""Checks of the contact routes' bodies and query strings: pure, so unit tests need no server.

Every refusal is a `BadArgs` whose message names the field, because the desktop shows
it to the agent next to that field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_NAME = 200
MAX_SHORT = 320  # company, e-mail, call_id (an e-mail address may be 320 characters)
MAX_NOTES = 10_000
MAX_TAGS = 50
MAX_TAG = 64
MAX_PHONES = 20
MAX_NUMBER = 40
MAX_LABEL = 64
MAX_QUERY = 200
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
HISTORY_SHOWN = 20
_ID = re.compile(r"[1-9][0-9]{0,17}")  # fits SQLite's 64-bit INTEGER


class BadArgs(ValueError):
    """A missing, mistyped or oversized argument; the message names it."""


@dataclass(frozen=True, slots=True)
class NewContact:
    name: str
    phones: list[tuple[str, str | None]]
    details: dict[str, Any] = field(default_factory=dict)  # company, email, notes, tags


@dataclass(frozen=True, slots=True)
class NewNote:
    call_id: str
    disposition: str
    notes: str | None
    contact_id: int | None


def text(body: Mapping[str, Any], name: str, limit: int, required: bool = False) -> str | None:
    """A string field, stripped; absent or null is None unless `required`."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadArgs(f"{name!r} must be a{' non-empty' if required else ''} string")
    if len(value) > limit:
        raise BadArgs(f"{name!r} is longer than {limit} characters")
    return value.strip() or None


def tags(body: Mapping[str, Any]) -> list[str]:
    value = body.get("tags")
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_TAGS:
        raise BadArgs(f"'tags' must be a list of at most {MAX_TAGS} strings")
    found: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or len(item) > MAX_TAG:
            raise BadArgs(f"'tags[{index}]' must be a non-empty string of {MAX_TAG} at most")
        found.append(item.strip())
    return list(dict.fromkeys(found))


def phones(body: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(number as typed, label) pairs; the store normalises the numbers."""
    value = body.get("phones")
    if not isinstance(value, list) or not value or len(value) > MAX_PHONES:
        raise BadArgs(f"'phones' must be a list of 1 to {MAX_PHONES} phone objects")
    found: list[tuple[str, str | None]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise BadArgs(f"'phones[{index}]' must be an object with 'number'")
        try:
            number = text(item, "number", MAX_NUMBER, required=True)
            label = text(item, "label", MAX_LABEL)
        except BadArgs as exc:
            raise BadArgs(f"phones[{index}]: {exc}") from None
        assert number is not None
        found.append((number, label))
    return found


def parse_contact(body: Mapping[str, Any]) -> NewContact:
    name = text(body, "name", MAX_NAME, required=True)
    assert name is not None
    details: dict[str, Any] = {
        "company": text(body, "company", MAX_SHORT),
        "email": text(body, "email", MAX_SHORT),
        "notes": text(body, "notes", MAX_NOTES),
        "tags": tags(body),
    }
    if details["email"] and body.get("phones") in (None, []):
        return NewContact(name, [], details)  # a mail or chat customer: no number known
    return NewContact(name, phones(body), details)


def parse_note(body: Mapping[str, Any], dispositions: Sequence[str]) -> NewNote:
    call_id = text(body, "call_id", MAX_SHORT, required=True)
    disposition = text(body, "disposition", MAX_SHORT, required=True)
    assert call_id is not None and disposition is not None
    if disposition not in dispositions:
        allowed = ", ".join(dispositions)
        raise BadArgs(f"'disposition' must be one of: {allowed}")
    contact_id = body.get("contact_id")
    if contact_id is not None and not (type(contact_id) is int and _ID.fullmatch(str(contact_id))):
        raise BadArgs("'contact_id' must be a positive integer")
    return NewNote(call_id, disposition, text(body, "notes", MAX_NOTES), contact_id)


def parse_id(value: str) -> int:
    if not _ID.fullmatch(value):
        raise BadArgs("the contact id must be a positive integer")
    return int(value)


def parse_search(query: Mapping[str, str]) -> tuple[str, int]:
    """`q` (required) and `limit` (1 to MAX_LIMIT) of GET /api/contacts."""
    q = text(query, "q", MAX_QUERY, required=True)
    assert q is not None
    raw = query.get("limit")
    if raw is None:
        return q, DEFAULT_LIMIT
    if not _ID.fullmatch(raw) or int(raw) > MAX_LIMIT:
        raise BadArgs(f"'limit' must be an integer from 1 to {MAX_LIMIT}")
    return q, int(raw)
