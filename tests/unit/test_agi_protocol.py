"""The sans-I/O FastAGI parser and command builder, on the recorded Asterisk 22 bytes."""

from __future__ import annotations

import pytest

from cti.agi import (
    AgiEnvironment,
    AgiParser,
    AgiProtocolError,
    AgiReply,
    HangupNotice,
    LineTooLong,
    quote,
    set_variable,
    verbose,
)
from tests.integration.agi.asterisk import AGI_FIXTURES, parse_args, recorded


def environment_of(raw: bytes) -> AgiEnvironment:
    items = AgiParser().feed(raw)
    assert len(items) == 1 and isinstance(items[0], AgiEnvironment)
    return items[0]


def test_recorded_block_gives_script_caller_and_arguments() -> None:
    block, _ = recorded("agi_lookup-01")
    environment = environment_of(block)
    assert environment.script == "lookup"
    assert environment.caller_number == "+14155550123"
    assert environment.caller_name == "unknown"
    assert environment.channel == "Local/hold-8@pstn-sim-00000036;1"
    assert environment.arguments == ("+14155550123",)
    assert environment.get("agi_accountcode") == ""  # an empty value keeps its key
    assert len(environment.variables) == 23


def test_block_split_at_every_byte_parses_the_same() -> None:
    block, _ = recorded("agi_lookup-02")
    whole = environment_of(block)
    for cut in range(1, len(block)):
        parser = AgiParser()
        items = parser.feed(block[:cut]) + parser.feed(block[cut:])
        assert items == [whole], cut


def test_utf8_name_split_across_reads_survives() -> None:
    block = "agi_network_script: lookup\nagi_calleridname: Jörg Ünal\n\n".encode()
    cut = block.index("ö".encode()) + 1  # inside the two-byte character
    parser = AgiParser()
    items = parser.feed(block[:cut]) + parser.feed(block[cut:])
    assert isinstance(items[0], AgiEnvironment)
    assert items[0].caller_name == "Jörg Ünal"


def test_recorded_replies_and_hangup_after_the_block() -> None:
    block, rest = recorded("agi_lookup-02")
    items = AgiParser().feed(block + b"".join(rest))
    assert isinstance(items[0], AgiEnvironment)
    assert items[1] == HangupNotice()
    assert items[2] == AgiReply(200, "1", None, "200 result=1")
    assert items[3] == AgiReply(200, "1", "+12125550100", "200 result=1 (+12125550100)")


def test_reply_data_with_parentheses_and_quotes_is_kept() -> None:
    parser = AgiParser()
    parser.feed(b"agi_network_script: lookup\n\n")
    (reply,) = parser.feed(b'200 result=1 ("" <+14155550123>)\n')
    assert isinstance(reply, AgiReply) and reply.ok
    assert reply.data == '"" <+14155550123>'


def test_error_replies_are_not_ok() -> None:
    parser = AgiParser()
    parser.feed(b"agi_network_script: lookup\n\n")
    dead, unknown = parser.feed(
        b"511 Command Not Permitted on a dead channel or intercepted\n"
        b"510 Invalid or unknown command\n"
    )
    assert isinstance(dead, AgiReply) and (dead.code, dead.ok) == (511, False)
    assert isinstance(unknown, AgiReply) and unknown.code == 510


def test_usage_block_520_is_one_reply() -> None:
    parser = AgiParser()
    parser.feed(b"agi_network_script: lookup\n\n")
    items = parser.feed(
        b"520-Invalid command syntax.  Proper usage follows:\n"
        b" Usage: SET VARIABLE <variablename> <value>\n"
        b"520 End of proper usage.\n200 result=1\n"
    )
    assert [type(item) for item in items] == [AgiReply, AgiReply]
    first = items[0]
    assert isinstance(first, AgiReply) and first.code == 520 and "Usage" in first.text


@pytest.mark.parametrize(
    "block",
    [
        b"agi_network_script: lookup\nthis is not a variable\n\n",
        b"Agi_Network_Script: lookup\n\n",
        b"agi_channel: SIP/1-1\n\n",  # names no script
        b"\n",  # empty block
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
def test_malformed_blocks_are_refused(block: bytes) -> None:
    with pytest.raises(AgiProtocolError):
        AgiParser().feed(block)


def test_garbage_reply_is_refused() -> None:
    parser = AgiParser()
    parser.feed(b"agi_network_script: lookup\n\n")
    with pytest.raises(AgiProtocolError):
        parser.feed(b"hello there\n")


def test_line_without_end_is_bounded() -> None:
    parser = AgiParser(max_line_bytes=256)
    parser.feed(b"agi_network_script: " + b"x" * 200)
    with pytest.raises(LineTooLong):
        parser.feed(b"x" * 100)


def test_complete_overlong_line_is_refused() -> None:
    with pytest.raises(LineTooLong):
        AgiParser(max_line_bytes=256).feed(b"agi_x: " + b"y" * 300 + b"\n\n")


def test_endless_block_is_bounded() -> None:
    lines = b"".join(b"agi_arg_%d: x\n" % n for n in range(1, 300))
    with pytest.raises(AgiProtocolError, match="longer than"):
        AgiParser().feed(b"agi_network_script: lookup\n" + lines)


@pytest.mark.parametrize(
    ("name", "as_asterisk_reads_it"),
    [
        ("Alice Example", "Alice Example"),
        ('Bob "The Builder"', 'Bob "The Builder"'),
        ("C:\\temp\\", "C:\\temp\\"),
        ("Evil\nHANGUP", "Evil HANGUP"),
        ('x"\nEXEC System "rm -rf /', 'x" EXEC System "rm -rf /'),
        ("Tab\there\r\nand\u2028there", "Tab here and there"),
        ("  Seán   O'Brien? ", "Seán O'Brien?"),
        ("", ""),
    ],
)
def test_set_variable_is_one_line_that_asterisk_parses_back(
    name: str, as_asterisk_reads_it: str
) -> None:
    command = set_variable("CALLERID(name)", name)
    assert command.endswith(b"\n") and command.count(b"\n") == 1
    words = parse_args(command.decode().removesuffix("\n"))
    assert words == ["SET", "VARIABLE", "CALLERID(name)", as_asterisk_reads_it]


def test_recorded_command_bytes_are_what_we_send() -> None:
    sent = (AGI_FIXTURES / "agi_lookup-01.to_asterisk.raw").read_bytes().splitlines(keepends=True)
    assert set_variable("CALLERID(name)", "Alice Example") in sent


def test_long_value_is_cut_on_a_character_boundary() -> None:
    value = quote("é" * 200, max_bytes=101)
    inner = value[1:-1]
    assert inner == "é" * 50
    assert len(inner.encode()) <= 101


def test_verbose_quotes_its_message() -> None:
    assert verbose('unknown "x"', 1) == b'VERBOSE "unknown \\"x\\"" 1\n'


def test_variable_names_are_checked() -> None:
    with pytest.raises(ValueError):
        set_variable("X Y", "1")


def test_crlf_block_and_replies_are_accepted() -> None:
    parser = AgiParser()
    items = parser.feed(b"agi_network_script: lookup\r\nagi_callerid: 100\r\n\r\n200 result=1\r\n")
    assert isinstance(items[0], AgiEnvironment) and items[0].caller_number == "100"
    assert items[1] == AgiReply(200, "1", None, "200 result=1")


def test_block_dripped_byte_by_byte_is_parsed_once() -> None:
    block, _ = recorded("agi_lookup-01")
    parser = AgiParser()
    items = [item for byte in block for item in parser.feed(bytes([byte]))]
    assert items == [environment_of(block)]


def test_huge_block_is_bounded_even_with_short_lines() -> None:
    parser = AgiParser()
    with pytest.raises(AgiProtocolError, match="larger than"):
        parser.feed(b"agi_network_script: lookup\n")
        for _ in range(20):  # 80 KB in lines well under the line limit
            parser.feed(b"agi_x: " + b"y" * 4000 + b"\n")
