"""Matching a softphone call with the broker's pop (no sockets)."""

from __future__ import annotations

from desktop.softphone import IncomingCall
from desktop.softphone.matching import matches_pop

POP = {"call_id": "1700000000.42", "caller_e164": "+33612345678", "region": "FR"}


def incoming(number: str, headers: dict[str, str] | None = None) -> IncomingCall:
    return IncomingCall("sip-call-1", number, "", f"sip:{number}@pbx.test", headers or {})


def test_header_with_the_broker_call_id_decides() -> None:
    named = incoming("0612345678", {"x-cti-call-id": "1700000000.42"})
    other = incoming("0612345678", {"X-CTI-Call-Id": "1700000000.99"})
    assert matches_pop(named, caller_number=None, **POP)
    assert not matches_pop(other, caller_number="0612345678", **POP)  # same number, other call


def test_number_matches_as_sent_or_in_e164() -> None:
    assert matches_pop(incoming("0612345678"), caller_number="0612345678", **POP)
    assert matches_pop(incoming("+33 6 12 34 56 78"), caller_number=None, **POP)
    assert matches_pop(incoming("0612345678"), caller_number=None, **POP)


def test_other_or_missing_numbers_do_not_match() -> None:
    assert not matches_pop(incoming("0699999999"), caller_number="0612345678", **POP)
    assert not matches_pop(incoming(""), caller_number="", **POP)
    assert not matches_pop(incoming("reception"), caller_number=None, **POP)
