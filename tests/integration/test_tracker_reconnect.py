"""The whole ingest path over real TCP on 127.0.0.1: fake AMI server → AmiClient →
resync → CallTracker, including a connection lost in the middle of a call."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from cti.ami.client import AmiClient, AmiSettings
from cti.ami.fake_server import FakeAmiServer
from cti.ami.messages import Event
from cti.ami.transcript import read_transcript
from cti.calls.extensions import ExtensionRules
from cti.calls.resync import resync_calls
from cti.calls.tracker import CallTracker
from cti.pipeline import event_pipeline
from cti.protocol import CallEnded, DomainEvent, WireEvent
from cti.replay import replay_transcript
from tests.helpers import AMI_FIXTURES, CALLS, EXPECTED, brief_event, briefs


class Pipeline:
    """The production wiring of client and tracker, with a record of what came out."""

    def __init__(self, server: FakeAmiServer) -> None:
        self.tracker = CallTracker(default_region="US")
        self.out: list[DomainEvent] = []
        self.resyncs = 0
        self.resynced = asyncio.Event()
        settings = AmiSettings(
            port=server.port,
            username="cti",
            secret="ctisecret",
            auth="md5",
            ping_interval=3600,
            reconnect_min=0.01,
            reconnect_max=0.05,
        )
        self.client = AmiClient(
            settings,
            on_event=self.on_event,
            on_connected=self.on_connected,
            events=self.tracker.handled_events,
        )

    def on_event(self, event: Event) -> None:
        self.out.extend(self.tracker.handle(event))

    async def on_connected(self, client: AmiClient) -> None:
        self.out.extend(await resync_calls(client, self.tracker))
        self.resyncs += 1
        self.resynced.set()

    async def wait_resync(self, count: int) -> None:
        async with asyncio.timeout(5):
            while self.resyncs < count:
                self.resynced.clear()
                await self.resynced.wait()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Pipeline]:
        runner = asyncio.create_task(self.client.run())
        try:
            await self.wait_resync(1)
            yield self
        finally:
            await self.client.close()
            await runner

    async def barrier(self) -> None:
        """Once the Pong is back, every event sent before it has been handled."""
        await self.client.send_action("Ping")


def split_index(frames: list[bytes], *needles: bytes) -> int:
    return next(i for i, raw in enumerate(frames) if all(n in raw for n in needles))


async def test_connection_lost_mid_call_still_answers_and_ends_without_second_ring() -> None:
    events = read_transcript(AMI_FIXTURES / "queue_answered.raw").events
    raws = [frame.raw for frame in events]
    # the line drops just before agent 1001 answers; the answer and the bridge are lost
    drop_at = split_index(
        raws, b"Event: Newstate", b"\nChannel: Local/1001@agents-00000002;1", b"Desc: Up"
    )
    back_at = split_index(raws, b"Event: BridgeEnter", b"Local/hold-60@pstn-sim-00000000;1")
    async with FakeAmiServer() as server, Pipeline(server).running() as pipeline:
        await server.send_frames(events[:drop_at])
        await pipeline.barrier()
        before_drop = [brief_event(e) for e in pipeline.out]
        await server.drop_connections()
        await server.send_frames(events[drop_at : back_at + 1])  # nobody hears these
        await pipeline.wait_resync(2)
        after_resync = [brief_event(e) for e in pipeline.out]
        await server.send_frames(events[back_at + 1 :])
        await pipeline.barrier()
    assert before_drop == CALLS["queue_answered"][:3]
    assert after_resync == CALLS["queue_answered"][:5], "the resync saw the answer"
    assert [brief_event(e) for e in pipeline.out] == CALLS["queue_answered"]
    assert not pipeline.tracker.calls


async def test_asterisk_restart_ends_calls_that_no_longer_exist() -> None:
    events = read_transcript(AMI_FIXTURES / "queue_answered.raw").events
    raws = [frame.raw for frame in events]
    ringing = split_index(raws, b"Event: DialState", b"Local/1001@agents-00000002;1")
    async with FakeAmiServer() as server, Pipeline(server).running() as pipeline:
        await server.send_frames(events[: ringing + 1])
        await pipeline.barrier()
        server.channels.channels.clear()  # a restarted Asterisk has no channels
        await server.drop_connections()
        await pipeline.wait_resync(2)
    assert [brief_event(e) for e in pipeline.out] == [
        ("call.queued", "support", 1, 1, "+14155550123"),
        ("call.ringing", "1002", "inbound", "+14155550123"),
        ("call.ringing", "1001", "inbound", "+14155550123"),
        ("pop.retracted", "1002", "abandoned"),
        ("pop.retracted", "1001", "abandoned"),
        ("call.ended", None, None, True),
    ]
    assert not pipeline.tracker.calls


async def test_replay_over_tcp_matches_every_recording() -> None:
    for name, expected in EXPECTED.items():
        out: list[WireEvent] = []
        pipeline = event_pipeline(ExtensionRules.from_strings(), default_region="US")
        data = (AMI_FIXTURES / f"{name}.raw").read_bytes()
        stats = await replay_transcript(data, pipeline, out.append)
        assert briefs(out) == expected, name
        assert stats.events == len(expected)


async def test_call_that_ended_while_the_link_was_down_says_so() -> None:
    events = read_transcript(AMI_FIXTURES / "queue_answered.raw").events
    raws = [frame.raw for frame in events]
    answered = split_index(raws, b"Event: BridgeEnter", b"Local/hold-60@pstn-sim-00000000;1")
    async with FakeAmiServer() as server, Pipeline(server).running() as pipeline:
        await server.send_frames(events[: answered + 1])
        await pipeline.barrier()
        await server.drop_connections()
        await server.send_frames(events[answered + 1 :])  # the whole end goes unheard
        await pipeline.wait_resync(2)
    ended = pipeline.out[-1]
    assert isinstance(ended, CallEnded)
    data = ended.data()
    waited = data.pop("waited_seconds")
    assert data == {
        "call_id": "1795400598.0",
        "cause": None,
        "cause_text": "ended while the PBX link was down",
        "answered_by": "1001",
        "abandoned": False,
        "queue": "support",
    }
    assert isinstance(waited, float) and 0 <= waited < 5, "it waited until its answer"
    assert not pipeline.tracker.calls
