"""A clients process: many real WebSocket clients of the CTI server (agents or supervisors).

Each socket stamps ``time.time_ns()`` as soon as ``ws.receive()`` returns a frame, then
reads it. Per measured event the process keeps how many of its sockets got it and the
first and last stamps, so the parent can tell when the *last* of 1,000 supervisors had
it without shipping a million stamps between processes.

Event keys (the parent builds the same ones from what the PBX sent):

- ``ring|<call_id>``: call.ringing;
- ``state|<extension>|<state>|<reason>``: agent.state (the benchmark gives each pause a
  reason of its own);
- ``stats|<queue>|<agents as JSON>|<n>``: the n-th queue.stats of that queue with that
  ``agents`` count, as each socket sees them (every supervisor gets the same lines).
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from collections import Counter
from typing import Any

Arrival = list[int]  # [sockets, first ns, last ns]


def clients_process(conn: Any) -> None:
    logging.basicConfig(level=logging.WARNING)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_main(conn))


def event_key(frame: dict[str, Any]) -> str | None:
    kind, data = frame.get("type"), frame.get("data") or {}
    if kind == "call.ringing":
        return f"ring|{data.get('call_id')}"
    if kind == "agent.state":
        return f"state|{data.get('extension')}|{data.get('state')}|{data.get('reason')}"
    if kind == "queue.stats":
        agents = json.dumps(data.get("agents"), sort_keys=True, separators=(",", ":"))
        return f"stats|{data.get('queue')}|{agents}"
    return None


class Arrivals:
    """What this process's sockets received, per event key."""

    def __init__(self) -> None:
        self.seen: dict[str, Arrival] = {}
        self.frames = 0
        self.types: Counter[str] = Counter()

    def take(self, lines: Counter[str], text: str, now: int) -> None:
        self.frames += 1
        frame = json.loads(text)
        if frame.get("op") != "event":
            return
        self.types[frame.get("type", "")] += 1
        key = event_key(frame)
        if key is None:
            return
        if key.startswith("stats|"):  # the n-th such line of this queue, for this socket
            lines[key] += 1
            key = f"{key}|{lines[key]}"
        found = self.seen.get(key)
        if found is None:
            self.seen[key] = [1, now, now]
        else:
            found[0] += 1
            found[1] = min(found[1], now)
            found[2] = max(found[2], now)


async def _main(conn: Any) -> None:
    import aiohttp

    from cti.protocol import hello_frame

    url, tokens = await asyncio.to_thread(conn.recv)
    arrivals = Arrivals()

    async def reader(ws: Any) -> None:
        lines: Counter[str] = Counter()
        while True:
            msg = await ws.receive()
            now = time.time_ns()
            if msg.type != aiohttp.WSMsgType.TEXT:
                return
            arrivals.take(lines, msg.data, now)

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def connect(token: str) -> Any:
            ws = await session.ws_connect(url, max_msg_size=0)
            await ws.send_json(hello_frame(token))
            welcome = await ws.receive_json(timeout=60)
            if welcome.get("op") != "welcome":
                raise RuntimeError(f"no welcome: {welcome}")
            return ws

        sockets: list[Any] = []
        for i in range(0, len(tokens), 50):
            sockets += await asyncio.gather(*(connect(t) for t in tokens[i : i + 50]))
        readers = [asyncio.create_task(reader(ws)) for ws in sockets]
        conn.send(("connected", len(sockets)))
        while True:
            command = await asyncio.to_thread(conn.recv)
            if command[0] == "collect":
                conn.send(("arrivals", _collect(arrivals)))
            elif command[0] == "reset":
                arrivals.seen.clear()
            elif command[0] == "stop":
                break
        for task in readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        conn.send(("stopped", None))


def _collect(arrivals: Arrivals) -> dict[str, Any]:
    return {"seen": dict(arrivals.seen), "frames": arrivals.frames, "types": dict(arrivals.types)}
