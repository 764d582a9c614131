"""A clients process of bare WebSocket clients: the receive stamp is taken when the bytes
reach the process, and frames are read later.

With a thousand sockets in a few processes on the server's own two CPUs, an aiohttp
client's work per frame (~20-40 µs: its reader, the message object, the JSON) delays the
*last* socket's stamp by tens of milliseconds that are the clients', not the server's.
Here ``data_received`` stamps ``time.time_ns()`` first, then only splits the bytes into
frames (answering pings); the JSON is read when the parent collects (`Arrivals.take`),
outside the measured path.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import resource
import struct
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from fanout_bench.arrivals import Arrivals

TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def raw_clients_process(conn: Any) -> None:
    logging.basicConfig(level=logging.WARNING)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_main(conn))


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (RFC 6455 5.3); payloads here are small."""
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    else:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    return header + mask + masked


class RawSocket(asyncio.Protocol):
    def __init__(self, host: str, path: str) -> None:
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n\r\n"
        ).encode()
        self.transport: asyncio.Transport | None = None
        self.upgraded = asyncio.Event()
        self.first_text = asyncio.Event()
        self.closed = asyncio.Event()
        self.texts: list[tuple[int, bytes]] = []  # (receive stamp, payload), unread
        self._buffer = b""
        self._stamp = 0
        self.lines: Counter[str] = Counter()  # queue.stats lines seen, for their n-th

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time_ns()
        self._buffer += data
        if not self.upgraded.is_set():
            head, sep, rest = self._buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            if not head.startswith(b"HTTP/1.1 101"):
                raise RuntimeError(f"no upgrade: {head[:80]!r}")
            self._buffer = rest
            self.upgraded.set()
        self._frames(now)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()

    def send_text(self, text: str) -> None:
        assert self.transport is not None
        self.transport.write(client_frame(TEXT, text.encode()))

    def _frames(self, now: int) -> None:
        buffer = self._buffer
        start = 0
        while len(buffer) - start >= 2:
            opcode, size = buffer[start] & 0x0F, buffer[start + 1] & 0x7F
            offset = start + 2
            if size == 126:
                if len(buffer) - start < 4:
                    break
                size = struct.unpack_from("!H", buffer, offset)[0]
                offset += 2
            elif size == 127:
                if len(buffer) - start < 10:
                    break
                size = struct.unpack_from("!Q", buffer, offset)[0]
                offset += 8
            if len(buffer) < offset + size:
                break
            payload = buffer[offset : offset + size]
            start = offset + size
            if opcode == TEXT:
                self.texts.append((now, payload))
                self.first_text.set()
            elif opcode == PING and self.transport is not None:
                self.transport.write(client_frame(PONG, payload))
        self._buffer = buffer[start:]


def read_texts(sockets: list[RawSocket], arrivals: Arrivals) -> None:
    """The JSON of what arrived since the last call, into ``arrivals``."""
    for sock in sockets:
        texts, sock.texts = sock.texts, []
        for stamp, payload in texts:
            arrivals.take(sock.lines, payload.decode(), stamp)


async def _main(conn: Any) -> None:
    from cti.protocol import hello_frame

    url, tokens = await asyncio.to_thread(conn.recv)
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    loop = asyncio.get_running_loop()

    async def connect(token: str) -> RawSocket:
        _, sock = await loop.create_connection(
            lambda: RawSocket(f"{host}:{port}", parts.path), host, port
        )
        await asyncio.wait_for(sock.upgraded.wait(), 60)
        sock.send_text(json.dumps(hello_frame(token)))
        await asyncio.wait_for(sock.first_text.wait(), 60)  # the welcome
        return sock

    sockets: list[RawSocket] = []
    for i in range(0, len(tokens), 50):
        sockets += await asyncio.gather(*(connect(t) for t in tokens[i : i + 50]))
    read_texts(sockets, Arrivals())  # the welcomes, and lines that came before the start
    arrivals = Arrivals()
    conn.send(("connected", len(sockets)))
    while True:
        command = await asyncio.to_thread(conn.recv)
        if command[0] == "collect":
            read_texts(sockets, arrivals)
            conn.send(("arrivals", {"seen": dict(arrivals.seen), "frames": arrivals.frames}))
        elif command[0] == "reset":
            read_texts(sockets, arrivals)
            arrivals.seen.clear()
        elif command[0] == "stop":
            break
    for sock in sockets:
        if sock.transport is not None:
            sock.transport.close()
    conn.send(("stopped", None))
