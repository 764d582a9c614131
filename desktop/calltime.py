"""How long a call has rung, talked or been on hold, as the card, the call list and the
tabs show it. Plain functions of a `CallRecord` and the time now, so they are tested
without Qt and the window only re-renders them once a second.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from desktop.board import CallRecord, Phase

SHORT_STATE = {
    Phase.RINGING: "Ringing",
    Phase.ANSWERED: "Talking",
    Phase.HELD: "On hold",
    Phase.ENDED: "Ended",
}


def clock_text(seconds: float) -> str:
    """0:07, 12:34, 1:02:03: whole seconds, never negative."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def short_state(record: CallRecord) -> str:
    """One or two words: the phase, or why the call is no longer the agent's."""
    return record.retraction_text or SHORT_STATE[record.phase]


def in_state(record: CallRecord, now: float) -> float:
    return (record.until if record.until is not None else now) - record.since


def total(record: CallRecord, now: float) -> float:
    return (record.until if record.until is not None else now) - record.seen


def card_timer(record: CallRecord, now: float) -> str:
    """The card's timer: time in this state, plus the whole call once it has changed state;
    a call that is over shows how long it lasted, frozen."""
    if not record.active:
        return f"{clock_text(total(record, now))} in all"
    current = clock_text(in_state(record, now))
    if record.phase is Phase.RINGING or total(record, now) - in_state(record, now) < 1:
        return current
    return f"{current} · total {clock_text(total(record, now))}"


def ended_at(record: CallRecord, now: float, wall_now: datetime) -> str:
    """The wall-clock time (HH:MM) the call stopped being active here."""
    stopped = record.until if record.until is not None else now
    return (wall_now - timedelta(seconds=now - stopped)).strftime("%H:%M")


def when_text(record: CallRecord, now: float, wall_now: datetime) -> str:
    """State and time, e.g. "Ringing 0:12" or "Ended 14:02": what tells two calls of the
    same caller apart."""
    if record.active:
        return f"{short_state(record)} {clock_text(in_state(record, now))}"
    return f"{short_state(record)} {ended_at(record, now, wall_now)}"


def tab_text(title: str, record: CallRecord, now: float, wall_now: datetime) -> str:
    return f"{title} · {when_text(record, now, wall_now)}"


def list_text(title: str, number: str, record: CallRecord, now: float, wall_now: datetime) -> str:
    """A call-list entry: state and time first, so eliding a long name never hides them."""
    who = f"{title} {number}" if number and number != title else title
    return f"{when_text(record, now, wall_now)} · {who}"
