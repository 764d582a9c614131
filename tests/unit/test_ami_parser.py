"""The sans-I/O AMI parser against real Asterisk 22 recordings and hostile input."""

from __future__ import annotations

import logging
import random
import re
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from cti.ami.messages import MULTI_VALUE_KEYS, AmiMessage, Banner, Event, Response
from cti.ami.parser import AmiParser, parse_buffer, parse_frame, parse_headers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ami"
RECORDINGS = sorted(p for p in FIXTURES.glob("*.raw") if not p.name.endswith(".sent.raw"))


def feed_all(chunks: list[bytes], parser: AmiParser | None = None) -> list[AmiMessage]:
    parser = parser or AmiParser()
    return [message for chunk in chunks for message in parser.feed(chunk)]


def one_byte_chunks(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def expected_counts(note: str) -> tuple[int, int, int, Counter[str]]:
    total, events, responses = map(
        int,
        re.search(r"(\d+) frames: (\d+) events, (\d+) responses", note).groups(),  # type: ignore[union-attr]
    )
    section = note.split("## Frame counts", 1)[1].split("##", 1)[0]
    names = Counter({m[1]: int(m[2]) for m in re.finditer(r"^- (.+): (\d+)$", section, re.M)})
    return total, events, responses, names


def label(message: Event | Response) -> str:
    return message.name if isinstance(message, Event) else f"Response: {message.status}"


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.stem)
def test_every_recording_parses_to_the_frame_counts_in_its_note(path: Path) -> None:
    total, events, responses, names = expected_counts(path.with_suffix(".md").read_text())

    messages, rest = parse_buffer(path.read_bytes(), expect_banner=True)

    assert rest == b""
    assert messages[0] == Banner("Asterisk Call Manager/11.0.0")
    frames = [m for m in messages[1:] if not isinstance(m, Banner)]
    assert len(frames) == len(messages) - 1 == total
    assert sum(isinstance(m, Event) for m in frames) == events
    assert sum(isinstance(m, Response) for m in frames) == responses
    assert Counter(label(m) for m in frames) == names


def test_banner_is_emitted_before_any_frame_terminator_arrives() -> None:
    parser = AmiParser()
    assert parser.feed(b"Asterisk Call ") == []
    assert parser.feed(b"Manager/11.0.0\r\nResponse: Succ") == [
        Banner("Asterisk Call Manager/11.0.0")
    ]
    [response] = parser.feed(b"ess\r\nMessage: Authentication accepted\r\n\r\n")
    assert isinstance(response, Response)
    assert response.ok and response.message == "Authentication accepted"
    assert Banner("Asterisk Call Manager/11.0.0").version == "11.0.0"


def test_stream_without_banner_parses_its_first_frame() -> None:
    [message] = AmiParser().feed(b"Event: FullyBooted\r\nStatus: Fully Booted\r\n\r\n")
    assert isinstance(message, Event) and message.name == "FullyBooted"


def test_repeated_chanvariable_becomes_a_list_and_headers_keep_the_first() -> None:
    raw = b"Event: Newchannel\r\nChanVariable: A=1\r\nUniqueid: 1.1\r\nChanVariable: B=\r\n"
    event = parse_frame(raw.rstrip(b"\r\n"))
    assert isinstance(event, Event)
    assert event.values("ChanVariable") == ("A=1", "B=")
    assert event.variables() == {"A": "1", "B": ""}
    assert event["ChanVariable"] == "A=1"
    assert event["Uniqueid"] == "1.1"


def test_single_chanvariable_is_still_a_tuple() -> None:
    event = parse_frame(b"Event: Newchannel\r\nChanVariable: A=1\r\nUniqueid: 1.1")
    assert isinstance(event, Event)
    assert event.lists == {"ChanVariable": ("A=1",)}


@pytest.mark.parametrize("key", sorted(MULTI_VALUE_KEYS))
def test_every_multi_value_key_is_a_tuple_even_once(key: str) -> None:
    event = parse_frame(f"Event: X\r\n{key}: v\r\nOther: w".encode())
    assert isinstance(event, Event)
    assert event.lists == {key: ("v",)} and event[key] == "v"


def test_varset_variable_is_both_a_header_and_a_one_item_list() -> None:
    event = parse_frame(b"Event: VarSet\r\nVariable: QUEUENAME\r\nValue: support")
    assert isinstance(event, Event)
    assert event["Variable"] == "QUEUENAME"
    assert event.values("Variable") == ("QUEUENAME",)


def test_other_repeated_keys_keep_first_value_in_headers_and_all_in_lists() -> None:
    event = parse_frame(b"Event: X\r\nFoo: 1\r\nFoo: 2\r\nFoo: 3")
    assert isinstance(event, Event)
    assert event["Foo"] == "1"
    assert event.values("Foo") == ("1", "2", "3")


@pytest.mark.parametrize("line", [b"AccountCode: ", b"AccountCode:"])
def test_empty_header_value_is_kept(line: bytes) -> None:
    event = parse_frame(b"Event: Newchannel\r\n" + line + b"\r\nExten: 1001")
    assert isinstance(event, Event)
    assert event.headers == {"Event": "Newchannel", "AccountCode": "", "Exten": "1001"}
    assert "AccountCode" in event


def test_empty_last_header_is_kept() -> None:
    [event] = AmiParser(banner=False).feed(b"Event: Newchannel\r\nAccountCode: \r\n\r\n")
    assert isinstance(event, Event) and event["AccountCode"] == ""


def test_response_follows_body_becomes_output_lines() -> None:
    raw = (
        b"Response: Follows\r\nPrivilege: Command\r\nActionID: c-1\r\n"
        b"Name/username: Status\nalice: OK (2 ms)\n\n--END COMMAND--\r\n\r\n"
    )
    [response] = AmiParser(banner=False).feed(raw)
    assert isinstance(response, Response) and response.ok
    assert response.action_id == "c-1"
    assert response.output == ("Name/username: Status", "alice: OK (2 ms)", "")
    assert "Name/username" not in response.headers


def test_park_response_with_bare_lf_inside_the_frame_parses() -> None:
    raw = (
        b"Response: Success\r\nActionID: p-1\r\nMessage: Park successful\n\r\n\r\nEvent: Y\r\n\r\n"
    )
    messages, rest = parse_buffer(raw)
    assert rest == b""
    response, event = messages
    assert isinstance(response, Response)
    assert response.headers == {
        "Response": "Success",
        "ActionID": "p-1",
        "Message": "Park successful",
    }
    assert isinstance(event, Event) and event.name == "Y"


def test_bare_lf_separated_lines_of_a_response_are_split() -> None:
    response = parse_frame(b"Response: Success\nA: 1\r\nB: 2\nC: 3")
    assert isinstance(response, Response)
    assert response.headers == {"Response": "Success", "A": "1", "B": "2", "C": "3"}


def test_bare_lf_inside_an_event_value_is_kept_verbatim() -> None:
    # Asterisk ends every event line with CRLF; a lone LF can only come from a value
    # (a dialplan variable, a UserEvent body), and splitting there would invent a line.
    event = parse_frame(b"Event: VarSet\r\nVariable: NOTE\r\nValue: line1\nline2: x")
    assert isinstance(event, Event)
    assert event["Value"] == "line1\nline2: x"


@pytest.mark.parametrize("name", ["Jörg Müller", "Seán O\\'Brien\\? C:\\\\temp", "王伟"])
def test_utf8_split_across_feeds_at_every_offset_survives(name: str) -> None:
    frame = f"Event: NewCallerid\r\nCallerIDName: {name}\r\nCallerIDNum: +1\r\n\r\n".encode()
    for cut in range(1, len(frame)):
        parser = AmiParser(banner=False)
        [event] = parser.feed(frame[:cut]) + parser.feed(frame[cut:])
        assert isinstance(event, Event)
        assert event["CallerIDName"] == name, cut


PIECES = [
    b"CallerIDName: J\xc3\xb6rg M\xc3\xbcller",
    "CallerIDName: 王伟 Seán O\\'Brien".encode(),
    b"Bad: \xff\xfe\x80",
    b"Cut: \xe2\x82",  # a character cut short, right before the line end
    b"junk line",
    b"Empty:",
    b"Message: a: b",
    b"ChanVariable: A=1",
    b"Value: lone\nLF",
    b"AccountCode: ",
]


def test_streamed_parse_equals_frame_by_frame_parse_on_random_input() -> None:
    rng = random.Random(22)
    frames = [
        b"\r\n".join([rng.choice([b"Event: X", b"Response: Success"]), *rng.choices(PIECES, k=5)])
        for _ in range(300)
    ]
    data = b"".join(frame + b"\r\n\r\n" for frame in frames)
    expected = [m for m in map(parse_frame, frames) if m is not None]
    cuts = sorted(rng.sample(range(1, len(data)), 800))
    chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    assert feed_all(chunks, AmiParser(banner=False)) == expected
    assert feed_all([data], AmiParser(banner=False)) == expected


def test_invalid_utf8_becomes_replacement_character() -> None:
    raw = b"Event: X\r\nCallerIDName: J\xf6rg \xc3\r\nBad\xff: v\r\n\r\n"
    [event] = AmiParser(banner=False).feed(raw)
    assert isinstance(event, Event)
    assert event["CallerIDName"] == "J\ufffdrg \ufffd"
    assert event["Bad\ufffd"] == "v"


def oversized_stream(limit: int) -> bytes:
    big = b"Event: Huge\r\n" + b"X: " + b"y" * (limit * 3) + b"\r\n\r\n"
    return b"Event: Before\r\n\r\n" + big + b"Event: After\r\nN: 1\r\n\r\n"


@pytest.mark.parametrize("chunking", ["whole", "one-byte", "random"])
def test_oversized_frame_is_dropped_and_next_frame_parsed(
    chunking: str, caplog: pytest.LogCaptureFixture
) -> None:
    data = oversized_stream(limit=200)
    if chunking == "whole":
        chunks = [data]
    elif chunking == "one-byte":
        chunks = one_byte_chunks(data)
    else:
        rng = random.Random(7)
        cuts = sorted(rng.sample(range(1, len(data)), 40))
        chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    parser = AmiParser(max_frame_bytes=200, banner=False)
    with caplog.at_level(logging.WARNING, logger="cti.ami.parser"):
        messages = feed_all(chunks, parser)
    assert [m.name for m in messages if isinstance(m, Event)] == ["Before", "After"]
    assert messages[-1]["N"] == "1"  # type: ignore[index]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    assert parser._size == 0 and parser._chunks == []


def test_discard_mode_keeps_memory_bounded() -> None:
    parser = AmiParser(max_frame_bytes=100, banner=False)
    for _ in range(1000):
        assert parser.feed(b"z" * 50) == []
        assert parser._size <= 100 and len(parser._tail) <= 3
    [event] = parser.feed(b"\r\n\r\nEvent: Back\r\n\r\n")
    assert isinstance(event, Event) and event.name == "Back"


@pytest.mark.parametrize("stem", ["readonly_permissions", "abandoned_ringing_direct"])
def test_one_byte_feeds_parse_identically_to_one_whole_feed(stem: str) -> None:
    data = (FIXTURES / f"{stem}.raw").read_bytes()
    whole = AmiParser().feed(data)
    assert feed_all(one_byte_chunks(data)) == whole
    rng = random.Random(stem)
    cuts = sorted(rng.sample(range(1, len(data)), 500))
    chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    assert feed_all(chunks) == whole


def test_garbage_lines_are_skipped_without_crashing(caplog: pytest.LogCaptureFixture) -> None:
    raw = b"Event: X\r\nthis is junk\r\n: no key\r\nA: 1\r\n\x00\x01\r\nB: 2\r\n\r\n"
    with caplog.at_level(logging.DEBUG, logger="cti.ami"):
        [event] = AmiParser(banner=False).feed(raw)
    assert isinstance(event, Event)
    assert event.headers == {"Event": "X", "": "no key", "A": "1", "B": "2"}
    assert "this is junk" in caplog.text


def test_frames_without_event_or_response_are_skipped() -> None:
    data = b"junk\r\n\r\n\r\n\r\nFoo: bar\r\n\r\nEvent: Ok\r\n\r\n"
    messages = AmiParser(banner=False).feed(data)
    assert [type(m) for m in messages] == [Event]


def test_originate_response_event_is_an_event_despite_its_response_header() -> None:
    event = parse_frame(b"Event: OriginateResponse\r\nActionID: a-6\r\nResponse: Failure")
    assert isinstance(event, Event)
    assert event.name == "OriginateResponse" and event["Response"] == "Failure"
    assert event.action_id == "a-6"


def test_parse_buffer_returns_the_incomplete_rest() -> None:
    messages, rest = parse_buffer(b"Event: A\r\n\r\nEvent: B\r\nX: 1\r\n")
    assert [m.name for m in messages] == ["A"]  # type: ignore[union-attr]
    assert rest == b"Event: B\r\nX: 1\r\n"


def test_parse_headers_reads_client_action_frames() -> None:
    headers, lists = parse_headers(b"Action: Originate\r\nVariable: a=1\r\nVariable: b=2")
    assert headers["Action"] == "Originate"
    assert lists == {"Variable": ("a=1", "b=2")}


def test_feed_frames_keeps_exact_frame_bytes() -> None:
    banners: list[AmiMessage] = []
    parser = AmiParser()
    frames = parser.feed_frames(b"Asterisk Call Manager/11.0.0\r\nEvent: A\r\nB: \r\n\r\n", banners)
    assert banners == [Banner("Asterisk Call Manager/11.0.0")]
    assert frames == [b"Event: A\r\nB: "]


def test_prefixed_chan_variables_are_always_lists() -> None:
    once = (
        b"Event: LocalBridge\r\nLocalOneChannel: Local/1@a-1;1\r\nLocalOneChanVariable: A=1\r\n\r\n"
    )
    twice = once[:-2] + b"LocalOneChanVariable: B=2\r\n\r\n"
    [one] = AmiParser(banner=False).feed(once)
    [two] = AmiParser(banner=False).feed(twice)
    assert one.lists["LocalOneChanVariable"] == ("A=1",)
    assert two.lists["LocalOneChanVariable"] == ("A=1", "B=2")
    assert one["LocalOneChanVariable"] == two["LocalOneChanVariable"] == "A=1"


def test_event_filter_skips_unwanted_events_but_keeps_action_replies() -> None:
    stream = (
        b"Event: VarSet\r\nVariable: X\r\nValue: 1\r\n\r\n"
        b"Event: Newchannel\r\nUniqueid: 1.0\r\n\r\n"
        b"Event: CoreShowChannel\r\nActionID: a-1\r\nUniqueid: 1.0\r\n\r\n"
        b"Response: Success\r\nActionID: a-2\r\n\r\n"
        b"Event: FullyBooted"
    )
    parser = AmiParser(banner=False, events={"Newchannel"})
    messages = parser.feed(stream) + parser.feed(b"\r\n\r\n")
    names = [getattr(m, "name", None) or getattr(m, "status", None) for m in messages]
    assert names == ["Newchannel", "CoreShowChannel", "Success"]


BANNER_DEADLINE = 30.0
"""Seconds for 1 MiB of banner fed a byte at a time. Linear parsing took 0.5 s here; the
old quadratic one re-joined the held bytes on every feed: 0.45 s for 32 KiB, so about
460 s for 1 MiB (cost grows with the square), 15 times this deadline."""


def test_banner_dribbled_a_byte_at_a_time_is_parsed_in_linear_time() -> None:
    size = 1 << 20
    parser = AmiParser(max_frame_bytes=2 * size)
    feed, byte = parser.feed, b"A"
    started = time.monotonic()
    for fed in range(1, size + 1):
        assert feed(byte) == []
        if fed % 65536 == 0:
            elapsed = time.monotonic() - started
            assert elapsed < BANNER_DEADLINE, f"{fed} bytes took {elapsed:.0f} s: not linear"
    [banner, event] = parser.feed(b"\r\nEvent: FullyBooted\r\nStatus: Fully Booted\r\n\r\n")
    assert banner == Banner("A" * size)
    assert isinstance(event, Event) and event.name == "FullyBooted"


@pytest.mark.parametrize("chunking", ["whole", "one-byte"])
def test_banner_line_over_the_frame_cap_is_dropped_once_and_the_next_frame_parses(
    chunking: str, caplog: pytest.LogCaptureFixture
) -> None:
    line = b"Asterisk Call Manager/" + b"9" * 5000 + b"\r\n"
    login = b"Response: Success\r\nMessage: Authentication accepted\r\n\r\n"
    chunks = [line + login] if chunking == "whole" else one_byte_chunks(line + login)
    with caplog.at_level(logging.INFO, logger="cti.ami"):
        messages = feed_all(chunks, AmiParser(max_frame_bytes=1024))
    [response] = messages  # no banner: the line was garbage, the Login answer survives
    assert isinstance(response, Response) and response.message == "Authentication accepted"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "banner" in warnings[0] and "1024" in warnings[0]


def test_banner_line_over_the_cap_keeps_memory_bounded() -> None:
    parser = AmiParser(max_frame_bytes=64 * 1024)
    chunk = b"x" * 4096
    tracemalloc.start()
    try:
        for _ in range(2048):  # 8 MiB without a line end
            assert parser.feed(chunk) == []
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 512 * 1024
    [event] = parser.feed(b"\r\nEvent: Back\r\n\r\n")
    assert isinstance(event, Event) and event.name == "Back"


def test_banner_whose_crlf_is_split_across_feeds_is_one_banner() -> None:
    parser = AmiParser()
    assert parser.feed(b"Asterisk Call Manager/11.0.0\r") == []
    [banner, event] = parser.feed(b"\nEvent: A\r\n\r\n")
    assert banner == Banner("Asterisk Call Manager/11.0.0")
    assert isinstance(event, Event) and event.name == "A"
