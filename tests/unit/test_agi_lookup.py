"""The lookup script's rules: which number, which variables, when to rename the caller."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from cti.agi import AgiEnvironment, AgiSettings
from cti.agi.lookup import match_kind, name_is_missing, number_to_look_up, variables_for
from cti.lookup import LookupResult

ALICE: dict[str, Any] = {
    "id": 42,
    "name": "Alice Example",
    "company": "Example Inc",
    "crm_id": "crm-550123",
    "match": "exact",
}


def env(**variables: str) -> AgiEnvironment:
    base = {"agi_network_script": "lookup", "agi_callerid": "+14155550123"}
    return AgiEnvironment(MappingProxyType(base | {f"agi_{k}": v for k, v in variables.items()}))


def result(*contacts: dict[str, Any], match: str | None = "exact") -> LookupResult:
    if not contacts:
        return LookupResult("+14155550123", "+14155550123", None, (), None, ())
    single = contacts[0] if len(contacts) == 1 else None
    return LookupResult("+14155550123", "+14155550123", single, contacts, match, ())


def test_exact_match_on_a_nameless_caller_sets_name_and_crm_variables_match_last() -> None:
    pairs = variables_for(env(calleridname="unknown"), result(ALICE), "if-missing")
    assert pairs == [
        ("CALLERID(name)", "Alice Example"),
        ("CTI_CONTACT_ID", "42"),
        ("CTI_COMPANY", "Example Inc"),
        ("CTI_CRM_ID", "crm-550123"),
        ("CTI_MATCH", "exact"),
    ]


def test_a_caller_that_sent_a_real_name_keeps_it() -> None:
    pairs = dict(variables_for(env(calleridname="Walk In"), result(ALICE), "if-missing"))
    assert "CALLERID(name)" not in pairs
    assert pairs["CTI_MATCH"] == "exact"


def test_policy_always_and_never() -> None:
    named = env(calleridname="Walk In")
    assert ("CALLERID(name)", "Alice Example") in variables_for(named, result(ALICE), "always")
    nameless = env(calleridname="")
    assert all(
        name != "CALLERID(name)" for name, _ in variables_for(nameless, result(ALICE), "never")
    )


def test_suffix_match_is_reported_as_suffix() -> None:
    pairs = dict(variables_for(env(), result(ALICE, match="suffix"), "if-missing"))
    assert pairs["CTI_MATCH"] == "suffix"
    assert pairs["CTI_CONTACT_ID"] == "42"


def test_several_candidates_set_only_the_match_kind() -> None:
    bob = ALICE | {"id": 43, "name": "Bob"}
    assert variables_for(env(), result(ALICE, bob), "always") == [("CTI_MATCH", "multiple")]


def test_no_match_sets_only_none() -> None:
    assert variables_for(env(), result(), "always") == [("CTI_MATCH", "none")]
    assert match_kind(LookupResult.unknown("anonymous")) == "none"


def test_empty_fields_are_not_set() -> None:
    sparse = {"id": None, "name": "Csv Person", "company": "", "match": "exact"}
    pairs = variables_for(env(), result(sparse), "if-missing")
    assert pairs == [("CALLERID(name)", "Csv Person"), ("CTI_MATCH", "exact")]


@pytest.mark.parametrize(
    ("name", "missing"),
    [
        ("", True),
        ("unknown", True),
        ("<unknown>", True),
        ("+1 (415) 555-0123", True),
        ("4155550123", True),
        ("Walk In", False),
        ("Jörg", False),
        ("R2-D2", False),
    ],
)
def test_name_is_missing_when_empty_unknown_or_only_digits(name: str, missing: bool) -> None:
    assert name_is_missing(name) is missing


def test_first_argument_overrides_the_caller_id_number() -> None:
    assert number_to_look_up(env(arg_1="0049301234567")) == "0049301234567"
    assert number_to_look_up(env(arg_1="  ")) == "+14155550123"
    assert number_to_look_up(env()) == "+14155550123"


@pytest.mark.parametrize(
    "bad", [{"budget_seconds": 0}, {"max_connections": 0}, {"caller_name": "sometimes"}]
)
def test_settings_refuse_values_the_server_cannot_run_with(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        AgiSettings(**bad)


def test_suffix_match_names_the_caller_only_when_name_from_allows_it() -> None:
    weak = result(ALICE | {"match": "suffix"}, match="suffix")
    default = dict(variables_for(env(calleridname=""), weak, "always"))
    assert "CALLERID(name)" not in default
    assert (default["CTI_MATCH"], default["CTI_CONTACT_ID"]) == ("suffix", "42")
    widened = dict(variables_for(env(calleridname=""), weak, "always", "suffix"))
    assert widened["CALLERID(name)"] == "Alice Example"
    exact = dict(variables_for(env(calleridname=""), result(ALICE), "always", "exact"))
    assert exact["CALLERID(name)"] == "Alice Example"


def test_name_from_must_be_exact_or_suffix() -> None:
    with pytest.raises(ValueError, match="name_from"):
        AgiSettings(name_from="prefix")  # type: ignore[arg-type]
