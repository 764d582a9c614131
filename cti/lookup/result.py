"""What a lookup answers: who is calling (if anyone knows), how sure, and from where."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

Contact = dict[str, Any]
Answer = tuple["SourceReport", list[Contact]]


@dataclass(frozen=True)
class SourceReport:
    """One source's part in a lookup: "ok", "error" or "timeout", and how long it took."""

    name: str
    status: str
    seconds: float
    count: int
    error: str | None = None


@dataclass(frozen=True)
class LookupResult:
    """`contact` is the single best match (None for 0 or several); `matches` holds all.

    `match` is "exact" (same E.164) or "suffix" (same last N digits, a weaker match).
    """

    number: str | None
    number_e164: str | None
    contact: Contact | None
    matches: tuple[Contact, ...]
    match: str | None
    sources: tuple[SourceReport, ...]
    cached: bool = False

    @classmethod
    def unknown(cls, number: str | None) -> LookupResult:
        """An anonymous, withheld or unparseable caller: pops as unknown, asks no source."""
        return cls(number, None, None, (), None, ())

    @classmethod
    def from_answers(cls, raw: str, e164: str, answers: list[Answer]) -> LookupResult:
        """The first source (in priority order) that matched decides the answer."""
        reports = tuple(report for report, _ in answers)
        found = next((contacts for _, contacts in answers if contacts), [])
        if not found:
            return cls(raw, e164, None, (), None, reports)
        exact = [contact for contact in found if contact.get("match") == "exact"]
        matches = tuple(exact or found)
        contact = matches[0] if len(matches) == 1 else None
        return cls(raw, e164, contact, matches, "exact" if exact else "suffix", reports)

    def from_cache(self) -> LookupResult:
        return replace(self, cached=True)

    @property
    def known(self) -> bool:
        return bool(self.matches)

    def pop_fields(self) -> dict[str, Any]:
        """The lookup's part of a ``call.ringing`` event's data."""
        return {
            "contact": self.contact,
            "matches": list(self.matches),
            "match": self.match,
        }
