"""The agents process: N real WebSocket clients of the CTI server, one per agent.

Each client stamps ``time.time_ns()`` as soon as ``ws.receive()`` returns a frame,
before parsing it. The clients live in their own process, as desktops do on their own
machines, so they never share the server's event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from typing import Any


def agents_process(conn: Any) -> None:
    logging.basicConfig(level=logging.WARNING)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_agents_main(conn))


class Tally:
    """What the agents received: first call.ringing per call, and anything misrouted."""

    def __init__(self) -> None:
        self.ringing: dict[str, tuple[str, int]] = {}
        self.stray = 0
        self.with_contact = 0
        self.frames = 0

    def take(self, ext: str, text: str, now: int) -> None:
        self.frames += 1
        frame = json.loads(text)
        if frame.get("op") != "event" or frame.get("type") != "call.ringing":
            return
        data = frame["data"]
        if data.get("extension") != ext:
            self.stray += 1
        if data["call_id"] not in self.ringing:
            self.with_contact += data.get("contact") is not None
            self.ringing[data["call_id"]] = (ext, now)

    def report(self) -> dict[str, Any]:
        return {
            "ringing": self.ringing,
            "stray": self.stray,
            "with_contact": self.with_contact,
            "frames": self.frames,
        }


async def _agents_main(conn: Any) -> None:
    import aiohttp

    from cti.protocol import hello_frame

    url, creds = await asyncio.to_thread(conn.recv)
    tally = Tally()

    async def reader(ws: Any, ext: str) -> None:
        while True:
            msg = await ws.receive()
            now = time.time_ns()
            if msg.type != aiohttp.WSMsgType.TEXT:
                return
            tally.take(ext, msg.data, now)

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def connect(token: str) -> Any:
            ws = await session.ws_connect(url)
            await ws.send_json(hello_frame(token))
            welcome = await ws.receive_json(timeout=30)
            if welcome.get("op") != "welcome":
                raise RuntimeError(f"no welcome: {welcome}")
            return ws

        sockets: list[Any] = []
        for i in range(0, len(creds), 100):
            sockets += await asyncio.gather(*(connect(t) for t, _ in creds[i : i + 100]))
        readers = [
            asyncio.create_task(reader(ws, ext))
            for ws, (_, ext) in zip(sockets, creds, strict=True)
        ]
        conn.send(("connected", len(sockets)))
        expected, grace = await asyncio.to_thread(conn.recv)
        try:
            async with asyncio.timeout(grace):
                while not set(expected) <= set(tally.ringing):  # noqa: ASYNC110 - polling
                    await asyncio.sleep(0.05)
        except TimeoutError:
            pass
        conn.send(("received", tally.report()))
        for task in readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
