"""The frames a socket gets in one turn of the event loop leave in one write, in order."""

from __future__ import annotations

import asyncio
import json

import pytest

from cti.broker import sessions
from cti.broker.auth import AgentIdentity
from cti.broker.metrics import BrokerMetrics
from cti.broker.sessions import Session, WriteBatch, text_frame


class Transport(asyncio.WriteTransport):
    """Records what the session writes (the kernel's side is the integration tests')."""

    def __init__(self, buffered: int = 0) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.buffered = buffered

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return self.buffered


class Socket:
    """What `Session` asks of aiohttp's WebSocketResponse on the batch path."""

    closed = False

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_str(self, text: str) -> None:
        self.sent.append(text)

    async def close(self, code: int, message: bytes) -> None:
        self.closed = True


def frame(seq: int) -> str:
    return json.dumps({"op": "event", "seq": seq, "type": "pbx.link", "data": {}})


async def started(transport: Transport, batch: WriteBatch | None) -> tuple[Session, Socket]:
    ws = Socket()
    session = Session(
        ws,  # type: ignore[arg-type]
        AgentIdentity("sue", "1900", "supervisor"),
        4,
        BrokerMetrics(),
        1.0,
        transport,
        batch,
    )
    session.start([])
    for _ in range(3):  # the writer task drains the empty backlog and waits
        await asyncio.sleep(0)
    return session, ws


async def test_two_events_of_one_turn_reach_a_socket_in_one_write() -> None:
    transport = Transport()
    session, _ = await started(transport, WriteBatch())
    assert session.send(frame(1), urgent=False) and session.send(frame(2), urgent=False)
    assert transport.writes == [], "nothing is written before the turn ends"
    await asyncio.sleep(0)
    assert transport.writes == [text_frame(frame(1)) + text_frame(frame(2))]
    await session.close(1000, "bye")


async def test_sockets_are_written_in_the_order_they_got_their_first_frame() -> None:
    batch = WriteBatch()
    first, second = Transport(), Transport()
    agent, _ = await started(first, batch)
    supervisor, _ = await started(second, batch)
    order: list[str] = []
    first.write = lambda data: order.append("agent")  # type: ignore[method-assign,assignment]
    second.write = lambda data: order.append("supervisor")  # type: ignore[method-assign,assignment]
    supervisor_frame, agent_frame = frame(1), frame(1)
    assert agent.send(agent_frame, urgent=False) and supervisor.send(supervisor_frame, urgent=False)
    await asyncio.sleep(0)
    assert order == ["agent", "supervisor"]
    await agent.close(1000, "bye")
    await supervisor.close(1000, "bye")


async def test_a_frame_beyond_the_sockets_room_queues_behind_the_turns_frames() -> None:
    transport = Transport()
    session, ws = await started(transport, WriteBatch())
    big = json.dumps({"op": "event", "seq": 1, "data": "x" * 70_000})
    assert (
        session.send(big, urgent=False)
        and session.send(frame(2), urgent=False)
        and session.send(frame(3), urgent=False)
    )
    for _ in range(5):
        await asyncio.sleep(0)
    assert transport.writes == [text_frame(big)]  # the turn's one frame, written first
    assert ws.sent == [frame(2), frame(3)]  # then the writer task, in order
    await session.close(1000, "bye")


async def test_a_frame_that_queues_never_overtakes_the_frames_waiting_in_the_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sessions, "FLUSH_CHUNK", 1)  # the second socket waits a turn
    batch = WriteBatch()
    first, second = Transport(), Transport()
    early, _ = await started(first, batch)
    late, ws = await started(second, batch)
    order: list[str] = []
    second.write = lambda data: order.append("batch")  # type: ignore[method-assign,assignment]

    async def send_str(text: str) -> None:
        order.append("writer task")

    ws.send_str = send_str  # type: ignore[method-assign]
    big = json.dumps({"op": "event", "seq": 1, "data": "x" * 70_000})
    assert early.send(frame(1), urgent=False) and late.send(
        big, urgent=False
    )  # the socket's room is used up
    assert late.send(frame(2), urgent=False)  # so this one queues for the writer task
    for _ in range(5):
        await asyncio.sleep(0)
    assert order == ["batch", "writer task"]
    await early.close(1000, "bye")
    await late.close(1000, "bye")


async def test_a_fan_out_is_written_a_chunk_per_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "FLUSH_CHUNK", 2)
    batch = WriteBatch()
    transports = [Transport() for _ in range(5)]
    started_sessions = [await started(t, batch) for t in transports]
    for session, _ in started_sessions:
        assert session.send(frame(1), urgent=False)
    written = []
    for _ in range(3):
        await asyncio.sleep(0)
        written.append(sum(bool(t.writes) for t in transports))
    assert written == [2, 4, 5]
    for session, _ in started_sessions:
        await session.close(1000, "bye")


async def test_an_urgent_frame_goes_at_once_after_the_sockets_waiting_frames() -> None:
    transport = Transport()
    session, _ = await started(transport, WriteBatch())
    assert session.send(frame(1), urgent=False)
    assert session.send(frame(2))  # the agent's own pop or state
    assert transport.writes == [text_frame(frame(1)) + text_frame(frame(2))]
    await asyncio.sleep(0)
    assert len(transport.writes) == 1, "nothing left for the batch"
    await session.close(1000, "bye")


async def test_without_a_batch_an_idle_socket_is_written_at_once() -> None:
    transport = Transport()
    session, _ = await started(transport, None)
    assert session.send(frame(1))
    assert transport.writes == [text_frame(frame(1))]
    await session.close(1000, "bye")


def test_text_frames_have_the_three_length_forms_of_rfc_6455() -> None:
    def header(n: int) -> bytes:
        data = text_frame("x" * n)
        assert data.endswith(b"x" * n)
        return data[: len(data) - n]

    assert header(125) == bytes((0x81, 125))
    assert header(126) == bytes((0x81, 126, 0, 126))
    assert header(65535) == bytes((0x81, 126, 0xFF, 0xFF))
    assert header(65536) == bytes((0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0))
    assert text_frame("é") == bytes((0x81, 2)) + "é".encode()
