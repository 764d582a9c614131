"""Contacts from CSV: a header row with ``name`` and ``phone``, one contact per row.

Optional columns: ``company``, ``email``, ``notes``, ``tags`` (``;``-separated),
``crm_id``, ``label``, and ``phone2``..``phone9`` for more numbers. Every bad row becomes
a `Rejection` with its line number; only a file that cannot be CSV at all raises.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from cti.lookup.records import (
    ContactFileError,
    ContactRecord,
    Rejection,
    has_bad_bytes,
    normalise_phones,
)

REQUIRED = ("name", "phone")
OPTIONAL = ("company", "email", "notes", "tags", "crm_id", "label")
EXTRA_PHONES = tuple(f"phone{n}" for n in range(2, 10))


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ContactFileError("empty file: no CSV header") from None
    except csv.Error as exc:
        raise ContactFileError(f"not a CSV file: {exc}") from None
    columns = [col.strip().lower() for col in header]
    if has_bad_bytes(*columns):
        raise ContactFileError("header is not valid UTF-8")
    if missing := [col for col in REQUIRED if col not in columns]:
        raise ContactFileError(
            f"missing required column(s): {', '.join(missing)} (header: {', '.join(columns)})"
        )
    return columns


def _value(row: dict[str, str], key: str) -> str | None:
    value = row.get(key, "").strip()
    return value or None


def _record(row: dict[str, str], line: int, region: str) -> ContactRecord | Rejection:
    if has_bad_bytes(*row.values()):
        return Rejection(line, "not valid UTF-8")
    name = _value(row, "name")
    if name is None:
        return Rejection(line, "empty name")
    raws = [(raw, _value(row, "label")) for raw in [row.get("phone", "")] if raw.strip()]
    raws += [(row[key], key) for key in EXTRA_PHONES if _value(row, key)]
    phones = normalise_phones(raws, region)
    if isinstance(phones, str):
        return Rejection(line, phones)
    tags = tuple(t.strip() for t in (row.get("tags") or "").split(";") if t.strip())
    return ContactRecord(
        line=line,
        name=name,
        phones=phones,
        company=_value(row, "company"),
        email=_value(row, "email"),
        notes=_value(row, "notes"),
        tags=tags,
        crm_id=_value(row, "crm_id"),
    )


def parse_csv(text: str, region: str) -> Iterator[ContactRecord | Rejection]:
    """Records and rejections in file order; raises `ContactFileError` on the header."""
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    columns = _header(reader)
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(line, f"malformed CSV: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(field.strip() for field in fields):
            continue  # blank line, not a row
        if len(fields) != len(columns):
            yield Rejection(start, f"expected {len(columns)} fields, got {len(fields)}")
            continue
        yield _record(dict(zip(columns, fields, strict=True)), start, region)
