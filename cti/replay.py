"""Play a recorded AMI transcript through the real stack over loopback TCP.

The bytes go through a fake AMI server on 127.0.0.1, the real AMI client (login,
resync, parser) and the server's own event pipeline (call tracker, agent board),
exactly as a live Asterisk stream would.
Admins use it to debug a captured stream; tests use it to check the tracker against
recordings.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from cti.ami.client import AmiClient, AmiSettings
from cti.ami.fake_server import FakeAmiServer, load_transcript
from cti.ami.messages import Event, Response
from cti.ami.parser import AmiParser
from cti.pipeline import EventPipeline
from cti.protocol import WireEvent

log = logging.getLogger(__name__)

_REPLAY_USER = "replay"
_REPLAY_SECRET = "replay"  # a throwaway login for the private loopback server


class TranscriptError(ValueError):
    """The input is not something that can be replayed."""


@dataclass(frozen=True, slots=True)
class ReplayStats:
    ami_events: int
    events: int  # call, agent and presence events


def check_transcript(data: bytes) -> int:
    """Count the AMI events in `data`; refuse input that holds no AMI frames at all."""
    if not data.strip():
        raise TranscriptError("the file is empty")
    messages = AmiParser().feed(data)
    events = sum(isinstance(m, Event) for m in messages)
    responses = sum(isinstance(m, Response) for m in messages)
    if events == 0 and responses == 0:
        raise TranscriptError(
            "no AMI frames found: expected 'Key: Value' lines in frames ended by an "
            "empty line, as Asterisk sends on port 5038"
        )
    return events


async def replay_transcript(
    data: bytes,
    pipeline: EventPipeline,
    emit: Callable[[WireEvent], None],
    *,
    timeout: float = 60.0,
) -> ReplayStats:
    transcript = load_transcript(data)
    counts = {"ami": 0, "events": 0}

    def deliver(events: list[WireEvent]) -> None:
        for wire_event in events:
            counts["events"] += 1
            emit(wire_event)

    def on_event(event: Event) -> None:
        counts["ami"] += 1
        deliver(pipeline.handle(event))

    resynced = asyncio.Event()

    async def on_connected(client: AmiClient) -> None:
        deliver(await pipeline.resync(client))
        resynced.set()

    async with FakeAmiServer(_REPLAY_USER, _REPLAY_SECRET) as server:
        settings = AmiSettings(
            host="127.0.0.1",
            port=server.port,
            username=_REPLAY_USER,
            secret=_REPLAY_SECRET,
            auth="md5",
            ping_interval=3600.0,
        )
        client = AmiClient(settings, on_event=on_event, on_connected=on_connected)
        runner = asyncio.create_task(client.run())
        try:
            async with asyncio.timeout(timeout):
                await resynced.wait()
                await server.send_frames(transcript.events)
                # Responses come in order on one socket: once the Pong is back, the
                # client has handed every event before it to the tracker.
                await client.send_action("Ping")
        finally:
            await client.close()
            await runner
    return ReplayStats(ami_events=counts["ami"], events=counts["events"])
