"""REST beside the universal queue's commands: link an interaction to a contact, and
download an attachment a customer sent.

Authorized like the commands: an agent acts on the interactions offered to or handled by
its own extension, a supervisor on any. An attachment is always sent as a download
(`application/octet-stream`, `nosniff`): a desktop or browser never renders it.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiohttp import web

from cti.broker import contact_forms as forms
from cti.broker.contacts_api import Refused, contact_book, refusing
from cti.broker.context import BROKER_CONTEXT
from cti.broker.interaction_commands import InteractionDesk
from cti.broker.rest import identify, read_object
from cti.interactions.router import InteractionError
from cti.protocol import ERR_BAD_ARGS, ERR_NO_SUCH_CONTACT, ERR_NOT_CONFIGURED

log = logging.getLogger(__name__)

STATUS = {
    "no-such-interaction": 404,
    "not-your-interaction": 403,
    "interaction-closed": 410,
    "interaction-not-offered": 409,
}
MAX_ID_CHARS = 100


def _desk(request: web.Request) -> InteractionDesk:
    desk = request.app[BROKER_CONTEXT].interactions
    if desk is None:
        raise Refused(503, ERR_NOT_CONFIGURED, "the universal queue is not configured")
    return desk


def _interaction_id(request: web.Request) -> str:
    interaction_id = request.match_info["interaction_id"]
    if len(interaction_id) > MAX_ID_CHARS:
        raise forms.BadArgs("'interaction_id' is too long")
    return interaction_id


def _refused(exc: InteractionError) -> Refused:
    return Refused(STATUS.get(exc.code, 409), exc.code, str(exc))


async def link_contact(request: web.Request) -> web.Response:
    identity, contacts = await contact_book(request)
    desk = _desk(request)
    interaction_id = _interaction_id(request)
    body = await read_object(request)
    contact_id = body.get("contact_id")
    if isinstance(contact_id, bool) or not isinstance(contact_id, int):
        raise forms.BadArgs("'contact_id' must be an integer")
    contact = contacts.contact(contact_id, forms.HISTORY_SHOWN)
    if contact is None:
        raise Refused(404, ERR_NO_SUCH_CONTACT, f"no contact {contact_id}")
    extension = None if identity.is_supervisor else identity.extension
    try:
        desk.link_contact(interaction_id, extension, contact)
    except InteractionError as exc:
        raise _refused(exc) from None
    log.info("agent %s linked %s to contact %s", identity.agent_id, interaction_id, contact_id)
    return web.json_response({"ok": True, "contact": contact})


async def attachment(request: web.Request) -> web.StreamResponse:
    identity = await identify(request)
    desk = _desk(request)
    interaction_id = _interaction_id(request)
    message_id = request.query.get("message_id", "")
    index_text = request.query.get("index", "")
    if not message_id or len(message_id) > 1000 or not index_text.isdigit():
        raise Refused(400, ERR_BAD_ARGS, "'message_id' and a numeric 'index' are required")
    extension = None if identity.is_supervisor else identity.extension
    try:
        found = desk.attachment(interaction_id, extension, message_id, int(index_text))
    except InteractionError as exc:
        raise _refused(exc) from None
    except KeyError:
        raise Refused(404, "no-such-attachment", "no saved attachment there") from None
    path = Path(str(found["stored_path"]))
    if not await asyncio.to_thread(path.is_file):
        raise Refused(404, "no-such-attachment", "the saved attachment is gone")
    name = _header_safe(str(found.get("filename") or ""))
    headers = {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
    }
    return web.FileResponse(path, headers=headers)


def _header_safe(filename: str) -> str:
    """The name in printable ASCII without quotes: a customer's file name never breaks
    (or adds to) the response's headers."""
    kept = "".join(c for c in filename if 32 <= ord(c) < 127 and c not in '"\\;')
    return kept.strip() or "attachment"


def add_interaction_routes(app: web.Application) -> None:
    app.router.add_post("/api/interactions/{interaction_id}/contact", refusing(link_contact))
    app.router.add_get(
        "/api/interactions/{interaction_id}/attachment",
        refusing(attachment),  # type: ignore[arg-type]
    )
