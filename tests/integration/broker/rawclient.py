"""A bare-TCP WebSocket client that can misbehave: stop answering, send half a frame."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
from typing import Any


def masked_text_frame(payload: bytes) -> bytes:
    """A client text frame (clients must mask) with the full payload."""
    header = bytes([0x81])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    mask = os.urandom(4)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def open_silent(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Upgrade to WebSocket and then say nothing, not even an answer to a close frame."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    status = await reader.readuntil(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 101"), status
    return reader, writer


async def read_close_code(reader: asyncio.StreamReader) -> int | None:
    """Read the server's frames until the connection ends; the close frame's code, if any."""
    data = await reader.read()  # until EOF: the server has released the connection
    if len(data) < 4 or data[0] != 0x88:
        return None
    return int(struct.unpack("!H", data[2:4])[0])


async def open_raw(
    port: int, hello: dict[str, Any]
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Upgrade to WebSocket and send `hello`, then leave the peer to the test."""
    reader, writer = await open_silent(port)
    writer.write(masked_text_frame(json.dumps(hello).encode()))
    await writer.drain()
    return reader, writer
