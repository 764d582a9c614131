"""``POST /api/webforms/{form}``: a website's signed form submission becomes an `Inbound`.

Each form has its own secret (see `cti.channels.signing`). Fields are kept exactly as
sent, within limits, and the configured mapping names which fields carry the visitor's
name, email and phone, so the core can match the contact. Every refusal is a JSON body
``{"ok": false, "error": <id>, "message": <text>}`` with a status that says why.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from aiohttp import web

from cti.channels.inbound import Inbound, Intake, Party
from cti.channels.signing import SIGNATURE_HEADER, SeenSignatures, SignatureRefused, check_signature

log = logging.getLogger(__name__)

_SIGNATURE_STATUS = {"replayed-signature": 409, "too-many-submissions": 503}


@dataclass(frozen=True, slots=True)
class WebForm:
    """One website form: its secret and which fields hold the sender and the text."""

    name: str
    secret: str = field(repr=False)
    name_field: str | None = None
    email_field: str | None = None
    phone_field: str | None = None
    subject_field: str | None = None
    text_field: str | None = None


@dataclass(frozen=True, slots=True)
class WebFormLimits:
    max_body_bytes: int = 65_536
    max_fields: int = 50
    max_field_name_chars: int = 100
    max_value_chars: int = 10_000
    replay_window: float = 300.0


class FormRefused(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def parse_fields(body: bytes, content_type: str, limits: WebFormLimits) -> dict[str, str]:
    """The submitted fields, in order and unchanged, from JSON or URL-encoded bodies."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormRefused(400, "bad-body", "body is not UTF-8") from exc
    pairs = _json_pairs(text) if content_type == "application/json" else _form_pairs(text)
    return _checked(pairs, limits)


def _json_pairs(text: str) -> list[tuple[str, str]]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise FormRefused(400, "bad-body", "body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise FormRefused(400, "bad-body", "body must be a JSON object of fields")
    bad = [key for key, item in value.items() if not isinstance(item, str)]
    if bad:
        raise FormRefused(400, "bad-field", f"field {bad[0]!r} must be a string")
    return list(value.items())


def _form_pairs(text: str) -> list[tuple[str, str]]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError as exc:
        raise FormRefused(400, "bad-body", "body is not URL-encoded form data") from exc
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise FormRefused(400, "bad-field", f"field {repeated[0]!r} is sent more than once")
    return pairs


def _checked(pairs: list[tuple[str, str]], limits: WebFormLimits) -> dict[str, str]:
    if not pairs:
        raise FormRefused(400, "bad-body", "the submission has no fields")
    if len(pairs) > limits.max_fields:
        raise FormRefused(413, "too-many-fields", f"more than {limits.max_fields} fields")
    for name, value in pairs:
        if not name or len(name) > limits.max_field_name_chars:
            raise FormRefused(
                400, "bad-field", f"field names must be 1 to {limits.max_field_name_chars} chars"
            )
        if len(value) > limits.max_value_chars:
            raise FormRefused(
                413, "field-too-long", f"field {name!r} is over {limits.max_value_chars} chars"
            )
    return dict(pairs)


def sender_of(form: WebForm, fields: Mapping[str, str]) -> Party:
    """The visitor as the form's mapping names them; empty fields count as not given."""

    def pick(key: str | None) -> str | None:
        value = fields.get(key, "").strip() if key else ""
        return value or None

    email = pick(form.email_field)
    return Party(pick(form.name_field), email.lower() if email else None, pick(form.phone_field))


def inbound_of(form: WebForm, fields: Mapping[str, str], received_at: float) -> Inbound:
    submission = uuid.uuid4().hex
    text = fields.get(form.text_field, "").strip() if form.text_field else ""
    others = "\n".join(
        f"{name}: {value}" for name, value in fields.items() if name != form.text_field
    )
    # every field reaches the agent, the message first: a card shows the form as sent
    text = (
        f"{text}\n\n{others}".strip()
        if text
        else "\n".join(f"{name}: {value}" for name, value in fields.items())
    )
    subject = fields.get(form.subject_field) if form.subject_field else None
    return Inbound(
        channel="webform",
        thread_key=f"{form.name}:{submission}",
        message_id=f"webform:{form.name}:{submission}",
        sender=sender_of(form, fields),
        text=text,
        received_at=received_at,
        subject=subject or f"Web form {form.name}",
        fields=dict(fields),
        form=form.name,
    )


class WebFormReceiver:
    """Checks a submission in the order that leaks least: form, size, signature, fields."""

    def __init__(
        self,
        forms: Mapping[str, WebForm],
        intake: Intake,
        limits: WebFormLimits | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.forms = dict(forms)
        self.intake = intake
        self.limits = limits or WebFormLimits()
        self.clock = clock
        self.seen = SeenSignatures(self.limits.replay_window)

    async def handle(self, request: web.Request) -> web.Response:
        try:
            inbound = await self._receive(request)
        except FormRefused as refused:
            log.info(
                "web form %r refused from %s: %s",
                request.match_info.get("form"),
                request.remote,
                refused.error,
            )
            return _refusal(refused)
        self.intake.arrived(inbound)
        log.info("web form %r submission %s accepted", inbound.form, inbound.thread_key)
        return web.json_response({"ok": True, "id": inbound.thread_key}, status=202)

    async def _receive(self, request: web.Request) -> Inbound:
        form = self.forms.get(request.match_info["form"])
        if form is None:
            raise FormRefused(404, "unknown-form", "no such web form")
        body = await self._body(request)
        now = self.clock()
        try:
            signature = check_signature(
                form.secret,
                request.headers.get(SIGNATURE_HEADER),
                body,
                now,
                self.limits.replay_window,
            )
            fields = parse_fields(body, request.content_type, self.limits)
            self.seen.remember(form.name, signature, now)
        except SignatureRefused as refused:
            status = _SIGNATURE_STATUS.get(refused.error, 401)
            raise FormRefused(status, refused.error, refused.message) from refused
        return inbound_of(form, fields, now)

    async def _body(self, request: web.Request) -> bytes:
        limit = self.limits.max_body_bytes
        too_big = FormRefused(413, "body-too-large", f"body is over {limit} bytes")
        if request.content_length is not None and request.content_length > limit:
            raise too_big
        body = bytearray()
        while len(body) <= limit:
            chunk = await request.content.read(limit + 1 - len(body))
            if not chunk:
                return bytes(body)
            body += chunk
        raise too_big


def _refusal(refused: FormRefused) -> web.Response:
    payload = {"ok": False, "error": refused.error, "message": refused.message}
    return web.json_response(payload, status=refused.status)


def add_webform_routes(app: web.Application, receiver: WebFormReceiver) -> None:
    app.router.add_post("/api/webforms/{form}", receiver.handle)
