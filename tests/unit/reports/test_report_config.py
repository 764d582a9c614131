"""The `reports` options: the report time zone, interval and staffing targets, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.config import ConfigError, load_config


def test_reports_default_to_utc_half_hours_80_percent_and_30_percent_shrinkage(
    tmp_path: Path,
) -> None:
    reports = load_config(tmp_path).reports
    assert (reports.timezone, reports.interval_minutes) == ("UTC", 30)
    assert (reports.target_service_level, reports.shrinkage) == (0.8, 0.3)


def test_explicit_report_options_are_used(tmp_path: Path) -> None:
    (tmp_path / "cti.yaml").write_text(
        "reports:\n  timezone: Europe/Paris\n  interval_minutes: 15\n"
        "  target_service_level: 1\n  shrinkage: 0\n",
        encoding="utf-8",
    )
    reports = load_config(tmp_path).reports
    assert (reports.timezone, reports.interval_minutes) == ("Europe/Paris", 15)
    assert (reports.target_service_level, reports.shrinkage) == (1.0, 0.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("timezone: Europe/Pariss", "did you mean 'Europe/Paris'?"),
        ("timezone: Mars/Olympus", "reports.timezone: is not a known time zone"),
        ("timezone: 1", "reports.timezone: expected a time zone name"),
        ("timezone: ../../etc/passwd", "reports.timezone: is not a known time zone"),
        ("interval_minutes: 20", "reports.interval_minutes: must be one of 15, 30, 60"),
        ("interval_minutes: '30'", "reports.interval_minutes"),
        ("target_service_level: 0", "reports.target_service_level: must be a number"),
        ("target_service_level: 80", "a fraction, e.g. 0.8 for 80%"),
        ("target_service_level: .nan", "reports.target_service_level"),
        ("shrinkage: 1", "reports.shrinkage: must be a number from 0 (included)"),
        ("shrinkage: -0.1", "reports.shrinkage"),
        ("shrinkage: '30%'", "write it without quotes"),
    ],
)
def test_bad_report_options_are_refused_naming_the_key_and_why(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "cti.yaml").write_text(f"reports:\n  {text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert expected in "\n".join(str(p) for p in caught.value.problems)
