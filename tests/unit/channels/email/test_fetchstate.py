"""The fetch state file: round trip, a new UIDVALIDITY starts over, bad files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.channels.email.fetchstate import FetchState, FetchStateError, load_state, save_state


def test_state_survives_a_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "fetch.json"
    save_state(path, FetchState(uidvalidity=1700, last_uid=42))
    assert load_state(path) == FetchState(uidvalidity=1700, last_uid=42)
    assert [p.name for p in path.parent.iterdir()] == ["fetch.json"]


def test_missing_state_file_means_nothing_fetched_yet(tmp_path: Path) -> None:
    assert load_state(tmp_path / "absent.json") == FetchState()


def test_same_uidvalidity_keeps_the_last_uid_and_a_new_one_starts_over() -> None:
    state = FetchState(uidvalidity=5, last_uid=9)
    assert state.for_mailbox(5) is state
    assert state.for_mailbox(6) == FetchState(uidvalidity=6, last_uid=0)


@pytest.mark.parametrize(
    "content",
    [
        "{broken",
        "[]",
        '{"uidvalidity": 1}',
        '{"uidvalidity": 1, "last_uid": -3}',
        '{"uidvalidity": "1", "last_uid": 3}',
        '{"uidvalidity": 1, "last_uid": true}',
    ],
)
def test_unreadable_state_is_refused_with_the_file_named(tmp_path: Path, content: str) -> None:
    path = tmp_path / "fetch.json"
    path.write_text(content)
    with pytest.raises(FetchStateError, match=r"fetch\.json"):
        load_state(path)


def test_state_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fetch.json"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FetchStateError):
        load_state(path)
