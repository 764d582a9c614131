"""Silent FastAGI clients for ``bench/agi_lookup.py --silent N``: a process of its own.

Each of the N clients connects, sends nothing, waits until the server closes the
connection (budget, eviction or refusal), and connects again at once, so N connections
are always open or opening. This is the load that made 2,368 of 2,963 real lookups get
refused when a full server closed every new connection.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

RETRY_AFTER_ERROR = 0.01
"""Seconds a client waits after a failed connect (a full accept queue), not to spin."""


@dataclass
class SilentCounts:
    """What the silent clients saw: connections made, and failed connect() calls;
    ``ready`` is set once ``clients`` connections were made (each client's first)."""

    clients: int
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    connected: int = 0
    connect_errors: int = 0


async def silent_client(port: int, counts: SilentCounts, stop: asyncio.Event) -> None:
    """Connect, say nothing, wait for the server to close, again, until ``stop``."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            counts.connect_errors += 1
            await asyncio.sleep(RETRY_AFTER_ERROR)
            continue
        counts.connected += 1
        if counts.connected >= counts.clients:
            counts.ready.set()
        try:
            while await reader.read(4096):
                continue  # a FastAGI server sends nothing before the agi_ block
        except OSError:
            pass
        finally:
            writer.close()


async def run_silent(conn: Any, port: int, count: int) -> None:
    """Start ``count`` clients; report once each has connected; stop on "stop"."""
    counts = SilentCounts(count)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(silent_client(port, counts, stop)) for _ in range(count)]
    await counts.ready.wait()
    conn.send("ready")
    await asyncio.to_thread(conn.recv)  # "stop"
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    conn.send({"connected": counts.connected, "connect_errors": counts.connect_errors})


def silent_process(conn: Any, port: int, count: int) -> None:
    asyncio.run(run_silent(conn, port, count))
