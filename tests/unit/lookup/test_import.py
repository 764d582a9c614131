"""Importing CSV and vCard into a real SQLite file: bad rows reported, broken files atomic."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from cti.lookup import (
    ContactFileError,
    ContactStore,
    ProgressBar,
    import_contacts,
    import_off_loop,
)
from tests.helpers import FIXTURES

CONTACTS = FIXTURES / "contacts"


@pytest.fixture
def store(tmp_path: Path) -> ContactStore:
    return ContactStore(tmp_path / "contacts.db")


def names(store: ContactStore) -> list[str]:
    return [row[0] for row in store.db.execute("SELECT name FROM contacts ORDER BY id")]


def fingerprint(store: ContactStore) -> str:
    dump = "\n".join(store.db.conn.iterdump())
    return hashlib.sha256(dump.encode()).hexdigest()


def test_bad_rows_are_reported_exactly_and_good_rows_imported(store: ContactStore) -> None:
    report = import_contacts(store, CONTACTS / "bad_rows.csv", "US")
    assert [str(r) for r in report.rejected] == [
        "line 3: invalid phone number '12'",
        "line 4: empty name",
        "line 5: expected 3 fields, got 4",
        "line 6: not valid UTF-8",
        "line 8: no phone number",
    ]
    assert report.imported == 2
    assert names(store) == ["Good One", "Good Two"]
    assert [c["name"] for c in store.find("+12125550104")] == ["Good Two"]


def test_good_csv_keeps_every_column_and_normalises_numbers(store: ContactStore) -> None:
    report = import_contacts(store, CONTACTS / "good.csv", "US")
    assert (report.imported, report.rejected, report.format) == (4, [], "csv")
    [alice] = store.find("+14155550123")
    assert alice | {"id": 0} == {
        "id": 0,
        "name": "Alice Example",
        "company": "Acme Corp",
        "email": "alice@example.com",
        "notes": "Prefers mornings",
        "tags": ["vip", "support"],
        "crm_id": "CRM-1",
        "match": "exact",
    }
    assert [c["name"] for c in store.find("+49301234567")] == ["Jörg Müller"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"name,company\nAlice,Acme\n", "missing required column(s): phone"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not CSV or vCard"),
        (b"", "empty file: no CSV header"),
        (b"n\xe4me,phone\nA,+12125550100\n", "header is not valid UTF-8"),
    ],
    ids=["missing-column", "binary", "empty", "undecodable-header"],
)
def test_broken_file_leaves_the_database_unchanged(
    store: ContactStore, tmp_path: Path, content: bytes, error: str
) -> None:
    import_contacts(store, CONTACTS / "good.csv", "US")
    before = fingerprint(store)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(content)
    with pytest.raises(ContactFileError, match=error.replace("(", r"\(").replace(")", r"\)")):
        import_contacts(store, broken, "US")
    assert fingerprint(store) == before


def test_unreadable_file_is_fatal(store: ContactStore, tmp_path: Path) -> None:
    with pytest.raises(ContactFileError, match="cannot read"):
        import_contacts(store, tmp_path / "missing.csv", "US")
    assert store.count() == 0


def test_error_while_writing_rolls_back_the_whole_import(store: ContactStore) -> None:
    import_contacts(store, CONTACTS / "bad_rows.csv", "US")
    before = fingerprint(store)

    def explode(done: int, total: int) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        import_contacts(store, CONTACTS / "good.csv", "US", progress=explode)
    assert fingerprint(store) == before


def test_vcard_folded_lines_are_unfolded_and_bad_cards_reported(store: ContactStore) -> None:
    report = import_contacts(store, CONTACTS / "contacts.vcf", "US")
    assert report.format == "vcard"
    assert [str(r) for r in report.rejected] == [
        "line 18: no phone number",
        "line 22: invalid phone number 'call me maybe'",
    ]
    [eve] = store.find("+13125550142")
    assert eve["name"] == "Eve Folded-Name Continued"
    assert eve["company"] == "Folding Co"
    assert eve["email"] == "eve@example.com"
    assert eve["notes"] == (
        "Line one\nline two, with comma and a very long note that is folded across lines"
    )
    assert eve["tags"] == ["vip", "partner"]
    [frank] = store.find("+442079460958")
    assert frank["name"] == "Frank Smith"


def test_vcard_without_end_is_rejected_not_dropped(store: ContactStore, tmp_path: Path) -> None:
    path = tmp_path / "cut.vcf"
    path.write_text("BEGIN:VCARD\nFN:A\nTEL:+12125550100\nEND:VCARD\nBEGIN:VCARD\nFN:B\n")
    report = import_contacts(store, path, "US")
    assert (report.imported, [str(r) for r in report.rejected]) == (
        1,
        ["line 5: card has no END:VCARD"],
    )


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_tty_and_stays_silent_otherwise() -> None:
    tty, pipe = FakeTty(), io.StringIO()
    for stream in (tty, pipe):
        bar = ProgressBar(stream)
        bar(1, 4)
        bar(4, 4)
    assert pipe.getvalue() == ""
    assert tty.getvalue().endswith("4/4 (100%)\n")


async def test_import_off_loop_writes_while_the_loop_keeps_reading(tmp_path: Path) -> None:
    reader = ContactStore(tmp_path / "contacts.db")
    report = await import_off_loop(tmp_path / "contacts.db", CONTACTS / "good.csv", "US")
    assert report.imported == 4
    assert [c["name"] for c in reader.find("+14155550123")] == ["Alice Example"]
