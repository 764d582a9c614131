"""What a lookup answers: who is calling (if anyone knows), how sure, and from where."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

Contact = dict[str, Any]
Answer = tuple["SourceReport", list[Contact]]


def exact_matches(contacts: list[Contact]) -> list[Contact]:
    """The contacts that have the very number (``match`` "exact"), not only its tail."""
    return [contact for contact in contacts if contact.get("match") == "exact"]


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
        """The first source (in priority order) with an exact match decides the answer;
        only when no source matched exactly does the first suffix match decide.

        A suffix match is only the same last N digits: a lower-ranked source that has
        the very number knows better than a higher-ranked one that has a lookalike.
        """
        reports = tuple(report for report, _ in answers)
        exact = next((found for _, c in answers if (found := exact_matches(c))), [])
        if exact:
            matches, kind = tuple(exact), "exact"
        else:
            matches, kind = tuple(next((c for _, c in answers if c), [])), "suffix"
        if not matches:
            return cls(raw, e164, None, (), None, reports)
        contact = matches[0] if len(matches) == 1 else None
        return cls(raw, e164, contact, matches, kind, reports)

    def from_cache(self) -> LookupResult:
        return replace(self, cached=True)

    @property
    def complete(self) -> bool:
        """Every source asked gave its answer (none failed or timed out).

        Only a complete result may be cached: "no contact" because the CRM was down is
        not an answer, and caching it would hide the contact once the CRM is back.
        """
        return all(report.status == "ok" for report in self.sources)

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
