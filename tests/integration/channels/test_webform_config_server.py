"""A web form receiver built from config, on a real aiohttp server on 127.0.0.1:0."""

from __future__ import annotations

import json
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from cti.channels.signing import SIGNATURE_HEADER, sign
from cti.channels.webform import WebFormReceiver, add_webform_routes
from cti.config import load_config
from cti.config.webform_options import webform_setup
from tests.recording_intake import RecordingIntake

SECRET = "0123456789abcdef" * 4


async def test_a_configured_form_accepts_its_signed_submission_and_maps_the_sender(
    tmp_path: Path,
) -> None:
    (tmp_path / "cti.yaml").write_text(
        "webforms:\n  max_body_bytes: 1024\n  forms:\n"
        "    contact: {name_field: full_name, email_field: mail, text_field: msg}\n",
        encoding="utf-8",
    )
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(f"webforms:\n  secrets:\n    contact: {SECRET}\n", encoding="utf-8")
    secrets.chmod(0o600)
    forms, limits = webform_setup(load_config(tmp_path))
    intake = RecordingIntake()
    app = web.Application()
    add_webform_routes(app, WebFormReceiver(forms, intake, limits))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/webforms/contact"
    body = json.dumps({"full_name": "Ann Lee", "mail": "Ann@Example.com", "msg": "Call me"})
    headers = {SIGNATURE_HEADER: sign(SECRET, int(time.time()), body.encode())}
    headers["Content-Type"] = "application/json"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(url, data=body, headers=headers) as reply:
                assert reply.status == 202, await reply.text()
            big = json.dumps({"msg": "x" * 2000}).encode()
            headers[SIGNATURE_HEADER] = sign(SECRET, int(time.time()), big)
            async with http.post(url, data=big, headers=headers) as reply:
                assert reply.status == 413
    finally:
        await runner.cleanup()
    [inbound] = intake.arrivals
    assert (inbound.sender.name, inbound.sender.email) == ("Ann Lee", "ann@example.com")
    assert inbound.text.startswith("Call me\n\n")  # then the other fields
