"""The `records` options: where the file goes, how long calls are kept, bad values refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.assembly import records_path
from cti.config import ConfigError, load_config


def test_records_default_to_a_file_next_to_the_contact_database(tmp_path: Path) -> None:
    config = load_config(tmp_path)  # no cti.yaml at all: every default
    assert records_path(config) == Path("data/records.db")
    assert config.records.keep_days == 400
    (tmp_path / "cti.yaml").write_text("lookup:\n  database: /srv/cti/contacts.db\n")
    assert records_path(load_config(tmp_path)) == Path("/srv/cti/records.db")


def test_an_explicit_records_path_and_retention_are_used(tmp_path: Path) -> None:
    (tmp_path / "cti.yaml").write_text(
        "records:\n  path: /var/lib/cti/calls.db\n  keep_days: 30\n", encoding="utf-8"
    )
    config = load_config(tmp_path)
    assert records_path(config) == Path("/var/lib/cti/calls.db")
    assert config.records.keep_days == 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("records:\n  keep_days: 0\n", "records.keep_days"),
        ("records:\n  keep_days: '30'\n", "records.keep_days"),
        ("records:\n  path: [a, b]\n", "records.path"),
        ("records:\n  keep_day: 30\n", "did you mean 'records.keep_days'"),
    ],
)
def test_bad_records_options_are_refused_naming_the_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "cti.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert expected in "\n".join(str(p) for p in caught.value.problems)
