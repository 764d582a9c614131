"""The file and CRM sources' parsing, without sockets."""

from __future__ import annotations

from typing import Any

import pytest

from cti.lookup import CsvSource, SecretStr, SourceError
from cti.lookup.httpsource import build_url, contacts_from_json
from tests.helpers import FIXTURES

GOOD_CSV = FIXTURES / "contacts" / "good.csv"


@pytest.fixture
def csv_source() -> CsvSource:
    return CsvSource.load(GOOD_CSV, "US", tail_length=9, name="csv")


async def test_csv_source_matches_exact_then_suffix(csv_source: CsvSource) -> None:
    [exact] = await csv_source.lookup("+14155550123", "4155550123")
    assert (exact["name"], exact["match"], exact["source"]) == ("Alice Example", "exact", "csv")
    [suffix] = await csv_source.lookup("+44155550123", "+44155550123")
    assert (suffix["name"], suffix["match"]) == ("Alice Example", "suffix")
    assert await csv_source.lookup("+14155550124", "4155550124") == []


async def test_csv_source_returns_every_contact_sharing_a_number(csv_source: CsvSource) -> None:
    found = await csv_source.lookup("+14155550199", "4155550199")
    assert [c["name"] for c in found] == ["Carol Shared", "Dave Shared"]


def test_csv_source_logs_rejected_rows_when_loading(caplog: pytest.LogCaptureFixture) -> None:
    CsvSource.load(FIXTURES / "contacts" / "bad_rows.csv", "US", 9, "crm-export")
    assert "contact source crm-export:" in caplog.text
    assert "line 3: invalid phone number '12'" in caplog.text


def test_url_template_encodes_both_placeholders() -> None:
    url = build_url("https://crm/x?q={number}&n={e164}", "+14155550123", "(415) 555 0123&x=1")
    assert url == "https://crm/x?q=%28415%29%20555%200123%26x%3D1&n=%2B14155550123"


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (None, []),
        ([], []),
        ({"name": "Solo", "id": 5}, ["Solo"]),
        ([{"name": "A"}, {"name": "B"}], ["A", "B"]),
        ({"contacts": [{"name": "Wrapped", "crm_id": "X1"}]}, ["Wrapped"]),
    ],
)
def test_crm_json_shapes(body: Any, names: list[str]) -> None:
    assert [c["name"] for c in contacts_from_json(body, "crm")] == names


@pytest.mark.parametrize("body", [["just a string"], {"id": 1}, 42, [{"name": 7}]])
def test_crm_records_without_a_name_fail_the_source(body: Any) -> None:
    with pytest.raises(SourceError):
        contacts_from_json(body, "crm")


def test_secret_never_shows_in_repr_or_str() -> None:
    secret = SecretStr("Bearer abc123")
    assert "abc123" not in repr(secret) + str(secret) + f"{secret}" + repr([secret])
    assert secret.reveal() == "Bearer abc123"
