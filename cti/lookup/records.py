"""What a contact file parses into: contact records, or rejections with a line number."""

from __future__ import annotations

from dataclasses import dataclass, field

from cti.numbers import to_e164


@dataclass(frozen=True)
class Phone:
    raw: str
    e164: str
    label: str | None = None


@dataclass(frozen=True)
class ContactRecord:
    """One contact read from a file, numbers already in E.164."""

    line: int
    name: str
    phones: tuple[Phone, ...]
    company: str | None = None
    email: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = field(default=())
    crm_id: str | None = None

    def as_contact(self, source: str) -> dict[str, object]:
        """The dict a `ContactSource` returns for this record."""
        return {
            "id": None,
            "name": self.name,
            "company": self.company,
            "email": self.email,
            "notes": self.notes,
            "tags": list(self.tags),
            "crm_id": self.crm_id,
            "source": source,
        }


@dataclass(frozen=True)
class Rejection:
    """A row (CSV) or card (vCard) that was not imported, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ContactFileError(Exception):
    """The whole file is unusable (not CSV/vCard, undecodable, missing columns)."""


def has_bad_bytes(*values: str | None) -> bool:
    """True when decoding with surrogateescape left undecodable bytes in a value."""
    return any(v is not None and any("\udc80" <= ch <= "\udcff" for ch in v) for v in values)


def normalise_phones(raws: list[tuple[str, str | None]], region: str) -> tuple[Phone, ...] | str:
    """Phones in E.164, or the reason (a str) the whole row must be rejected."""
    phones: list[Phone] = []
    for raw, label in raws:
        e164 = to_e164(raw.strip(), region)
        if e164 is None:
            return f"invalid phone number {raw.strip()!r}"
        phones.append(Phone(raw.strip(), e164, label or None))
    if not phones:
        return "no phone number"
    return tuple(phones)
