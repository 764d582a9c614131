"""Finding a contact by email address on a real SQLite file (issue 13: who wrote in)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cti.lookup import ContactStore
from cti.lookup.store import EMAIL_SQL


@pytest.fixture
def store(tmp_path: Path) -> ContactStore:
    store = ContactStore(tmp_path / "contacts.db")
    store.add_contact("Alice", email="Alice.Smith@Example.COM", company="Acme")
    store.add_contact("Bob", email="bob@example.com")
    store.add_contact("Bob at home", email="BOB@example.com")
    store.add_contact("Nobody")
    return store


def test_address_matches_whatever_the_case_on_either_side(store: ContactStore) -> None:
    found = store.find_by_email("alice.smith@EXAMPLE.com")
    assert [(c["name"], c["company"], c["match"]) for c in found] == [("Alice", "Acme", "exact")]


def test_every_contact_sharing_the_address_is_returned_in_id_order(store: ContactStore) -> None:
    assert [c["name"] for c in store.find_by_email("Bob@Example.com")] == ["Bob", "Bob at home"]


def test_surrounding_blanks_are_ignored(store: ContactStore) -> None:
    assert [c["name"] for c in store.find_by_email("  bob@example.com\n")] == ["Bob", "Bob at home"]


@pytest.mark.parametrize(
    "address", ["alice.smith@example", "lice.smith@example.com", "%@example.com", "_ob@example.com"]
)
def test_only_the_exact_address_matches_never_a_part_or_a_pattern(
    store: ContactStore, address: str
) -> None:
    assert store.find_by_email(address) == []


@pytest.mark.parametrize("address", ["", "   ", "bob@example.com\x00"])
def test_blank_or_nul_address_matches_nobody(store: ContactStore, address: str) -> None:
    assert store.find_by_email(address) == []


def test_lookup_uses_the_lower_cased_address_index(store: ContactStore) -> None:
    plan = store.db.execute("EXPLAIN QUERY PLAN " + EMAIL_SQL, ("bob@example.com",)).fetchall()
    assert any("idx_contacts_email_lower" in str(row) for row in plan), plan


def test_a_store_made_before_the_index_gains_it_when_reopened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = ContactStore(path)
    store.add_contact("Alice", email="alice@example.com")
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX idx_contacts_email_lower")
        conn.execute("PRAGMA user_version = 1")
    reopened = ContactStore(path)
    assert reopened.db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert [c["name"] for c in reopened.find_by_email("ALICE@example.com")] == ["Alice"]
    reopened.close()
