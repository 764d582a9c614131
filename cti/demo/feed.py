"""Protocol-v1 frames → view-model rows, with no I/O, so the view logic is unit-tested.

Caller IDs and directory text come from outside (the PSTN, a CRM); they are cleaned of
control and bidi-override characters here, so no view can be made to move the cursor,
clear the screen or reverse text. Markup safety is the renderer's job.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

log = logging.getLogger(__name__)

MAX_TEXT = 60  # characters of one cell; a hostile caller name cannot flood the view

# Call state after each event type; `active` comes from a welcome snapshot.
STATUS = {
    "call.ringing": "ringing",
    "call.answered": "answered",
    "call.held": "held",
    "call.resumed": "answered",
    "call.transferred": "transferred",
    "call.transfer_failed": "answered",  # the caller is back with the transferer
    "call.ended": "ended",
    "pop.retracted": "retracted",
}
FINAL = frozenset({"ended", "retracted", "transferred"})
QUIET = frozenset({"presence", "queue.stats"})  # frames that add no row


def clean(value: Any) -> str | None:
    """Printable, one-line, bounded text, or None for missing values."""
    if value is None or value == "":
        return None
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in str(value)
        if unicodedata.category(ch) != "Cf"
    ).strip()
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return text or None


@dataclass(frozen=True, slots=True)
class PopRow:
    """One line of the view: an event of one call as one agent saw it. Plain text only."""

    seq: int | None
    time: str
    agent: str
    extension: str | None
    event: str
    call_id: str
    caller_number: str | None
    caller_name: str | None
    contact: str | None
    company: str | None
    queue: str | None
    dialled: str | None
    last_interaction: str | None
    detail: str | None
    status: str


@dataclass(frozen=True, slots=True)
class _Pop:
    """What a `call.ringing` said, remembered so later events of the call can show it."""

    extension: str | None
    caller_number: str | None
    caller_name: str | None
    contact: str | None
    company: str | None
    queue: str | None
    dialled: str | None
    last_interaction: str | None


_NO_POP = _Pop(None, None, None, None, None, None, None, None)


@dataclass(frozen=True, slots=True)
class PbxLinkState:
    """The broker's AMI link: while it is down no call pops, so the view says so."""

    connected: bool
    since: str  # HH:MM:SS UTC

    def text(self) -> str:
        if self.connected:
            return f"PBX link up since {self.since}"
        return f"PBX link down since {self.since}: calls will not pop"


def _time_of(ts: Any) -> str:
    """HH:MM:SS of an ISO-8601 timestamp; the view shows UTC like the wire."""
    text = str(ts or "")
    return text[11:19] if len(text) >= 19 else text


def _pop_of(data: Mapping[str, Any]) -> _Pop:
    caller = data.get("caller") or {}
    called = data.get("called") or {}
    number = "withheld" if caller.get("anonymous") else caller.get("number")
    contact = data.get("contact")
    matches = data.get("matches") or []
    name, company, last = None, None, None
    if contact:
        name, company = contact.get("name"), contact.get("company")
        history = contact.get("history") or []
        if history:
            item = history[0]
            last = " ".join(
                str(part)
                for part in (
                    str(item.get("ts") or "")[:10],
                    item.get("channel"),
                    item.get("outcome"),
                )
                if part
            )
    elif matches:
        names = " / ".join(str(m.get("name")) for m in matches[:3])
        name = f"{len(matches)} matches: {names}"
    return _Pop(
        extension=clean(data.get("extension")),
        caller_number=clean(number),
        caller_name=clean(caller.get("name")),
        contact=clean(name) if (contact or matches) else "unknown caller",
        company=clean(company),
        queue=clean(data.get("queue")),
        dialled=clean(called.get("did") or called.get("number")),
        last_interaction=clean(last),
    )


def _detail(event: str, data: Mapping[str, Any]) -> str | None:
    if event == "call.answered":
        return f"answered by {data.get('extension')}"
    if event == "call.transferred":
        return f"{data.get('mode')} transfer {data.get('from') or '?'} → {data.get('to')}"
    if event == "call.transfer_failed":
        reason = str(data.get("reason") or "failed").replace("_", " ")
        return f"transfer to {data.get('to') or '?'} failed ({reason}): caller is back"
    if event == "call.ended":
        text = data.get("cause_text") or data.get("cause")
        who = data.get("answered_by")
        parts = ["abandoned" if data.get("abandoned") else None, text]
        parts.append(f"answered by {who}" if who else None)
        return ", ".join(str(part) for part in parts if part) or None
    if event == "pop.retracted":
        return str(data.get("reason"))
    return None


class PopFeed:
    """Keeps the newest rows and each call's current state, per agent."""

    def __init__(self, max_rows: int = 200) -> None:
        self.rows: deque[PopRow] = deque(maxlen=max_rows)
        self._pops: dict[tuple[str, str], _Pop] = {}
        self._status: dict[tuple[str, str], str] = {}
        self.pbx: PbxLinkState | None = None  # from welcomes and pbx.link events
        self.agent_states: dict[str, str] = {}  # extension → state text, from agent.state

    def status_of(self, agent: str, call_id: str) -> str | None:
        """The call's state now, so an old ringing row can show it was answered or ended."""
        return self._status.get((agent, call_id))

    def apply(self, agent: str, frame: Mapping[str, Any]) -> list[PopRow]:
        """Rows a frame adds to the view (none for frames that are not about calls)."""
        agent = clean(agent) or "?"
        op = frame.get("op")
        if op == "welcome":
            self._pbx_link(frame.get("pbx"))
            self._agent_state(frame.get("agent_state"))
            rows = self._welcome(agent, frame)
        elif op == "event" and frame.get("type") == "pbx.link":
            self._pbx_link(frame.get("data"))
            return []  # not about a call: the view shows it in its status line
        elif op == "event" and frame.get("type") in QUIET:
            return []  # everyone's phones, every few seconds: the desktop shows them
        elif op == "event" and str(frame.get("type")).startswith("interaction."):
            return []  # emails, chats, forms: not calls; the demo notes them as lines
        elif op == "event" and frame.get("type") == "agent.state":
            self._agent_state(frame.get("data"))
            return []  # not about a call: the view shows agents' states in its status line
        elif op == "event" and isinstance(frame.get("data"), Mapping):
            rows = [self._event(agent, frame)]
        else:
            return []
        self.rows.extend(rows)
        if len(self._status) > 2 * (self.rows.maxlen or 0):
            self._forget_old_calls()
        return rows

    def _agent_state(self, data: Any) -> None:
        """Each agent's newest state, as short text: ``on-call``, ``paused: lunch``."""
        if not isinstance(data, Mapping):
            return
        extension, state = clean(data.get("extension")), clean(data.get("state"))
        if extension is None or state is None:
            return
        reason = clean(data.get("reason"))
        shown = f"{state}: {reason}" if reason and reason not in state else state
        self.agent_states[extension] = shown

    def _pbx_link(self, data: Any) -> None:
        if isinstance(data, Mapping) and isinstance(data.get("connected"), bool):
            self.pbx = PbxLinkState(data["connected"], _time_of(data.get("since")) or "?")

    def _forget_old_calls(self) -> None:
        """Drop states of finished calls no longer on screen, so a long demo stays small."""
        shown = {(row.agent, row.call_id) for row in self.rows}
        for key, status in list(self._status.items()):
            if status in FINAL and key not in shown:
                del self._status[key]

    def _welcome(self, agent: str, frame: Mapping[str, Any]) -> list[PopRow]:
        """A resync or first welcome replaces what we knew; a replaying one adds nothing."""
        known = any(key[0] == agent for key in self._status)
        if known and not frame.get("resync"):
            return []
        for key in [key for key in self._status if key[0] == agent]:
            self._status.pop(key)
            self._pops.pop(key, None)
        rows = []
        for call in frame.get("calls") or []:
            call_id = clean(call.get("call_id")) or "?"
            pop = _pop_of(call["pop"]) if call.get("pop") else _NO_POP
            self._pops[(agent, call_id)] = pop
            status = str(call.get("state") or "active")
            self._status[(agent, call_id)] = status
            by = call.get("answered_by")
            detail = f"in progress, answered by {by}" if by else "in progress"
            rows.append(self._row(agent, None, "", "call.active", call_id, pop, detail, status))
        return rows

    def _event(self, agent: str, frame: Mapping[str, Any]) -> PopRow:
        event = str(frame.get("type"))
        data: Mapping[str, Any] = frame["data"]
        call_id = clean(data.get("call_id")) or "?"
        key = (agent, call_id)
        if event == "call.ringing":
            self._pops[key] = _pop_of(data)
        pop = self._pops.get(key, _NO_POP)
        if pop.extension is None and data.get("extension"):
            pop = replace(pop, extension=clean(data.get("extension")))
        status = STATUS.get(event, self._status.get(key, "?"))
        if status in FINAL:
            self._pops.pop(key, None)
        self._status[key] = status
        seq = frame.get("seq")
        seq = seq if isinstance(seq, int) else None
        time = _time_of(frame.get("ts"))
        detail = clean(_detail(event, data))
        return self._row(agent, seq, time, event, call_id, pop, detail, status)

    @staticmethod
    def _row(
        agent: str,
        seq: int | None,
        time: str,
        event: str,
        call_id: str,
        pop: _Pop,
        detail: str | None,
        status: str,
    ) -> PopRow:
        return PopRow(
            seq=seq,
            time=time,
            agent=agent,
            extension=pop.extension,
            event=event,
            call_id=call_id,
            caller_number=pop.caller_number,
            caller_name=pop.caller_name,
            contact=pop.contact,
            company=pop.company,
            queue=pop.queue,
            dialled=pop.dialled,
            last_interaction=pop.last_interaction,
            detail=detail,
            status=status,
        )
