"""The fake AMI server: Asterisk's exact texts, channel tracking, replay, junk input."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator

import pytest

from cti.ami.client import AmiClient
from cti.ami.fake_server import ActionRequest, FakeAmiConnection, FakeAmiServer, Reply
from cti.ami.messages import Event
from cti.ami.parser import parse_buffer
from cti.ami.transcript import TranscriptFrame, load_transcript, read_transcript

from .conftest import AMI_FIXTURES, ClientFactory, ClientRun

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
RECORDINGS = sorted(p for p in AMI_FIXTURES.glob("*.raw") if not p.name.endswith(".sent.raw"))


@pytest.fixture
async def raw_client(ami_server: FakeAmiServer) -> AsyncIterator[Stream]:
    reader, writer = await asyncio.open_connection("127.0.0.1", ami_server.port)
    assert await reader.readline() == b"Asterisk Call Manager/11.0.0\r\n"
    yield reader, writer
    writer.close()


async def exchange(stream: Stream, request: bytes) -> bytes:
    reader, writer = stream
    writer.write(request)
    return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)


async def login(stream: Stream) -> None:
    answer = await exchange(stream, b"Action: Login\r\nUsername: cti\r\nSecret: ctisecret\r\n\r\n")
    assert answer == b"Response: Success\r\nMessage: Authentication accepted\r\n\r\n"


async def test_fully_booted_follows_login_when_asked_for() -> None:
    async with FakeAmiServer(fully_booted=True) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        await reader.readline()
        await login((reader, writer))
        booted = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
        assert booted.startswith(b"Event: FullyBooted\r\nPrivilege: system,all\r\n")
        writer.close()


async def test_failed_login_is_byte_identical_to_asterisk_and_closes(
    ami_server: FakeAmiServer,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", ami_server.port)
    writer.write((AMI_FIXTURES / "login_failed.sent.raw").read_bytes())
    received = await asyncio.wait_for(reader.read(), 2)  # read() returns at EOF only
    assert received == (AMI_FIXTURES / "login_failed.raw").read_bytes()
    writer.close()


async def test_login_ping_and_logoff_use_asterisk_texts(raw_client: Stream) -> None:
    await login(raw_client)
    pong = await exchange(raw_client, b"Action: Ping\r\nActionID: p1\r\n\r\n")
    assert pong.startswith(b"Response: Success\r\nActionID: p1\r\nPing: Pong\r\nTimestamp: ")
    bye = await exchange(raw_client, b"action: logoff\r\nactionid: b1\r\n\r\n")
    assert bye == b"Response: Goodbye\r\nActionID: b1\r\nMessage: Thanks for all the fish.\r\n\r\n"
    assert await asyncio.wait_for(raw_client[0].read(), 2) == b""


async def test_actions_before_login_are_denied(raw_client: Stream) -> None:
    answer = await exchange(raw_client, b"Action: CoreShowChannels\r\nActionID: c1\r\n\r\n")
    assert answer == b"Response: Error\r\nActionID: c1\r\nMessage: Permission denied\r\n\r\n"


async def test_unknown_and_missing_actions_get_asterisk_errors(raw_client: Stream) -> None:
    await login(raw_client)
    recorded = (AMI_FIXTURES / "actions_responses.raw").read_bytes()
    answer = await exchange(
        raw_client, b"Action: NoSuchAction\r\nActionID: actions_responses-4\r\n\r\n"
    )
    assert answer in recorded
    missing = await exchange(raw_client, b"ActionID: m1\r\n\r\n")
    assert (
        missing == b"Response: Error\r\nActionID: m1\r\nMessage: Missing action in request\r\n\r\n"
    )


async def test_md5_login_accepts_the_right_key_only(ami_server: FakeAmiServer) -> None:
    for secret, expected in (("ctisecret", b"Response: Success"), ("nope", b"Response: Error")):
        reader, writer = await asyncio.open_connection("127.0.0.1", ami_server.port)
        await reader.readline()
        challenge = await exchange((reader, writer), b"Action: Challenge\r\nAuthType: MD5\r\n\r\n")
        [response], _ = parse_buffer(challenge)
        key = hashlib.md5((response["Challenge"] + secret).encode()).hexdigest()  # type: ignore[index]
        request = f"Action: Login\r\nAuthType: MD5\r\nUsername: cti\r\nKey: {key}\r\n\r\n"
        assert (await exchange((reader, writer), request.encode())).startswith(expected)
        writer.close()
    assert ami_server.logins == 1 and ami_server.login_attempts == 2


async def test_junk_from_a_client_never_breaks_the_server(
    ami_server: FakeAmiServer, raw_client: Stream
) -> None:
    await login(raw_client)
    reader, writer = raw_client
    writer.write(b"\x00\xff\xfe garbage \r\n\r\n")  # a frame that is no header at all
    writer.write(b"Action: \xff\xfe\r\nActionID: j1\r\n\r\n")
    assert b"Invalid/unknown command: \xef\xbf\xbd\xef\xbf\xbd." in await reader.readuntil(
        b"\r\n\r\n"
    )
    writer.write(b"Action: Ping\r\nX: " + b"y" * 200_000)  # oversized, no terminator yet
    writer.write(b"\r\n\r\nAction: Ping\r\nActionID: after\r\n\r\n")
    answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
    assert answer.startswith(b"Response: Success\r\nActionID: after\r\nPing: Pong\r\n")
    _half_open, writer2 = await asyncio.open_connection("127.0.0.1", ami_server.port)
    writer2.write(b"Action: Pi")  # a client that closes mid-frame
    writer2.close()
    assert (await exchange(raw_client, b"Action: Ping\r\nActionID: p2\r\n\r\n")).startswith(
        b"Response: Success\r\nActionID: p2\r\n"
    )


async def test_handlers_answer_with_their_fields_and_failures_become_errors(
    raw_client: Stream, ami_server: FakeAmiServer
) -> None:
    async def originate(connection: FakeAmiConnection, action: ActionRequest) -> Reply:
        return {"Message": f"Originate of {action.field('channel')} queued"}

    async def broken(connection: FakeAmiConnection, action: ActionRequest) -> Reply:
        raise RuntimeError("boom")

    ami_server.handle("Originate", originate)
    ami_server.handle("Broken", broken)
    await login(raw_client)
    answer = await exchange(raw_client, b"Action: Originate\r\nActionID: o\r\nChannel: L/1\r\n\r\n")
    assert answer == b"Response: Success\r\nActionID: o\r\nMessage: Originate of L/1 queued\r\n\r\n"
    answer = await exchange(raw_client, b"Action: Broken\r\nActionID: b\r\n\r\n")
    assert answer.startswith(b"Response: Error\r\nActionID: b\r\n")


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.stem)
def test_transcripts_keep_every_byte(path: str) -> None:
    data = AMI_FIXTURES.joinpath(path).read_bytes()
    transcript = load_transcript(data)
    assert b"".join(frame.raw for frame in transcript.frames) == data
    assert all(frame.raw.endswith(b"\r\n") for frame in transcript.frames)
    assert not any(frame.name.startswith("Response") for frame in transcript.events)


def recorded_answer(transcript_frames: tuple[TranscriptFrame, ...], action_id: str) -> int:
    return next(
        i
        for i, frame in enumerate(transcript_frames)
        if frame.name.startswith("Response") and frame.message.action_id == action_id  # type: ignore[union-attr]
    )


def comparable(event: Event) -> dict[str, str]:
    return {k: v for k, v in event.headers.items() if k not in ("Duration", "ActionID")}


async def test_core_show_channels_after_replay_matches_the_recorded_answer(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    transcript = read_transcript(AMI_FIXTURES / "actions_responses.raw")
    answer_at = recorded_answer(transcript.frames, "actions_responses-9")
    recorded = [f.message for f in transcript.frames[answer_at:] if f.name == "CoreShowChannel"]
    run = await start_client()
    await run.wait_state("connected")
    await ami_server.replay(transcript.frames[:answer_at])

    response, items = await run.client.send_list_action("CoreShowChannels")

    assert response.message == "Channels will follow"
    by_id = {item["Uniqueid"]: item for item in items}
    assert len(items) == len(recorded) == 4
    for expected in recorded:
        assert isinstance(expected, Event)
        ours = by_id[expected["Uniqueid"]]
        assert list(ours.headers) == list(expected.headers) != []
        assert comparable(ours) == comparable(expected)


async def test_queue_status_reports_waiting_callers_and_members(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    transcript = read_transcript(AMI_FIXTURES / "queue_answered.raw")
    run = await start_client()
    await run.wait_state("connected")
    await ami_server.replay(transcript.events, until=lambda f: f.name == "QueueCallerLeave")

    response, items = await run.client.send_list_action("QueueStatus", {"Queue": "support"})

    assert response.message == "Queue status will follow"
    assert [i.name for i in items] == ["QueueParams", "QueueMember", "QueueMember", "QueueEntry"]
    entry = items[-1]
    assert (entry["Position"], entry["CallerIDNum"]) == ("1", "+14155550123")
    assert entry["Channel"] == "Local/hold-60@pstn-sim-00000000;1"
    assert [m["Location"] for m in items[1:3]] == ["Local/1001@agents", "Local/1002@agents"]


async def test_replay_in_two_parts_around_a_drop_resyncs_the_client(
    ami_server: FakeAmiServer, start_client: ClientFactory
) -> None:
    transcript = read_transcript(AMI_FIXTURES / "queue_answered.raw")
    events = transcript.events
    split = transcript.index("AgentConnect")
    resyncs: list[list[Event]] = []
    run: ClientRun

    async def resync(client: AmiClient) -> None:
        _, channels = await client.send_list_action("CoreShowChannels")
        resyncs.append(channels)
        run.poke()

    run = await start_client(on_connected=resync)
    await run.wait_for(lambda: len(resyncs) == 1)
    await ami_server.replay(events[:split])
    await run.wait_for(lambda: len(run.events) == split)
    await ami_server.drop_connections()
    await run.wait_for(lambda: len(resyncs) == 2)
    await ami_server.replay(events[split:])
    await run.wait_for(lambda: len(run.events) == len(events))

    assert [e.headers for e in run.events] == [f.message.headers for f in events]  # type: ignore[union-attr]
    assert resyncs[0] == []
    live = {c["Channel"] for c in resyncs[1]}
    assert "Local/hold-60@pstn-sim-00000000;1" in live and "Local/1001@agents-00000002;1" in live
    assert "Local/1002@agents-00000001;1" not in live  # hung up, Cause 26, before the split
    assert "Local/1002@agents-00000001;2" in live  # its ;2 half hangs up just after
    assert ami_server.channels.channels == {}  # every call ended by the end of the recording


async def test_before_write_sees_each_event_that_is_then_written(
    ami_server: FakeAmiServer, raw_client: Stream
) -> None:
    await login(raw_client)
    await ami_server.wait_logged_in()
    seen: list[str] = []
    reader, _ = raw_client
    ami_server.before_write = lambda event: seen.append(event.name)
    frames = [b"Event: Newchannel\r\nUniqueid: 1.1\r\n\r\n", b"Event: DialBegin\r\nX: y\r\n\r\n"]
    await ami_server.send_frames(frames)
    assert seen == ["Newchannel", "DialBegin"]
    for frame in frames:
        assert await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2) == frame
