"""The thread book on disk: what one run noted, the next run knows; foreign files refused."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from cti.channels.email.book import MailEntry, ThreadBook
from cti.channels.email.bookfile import ThreadBookError, open_book
from cti.channels.inbound import Party

ANN = Party(name="Ann Customer", email="ann@example.org")


def _entry(n: int, direction: str = "in", raw: bytes | None = None) -> MailEntry:
    return MailEntry(
        message_id=f"<m{n}@example.org>",
        thread_key="<m1@example.org>",
        references=("<m1@example.org>",) if n > 1 else (),
        party=ANN,
        subject=f"Printer {n}",
        direction="in" if direction == "in" else "out",
        raw=raw,
    )


def _saved(path: Path, *entries: MailEntry) -> None:
    book = open_book(path)
    for entry in entries:
        book.add(entry)
    asyncio.run(book.save())
    assert book.unsaved == 0
    book.close()


def test_entries_saved_by_one_run_are_known_to_the_next(tmp_path: Path) -> None:
    path = tmp_path / "email" / "threads.sqlite"
    _saved(path, _entry(1), _entry(2, "out", raw=b"Message-ID: <m2@example.org>\r\n"))
    book = open_book(path)
    assert book.known("<m2@example.org>") == "<m1@example.org>"
    assert [e.message_id for e in book.thread("<m1@example.org>")] == [
        "<m1@example.org>",
        "<m2@example.org>",
    ]
    reply = book.entry("<m2@example.org>")
    assert reply == _entry(2, "out")  # everything but the raw bytes, which stay on disk
    latest = book.latest_inbound("<m1@example.org>")
    assert latest is not None and latest.party == ANN
    book.close()


def test_an_entry_noted_twice_is_kept_once(tmp_path: Path) -> None:
    path = tmp_path / "threads.sqlite"
    _saved(path, _entry(1))
    _saved(path, _entry(1), _entry(2))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM mail").fetchone() == (2,)


def test_a_book_without_a_file_saves_nothing_and_keeps_nothing_unsaved() -> None:
    book = ThreadBook()
    book.add(_entry(1))
    asyncio.run(book.save())
    assert book.unsaved == 0 and book.known("<m1@example.org>") == "<m1@example.org>"


def test_a_file_that_is_not_a_database_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "threads.sqlite"
    path.write_bytes(b"this is not sqlite at all, but long enough to look like a header" * 4)
    with pytest.raises(ThreadBookError, match=r"threads\.sqlite: not an email thread book"):
        open_book(path)
    assert path.read_bytes().startswith(b"this is not sqlite")  # left as it was


def test_another_programs_database_is_refused_not_written_into(tmp_path: Path) -> None:
    path = tmp_path / "threads.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE calls (id INTEGER)")
    with pytest.raises(ThreadBookError, match=r"user_version 0, 1 table"):
        open_book(path)


def test_a_newer_book_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "threads.sqlite"
    _saved(path, _entry(1))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 2")
    with pytest.raises(ThreadBookError, match="user_version 2"):
        open_book(path)


def test_a_damaged_row_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "threads.sqlite"
    _saved(path, _entry(1))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE mail SET refs = 'not json'")
    with pytest.raises(ThreadBookError, match="unreadable thread book"):
        open_book(path)


def test_a_failed_save_keeps_the_entries_for_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "threads.sqlite"
    book = open_book(path)
    book.add(_entry(1))
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE mail")  # the write fails as on a damaged disk
    with pytest.raises(ThreadBookError, match="could not note 1 mail"):
        asyncio.run(book.save())
    assert book.unsaved == 1
    book.close()
