"""What a pop card shows for one call, computed without Qt (a presenter).

Every string that came from a caller, the PBX or the directory passes through
`visible_text` here, and the widgets also set plain-text format: two locks on one door.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cti.protocol import CONSULT_CANCELLED, CONSULT_HUNG_UP, CONSULT_NOT_ANSWERED
from desktop.board import CallRecord, FailedTransfer, Phase
from desktop.controls import ControlState, call_back_state, control_states, dial_state
from desktop.phonelegs import SoftLeg
from desktop.text import crm_link, visible_text
from desktop.welcome import Welcome


class PopMode(StrEnum):
    """When a call's card opens: the agent's setting."""

    ON_RING = "ring"
    ON_ANSWER = "answer"
    NEVER = "never"


PHASE_TEXT = {
    Phase.RINGING: "Ringing",
    Phase.ANSWERED: "In conversation",
    Phase.HELD: "On hold",
    Phase.ENDED: "Ended",
}
_FAILED_HOW = {CONSULT_CANCELLED: "cancelled", CONSULT_NOT_ANSWERED: "not answered"}
CONTACT_FIELDS = (("name", "Name"), ("company", "Company"), ("email", "Email"), ("notes", "Notes"))


@dataclass(frozen=True, slots=True)
class PopView:
    call_id: str
    title: str
    number: str
    status: str
    banner: str
    reason: str  # queue and dialled number: why they call
    contact: list[tuple[str, str]]
    tags: str
    matches: list[str]
    chosen_match: int
    unknown: bool
    history: list[str]
    crm_url: str | None
    crm_reason: str
    controls: dict[str, ControlState] = field(default_factory=dict)
    needs_note: bool = False
    note_form: bool = False  # the after-call form shows (filed or not)
    dispositions: tuple[str, ...] = ()
    softphone: str = ""  # the call on the built-in softphone, when it rings there
    call_back: ControlState = field(default_factory=lambda: ControlState(False))
    dial_number: str = ""  # what Call back dials


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def caller_of(record: CallRecord) -> dict[str, Any]:
    return _mapping((record.pop or {}).get("caller"))


def reason_line(pop: dict[str, Any]) -> str:
    called = _mapping(pop.get("called"))
    parts = []
    if pop.get("queue"):
        parts.append(f"Queue {visible_text(pop['queue'])}")
    dialled = called.get("did") or called.get("number")
    if dialled:
        parts.append(f"dialled {visible_text(dialled)}")
    return ", ".join(parts) or "Direct call"


def history_line(item: dict[str, Any]) -> str:
    """One row of a contact's history, the same in a call pop and an interaction card:
    when, on which channel (phone, email, chat, webform), the outcome, who, the notes."""
    when = visible_text(item.get("ts"))[:16].replace("T", " ")
    channel = visible_text(item.get("channel"))
    outcome = visible_text(item.get("outcome") or item.get("disposition"))
    notes = visible_text(item.get("notes"))
    agent = visible_text(item.get("agent"))
    line = "  ".join(part for part in (when, f"[{channel}]" if channel else "", outcome) if part)
    if agent:
        line += f" ({agent})"
    return f"{line}: {notes}" if notes else line


def match_label(match: dict[str, Any]) -> str:
    company = match.get("company")
    name = visible_text(match.get("name")) or "(no name)"
    return f"{name} - {visible_text(company)}" if company else name


def banner_text(record: CallRecord) -> str:
    if record.retraction_text:
        return record.retraction_text
    if record.phase is Phase.ENDED:
        return record.end_text or ""
    if record.consulting is not None:
        return consulting_text(record.consulting, record.answered_by)
    if record.failed_transfer is not None:
        return failed_transfer_text(record.failed_transfer)
    return ""


def consulting_text(target: str, answered_by: str | None) -> str:
    shown = visible_text(target)
    if answered_by == target:
        return f"{shown} answered: complete the transfer, or cancel it"
    return f"Transfer to {shown}: the caller is on hold while you consult; complete or cancel it"


def failed_transfer_text(failure: FailedTransfer) -> str:
    """Why the caller is back with this agent, in the agent's words, not the wire's."""
    target = visible_text(failure.to)
    transfer = f"Transfer to {target}" if target else "Transfer"
    if failure.reason == CONSULT_HUNG_UP:
        what = f"{target or 'The transfer target'} hung up"
    else:
        what = f"{transfer} {_FAILED_HOW.get(failure.reason or '', 'failed')}"
    return f"{what}: the caller is back with you"


def crm_values(record: CallRecord, contact: dict[str, Any] | None) -> dict[str, Any]:
    caller = caller_of(record)
    contact = contact or {}
    return {
        "contact_id": contact.get("id"),
        "crm_id": contact.get("crm_id"),
        "number": caller.get("number_e164") or caller.get("number"),
        "call_id": record.call_id,
    }


def pop_view(
    record: CallRecord,
    welcome: Welcome | None,
    connected: bool,
    leg: SoftLeg | None = None,
    *,
    pbx_up: bool = True,
    calls: Iterable[CallRecord] = (),
) -> PopView:
    """`calls`: the agent's other calls (Call back waits while the same caller has one)."""
    pop = record.pop or {}
    caller = caller_of(record)
    contact = record.contact
    number = visible_text(caller.get("number")) or ("Withheld" if caller.get("anonymous") else "")
    name = visible_text(caller.get("name"))
    title = visible_text(contact.get("name")) if contact else name
    matches = record.matches
    template = welcome.crm_url if welcome else None
    crm_url = crm_link(template, crm_values(record, contact))
    if not template:
        crm_reason = "No CRM link is configured on the server"
    elif crm_url is None:
        crm_reason = "The CRM link needs a matched contact"
    else:
        crm_reason = ""
    chosen = -1
    if contact is not None and len(matches) > 1:
        ids = [match.get("id") for match in matches]
        chosen = ids.index(contact.get("id")) if contact.get("id") in ids else -1
    caps = welcome.capabilities if welcome else frozenset()
    return PopView(
        call_id=record.call_id,
        title=title or name or number or "Unknown caller",
        number=number,
        status=PHASE_TEXT[record.phase],
        banner=banner_text(record),
        reason=reason_line(pop),
        contact=[
            (label, visible_text(contact.get(key), multiline=key == "notes"))
            for key, label in CONTACT_FIELDS
            if contact and contact.get(key)
        ],
        tags=", ".join(visible_text(tag) for tag in (contact or {}).get("tags") or []),
        matches=[match_label(match) for match in matches] if len(matches) > 1 else [],
        chosen_match=chosen,
        unknown=contact is None and not matches and bool(caller.get("number")),
        history=[history_line(item) for item in _history(contact)],
        crm_url=crm_url,
        crm_reason=crm_reason,
        controls=control_states(record, caps, connected, leg, pbx_up),
        needs_note=record.needs_note,
        note_form=record.phase is Phase.ENDED and record.answered_here,
        dispositions=welcome.dispositions if welcome else (),
        softphone=leg.text if leg is not None else "",
        call_back=call_back_state(record, calls, dial_state(caps, connected, pbx_up)),
        dial_number=visible_text(caller.get("number")),
    )


def _history(contact: dict[str, Any] | None) -> list[dict[str, Any]]:
    items = (contact or {}).get("history")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def pops_now(mode: PopMode, record: CallRecord, kind: str) -> bool:
    """Whether this change opens the call's card. `kind` is the event type, or
    "snapshot" for calls found in a welcome. A note to file always opens it, except
    when the agent chose never to pop."""
    if mode is PopMode.NEVER:
        return False
    if record.needs_note:
        return True
    if not record.active:
        return False
    if mode is PopMode.ON_RING:
        return kind in ("call.ringing", "snapshot")
    return record.answered_here and kind in ("call.answered", "snapshot")
