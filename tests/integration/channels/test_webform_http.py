"""POST /api/webforms/{form} on a real aiohttp server on 127.0.0.1:0."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from cti.channels.signing import SIGNATURE_HEADER, sign
from cti.channels.webform import WebForm, WebFormLimits, WebFormReceiver, add_webform_routes
from tests.recording_intake import RecordingIntake

SECRET = "contact-secret-0123"
FORM = WebForm("contact", SECRET, name_field="name", email_field="email", phone_field="phone")


@dataclass
class FormServer:
    url: str
    intake: RecordingIntake
    http: aiohttp.ClientSession

    async def post(
        self, body: bytes, form: str = "contact", signature: str | None = "sign", **headers: str
    ) -> tuple[int, dict[str, object]]:
        if signature == "sign":
            signature = sign(SECRET, int(time.time()), body)
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        headers.setdefault("Content-Type", "application/json")
        async with self.http.post(f"{self.url}/{form}", data=body, headers=headers) as reply:
            return reply.status, await reply.json()


@pytest.fixture
async def server() -> AsyncIterator[FormServer]:
    intake = RecordingIntake()
    app = web.Application()
    limits = WebFormLimits(max_body_bytes=2048)
    add_webform_routes(app, WebFormReceiver({"contact": FORM}, intake, limits))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as http:
        yield FormServer(f"http://127.0.0.1:{port}/api/webforms", intake, http)
    await runner.cleanup()


BODY = json.dumps({"name": "Ann Lee", "email": "Ann@Example.com", "phone": "+442079460000"})


async def test_signed_submission_is_accepted_and_handed_to_the_intake(server: FormServer) -> None:
    status, reply = await server.post(BODY.encode())
    assert (status, reply["ok"]) == (202, True)
    [inbound] = server.intake.arrivals
    assert inbound.thread_key == reply["id"]
    assert inbound.sender.email == "ann@example.com"
    assert inbound.sender.phone == "+442079460000"
    assert inbound.fields == json.loads(BODY)


async def test_url_encoded_submission_is_accepted(server: FormServer) -> None:
    body = b"name=Bo&email=bo%40example.com"
    content_type = "application/x-www-form-urlencoded"
    status, _ = await server.post(body, **{"Content-Type": content_type})
    assert status == 202
    assert server.intake.arrivals[0].sender.email == "bo@example.com"


async def test_bad_signature_is_refused_401(server: FormServer) -> None:
    signature = sign("wrong-secret", int(time.time()), BODY.encode())
    status, reply = await server.post(BODY.encode(), signature=signature)
    assert (status, reply["error"]) == (401, "bad-signature")
    assert server.intake.arrivals == []


async def test_missing_signature_is_refused_401(server: FormServer) -> None:
    status, reply = await server.post(BODY.encode(), signature=None)
    assert (status, reply["error"]) == (401, "missing-signature")


async def test_replayed_request_is_refused_409(server: FormServer) -> None:
    signature = sign(SECRET, int(time.time()), BODY.encode())
    first, _ = await server.post(BODY.encode(), signature=signature)
    second, reply = await server.post(BODY.encode(), signature=signature)
    assert (first, second, reply["error"]) == (202, 409, "replayed-signature")
    assert len(server.intake.arrivals) == 1


async def test_old_timestamp_is_refused_401(server: FormServer) -> None:
    signature = sign(SECRET, int(time.time()) - 301, BODY.encode())
    status, reply = await server.post(BODY.encode(), signature=signature)
    assert (status, reply["error"]) == (401, "stale-signature")


async def test_oversized_body_is_refused_413(server: FormServer) -> None:
    body = json.dumps({"message": "x" * 3000}).encode()
    status, reply = await server.post(body)
    assert (status, reply["error"]) == (413, "body-too-large")


async def test_oversized_chunked_body_without_length_is_refused_413(server: FormServer) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"x" * 1000

    headers = {SIGNATURE_HEADER: sign(SECRET, int(time.time()), b"x"), "Content-Type": "text/plain"}
    async with server.http.post(f"{server.url}/contact", data=chunks(), headers=headers) as reply:
        assert reply.status == 413
        assert (await reply.json())["error"] == "body-too-large"


async def test_unknown_form_is_refused_404(server: FormServer) -> None:
    status, reply = await server.post(BODY.encode(), form="nope")
    assert (status, reply["error"]) == (404, "unknown-form")


async def test_signed_but_broken_body_is_refused_400_and_not_remembered(
    server: FormServer,
) -> None:
    signature = sign(SECRET, int(time.time()), b"{broken")
    for _ in range(2):
        status, reply = await server.post(b"{broken", signature=signature)
        assert (status, reply["error"]) == (400, "bad-body")
    assert server.intake.arrivals == []
