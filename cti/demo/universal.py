"""The demo's universal queue at work: customers write in, demo agents answer.

`start_queue_work` starts the simulated customers (`cti.demo.customers`) against the
server's real endpoints, and the desk work (`cti.demo.deskwork`) of every agent the demo
drives, so email threads, chats and forms are offered, handled and closed, and each
closed one joins its contact's history beside the calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from random import Random

import aiohttp

from cti.config import Config
from cti.demo.channels import FORM, SUPPORT_ADDRESS, DemoChannels
from cti.demo.client import PopClient, Team
from cti.demo.customers import Customers, FormRoute, MailRoute
from cti.demo.deskwork import DeskWork
from cti.demo.visitor import Visitor

AGENT_NAMES = {
    "1001": "Sam Rivera",
    "1002": "Jo Becker",
    "1003": "Mika Tanaka",
    "1004": "Lee Okafor",
}


def agent_names(extensions: list[str]) -> dict[str, str]:
    """The names customers read under replies, by agent id (``agent<extension>``)."""
    return {f"agent{ext}": AGENT_NAMES.get(ext, f"Agent {ext}") for ext in extensions}


def directory_people(database: Path) -> list[Visitor]:
    """Each demo contact as a customer: its name, email (if any) and first number."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute(
            "SELECT c.name, c.email, (SELECT p.number_e164 FROM phones p "
            "WHERE p.contact_id = c.id ORDER BY p.rowid LIMIT 1) FROM contacts c ORDER BY c.id"
        ).fetchall()
    return [Visitor(name, email, phone) for name, email, phone in rows]


def start_queue_work(
    *,
    team: Team,
    workers: Mapping[str, PopClient],
    channels: DemoChannels,
    config: Config,
    http: aiohttp.ClientSession,
    per_minute: float,
    speed: float,
    seed: int,
    note: Callable[[str], None],
) -> asyncio.Task[None]:
    """Customers start writing; `workers` (extension → client) answer what they are offered.
    Cancelling the task ends both."""
    desk = DeskWork(workers, config.desktop.dispositions, Random(seed + 1), speed, note)
    team.also.append(desk.frame)
    mail = None
    if channels.drop is not None:
        mail = MailRoute("127.0.0.1", channels.drop.port, SUPPORT_ADDRESS, channels.open_mailbox)
    customers = Customers(
        http,
        channels.broker,
        directory_people(Path(config.lookup.database)),
        Random(seed + 2),
        mail=mail,
        form=FormRoute(FORM, channels.form_secret),
        per_minute=per_minute,
        speed=speed,
        note=note,
    )
    return asyncio.create_task(_work(customers, desk), name="demo-queue-work")


async def _work(customers: Customers, desk: DeskWork) -> None:
    try:
        await customers.run()
        await asyncio.Event().wait()  # no customers (rate 0): the desk still answers
    finally:
        await desk.stop()
