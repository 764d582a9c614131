"""The universal queue inside the whole server: CtiApp on the PBX simulator, real agent
WebSockets, the chat's visitor socket and signed web forms on the broker's own port."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cti.app import CtiApp
from cti.channels.inbound import Attachment, Channel, Inbound, Outbound, Party
from cti.channels.signing import sign
from cti.config import load_config
from cti.sim import PbxSimulator
from tests.integration.serve.conftest import (
    ALICE_TOKEN,
    AMI_SECRET,
    BOB_TOKEN,
    Agent,
    Server,
    add_alice,
    until,
    write_config,
)

BOSS_TOKEN = "boss-token-0123456789abc"
FORM_SECRET = "form-secret-0123456789abcdef0123456789"
AGENTS = (
    f"    alice: {{token: {ALICE_TOKEN}, extension: '1001'}}\n"
    f"    bob: {{token: {BOB_TOKEN}, extension: '1002'}}\n"
    f"    boss: {{token: {BOSS_TOKEN}, extension: '1009', role: supervisor}}\n"
)
# only alice (1001) takes work, so each test knows who is offered what
QUEUE = (
    "interactions:\n  skills:\n    '1002': []\n  agent_names:\n    alice: Alice Agent\n"
    "chat:\n  enabled: true\n  allowed_origins: ['*']\n"
    "webforms:\n  forms:\n"
    "    contact: {name_field: name, email_field: email, text_field: message}\n"
)
CARLA = "carla@example.com"


class Desk(Agent):
    """An agent socket that keeps the events a command's wait read past, in order: an
    accept's events go out before its result."""

    def __init__(self, agent: Agent) -> None:
        super().__init__(agent.ws, agent.welcome)
        self.backlog: list[dict[str, Any]] = []

    async def event(self, kind: str, timeout: float = 30.0) -> dict[str, Any]:
        for frame in self.backlog:
            if frame["type"] == kind:
                self.backlog.remove(frame)
                return frame
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.next(timeout)
                if frame.get("op") == "event" and frame["type"] == kind:
                    return frame

    async def command(self, name: str, **args: Any) -> dict[str, Any]:
        await self.ws.send_json({"op": "command", "id": name, "name": name, "args": args})
        async with asyncio.timeout(30.0):
            while True:
                frame = await self.next(30.0)
                if frame.get("op") == "result":
                    return frame
                if frame.get("op") == "event":
                    self.backlog.append(frame)


async def connect(server: Server, token: str) -> Desk:
    return Desk(await server.agent(token))


class RecordingReplies:
    """A channel's way out that keeps what agents sent (the email channel stands in)."""

    def __init__(self) -> None:
        self.sent: list[Outbound] = []

    async def send(self, outbound: Outbound) -> str:
        self.sent.append(outbound)
        return f"<sent-{len(self.sent)}@test>"

    async def typing(self, channel: Channel, thread_key: str, agent_name: str, on: bool) -> None:
        return None


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    pbx = PbxSimulator(
        agents=["1001", "1002"], contacts=[], seed=5, time_scale=0.001, secret=AMI_SECRET
    )
    config_dir = tmp_path / "config"
    async with pbx:
        write_config(config_dir, pbx.port, QUEUE, agents=AGENTS)
        secrets = config_dir / "secrets.yaml"
        secrets.write_text(
            secrets.read_text() + f"webforms:\n  secrets:\n    contact: {FORM_SECRET}\n"
        )
        add_alice(config_dir / "contacts.db")
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        await until(lambda: app.ami.state == "connected", timeout=30)
        async with aiohttp.ClientSession() as session:
            try:
                yield Server(pbx, app, config_dir, session)
            finally:
                await app.stop()


def carla_contact(server: Server) -> int:
    return server.app.directory.store.add_contact("Carla Customer", [], email=CARLA)


def mail(server: Server, text: str, subject: str = "Broken router", **kw: Any) -> Inbound:
    inbound = Inbound(
        "email",
        "<root-1@example.com>",
        f"<m{time.monotonic_ns()}@example.com>",
        Party(name="Carla", email=CARLA),
        text,
        time.time(),
        subject=subject,
    )
    inbound = replace(inbound, **kw)
    server.app.interactions.arrived(inbound)
    return inbound


async def offer_of(agent: Desk) -> dict[str, Any]:
    offer = await agent.event("interaction.offered", timeout=30)
    return dict(offer["data"])


async def rest(server: Server, token: str, method: str, path: str, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    url = f"http://127.0.0.1:{server.app.port}{path}"
    return await server.session.request(method, url, headers=headers, **kw)


async def test_an_email_from_a_known_address_pops_with_the_contact_and_joins_its_history(
    server: Server,
) -> None:
    carla = carla_contact(server)
    replies = RecordingReplies()
    server.app.interactions.register_replies("email", replies)
    alice = await connect(server, ALICE_TOKEN)
    mail(server, "My router blinks red.")
    offer = await offer_of(alice)
    assert offer["channel"] == "email"
    assert offer["contact"]["id"] == carla
    assert offer["contact"]["history"] == []
    interaction_id = offer["interaction_id"]

    assert (await alice.command("interaction.accept", interaction_id=interaction_id))["ok"]
    await alice.event("interaction.accepted")
    thread = await alice.event("interaction.message")  # the thread so far follows
    assert thread["data"]["text"] == "My router blinks red."
    assert thread["data"]["direction"] == "in"

    answer = await alice.command("interaction.reply", interaction_id=interaction_id, text="On it")
    assert answer["ok"], answer
    out = await alice.event("interaction.message")
    assert out["data"]["author"] == "Alice Agent"  # the display name, not the agent id
    assert replies.sent[0].agent_name == "Alice Agent"

    closed = await alice.command(
        "interaction.close", interaction_id=interaction_id, disposition="resolved"
    )
    assert closed["ok"], closed
    ended = await alice.event("interaction.ended")
    assert ended["data"]["disposition"] == "resolved"
    history = server.app.directory.store.history(carla, 5)
    assert [(h["channel"], h["outcome"], h["notes"], h["agent"]) for h in history] == [
        ("email", "resolved", "Broken router", "alice")
    ]


async def test_a_reconnecting_agent_gets_its_open_interactions_with_their_threads(
    server: Server,
) -> None:
    alice = await connect(server, ALICE_TOKEN)
    mail(server, "first words")
    offer = await offer_of(alice)
    again = await connect(server, ALICE_TOKEN)
    [held] = again.welcome["interactions"]
    assert held["status"] == "offered"
    assert held["offer_expires_at"] == offer["offer_expires_at"]
    assert held["messages"] == []

    await alice.command("interaction.accept", interaction_id=offer["interaction_id"])
    mail(server, "second words")
    await alice.event("interaction.message")
    third = await connect(server, ALICE_TOKEN)
    [held] = third.welcome["interactions"]
    assert held["status"] == "active" and held["offer_expires_at"] is None
    assert [m["text"] for m in held["messages"]] == ["first words", "second words"]
    bob = await connect(server, BOB_TOKEN)
    assert bob.welcome["interactions"] == []  # never another agent's
    assert "interactions_queue" not in bob.welcome


async def test_a_supervisor_welcome_has_every_channel_queue_line(server: Server) -> None:
    boss = await connect(server, BOSS_TOKEN)
    lines = {line["channel"]: line for line in boss.welcome["interactions_queue"]}
    assert set(lines) == {"email", "chat", "webform"}
    assert lines["chat"]["target"] == 60 and lines["email"]["target"] == 14400


async def test_an_unknown_sender_is_linked_to_a_contact_created_from_the_card(
    server: Server,
) -> None:
    alice = await connect(server, ALICE_TOKEN)
    mail(server, "who am I", sender=Party(email="nobody@example.net"))
    offer = await offer_of(alice)
    assert offer["contact"] is None
    interaction_id = offer["interaction_id"]
    created = await rest(
        server,
        ALICE_TOKEN,
        "POST",
        "/api/contacts",
        json={"name": "Nobody", "email": "nobody@example.net"},
    )
    assert created.status == 201, await created.text()
    contact_id = (await created.json())["contact"]["id"]
    path = f"/api/interactions/{interaction_id}/contact"

    by_bob = await rest(server, BOB_TOKEN, "POST", path, json={"contact_id": contact_id})
    assert by_bob.status == 403
    assert (await by_bob.json())["error"] == "not-your-interaction"
    missing = await rest(server, ALICE_TOKEN, "POST", path, json={"contact_id": 999999})
    assert missing.status == 404
    bad = await rest(server, ALICE_TOKEN, "POST", path, json={"contact_id": "7"})
    assert bad.status == 400
    linked = await rest(server, ALICE_TOKEN, "POST", path, json={"contact_id": contact_id})
    assert linked.status == 200
    assert (await linked.json())["contact"]["name"] == "Nobody"

    await alice.command("interaction.accept", interaction_id=interaction_id)
    await alice.command("interaction.close", interaction_id=interaction_id, disposition="resolved")
    await alice.event("interaction.ended")
    assert [h["channel"] for h in server.app.directory.store.history(contact_id, 5)] == ["email"]
    gone = await rest(server, ALICE_TOKEN, "POST", path, json={"contact_id": contact_id})
    assert gone.status == 410


async def test_an_attachment_downloads_for_its_agent_only_and_never_renders(
    server: Server, tmp_path: Path
) -> None:
    saved = tmp_path / "invoice.html"
    saved.write_bytes(b"<script>alert(1)</script>")
    attachment = Attachment('in"voice\r\n.html', "text/html", 25, str(saved))
    alice = await connect(server, ALICE_TOKEN)
    inbound = mail(server, "see attached", attachments=(attachment,))
    offer = await offer_of(alice)
    await alice.command("interaction.accept", interaction_id=offer["interaction_id"])
    await alice.event("interaction.accepted")
    message = (await alice.event("interaction.message"))["data"]
    assert message["attachments"] == [
        {"filename": 'in"voice\r\n.html', "content_type": "text/html", "size": 25, "refused": None}
    ]  # the server's path to it is never told
    path = f"/api/interactions/{offer['interaction_id']}/attachment"
    query = {"message_id": inbound.message_id, "index": "0"}

    got = await rest(server, ALICE_TOKEN, "GET", path, params=query)
    assert got.status == 200
    assert await got.read() == b"<script>alert(1)</script>"
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"] == 'attachment; filename="invoice.html"'
    by_bob = await rest(server, BOB_TOKEN, "GET", path, params=query)
    assert by_bob.status == 403
    none = await rest(server, ALICE_TOKEN, "GET", path, params={**query, "index": "1"})
    assert none.status == 404
    bad = await rest(server, ALICE_TOKEN, "GET", path, params={**query, "index": "-1"})
    assert bad.status == 400


async def test_a_chat_visitor_and_the_agent_talk_both_ways_through_the_broker(
    server: Server,
) -> None:
    url = f"http://127.0.0.1:{server.app.port}/chat/ws"
    alice = await connect(server, ALICE_TOKEN)
    async with server.session.ws_connect(url, headers={"Origin": "https://shop.test"}) as visitor:
        await visitor.send_json({"op": "hello", "name": "Vera", "email": CARLA})
        assert (await visitor.receive_json(timeout=10))["op"] == "welcome"
        await visitor.send_json({"op": "message", "text": "hello <b>there</b>"})
        offer = await offer_of(alice)
        assert offer["channel"] == "chat" and offer["text"] == "hello <b>there</b>"
        await alice.command("interaction.accept", interaction_id=offer["interaction_id"])
        await alice.event("interaction.accepted")
        await alice.event("interaction.message")

        await visitor.send_json({"op": "typing", "on": True})
        typing = await alice.event("interaction.typing")
        assert typing["data"] == {"interaction_id": offer["interaction_id"], "on": True}

        sent = await alice.command(
            "interaction.reply", interaction_id=offer["interaction_id"], text="Hi Vera"
        )
        assert sent["ok"], sent
        while (frame := await visitor.receive_json(timeout=10))["op"] != "message":
            pass
        assert frame["text"] == "Hi Vera" and frame["author"] == "Alice Agent"
    ended = await alice.event("interaction.ended", timeout=30)
    assert ended["data"]["reason"] == "visitor_left"


async def test_a_signed_web_form_becomes_an_offer_and_a_bad_signature_is_refused(
    server: Server,
) -> None:
    alice = await connect(server, ALICE_TOKEN)
    body = json.dumps({"name": "Carla", "email": CARLA, "message": "Call me back"}).encode()
    stamp = int(time.time())
    url = f"http://127.0.0.1:{server.app.port}/api/webforms/contact"
    headers = {
        "Content-Type": "application/json",
        "X-Cti-Signature": sign(FORM_SECRET, stamp, body),
    }
    async with server.session.post(url, data=body, headers=headers) as answer:
        assert answer.status == 202, await answer.text()
    offer = await offer_of(alice)
    assert offer["channel"] == "webform"
    forged = {**headers, "X-Cti-Signature": sign("x" * 40, stamp, body)}
    async with server.session.post(url, data=body, headers=forged) as answer:
        assert answer.status == 401


async def test_without_chat_enabled_no_visitor_endpoint_exists(tmp_path: Path) -> None:
    pbx = PbxSimulator(agents=["1001"], contacts=[], seed=5, time_scale=0.001, secret=AMI_SECRET)
    async with pbx:
        config_dir = write_config(tmp_path / "config", pbx.port)
        app = CtiApp(load_config(config_dir, require_secrets=True), broker_port=0)
        await app.start()
        try:
            async with aiohttp.ClientSession() as session:
                base = f"http://127.0.0.1:{app.port}"
                for path in ("/chat/ws", "/chat/widget.js", "/api/webforms/contact"):
                    async with session.get(base + path) as answer:
                        assert answer.status in (404, 405), path
        finally:
            await app.stop()


async def test_after_a_restart_open_mail_waits_again_with_its_thread_and_chats_are_closed(
    server: Server,
) -> None:
    carla = carla_contact(server)
    alice = await connect(server, ALICE_TOKEN)
    mail(server, "kept across the restart")
    offer = await offer_of(alice)
    await alice.command("interaction.accept", interaction_id=offer["interaction_id"])
    server.app.interactions.arrived(
        Inbound("chat", "chat-1", "c1", Party(email=CARLA), "chat before restart", time.time())
    )
    await until(lambda: server.app.universal.writer.backlog() == 0, timeout=30)
    await server.app.stop()

    again = CtiApp(server.load(), broker_port=0)
    await again.start()
    try:
        server.app = again
        alice = await connect(server, ALICE_TOKEN)
        held = alice.welcome["interactions"] or [(await offer_of(alice))]
        assert [i["interaction_id"] for i in held] == [offer["interaction_id"]]  # again
        assert held[0]["contact"]["id"] == carla
        await alice.command("interaction.accept", interaction_id=offer["interaction_id"])
        thread = await alice.event("interaction.message")
        assert thread["data"]["text"] == "kept across the restart"
        assert [h["channel"] for h in again.directory.store.history(carla, 5)] == ["chat"]
    finally:
        await again.stop()
