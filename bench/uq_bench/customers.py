"""The customers process: chat visitors on ``/chat/ws``, web form posts and mail APPENDed
over IMAP, each stamped (``time.time_ns()``) at the moment the server side could first
have it:

- a chat line: just before its frame's bytes are written to the visitor's socket;
- a web form: just before the signed POST is sent;
- a mail: when dovecot answered the APPEND with OK (the IMAP server has it).

Each visitor comes through a trusted proxy with an ``X-Forwarded-For`` of its own, as a
site's visitors do, so the per-address flood limits see 200 visitors, not one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from typing import Any
from urllib.parse import urlsplit

from fanout_bench.rawclients import RawSocket

from uq_bench.mailbox import ImapClient, bench_mail
from uq_bench.setup import FORM, FORM_SECRET, Mailbox


def customers_process(conn: Any) -> None:
    logging.basicConfig(level=logging.WARNING)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_main(conn))


class Visitor(RawSocket):
    """A chat visitor's socket, from its own address behind the proxy."""

    def __init__(self, host: str, path: str, number: int) -> None:
        super().__init__(host, path)
        extra = f"Origin: http://shop.example\r\nX-Forwarded-For: 10.{number >> 16 & 255}."
        extra += f"{number >> 8 & 255}.{number & 255}\r\n\r\n"
        self.request = self.request[:-2] + extra.encode()
        self.number = number
        self.rejected: list[str] = []

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        texts, self.texts = self.texts, []
        for _, payload in texts:
            frame = json.loads(payload)
            if frame.get("op") == "error":
                self.rejected.append(str(frame.get("error")))

    def say(self, key: str) -> int:
        """Write one chat line; its send stamp."""
        frame = json.dumps({"op": "message", "text": f"{key} is my parcel on its way?"})
        stamp = time.time_ns()
        self.send_text(frame)
        return stamp

    def leave(self) -> None:
        self.send_text(json.dumps({"op": "leave"}))


class Customers:
    def __init__(self, url: str, mailbox: Mailbox) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.base = url
        self.mailbox = mailbox
        self.visitors: list[Visitor] = []
        self.numbered = 0

    async def visitor(self, name: str) -> Visitor:
        loop = asyncio.get_running_loop()
        self.numbered += 1
        number = self.numbered
        _, sock = await loop.create_connection(
            lambda: Visitor(f"{self.host}:{self.port}", "/chat/ws", number), self.host, self.port
        )
        await asyncio.wait_for(sock.upgraded.wait(), 60)
        sock.send_text(json.dumps({"op": "hello", "name": name}))
        await asyncio.wait_for(sock.first_text.wait(), 60)  # the welcome
        return sock

    async def open_chats(self, count: int) -> dict[str, int]:
        """``count`` visitors, each saying a first line (``bk-open-<n>``)."""
        sent: dict[str, int] = {}
        for start in range(0, count, 50):
            batch = await asyncio.gather(
                *(self.visitor(f"Visitor {n}") for n in range(start, min(count, start + 50)))
            )
            self.visitors += batch
        for n, visitor in enumerate(self.visitors):
            sent[f"bk-open-{n}"] = visitor.say(f"bk-open-{n}")
        return sent

    async def chat_lines(self, interval: float, seconds: float) -> dict[str, int]:
        """Every visitor says a line every ``interval`` s, the visitors spread over it."""
        sent: dict[str, int] = {}
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.1
        count = len(self.visitors)
        rounds = int(seconds / interval)
        schedule = sorted(
            (start + r * interval + interval * n / count, r, n)
            for r in range(rounds)
            for n in range(count)
        )
        for at, r, n in schedule:
            delay = at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            key = f"bk-m-{n}-{r}"
            sent[key] = self.visitors[n].say(key)
        return sent

    def leave_all(self) -> list[str]:
        rejected = [r for v in self.visitors for r in v.rejected]
        for visitor in self.visitors:
            visitor.leave()
        self.visitors = []
        return rejected

    async def offers(self, channel: str, count: int, gap: float) -> dict[str, int]:
        """``count`` new interactions of ``channel``, one every ``gap`` s."""
        import aiohttp

        from cti.channels.signing import SIGNATURE_HEADER, sign

        sent: dict[str, int] = {}
        imap = await asyncio.to_thread(ImapClient, self.mailbox) if channel == "email" else None
        async with aiohttp.ClientSession() as session:
            for n in range(count):
                key = f"bk-{channel}-{n}"
                if channel == "webform":
                    body = json.dumps(
                        {"name": f"Form {n}", "email": f"form{n}@example.net", "message": key}
                    ).encode()
                    headers = {
                        SIGNATURE_HEADER: sign(FORM_SECRET, int(time.time()), body),
                        "Content-Type": "application/json",
                    }
                    sent[key] = time.time_ns()
                    async with session.post(
                        f"http://{self.host}:{self.port}/api/webforms/{FORM}",
                        data=body,
                        headers=headers,
                    ) as response:
                        if response.status != 202 and response.status != 200:
                            raise RuntimeError(f"form refused: {await response.text()}")
                elif channel == "chat":
                    visitor = await self.visitor(f"Offer {n}")
                    sent[key] = visitor.say(key)
                    self.visitors.append(visitor)
                else:
                    assert imap is not None
                    raw = bench_mail(key, 100_000 + n)
                    await asyncio.to_thread(imap.append, raw)
                    sent[key] = time.time_ns()
                await asyncio.sleep(gap)
        if imap is not None:
            imap.close()
        return sent


async def _main(conn: Any) -> None:
    url, mailbox = await asyncio.to_thread(conn.recv)
    customers = Customers(url, mailbox)
    conn.send(("ready", None))
    while True:
        command = await asyncio.to_thread(conn.recv)
        kind, args = command[0], command[1:]
        if kind == "open_chats":
            conn.send(("sent", await customers.open_chats(*args)))
        elif kind == "chat_lines":
            conn.send(("sent", await customers.chat_lines(*args)))
        elif kind == "leave":
            conn.send(("left", customers.leave_all()))
        elif kind == "offers":
            conn.send(("sent", await customers.offers(*args)))
        elif kind == "stop":
            break
    conn.send(("stopped", None))
