"""REST for contacts and call notes: search, read, create, and a note after a call.

A note is authorized like a command: the agent's extension must have been on the call
(a supervisor may note any call). The call may have ended: `CallLog` remembers it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from cti.broker import contact_forms as forms
from cti.broker.auth import AgentIdentity
from cti.broker.calllog import CallRecord
from cti.broker.context import BROKER_CONTEXT, CallNote, ContactBook
from cti.broker.rest import error_response, identify, read_object
from cti.protocol import (
    ERR_BAD_ARGS,
    ERR_FAILED,
    ERR_NO_CONTACT,
    ERR_NO_SUCH_CALL,
    ERR_NO_SUCH_CONTACT,
    ERR_NOT_CONFIGURED,
    ERR_NOT_YOUR_CALL,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.Response]]

CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


class Refused(Exception):
    """Ends a handler with a JSON error answer."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.response = error_response(status, error, message)


async def contact_book(request: web.Request) -> tuple[AgentIdentity, ContactBook]:
    """The caller (401 without a good token) and the store (503 when there is none)."""
    identity = await identify(request)
    contacts = request.app[BROKER_CONTEXT].contacts
    if contacts is None:
        raise Refused(503, ERR_NOT_CONFIGURED, "no contact store is configured")
    return identity, contacts


def refusing(handler: Handler) -> Handler:
    """Turn `Refused` and `BadArgs` raised by a handler into their JSON answers."""

    async def wrapped(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except Refused as exc:
            return exc.response
        except forms.BadArgs as exc:
            return error_response(400, ERR_BAD_ARGS, str(exc))

    return wrapped


async def search(request: web.Request) -> web.Response:
    _, contacts = await contact_book(request)
    text, limit = forms.parse_search(request.query)
    if CONTROL_CHARACTER.search(text):  # no name holds one; SQLite's LIKE stops at a NUL
        raise forms.BadArgs("'q' must not contain control characters")
    return web.json_response({"contacts": contacts.search(text, limit)})


async def show(request: web.Request) -> web.Response:
    _, contacts = await contact_book(request)
    contact_id = forms.parse_id(request.match_info["contact_id"])
    contact = contacts.contact(contact_id, forms.HISTORY_SHOWN)
    if contact is None:
        raise Refused(404, ERR_NO_SUCH_CONTACT, f"no contact {contact_id}")
    return web.json_response({"contact": contact})


async def create(request: web.Request) -> web.Response:
    identity, contacts = await contact_book(request)
    form = forms.parse_contact(await read_object(request))
    try:
        contact = contacts.create_contact(form.name, form.phones, form.details)
    except ValueError as exc:
        raise forms.BadArgs(str(exc)) from None
    log.info("agent %s created contact %s", identity.agent_id, contact["id"])
    return web.json_response({"ok": True, "contact": contact}, status=201)


async def add_note(request: web.Request) -> web.Response:
    identity, contacts = await contact_book(request)
    broker = request.app[BROKER_CONTEXT].broker
    note = forms.parse_note(await read_object(request), broker.desktop.dispositions)
    call = broker.call_log.get(note.call_id)
    if call is None:
        raise Refused(404, ERR_NO_SUCH_CALL, f"no recent call {note.call_id}")
    if not identity.is_supervisor and identity.extension not in call.extensions:
        raise Refused(403, ERR_NOT_YOUR_CALL, "this call was not on your extension")
    contact_id = note_contact(contacts, call, note.contact_id)
    record = {
        "channel": "phone",
        "direction": call.direction,
        "call_id": call.call_id,
        "outcome": note.disposition,
        "notes": note.notes,
        "agent": identity.agent_id,
    }
    interaction = contacts.add_interaction(contact_id, record)
    log.info("agent %s noted call %s for contact %s", identity.agent_id, call.call_id, contact_id)
    saved = CallNote(call.call_id, note.disposition, note.notes)
    request.app[BROKER_CONTEXT].note_saved(saved)
    return web.json_response({"ok": True, "interaction": interaction}, status=201)


def note_contact(contacts: ContactBook, call: CallRecord, given: int | None) -> int:
    """The contact a note goes to: the one named, else the call's only stored match."""
    if given is None:
        if len(call.contact_ids) != 1:
            found = "several contacts" if call.contact_ids else "no stored contact"
            raise Refused(409, ERR_NO_CONTACT, f"the call matched {found}; pass contact_id")
        given = call.contact_ids[0]
    if contacts.contact(given, 0) is None:
        raise Refused(404, ERR_NO_SUCH_CONTACT, f"no contact {given}")
    return given


async def lookup(request: web.Request) -> web.Response:
    await identify(request)
    directory = request.app[BROKER_CONTEXT].directory
    if directory is None:
        raise Refused(503, ERR_NOT_CONFIGURED, "no contact directory is configured")
    number = request.query.get("number", "").strip()
    if not number:
        raise forms.BadArgs("query parameter 'number' is required")
    try:
        matches = await directory.lookup(number)
    except Exception:
        log.exception("contact lookup failed")
        raise Refused(502, ERR_FAILED, "the contact directory failed") from None
    return web.json_response({"number": number, "matches": matches})


def add_contact_routes(app: web.Application) -> None:
    """`/api/contacts/lookup` first: it must win over `/api/contacts/{contact_id}`."""
    app.router.add_get("/api/contacts/lookup", refusing(lookup))
    app.router.add_get("/api/lookup", refusing(lookup))
    app.router.add_get("/api/contacts", refusing(search))
    app.router.add_post("/api/contacts", refusing(create))
    app.router.add_get("/api/contacts/{contact_id}", refusing(show))
    app.router.add_post("/api/interactions", refusing(add_note))
