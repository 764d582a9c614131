"""The demo directory: realistic, varied, repeatable, and shaped for every kind of pop."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cti.demo import build_demo_directory, fictional_numbers
from cti.demo.contacts import cnam
from cti.lookup import ContactStore
from cti.numbers import to_e164
from cti.sim import ANONYMOUS

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


@pytest.fixture
def store(tmp_path: Path) -> ContactStore:
    return ContactStore(tmp_path / "demo.db")


def dump(store: ContactStore) -> list[Any]:
    """Everything the generator wrote, minus the wall-clock created/updated stamps."""
    db = store.db
    return [
        db.execute("SELECT id, name, company, email, notes, tags, crm_id FROM contacts").fetchall(),
        db.execute("SELECT contact_id, number_raw, number_e164, label FROM phones").fetchall(),
        db.execute("SELECT * FROM interactions ORDER BY id").fetchall(),
    ]


def test_creates_the_requested_number_of_contacts(store: ContactStore) -> None:
    callers = build_demo_directory(store, count=300, now=NOW)

    assert store.count() == 300
    assert len(callers) > 300  # every directory number, plus unknown and anonymous callers


def test_same_seed_gives_the_same_directory(tmp_path: Path) -> None:
    first, second, other = (ContactStore(tmp_path / f"{n}.db") for n in "abc")

    assert build_demo_directory(first, seed=3, now=NOW) == build_demo_directory(
        second, seed=3, now=NOW
    )
    assert dump(first) == dump(second)
    assert build_demo_directory(other, seed=4, now=NOW) != build_demo_directory(
        ContactStore(tmp_path / "d.db"), seed=3, now=NOW
    )


def test_names_come_from_many_scripts(store: ContactStore) -> None:
    build_demo_directory(store, now=NOW)
    names = {row[0] for row in store.db.execute("SELECT name FROM contacts")}

    assert {"Jörg Müller", "Seán O'Brien", "王伟"} <= names
    assert sum(not name.isascii() for name in names) > 30
    assert len(names) > 200


def test_contacts_carry_companies_emails_notes_and_tags(store: ContactStore) -> None:
    build_demo_directory(store, now=NOW)
    contacts = [store.get_contact(cid) for cid in range(1, 301)]

    assert sum(1 for c in contacts if c and c["company"]) > 150
    assert sum(1 for c in contacts if c and c["notes"]) > 40
    assert sum(1 for c in contacts if c and c["tags"]) > 60
    emails = [c["email"] for c in contacts if c and c["email"]]
    assert len(emails) > 150
    assert all(email.isascii() and email.endswith(".example") for email in emails)


def test_every_number_is_e164_in_a_fictional_range(store: ContactStore) -> None:
    build_demo_directory(store, now=NOW)
    reserved = set(fictional_numbers("US"))
    phones = store.db.execute("SELECT number_raw, number_e164 FROM phones").fetchall()

    assert phones
    for raw, e164 in phones:
        assert E164.match(e164)
        assert to_e164(e164, None) == e164
        assert to_e164(raw, "US") == e164
        assert e164 in reserved


def test_some_contacts_have_history_across_channels(store: ContactStore) -> None:
    build_demo_directory(store, now=NOW)
    sizes = Counter(
        row[0] for row in store.db.execute("SELECT contact_id FROM interactions").fetchall()
    )

    assert 60 < len(sizes) < 240  # some contacts, not all
    assert set(sizes.values()) <= set(range(1, 7))
    assert max(sizes.values()) > 3
    channels = {row[0] for row in store.db.execute("SELECT channel FROM interactions")}
    assert channels == {"phone", "email", "chat"}
    contact_id = sizes.most_common(1)[0][0]
    history = store.history(contact_id, limit=10)
    assert all(item["outcome"] and item["notes"] and item["agent"] for item in history)
    assert [item["ts"] for item in history] == sorted(
        (item["ts"] for item in history), reverse=True
    )
    assert all(item["ts"] < NOW.isoformat() for item in history)


def test_some_numbers_are_shared_for_the_multi_match_chooser(store: ContactStore) -> None:
    callers = build_demo_directory(store, now=NOW)
    shared = store.db.execute(
        "SELECT number_e164 FROM phones GROUP BY number_e164 HAVING count(*) > 1"
    ).fetchall()

    assert len(shared) >= 3
    numbers = {number for number, _ in callers}
    for (e164,) in shared:
        assert e164 in numbers
        matches = store.find(e164)
        assert len(matches) >= 2
        assert all(match["match"] == "exact" for match in matches)


def test_callers_include_unknown_and_anonymous(store: ContactStore) -> None:
    callers = build_demo_directory(store, now=NOW)

    assert callers.count(ANONYMOUS) >= 2
    unknown = [n for n, _ in callers if n != ANONYMOUS[0] and not store.find(n)]
    assert len(unknown) >= 3
    known = [n for n, _ in callers if n != ANONYMOUS[0] and store.find(n)]
    assert len(known) == len(set(known)) > 300


def test_other_regions_use_their_own_fictional_ranges(store: ContactStore) -> None:
    callers = build_demo_directory(store, count=40, region="GB", now=NOW)

    assert store.count() == 40
    assert all(n.startswith("+44") for n, _ in callers if n != ANONYMOUS[0])
    with pytest.raises(ValueError, match="region"):
        build_demo_directory(store, region="ZZ")


def test_adds_to_a_store_that_already_has_contacts(store: ContactStore) -> None:
    existing = store.add_contact("Existing Person", [("+12125550999", "+12125550999", None)])
    build_demo_directory(store, count=20, now=NOW)

    assert store.count() == 21
    assert store.history(existing) == []
    interactions = store.db.execute("SELECT contact_id FROM interactions").fetchall()
    assert all(existing < row[0] <= existing + 20 for row in interactions)


def test_some_known_callers_present_a_carrier_style_name(store: ContactStore) -> None:
    callers = build_demo_directory(store, now=NOW)
    known = [(n, name) for n, name in callers if n.startswith("+") and store.find(n)]
    carrier = [name for _, name in known if name.isupper() and name.isascii()]

    assert 30 < len(carrier) < len(known) // 2
    assert all(len(name) <= 15 for name in carrier)
    assert cnam("Jörg Müller") == "MULLER JORG"
    assert cnam("Seán O'Brien") == "OBRIEN SEAN"
