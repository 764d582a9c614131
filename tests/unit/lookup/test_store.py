"""The SQLite store on a real file: exact before suffix, several matches, history, search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cti.lookup import ContactStore
from cti.lookup.store import EXACT_SQL

ALICE = "+14155550123"


@pytest.fixture
def store(tmp_path: Path) -> ContactStore:
    store = ContactStore(tmp_path / "nested" / "contacts.db", tail_length=9)
    store.add_contact("Alice", [("(415) 555-0123", ALICE, "work")], company="Acme", tags=["vip"])
    store.add_contact("Bob", [("+44 20 7946 0958", "+442079460958", None)])
    store.add_contact("Carol", [("415 555 0199", "+14155550199", None)])
    store.add_contact("Dave", [("+1 415 555 0199", "+14155550199", "desk")])
    return store


def test_exact_match_wins_and_is_marked_exact(store: ContactStore) -> None:
    found = store.find(ALICE)
    assert [(c["name"], c["match"], c["tags"], c["company"]) for c in found] == [
        ("Alice", "exact", ["vip"], "Acme")
    ]


def test_same_last_nine_digits_in_another_country_is_a_suffix_match(store: ContactStore) -> None:
    found = store.find("+44" + ALICE[-9:])
    assert [(c["name"], c["match"]) for c in found] == [("Alice", "suffix")]


def test_number_sharing_fewer_digits_matches_nobody(store: ContactStore) -> None:
    assert store.find("+14155550124") == []


def test_number_shorter_than_the_suffix_key_is_never_suffix_matched(store: ContactStore) -> None:
    assert store.find("+1555") == []


def test_shared_number_returns_every_contact(store: ContactStore) -> None:
    assert [c["name"] for c in store.find("+14155550199")] == ["Carol", "Dave"]


def test_history_is_newest_first_and_limited(store: ContactStore) -> None:
    alice = store.find(ALICE)[0]["id"]
    for day, channel in enumerate(["call", "email", "chat", "call", "email", "call"], start=1):
        store.add_interaction(alice, channel, "in", ts=f"2026-01-0{day}T10:00:00+00:00")
    history = store.history(alice, 5)
    assert [(h["ts"][:10], h["channel"]) for h in history] == [
        ("2026-01-06", "call"),
        ("2026-01-05", "email"),
        ("2026-01-04", "call"),
        ("2026-01-03", "chat"),
        ("2026-01-02", "email"),
    ]


def test_get_contact_includes_phones_and_unknown_id_is_none(store: ContactStore) -> None:
    alice = store.get_contact(1)
    assert alice is not None
    assert alice["phones"] == [{"raw": "(415) 555-0123", "e164": ALICE, "label": "work"}]
    assert store.get_contact(999) is None


def test_search_matches_name_company_and_number_and_escapes_wildcards(
    store: ContactStore,
) -> None:
    assert [c["name"] for c in store.search_contacts("acme")] == ["Alice"]
    assert [c["name"] for c in store.search_contacts("4155550199")] == ["Carol", "Dave"]
    assert store.search_contacts("%") == []


def test_hot_query_uses_the_e164_index(store: ContactStore) -> None:
    plan = store.db.execute("EXPLAIN QUERY PLAN " + EXACT_SQL, (ALICE,)).fetchall()
    assert any("idx_phones_number_e164" in str(row) for row in plan), plan


def test_reopening_keeps_data_uses_wal_and_rekeys_suffix_on_new_length(
    store: ContactStore,
) -> None:
    path = store.path
    store.close()
    reopened = ContactStore(path, tail_length=7)
    assert reopened.count() == 4
    assert reopened.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reopened.db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert [c["name"] for c in reopened.find("+999" + ALICE[-7:])] == ["Alice"]
    reopened.close()
    with sqlite3.connect(path) as conn:
        tails = {row[0] for row in conn.execute("SELECT digits_tail FROM phones")}
    assert tails == {"5550123", "9460958", "5550199"}


def test_contact_with_the_same_number_twice_is_returned_once(store: ContactStore) -> None:
    store.add_contact("Erin", [("1", "+12125550100", "work"), ("2", "+12125550100", "home")])
    assert [c["name"] for c in store.find("+12125550100")] == ["Erin"]
    assert [c["name"] for c in store.find("+442125550100")] == ["Erin"]


def test_store_refuses_non_e164_numbers_and_orphan_interactions(store: ContactStore) -> None:
    with pytest.raises(ValueError, match=r"not an E\.164 number"):
        store.add_contact("Zed", [("415 555 0100", "4155550100", None)])
    with pytest.raises(sqlite3.IntegrityError):
        store.add_interaction(999, "call", "in")
    assert store.count() == 4
