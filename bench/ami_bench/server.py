"""The AMI server, run in its own process: banner, Login, answers, then the whole stream."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
USER = SECRET = "bench"

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
BENCH_START = b"Event: BenchStart\r\nPrivilege: system,all\r\n\r\n"
BENCH_DONE = b"Event: BenchDone\r\nPrivilege: system,all\r\n\r\n"
FULLY_BOOTED = b"Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 1\r\nLastReload: 1\r\n"
FULLY_BOOTED += b"Status: Fully Booted\r\n\r\n"
LIST_ACTIONS = {
    "status": "StatusComplete",
    "coreshowchannels": "CoreShowChannelsComplete",
    "queuestatus": "QueueStatusComplete",
    "queuesummary": "QueueSummaryComplete",
    "devicestatelist": "DeviceStateListComplete",
    "extensionstatelist": "ExtensionStateListComplete",
    "pjsipshowendpoints": "EndpointListComplete",
    "bridgelist": "BridgeListComplete",
}


def frame_chunks(data: bytes, size: int = 64 * 1024) -> list[bytes]:
    """Frame-aligned chunks, so that action responses can go out between them."""
    chunks, start = [], 0
    while start < len(data):
        end = data.find(b"\r\n\r\n", start + size)
        end = len(data) if end < 0 else end + 4
        chunks.append(data[start:end])
        start = end
    return chunks


def reply_to(action: dict[str, str]) -> bytes:
    name = action.get("action", "").lower()
    aid = f"ActionID: {action['actionid']}\r\n" if "actionid" in action else ""
    if name == "login":
        return f"Response: Success\r\n{aid}Message: Authentication accepted\r\n\r\n".encode()
    if name == "logoff":
        return f"Response: Goodbye\r\n{aid}Message: Thanks for all the fish.\r\n\r\n".encode()
    if name == "ping":
        pong = f"Ping: Pong\r\nTimestamp: {time.time():.6f}"
        return f"Response: Success\r\n{aid}{pong}\r\n\r\n".encode()
    if name == "challenge":
        return f"Response: Success\r\n{aid}Challenge: 840415273\r\n\r\n".encode()
    if name in LIST_ACTIONS:
        return (
            f"Response: Success\r\n{aid}EventList: start\r\nMessage: List will follow\r\n\r\n"
            f"Event: {LIST_ACTIONS[name]}\r\n{aid}EventList: Complete\r\nListItems: 0\r\n\r\n"
        ).encode()
    return f"Response: Success\r\n{aid}Message: OK\r\n\r\n".encode()


def serve_stream(path: str, port_out: Any, linger: float) -> None:
    chunks = frame_chunks(Path(path).read_bytes())
    with socket.create_server((HOST, 0)) as listener:
        listener.settimeout(60)
        port_out.send(listener.getsockname()[1])
        conn, _ = listener.accept()
    conn.settimeout(None)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    lock, logged_in, closed = threading.Lock(), threading.Event(), threading.Event()

    def answer_actions() -> None:
        buf = b""
        while data := conn.recv(65536):
            buf += data.replace(b"\r\n", b"\n")
            *frames, buf = buf.split(b"\n\n")
            for frame in frames:
                action = {}
                for line in frame.decode("utf-8", "replace").split("\n"):
                    key, _, value = line.partition(":")
                    action[key.strip().lower()] = value.strip()
                if not action.get("action"):
                    continue
                with lock:
                    conn.sendall(reply_to(action))
                    if action["action"].lower() == "login":
                        conn.sendall(FULLY_BOOTED)
                        logged_in.set()
        closed.set()

    conn.sendall(BANNER)
    threading.Thread(target=answer_actions, daemon=True).start()
    if not logged_in.wait(60):
        return
    try:
        for chunk in itertools.chain([BENCH_START], chunks, [BENCH_DONE]):
            with lock:
                conn.sendall(chunk)
    except OSError:
        return  # the client went away (e.g. a contender that died); the client reports it
    closed.wait(linger)
