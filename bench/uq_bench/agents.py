"""The agents process: one bare WebSocket per agent desktop, stamping each frame as its
bytes arrive (`fanout_bench.rawclients.RawSocket`), and acting on offers as a desk would.

What the agents do with an offer is the parent's choice (`mode`):

- ``keep``: accept it and keep it (the chats of the message phase stay open);
- ``churn``: accept it, and close it once accepted (capacity frees for the next sample);
- ``ignore``: leave it (the import run: offers lapse and go round, as with busy agents).

Frames are read as they arrive: the stamp is taken first (`data_received`), so reading
one frame delays only the stamps of later ones in the same process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import resource
from typing import Any
from urllib.parse import urlsplit

from fanout_bench.rawclients import RawSocket

KEY = re.compile(r"bk-[a-z]+-[0-9-]+")


def agents_process(conn: Any) -> None:
    logging.basicConfig(level=logging.WARNING)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_main(conn))


class Desks:
    """What every agent received, by the benchmark key in it, and what it does next."""

    def __init__(self, disposition: str) -> None:
        self.mode = "keep"
        self.disposition = disposition
        self.ringing: dict[str, int] = {}  # call id → first call.ringing stamp
        self.offered: dict[str, int] = {}  # key → interaction.offered stamp
        self.messages: dict[str, int] = {}  # key → interaction.message (in) stamp
        self.refused: list[str] = []  # commands the server refused
        self.frames = 0
        self._commands = 0

    def take(self, sock: AgentSocket, stamp: int, payload: bytes) -> None:
        self.frames += 1
        frame = json.loads(payload)
        if frame.get("op") == "result":
            if not frame.get("ok"):
                self.refused.append(f"{frame.get('id')}: {frame.get('error')}")
            return
        if frame.get("op") != "event":
            return
        kind, data = frame["type"], frame["data"]
        if kind == "call.ringing":
            self.ringing.setdefault(data["call_id"], stamp)
        elif kind == "interaction.offered":
            self._key_of(data.get("text") or "", self.offered, stamp)
            if self.mode != "ignore":
                self._command(sock, "interaction.accept", interaction_id=data["interaction_id"])
        elif kind == "interaction.accepted" and self.mode == "churn":
            args = {"interaction_id": data["interaction_id"], "disposition": self.disposition}
            self._command(sock, "interaction.close", **args)
        elif kind == "interaction.message" and data.get("direction") == "in":
            self._key_of(data.get("text") or "", self.messages, stamp)

    @staticmethod
    def _key_of(text: str, into: dict[str, int], stamp: int) -> None:
        found = KEY.search(text)
        if found is not None:
            into.setdefault(found.group(0), stamp)

    def _command(self, sock: AgentSocket, name: str, **args: Any) -> None:
        self._commands += 1
        command = {"op": "command", "id": f"{name}#{self._commands}", "name": name, "args": args}
        sock.send_text(json.dumps(command))

    def report(self) -> dict[str, Any]:
        return {
            "ringing": self.ringing,
            "offered": self.offered,
            "messages": self.messages,
            "refused": self.refused,
            "frames": self.frames,
        }


class AgentSocket(RawSocket):
    def __init__(self, host: str, path: str, desks: Desks) -> None:
        super().__init__(host, path)
        self.desks = desks
        self.welcomed = False

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # stamps first
        texts, self.texts = self.texts, []
        for stamp, payload in texts:
            if self.welcomed:
                self.desks.take(self, stamp, payload)
            else:
                self.welcomed = True  # the welcome


async def _main(conn: Any) -> None:
    from cti.protocol import hello_frame

    url, tokens, disposition = await asyncio.to_thread(conn.recv)
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    loop = asyncio.get_running_loop()
    desks = Desks(disposition)

    async def connect(token: str) -> AgentSocket:
        _, sock = await loop.create_connection(
            lambda: AgentSocket(f"{host}:{port}", parts.path, desks), host, port
        )
        await asyncio.wait_for(sock.upgraded.wait(), 60)
        sock.send_text(json.dumps(hello_frame(token)))
        await asyncio.wait_for(sock.first_text.wait(), 60)
        return sock

    sockets: list[AgentSocket] = []
    for i in range(0, len(tokens), 50):
        sockets += await asyncio.gather(*(connect(t) for t in tokens[i : i + 50]))
    conn.send(("connected", len(sockets)))
    while True:
        command = await asyncio.to_thread(conn.recv)
        if command[0] == "mode":
            desks.mode = command[1]
            conn.send(("mode", command[1]))
        elif command[0] == "collect":
            conn.send(("collected", desks.report()))
        elif command[0] == "stop":
            break
    for sock in sockets:
        if sock.transport is not None:
            sock.transport.close()
    conn.send(("stopped", None))
