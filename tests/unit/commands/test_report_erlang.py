"""`cti report erlang`, the staffing calculator, through the real command line entry."""

from __future__ import annotations

import json

import pytest

from cti.cli import main

WORKED_EXAMPLE = ["--calls", "100", "--interval", "1800", "--aht", "180"]
"""Call Centre Helper's worked example (tests/unit/reports/test_erlang.py): 10 erlangs."""


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_text_answer_names_agents_service_level_asa_and_occupancy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["report", "erlang", *WORKED_EXAMPLE, "--target-sl", "0.8", "--target-seconds", "20"]
    status, out, err = run_cli(argv, capsys)
    assert status == 0, err
    assert out.splitlines() == [
        "traffic:        10.00 erlangs (100 calls x 180 s / 1800 s)",
        "model:          Erlang C (no caller hangs up)",
        "agents needed:  14",
        "service level:  88.8% answered within 20 s (target 80%)",
        "ASA:            7.8 s",
        "occupancy:      71.4%",
    ]
    assert err == ""


def test_json_answer_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(["report", "erlang", *WORKED_EXAMPLE, "--format", "json"], capsys)
    assert status == 0
    answer = json.loads(out)
    assert answer == {
        "agents": 14,
        "service_level": 0.8884,
        "asa_seconds": 7.84,
        "occupancy": 0.7143,
        "traffic_erlangs": 10.0,
        "model": "erlang-c",
    }


def test_shrinkage_adds_the_agents_to_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "erlang", *WORKED_EXAMPLE, "--shrinkage", "0.3", "--format", "json"]
    status, out, _ = run_cli(argv, capsys)
    assert status == 0
    answer = json.loads(out)
    assert (answer["agents"], answer["scheduled"], answer["shrinkage"]) == (14, 20, 0.3)
    status, out, _ = run_cli(["report", "erlang", *WORKED_EXAMPLE, "--shrinkage", "0.3"], capsys)
    assert out.splitlines()[-1] == "scheduled:      20  (shrinkage 30%)"


def test_defaults_are_80_percent_in_20_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    _, explicit, _ = run_cli(
        ["report", "erlang", *WORKED_EXAMPLE, "--target-sl", "0.8", "--target-seconds", "20"],
        capsys,
    )
    _, default, _ = run_cli(["report", "erlang", *WORKED_EXAMPLE], capsys)
    assert default == explicit


def test_no_calls_need_no_agents(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "erlang", "--calls", "0", "--interval", "900", "--aht", "200"]
    status, out, _ = run_cli([*argv, "--format", "json"], capsys)
    assert status == 0
    assert json.loads(out)["agents"] == 0


def test_patience_switches_to_erlang_a_and_reports_abandons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(["report", "erlang", *WORKED_EXAMPLE, "--patience", "60"], capsys)
    assert status == 0, err
    assert out.splitlines() == [
        "traffic:        10.00 erlangs (100 calls x 180 s / 1800 s)",
        "model:          Erlang A (callers hang up after 60 s on average)",
        "agents needed:  12",
        "service level:  86.0% answered within 20 s (target 80%)",
        "abandoned:      7.6% hang up before an answer",
        "ASA:            3.5 s  (of the calls answered)",
        "occupancy:      77.0%",
    ]


def test_erlang_a_json_adds_the_abandon_rate_and_patience(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["report", "erlang", *WORKED_EXAMPLE, "--patience", "60", "--format", "json"]
    status, out, _ = run_cli(argv, capsys)
    assert status == 0
    answer = json.loads(out)
    assert answer["model"] == "erlang-a"
    assert (answer["agents"], answer["abandon_rate"], answer["patience_seconds"]) == (
        12,
        0.0759,
        60.0,
    )
    assert {"service_level", "asa_seconds", "occupancy"} <= answer.keys()


def test_an_abandon_ceiling_raises_the_staffing(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "erlang", *WORKED_EXAMPLE, "--patience", "60", "--format", "json"]
    _, loose, _ = run_cli(argv, capsys)
    _, capped, _ = run_cli([*argv, "--max-abandon", "0.05"], capsys)
    assert json.loads(loose)["agents"] == 12
    assert json.loads(capped)["agents"] == 13
    assert json.loads(capped)["abandon_rate"] <= 0.05


def test_an_abandon_ceiling_without_patience_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run_cli(
        ["report", "erlang", *WORKED_EXAMPLE, "--max-abandon", "0.05"], capsys
    )
    assert (status, out) == (2, "")
    assert err == "cti report erlang: --max-abandon needs --patience (Erlang A)\n"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--aht", "0", "--aht must be a finite number of seconds above 0, got 0.0"),
        ("--aht", "-180", "--aht must be a finite number of seconds above 0, got -180.0"),
        ("--target-sl", "1.5", "--target-sl must be above 0 and at most 1 (0.8 means 80%)"),
        ("--interval", "0", "--interval must be a finite number of seconds above 0"),
        ("--calls", "-5", "--calls must be a finite number, at least 0, got -5.0"),
        ("--calls", "nan", "--calls must be a finite number, at least 0, got nan"),
        ("--target-seconds", "-1", "--target-seconds must be a finite number of seconds"),
        ("--shrinkage", "1", "--shrinkage must be at least 0 and below 1"),
        ("--calls", "1e12", "the traffic (--calls x --aht / --interval) of 100,000,000,000"),
        ("--patience", "0", "--patience must be a finite number of seconds above 0, got 0.0"),
        ("--max-abandon", "1.5", "--max-abandon must be above 0 and at most 1"),
    ],
)
def test_an_impossible_input_exits_2_naming_the_option(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", "erlang", *WORKED_EXAMPLE, option, value]
    if option == "--max-abandon":
        argv += ["--patience", "60"]
    status, out, err = run_cli(argv, capsys)
    assert status == 2
    assert out == ""
    assert err.startswith(f"cti report erlang: {message}"), err
    assert "Traceback" not in err


def test_a_value_that_is_not_a_number_is_an_argparse_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "erlang", *WORKED_EXAMPLE, "--aht", "three minutes"])
    assert exited.value.code == 2
    assert "argument --aht: invalid float value: 'three minutes'" in capsys.readouterr().err


def test_a_missing_required_option_is_an_argparse_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "erlang", "--calls", "100", "--interval", "1800"])
    assert exited.value.code == 2
    assert "the following arguments are required: --aht" in capsys.readouterr().err
