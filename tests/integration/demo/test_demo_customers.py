"""The demo's simulated customers against real endpoints: the chat service and web form
receiver on a real aiohttp server on 127.0.0.1:0, and the mail drop delivering into a real
dovecot. What the channels hand on is kept by a recording intake."""

from __future__ import annotations

import asyncio
import dataclasses
import imaplib
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from random import Random

import aiohttp
import pytest
from aiohttp import web

from cti.channels.chat.service import ChatService, ChatSettings, add_chat_routes
from cti.channels.inbound import Outbound
from cti.channels.webform import WebForm, WebFormReceiver, add_webform_routes
from cti.demo.customer_lines import CHAT_GOODBYES
from cti.demo.customers import Customers, FormRoute, MailRoute
from cti.demo.mailbox import ImapServer, dovecot_missing, running_dovecot
from cti.demo.maildrop import MailDrop
from cti.demo.visitor import ChatVisitor, Visitor
from tests.integration.channels.email.intake import RecordingIntake

DEADLINE = 30.0
FAST = 200.0  # the customers' think and patience, 200 times faster
ANN = Visitor("Ann Lee", "ann.lee@acme.example", "+15550100")
SECRET = secrets.token_hex(32)


@dataclass
class Site:
    url: str
    chat: ChatService
    intake: RecordingIntake
    http: aiohttp.ClientSession


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    intake = RecordingIntake()
    chat = ChatService(intake, ChatSettings())
    app = web.Application()
    add_chat_routes(app, chat)
    form = WebForm("contact", SECRET, "name", "email", "phone", "subject", "message")
    add_webform_routes(app, WebFormReceiver({"contact": form}, intake))
    runner = web.AppRunner(app, shutdown_timeout=2.0)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}"
    # only the site's own origin may open chats, as the demo configures it
    chat.settings = dataclasses.replace(chat.settings, allowed_origins=frozenset({url}))
    async with aiohttp.ClientSession() as http:
        yield Site(url, chat, intake, http)
    await runner.cleanup()


@pytest.fixture
def mailbox() -> Iterator[ImapServer]:
    missing = dovecot_missing()
    if missing:
        pytest.skip(missing)
    with running_dovecot() as server:
        server.add_user("support@demo.test", "support-pw")
        yield server


async def _until(condition: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    until = loop.time() + DEADLINE
    while not condition():
        assert loop.time() < until, f"never happened: {what}"
        await asyncio.sleep(0.02)


def _customers(site: Site, **routes: object) -> Customers:
    return Customers(site.http, site.url, [ANN], Random(3), speed=FAST, **routes)  # type: ignore[arg-type]


async def test_a_signed_form_post_is_accepted_with_the_sender_and_text(site: Site) -> None:
    customers = _customers(site, form=FormRoute("contact", SECRET), chat=False)
    thread_key = await customers.post_form(ANN)
    (inbound,) = site.intake.arrivals
    assert inbound.channel == "webform" and inbound.thread_key == thread_key
    assert inbound.sender.email == ANN.email and inbound.sender.phone == ANN.phone
    assert inbound.fields is not None and inbound.fields["name"] == "Ann Lee"
    assert customers.sent["webform"] == 1


async def test_a_form_signed_with_the_wrong_secret_counts_as_failed_not_sent(site: Site) -> None:
    customers = _customers(site, form=FormRoute("contact", "x" * 64), chat=False)
    await customers.contact("webform")
    assert site.intake.arrivals == []
    assert customers.failed["webform"] == 1 and customers.sent["webform"] == 0


async def test_a_chat_visitor_answers_each_agent_line_then_says_goodbye_and_leaves(
    site: Site,
) -> None:
    visitor = ChatVisitor(site.http, site.url, ANN, Random(5), speed=FAST)
    chatting = asyncio.create_task(visitor.run())
    await _until(lambda: len(site.intake.arrivals) == 1, "the opening line")
    chat_id = site.intake.arrivals[0].thread_key
    agent_lines = 0
    while site.intake.arrivals[-1].text not in CHAT_GOODBYES:
        heard = len(site.intake.arrivals)
        agent_lines += 1
        await site.chat.send(Outbound("chat", chat_id, f"Agent line {agent_lines}", "Bob"))
        await _until(lambda h=heard: len(site.intake.arrivals) > h, "an answer")  # type: ignore[misc]
    await _until(lambda: bool(site.intake.departures), "the visitor leaving")
    outcome = await asyncio.wait_for(chatting, DEADLINE)
    assert site.intake.departures == [("chat", chat_id, "visitor_left")]
    assert outcome.ended == "left" and outcome.chat_id == chat_id
    assert outcome.agent_lines == [f"Agent line {n}" for n in range(1, agent_lines + 1)]
    said = [inbound.text for inbound in site.intake.arrivals]
    assert said == outcome.sent and len(said) == agent_lines + 1  # opening + one per line
    assert site.intake.arrivals[0].sender.email == ANN.email


async def test_a_visitor_nobody_answers_gives_up_and_leaves(site: Site) -> None:
    outcome = await ChatVisitor(site.http, site.url, ANN, Random(5), speed=1000.0).run()
    assert outcome.ended == "gave up" and outcome.agent_lines == []
    await _until(lambda: bool(site.intake.departures), "the server seeing the visitor go")
    assert site.intake.departures == [("chat", outcome.chat_id, "visitor_left")]


async def test_a_visitor_from_a_site_not_allowed_is_refused_and_counted_failed(
    site: Site,
) -> None:
    site.chat.settings = dataclasses.replace(
        site.chat.settings, allowed_origins=frozenset({"https://elsewhere.example"})
    )
    customers = _customers(site, chat=True)
    await customers.chat(ANN)
    assert customers.failed["chat"] == 1 and site.intake.arrivals == []


def _subjects(server: ImapServer, user: str, password: str) -> list[str]:
    with imaplib.IMAP4(server.host, server.port, timeout=DEADLINE) as imap:
        imap.login(user, password)
        imap.select("INBOX")
        _, found = imap.uid("SEARCH", "ALL")
        subjects = []
        for uid in found[0].split():
            _, data = imap.uid("FETCH", uid, "(BODY[HEADER.FIELDS (SUBJECT IN-REPLY-TO)])")
            subjects.append(bytes(data[0][1]).decode().strip())
        return subjects


async def test_customers_emails_reach_the_support_mailbox_with_follow_ups_threaded(
    site: Site, mailbox: ImapServer
) -> None:
    async with MailDrop(mailbox) as drop:
        route = MailRoute(
            "127.0.0.1", drop.port, "support@demo.test", lambda a: mailbox.add_user(a, "pw")
        )
        customers = _customers(site, mail=route, chat=False)
        customers.rng.random = lambda: 0.1  # type: ignore[method-assign]  # a follow-up
        first = await customers.email(ANN)
        await customers.email(ANN)
        seen = await asyncio.to_thread(_subjects, mailbox, "support@demo.test", "support-pw")
    assert mailbox.has_user(ANN.email or "")  # the customer's own mailbox, for the reply
    assert len(seen) == 2
    assert seen[1].startswith(f"Subject: Re: {seen[0].removeprefix('Subject: ')}")
    assert f"In-Reply-To: {first}" in seen[1]
    assert customers.sent["email"] == 2
