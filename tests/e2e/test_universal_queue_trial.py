"""Issue 13 tried as a new user would, with every part real: a mail sent over SMTP into
the support mailbox (Debian's dovecot, fed by the demo's SMTP mail drop) pops at the
available agent, is answered from the agent's socket and the reply arrives in the
sender's own mailbox; a chat from the widget in headless Chromium reaches the agent and
back; a signed web form becomes an interaction; and a call from the same customer then
pops with all three in the contact's one history, next to the call's own note.

The server (CtiApp on the PBX simulator), the mail drop and the agent's WebSocket run on
an event loop in a thread of their own, because selenium and imaplib block.
"""

from __future__ import annotations

import asyncio
import json
import os
import smtplib
import threading
import time
from collections.abc import Coroutine, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from cti.app import CtiApp
from cti.channels.signing import sign
from cti.config import load_config
from cti.demo.mailbox import ImapServer, dovecot_missing, running_dovecot
from cti.demo.maildrop import MailDrop
from cti.lookup import ContactStore
from cti.protocol import hello_frame
from cti.sim import CallPlan, PbxSimulator
from tests.e2e.test_chat_widget_chromium import CHROMIUM, DRIVER, text_of, visitor_says, wait_until
from tests.mailserver import inbox

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None or dovecot_missing() is not None,
    reason="needs Debian chromium, chromium-driver and dovecot-imapd (scripts/setup-env.sh dev)",
)
T = TypeVar("T")
DEADLINE = 60.0
SUPPORT, ANN = "support@trial.test", "ann.lee@acme.example"
ANN_PHONE = "+14155550123"
TOKEN = "alice-token-0123456789"
SECRET = "ami-secret-for-the-trial"
FORM_SECRET = "trial-form-secret-0123456789abcdef0123"
SCREENSHOT = os.environ.get("TRIAL_SCREENSHOTS")  # a directory for the note's screenshots


class Trial:
    """The server side of the trial on its own event loop."""

    def __init__(self, mailbox: ImapServer, directory: Path) -> None:
        self.mailbox, self.directory = mailbox, directory
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.frames: list[dict[str, Any]] = []
        self.results_seen: list[dict[str, Any]] = []
        self.run(self._start())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(DEADLINE)

    async def _start(self) -> None:
        self.pbx = PbxSimulator(
            agents=["1001"], contacts=[], seed=3, time_scale=0.001, secret=SECRET
        )
        await self.pbx.start()
        self.drop = MailDrop(self.mailbox)
        await self.drop.start()
        self._write_config()
        self.app = CtiApp(load_config(self.directory, require_secrets=True), broker_port=0)
        await self.app.start()
        self.base = f"http://127.0.0.1:{self.app.port}"
        self.http = aiohttp.ClientSession()
        self.ws = await self.http.ws_connect(f"{self.base}/ws")
        await self.ws.send_json(hello_frame(TOKEN))
        self.reader = asyncio.create_task(self._read())

    def _write_config(self) -> None:
        store = ContactStore(self.directory / "contacts.db")
        self.ann = store.add_contact("Ann Lee", [(ANN_PHONE, ANN_PHONE, "mobile")], email=ANN)
        store.close()
        (self.directory / "cti.yaml").write_text(
            f"ami:\n  port: {self.pbx.port}\n  reconnect_min: 0.05\n  reconnect_max: 0.2\n"
            f"lookup:\n  database: {self.directory / 'contacts.db'}\nagi:\n  enabled: false\n"
            "interactions:\n  agent_names:\n    alice: Alice Martin\n"
            "email:\n  enabled: true\n  imap_host: 127.0.0.1\n"
            f"  imap_port: {self.mailbox.port}\n  imap_tls: none\n  imap_user: {SUPPORT}\n"
            f"  smtp_host: 127.0.0.1\n  smtp_port: {self.drop.port}\n  smtp_tls: none\n"
            f"  from_address: {SUPPORT}\n  poll_seconds: 1\n"
            "chat:\n  enabled: true\n  demo_page: true\n  allowed_origins: ['*']\n"
            "webforms:\n  forms:\n    contact: {name_field: name, email_field: email, "
            "text_field: message}\n",
            encoding="utf-8",
        )
        secrets = self.directory / "secrets.yaml"
        secrets.write_text(
            f"ami:\n  secret: {SECRET}\nbroker:\n  agents:\n"
            f"    alice: {{token: {TOKEN}, extension: '1001'}}\n"
            "email:\n  imap_password: support-pw\n"
            f"webforms:\n  secrets:\n    contact: {FORM_SECRET}\n",
            encoding="utf-8",
        )
        secrets.chmod(0o600)

    async def _read(self) -> None:
        async for message in self.ws:
            self.frames.append(json.loads(message.data))

    def event(self, kind: str, **match: Any) -> dict[str, Any]:
        """The first event of ``kind`` whose data has ``match`` (waits for it)."""

        def found() -> dict[str, Any] | None:
            for frame in list(self.frames):
                data = frame.get("data", {})
                if frame.get("type") == kind and all(data.get(k) == v for k, v in match.items()):
                    return frame
            return None

        return dict(wait_until(found, f"{kind} {match}"))

    def command(self, name: str, **args: Any) -> None:
        command_id = f"{name}-{len(self.results_seen)}"
        frame = {"op": "command", "id": command_id, "name": name, "args": args}
        self.run(self.ws.send_json(frame))

        def result() -> dict[str, Any] | None:
            return next((f for f in self.frames if f.get("id") == command_id), None)

        answer = wait_until(result, f"the result of {name}")
        self.results_seen.append(answer)
        assert answer["ok"], answer

    def rest(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async def call() -> tuple[int, Any]:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with self.http.request(
                method, self.base + path, json=body, headers=headers
            ) as answer:
                return answer.status, await answer.json()

        return self.run(call())

    def take(self, channel: str) -> str:
        """Accept the next offer on ``channel``; its interaction id."""
        offer = self.event("interaction.offered", channel=channel)["data"]
        assert offer["contact"]["id"] == self.ann, offer  # found by address, not by luck
        self.command("interaction.accept", interaction_id=offer["interaction_id"])
        return str(offer["interaction_id"])

    def stop(self) -> None:
        async def stop() -> None:
            self.reader.cancel()
            await self.ws.close()
            await self.http.close()
            await self.app.stop()
            await self.drop.stop()
            await self.pbx.stop()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(DEADLINE)
        self.loop.close()


@pytest.fixture
def trial(tmp_path: Path) -> Iterator[Trial]:
    with running_dovecot() as mailbox:
        mailbox.add_user(SUPPORT, "support-pw")
        mailbox.add_user(ANN, "ann-pw")
        trial = Trial(mailbox, tmp_path)
        try:
            yield trial
        finally:
            trial.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=900,720"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_mail_chat_and_form_reach_the_agent_and_join_the_customers_one_history(
    trial: Trial, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    # 1. email: SMTP into the support mailbox, offered, answered, the reply in Ann's box
    question = EmailMessage()
    question["From"], question["To"] = f"Ann Lee <{ANN}>", SUPPORT
    question["Subject"], question["Message-ID"] = "Invoice 42 is wrong", "<q42@acme.example>"
    question.set_content("Please check invoice 42.\n")
    with smtplib.SMTP("127.0.0.1", trial.drop.port, timeout=DEADLINE) as smtp:
        smtp.send_message(question)
    mail = trial.take("email")
    trial.event("interaction.message", interaction_id=mail, direction="in")
    trial.command("interaction.reply", interaction_id=mail, text="Fixed, a new invoice follows.")
    [reply] = wait_until(lambda: inbox(trial.mailbox, ANN, "ann-pw"), "the reply in Ann's box")
    assert (reply["From"], reply["Subject"]) == (
        f"Alice Martin <{SUPPORT}>",
        "Re: Invoice 42 is wrong",
    )
    assert reply["In-Reply-To"] == "<q42@acme.example>"
    trial.command("interaction.close", interaction_id=mail, disposition="resolved")

    # 2. chat: the widget in Chromium, to the agent and back
    browser.get(trial.base + "/chat/demo")
    browser.find_element(By.CSS_SELECTOR, ".cti-chat-launcher").click()
    browser.find_element(By.CSS_SELECTOR, ".cti-chat-start input[type=text]").send_keys("Ann")
    browser.find_element(By.CSS_SELECTOR, ".cti-chat-start input[type=email]").send_keys(ANN)
    browser.find_element(By.CSS_SELECTOR, ".cti-chat-begin").click()
    visitor_says(browser, "Is my order shipped?")
    chat = trial.take("chat")
    trial.command("interaction.reply", interaction_id=chat, text="Yes, it left today.")
    wait_until(lambda: text_of(browser, ".cti-chat-agent .cti-chat-text"), "the agent's words")
    assert text_of(browser, ".cti-chat-agent .cti-chat-text") == "Yes, it left today."
    assert text_of(browser, ".cti-chat-agent .cti-chat-author") == "Alice Martin"
    if SCREENSHOT:
        browser.save_screenshot(str(Path(SCREENSHOT) / "trial-chat-widget.png"))
    browser.get("about:blank")  # the visitor leaves: the chat ends, its transcript kept
    trial.event("interaction.ended", interaction_id=chat, reason="visitor_left")

    # 3. a signed web form
    body = json.dumps({"name": "Ann Lee", "email": ANN, "message": "Please call me"}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Cti-Signature": sign(FORM_SECRET, int(time.time()), body),
    }

    async def post() -> int:
        async with trial.http.post(
            f"{trial.base}/api/webforms/contact", data=body, headers=headers
        ) as r:
            return r.status

    assert trial.run(post()) == 202
    form = trial.take("webform")
    trial.command("interaction.close", interaction_id=form, disposition="callback")

    # 4. Ann calls: the pop's contact has her history on every channel, newest first
    ringing = CallPlan(answer_after=3600.0, talk=1.0)
    call_id = trial.run(
        trial.pbx.place_call("direct", caller=(ANN_PHONE, "Ann Lee"), target="1001", plan=ringing)
    )
    contact = trial.event("call.ringing", call_id=call_id)["data"]["contact"]
    assert contact["id"] == trial.ann
    assert [h["channel"] for h in contact["history"]] == ["webform", "chat", "email"]
    assert [h["outcome"] for h in contact["history"]] == ["callback", "visitor_left", "resolved"]
    note = {"call_id": call_id, "disposition": "resolved", "notes": "asked about invoice 42"}
    assert trial.rest("POST", "/api/interactions", note)[0] == 201
    status, shown = trial.rest("GET", f"/api/contacts/{trial.ann}")
    assert status == 200
    assert [h["channel"] for h in shown["contact"]["history"]] == [
        "phone",
        "webform",
        "chat",
        "email",
    ]
