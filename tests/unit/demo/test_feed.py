"""PopFeed: each protocol event becomes a plain-text row that remembers its pop."""

from __future__ import annotations

from typing import Any

from cti.demo import PopFeed
from cti.protocol import (
    CallAnswered,
    CallEnded,
    CallHeld,
    CallResumed,
    CallTransferFailed,
    CallTransferred,
    PopRetracted,
)
from tests.unit.demo.frames import CALL, JORG, TS, event, ringing, welcome


def test_ringing_with_a_contact_becomes_a_full_row() -> None:
    feed = PopFeed()
    [row] = feed.apply("alice", event(ringing(contact=JORG, matches=(JORG,)), seq=7))

    assert row.seq == 7
    assert row.time == "12:34:56"
    assert (row.agent, row.extension, row.event) == ("alice", "1001", "call.ringing")
    assert (row.caller_number, row.caller_name) == ("+12125550161", "MUELLER JOERG")
    assert (row.contact, row.company) == ("Jörg Müller", "Müller & Söhne GmbH")
    assert (row.queue, row.dialled) == ("support", "+18005550100")
    assert row.last_interaction == "2026-05-30 email replied"
    assert row.status == "ringing"
    assert list(feed.rows) == [row]


def test_several_matches_are_listed_for_the_chooser() -> None:
    other = {"name": "Käthe Müller", "company": None}
    [row] = PopFeed().apply("alice", event(ringing(matches=(JORG, other))))

    assert row.contact == "2 matches: Jörg Müller / Käthe Müller"
    assert row.last_interaction is None


def test_unknown_and_withheld_callers() -> None:
    feed = PopFeed()
    [unknown] = feed.apply("alice", event(ringing(name="WIRELESS CALLER")))
    [withheld] = feed.apply(
        "alice", event(ringing(number=None, name=None, anonymous=True, call_id="2"), seq=2)
    )

    assert unknown.contact == "unknown caller"
    assert (withheld.caller_number, withheld.caller_name) == ("withheld", None)
    assert withheld.contact == "unknown caller"


def test_later_events_keep_the_pop_and_update_the_call_state() -> None:
    feed = PopFeed()
    feed.apply("alice", event(ringing(contact=JORG), seq=1))
    steps = [
        (CallAnswered(call_id=CALL, extension="1001"), "answered", "answered by 1001"),
        (CallHeld(call_id=CALL), "held", None),
        (CallResumed(call_id=CALL), "answered", None),
        (
            CallEnded(call_id=CALL, cause=16, cause_text="Normal Clearing", answered_by="1001"),
            "ended",
            "Normal Clearing, answered by 1001",
        ),
    ]
    for seq, (domain_event, status, detail) in enumerate(steps, start=2):
        [row] = feed.apply("alice", event(domain_event, seq))
        assert (row.event, row.status, row.detail) == (domain_event.type, status, detail)
        assert (row.contact, row.caller_number) == ("Jörg Müller", "+12125550161")
        assert feed.status_of("alice", CALL) == status


def test_abandoned_call_and_retracted_pop() -> None:
    feed = PopFeed()
    feed.apply("alice", event(ringing(contact=JORG)))
    [retracted] = feed.apply(
        "alice", event(PopRetracted(call_id=CALL, extension="1001", reason="abandoned"), 2)
    )
    [ended] = feed.apply(
        "alice",
        event(
            CallEnded(call_id=CALL, cause=16, cause_text=None, answered_by=None, abandoned=True), 3
        ),
    )

    assert (retracted.status, retracted.detail, retracted.contact) == (
        "retracted",
        "abandoned",
        "Jörg Müller",
    )
    assert (ended.status, ended.detail) == ("ended", "abandoned, 16")
    assert ended.extension is None  # the pop was retracted before; nothing to carry


def test_transfer_names_both_ends() -> None:
    feed = PopFeed()
    feed.apply("alice", event(ringing()))
    moved = CallTransferred(call_id=CALL, to="1002", mode="blind", from_extension="1001")
    [row] = feed.apply("alice", event(moved, 2))

    assert (row.status, row.detail) == ("transferred", "blind transfer 1001 → 1002")


def test_a_failed_attended_transfer_says_the_caller_is_back() -> None:
    feed = PopFeed()
    feed.apply("alice", event(ringing()))
    feed.apply("alice", event(CallAnswered(call_id=CALL, extension="1001"), 2))
    failed = CallTransferFailed(
        call_id=CALL, to="1002", reason="not_answered", from_extension="1001"
    )
    [row] = feed.apply("alice", event(failed, 3))

    assert row.status == "answered"
    assert row.detail == "transfer to 1002 failed (not answered): caller is back"
    assert feed.status_of("alice", CALL) == "answered"


def test_events_of_calls_never_popped_still_show() -> None:
    [row] = PopFeed().apply("bob", event(CallAnswered(call_id="9.1", extension="1002")))

    assert (row.extension, row.caller_number, row.contact) == ("1002", None, None)


def test_welcome_lists_active_calls_once() -> None:
    feed = PopFeed()
    calls: list[dict[str, Any]] = [
        {
            "call_id": CALL,
            "state": "ringing",
            "answered_by": None,
            "pop": ringing(contact=JORG).data(),
        },
        {"call_id": "2", "state": "answered", "answered_by": "1001", "pop": None},
    ]
    first = feed.apply("alice", welcome(calls))

    assert [(r.event, r.status, r.contact) for r in first] == [
        ("call.active", "ringing", "Jörg Müller"),
        ("call.active", "answered", None),
    ]
    assert first[1].detail == "in progress, answered by 1001"
    assert feed.apply("alice", welcome(calls)) == []  # a replaying reconnect adds nothing
    resynced = feed.apply("alice", welcome(calls[1:], resync=True))
    assert [r.call_id for r in resynced] == ["2"]
    assert feed.status_of("alice", CALL) is None


def test_frames_that_are_not_about_calls_add_nothing() -> None:
    feed = PopFeed()

    assert feed.apply("alice", {"op": "result", "id": "1", "ok": True}) == []
    assert feed.apply("alice", {"op": "event", "type": "call.ringing", "data": "bad"}) == []
    assert not feed.rows


def test_control_characters_and_bidi_overrides_are_removed() -> None:
    hostile = "Evil\x1b[2J\u202eeman\x07\nNext"
    [row] = PopFeed().apply("alice", event(ringing(name=hostile)))

    assert row.caller_name == "Evil [2Jeman  Next"
    assert all(ch.isprintable() for ch in row.caller_name)


def test_long_text_is_cut() -> None:
    [row] = PopFeed().apply("alice", event(ringing(name="x" * 500)))

    assert row.caller_name is not None
    assert len(row.caller_name) == 60
    assert row.caller_name.endswith("…")


def test_markup_in_caller_text_is_kept_as_plain_text() -> None:
    contact = dict(JORG, name="[bold red]x[/]", company="[link=http://evil]y[/link]")
    [row] = PopFeed().apply("alice", event(ringing(name="[bold red]x[/]", contact=contact)))

    assert row.caller_name == "[bold red]x[/]"
    assert (row.contact, row.company) == ("[bold red]x[/]", "[link=http://evil]y[/link]")


def test_old_finished_calls_are_forgotten() -> None:
    feed = PopFeed(max_rows=4)
    for n in range(20):
        feed.apply("alice", event(ringing(call_id=str(n)), 2 * n + 1))
        ended = CallEnded(call_id=str(n), cause=16, cause_text=None, answered_by=None)
        feed.apply("alice", event(ended, 2 * n + 2))

    assert len(feed.rows) == 4
    assert feed.status_of("alice", "0") is None
    assert feed.status_of("alice", "19") == "ended"


def test_presence_and_agent_state_add_no_row_and_the_state_is_kept_per_agent() -> None:
    feed = PopFeed()
    presence = {"extension": "1002", "state": "in-use", "since": TS}
    frame = {"op": "event", "seq": 1, "type": "presence", "data": presence}
    assert feed.apply("alice", frame) == []
    paused = {"agent": "alice", "extension": "1001", "state": "paused", "reason": "lunch"}
    frame = {"op": "event", "seq": 2, "type": "agent.state", "data": paused}
    assert feed.apply("alice", frame) == []
    assert feed.agent_states == {"1001": "paused: lunch"}
    busy = {"agent": "alice", "extension": "1001", "state": "on-call", "reason": None}
    feed.apply("alice", {"op": "event", "seq": 3, "type": "agent.state", "data": busy})
    assert feed.agent_states == {"1001": "on-call"}
    assert list(feed.rows) == []


def test_interaction_events_add_no_call_rows() -> None:
    """Emails, chats and forms are not calls: no ``call=?`` rows in the pop table."""
    feed = PopFeed()
    for kind, data in [
        ("interaction.offered", {"interaction_id": "i1", "channel": "chat", "text": "Hi"}),
        ("interaction.message", {"interaction_id": "i1", "direction": "in", "text": "Hi"}),
        ("interaction.ended", {"interaction_id": "i1", "reason": "closed"}),
    ]:
        assert feed.apply("alice", {"op": "event", "type": kind, "seq": 1, "data": data}) == []
    assert list(feed.rows) == []
