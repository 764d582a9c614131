"""A realistic demo directory, so `cti demo` pops names, companies and history on its own.

Every number comes from a range reserved for fiction (NANP 555-0100..0199, Ofcom's
drama ranges), so a demo can never dial or display a real subscriber. The output is a
pure function of the seed (and `now`), so tests and screenshots are repeatable.
"""

from __future__ import annotations

import logging
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import phonenumbers

from cti.demo import names
from cti.lookup.records import ContactRecord, Phone
from cti.lookup.store import ContactStore
from cti.sim import ANONYMOUS

log = logging.getLogger(__name__)

CallerId = tuple[str, str]  # (number, name), the shape PbxSimulator(contacts=...) takes

# Area codes whose last two digits differ, so the store's 9-digit suffix match can never
# tie two demo numbers together (an unknown caller must pop as unknown).
_NANP_AREAS: tuple[str, ...] = ("212", "415", "617", "202", "303", "404", "305", "206", "907")
_NANP_AREAS += ("808", "509", "410", "801", "713", "214", "916", "718", "319", "720", "321")
# Letters NFKD leaves whole, so stripping diacritics alone would drop them.
_UNDECOMPOSABLE = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "đ": "d", "Đ": "D", "ð": "d"}
)
AGENTS = ("1001", "1002", "1003")
HISTORY_SHARE = 0.4  # contacts that have talked to us before
SECOND_PHONE_SHARE = 0.25
CNAM_SHARE = 0.3  # callers whose trunk sends a carrier-style name instead of the real one


def fictional_numbers(region: str) -> list[str]:
    """Every E.164 number of the region's ranges reserved for drama and demos."""
    if region in ("US", "CA"):
        return [f"+1{area}55501{n:02d}" for area in _NANP_AREAS for n in range(100)]
    if region == "GB":
        london = [f"+4420794600{n:02d}" for n in range(100)]
        return london + [f"+447700900{n:03d}" for n in range(1000)]
    raise ValueError(f"no fictional number range known for region {region!r} (US, CA, GB)")


def national(e164: str) -> str:
    """How a person would type the number: the raw form stored next to the E.164 one."""
    parsed = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def ascii_word(text: str) -> str:
    """An e-mail-safe form of a name part: romanised or stripped of diacritics."""
    if text in names.ROMAN:
        return names.ROMAN[text]
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    kept = "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
    return kept.lower()


def display_name(given: str, family: str, family_first: bool) -> str:
    """Names in CJK scripts are written family-first without a space (王伟)."""
    if not family_first:
        return f"{given} {family}"
    joiner = "" if unicodedata.category(given[0]) == "Lo" else " "
    return f"{family}{joiner}{given}"


def cnam(name: str) -> str:
    """A name as a carrier's caller-ID database shows it: upper-case ASCII, 15 characters."""
    parts = name.split()
    if len(parts) > 1:
        parts = [parts[-1], *parts[:-1]]
    text = " ".join(word for word in (ascii_word(part).upper() for part in parts) if word)
    return text[:15] or "WIRELESS CALLER"


@dataclass(frozen=True)
class _Past:
    """One earlier call, e-mail or chat of a contact."""

    ts: str
    channel: str
    direction: str
    call_id: str | None
    outcome: str
    notes: str
    agent: str


@dataclass
class _Draft:
    """A contact before it is written: mutable so shared numbers can be linked in."""

    name: str
    phones: list[Phone]
    company: str | None
    email: str | None
    notes: str | None
    tags: tuple[str, ...]


class _Generator:
    def __init__(self, seed: int, region: str) -> None:
        self.rng = random.Random(seed)
        pool = fictional_numbers(region)
        self.rng.shuffle(pool)
        self._pool: Iterator[str] = iter(pool)
        self.region = region

    def number(self) -> str:
        try:
            return next(self._pool)
        except StopIteration:
            raise ValueError(f"too many demo contacts for the {self.region} ranges") from None

    def draft(self, given: str, family: str, culture: str) -> _Draft:
        rng = self.rng
        name = display_name(given, family, names.CULTURES[culture][2])
        company = rng.choice(names.COMPANIES) if rng.random() < 0.7 else None
        email = None
        if rng.random() < 0.8:
            domain = (ascii_word(company) if company else "") or "mail"
            email = f"{ascii_word(given)}.{ascii_word(family)}@{domain}.example"
        labels = ("mobile", "work", "home")
        phones = [self._phone(rng.choice(labels))]
        if rng.random() < SECOND_PHONE_SHARE:
            phones.append(self._phone("work" if phones[0].label != "work" else "mobile"))
        notes = rng.choice(names.NOTES) if rng.random() < 0.3 else None
        tags = tuple(sorted(rng.sample(names.TAGS, rng.choice((0, 0, 1, 1, 2)))))
        return _Draft(name, phones, company, email, notes, tags)

    def _phone(self, label: str) -> Phone:
        e164 = self.number()
        return Phone(national(e164), e164, label)

    def person(self) -> tuple[str, str, str]:
        culture = self.rng.choices(
            list(names.CULTURE_WEIGHTS), weights=list(names.CULTURE_WEIGHTS.values())
        )[0]
        given, family, _ = names.CULTURES[culture]
        return self.rng.choice(given), self.rng.choice(family), culture

    def share_numbers(self, drafts: list[_Draft]) -> None:
        """Let a few contacts reach us from one line (reception desk, family landline)."""
        groups = max(1, len(drafts) // 40) if len(drafts) >= 2 else 0
        for first in self.rng.sample(range(len(drafts) - 1), groups):
            owner, other = drafts[first], drafts[first + 1]
            shared = owner.phones[0]
            other.company = owner.company
            other.phones.append(Phone(shared.raw, shared.e164, "main"))

    def interactions(self, now: datetime) -> list[_Past]:
        rng = self.rng
        out: list[_Past] = []
        for _ in range(rng.randint(1, 6)):
            channel = rng.choice(("phone", "phone", "phone", "email", "chat"))
            outcome, note = rng.choice(names.INTERACTIONS[channel])
            when = now - timedelta(minutes=rng.randint(60, 180 * 24 * 60))
            direction = "outbound" if channel == "phone" and rng.random() < 0.3 else "inbound"
            call_id = (
                f"{int(when.timestamp())}.{rng.randint(1, 999)}" if channel == "phone" else None
            )
            ts = when.isoformat(timespec="seconds")
            agent = rng.choice(AGENTS)
            out.append(_Past(ts, channel, direction, call_id, outcome, note, agent))
        return sorted(out, key=lambda past: past.ts)


def build_demo_directory(
    store: ContactStore,
    *,
    count: int = 300,
    seed: int = 7,
    region: str = "US",
    now: datetime | None = None,
) -> list[CallerId]:
    """Fill `store` with `count` contacts and return the callers the simulator should use.

    The callers are every directory number (once) plus a few unknown numbers and a few
    withheld ones, so known, multi-match, unknown and anonymous pops all happen. Some
    callers present a carrier-style name (``MULLER JORG``), as real trunks do, so the pop
    visibly improves on the caller ID. Everything is written in one transaction; the
    US/CA ranges hold 2,000 numbers, enough for about 1,500 contacts.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    gen = _Generator(seed, region)
    now = now or datetime.now(UTC)
    people = list(names.FEATURED[:count])
    people += [gen.person() for _ in range(count - len(people))]
    drafts = [gen.draft(*person) for person in people]
    gen.share_numbers(drafts)
    records = [
        ContactRecord(i + 1, d.name, tuple(d.phones), d.company, d.email, d.notes, d.tags)
        for i, d in enumerate(drafts)
    ]
    with store.db.atomic():
        first_id = int(store.db.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()[0])
        store.bulk_insert(records)
        for offset in range(len(records)):
            if gen.rng.random() >= HISTORY_SHARE:
                continue
            for past in gen.interactions(now):
                store.add_interaction(
                    first_id + 1 + offset,
                    past.channel,
                    past.direction,
                    call_id=past.call_id,
                    outcome=past.outcome,
                    notes=past.notes,
                    agent=past.agent,
                    ts=past.ts,
                )
    callers: dict[str, str] = {}
    for draft in drafts:
        shown = cnam(draft.name) if gen.rng.random() < CNAM_SHARE else draft.name
        for phone in draft.phones:
            callers.setdefault(phone.e164, shown)
    unknown = [(gen.number(), name) for name in names.UNKNOWN_NAMES]
    log.info("demo directory: %d contacts, %d caller ids", len(records), len(callers))
    return [*callers.items(), *unknown, ANONYMOUS, ANONYMOUS]
