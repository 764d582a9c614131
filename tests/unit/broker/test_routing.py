"""The broker's call book follows the events, so snapshots and ownership are right."""

from __future__ import annotations

from cti.broker.routing import CallBook, receives
from cti.protocol import CallHeld, CallTransferred
from tests.broker_events import answered, ended, retracted, ringing


def ids(calls: list[dict[str, object]]) -> list[object]:
    return [call["call_id"] for call in calls]


def test_ringing_adds_a_pop_for_that_extension_only() -> None:
    book = CallBook()
    book.apply(ringing("c1", "1001"))
    assert ids(book.calls_of("1001")) == ["c1"]
    assert book.calls_of("1002") == []
    assert book.calls_of("1001")[0]["state"] == "ringing"


def test_retract_removes_the_pop_and_an_empty_call() -> None:
    book = CallBook()
    book.apply(ringing("c1", "1001"))
    book.apply(ringing("c1", "1002"))
    book.apply(retracted("c1", "1002"))
    assert book.calls_of("1002") == []
    book.apply(retracted("c1", "1001"))
    assert book.get("c1") is None


def test_answer_hold_and_end() -> None:
    book = CallBook()
    book.apply(ringing("c1", "1001"))
    book.apply(answered("c1", "1001"))
    book.apply(CallHeld(call_id="c1", audience=frozenset({"1001"})))
    assert book.calls_of("1001")[0]["state"] == "held"
    book.apply(ended("c1", "1001"))
    assert book.all_calls() == []


def test_transfer_moves_the_call_away_from_the_transferer() -> None:
    book = CallBook()
    book.apply(ringing("c1", "1001"))
    book.apply(answered("c1", "1001"))
    book.apply(ringing("c1", "1002"))
    book.apply(
        CallTransferred(
            call_id="c1",
            audience=frozenset({"1001"}),
            to="1002",
            mode="blind",
            from_extension="1001",
        )
    )
    assert book.calls_of("1001") == []
    assert ids(book.calls_of("1002")) == ["c1"]


def test_events_for_unknown_calls_are_ignored() -> None:
    book = CallBook()
    book.apply(answered("ghost", "1001"))
    book.apply(ended("ghost", "1001"))
    assert book.all_calls() == []


def test_receives_audience_or_supervisor() -> None:
    event = ringing("c1", "1001")
    assert receives(event, "1001", False)
    assert not receives(event, "1002", False)
    assert receives(event, "1900", True)
