"""The recorded Asterisk 22 FastAGI sessions, replayed byte for byte against our server."""

from __future__ import annotations

import pytest

from cti.lookup import ContactStore
from tests.integration.agi.asterisk import PeerRun, answer, play, recorded, replay_replies
from tests.integration.agi.conftest import ALICE_NUMBER, CountingSource, StartServer


def as_sent_by_asterisk(block: bytes) -> list[bytes]:
    """The block in the two writes the transcript shows (cut after ``agi_context``)."""
    cut = block.index(b"agi_extension:")
    return [block[:cut], block[cut:]]


def with_caller(block: bytes, number: bytes, arg: bytes | None = None) -> bytes:
    out = block.replace(b"agi_callerid: +14155550123", b"agi_callerid: " + number)
    return out.replace(b"agi_arg_1: +14155550123", b"agi_arg_1: " + (arg or number))


async def test_recorded_lookup_session_names_the_caller_and_sets_crm_variables(
    start_server: StartServer,
) -> None:
    server = await start_server()
    block, replies = recorded("agi_lookup-01")
    assert server.port is not None
    run = await play(server.port, as_sent_by_asterisk(block), replay_replies(replies))
    assert run.commands == [
        b'SET VARIABLE CALLERID(name) "Alice Example"\n',  # the recorded command, byte for byte
        b'SET VARIABLE CTI_CONTACT_ID "1"\n',
        b'SET VARIABLE CTI_COMPANY "Example Inc"\n',
        b'SET VARIABLE CTI_CRM_ID "crm-550123"\n',
        b'SET VARIABLE CTI_MATCH "exact"\n',
    ]
    assert run.seconds < server.settings.budget_seconds
    assert server.stats.outcomes == {"exact": 1}


async def test_every_command_is_one_asterisk_accepts(start_server: StartServer) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    replies: list[bytes] = []

    def asterisk(command: bytes) -> bytes:
        replies.append(answer(command))
        return replies[-1]

    run = await play(server.port, [block], asterisk)
    assert replies and all(reply == b"200 result=1\n" for reply in replies)
    assert run.variables()["CTI_MATCH"] == "exact"


async def test_recorded_slowlookup_is_an_unknown_script_answered_with_verbose(
    start_server: StartServer,
) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-02")
    assert server.port is not None
    run = await play(server.port, as_sent_by_asterisk(block))
    assert len(run.commands) == 1
    assert run.commands[0].startswith(b"VERBOSE \"CTI: unknown FastAGI script 'slowlookup'")
    assert run.closed is not None  # the AGI session ends; the call is never hung up
    assert not any(b"HANGUP" in command for command in run.commands)
    assert server.stats.outcomes == {"unknown-script": 1}


async def test_recorded_hangup_before_any_command_sets_nothing(
    start_server: StartServer,
) -> None:
    server = await start_server()
    block, rest = recorded("agi_lookup-02")
    assert rest[0] == b"HANGUP\n"
    block = block.replace(b"slowlookup", b"lookup")
    assert server.port is not None
    run = await play(server.port, [block + rest[0]])
    assert run.commands == []
    assert server.stats.outcomes == {"hangup": 1}


async def test_hangup_mid_command_stops_the_session(start_server: StartServer) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    # as in session 02: HANGUP arrives, and Asterisk still answers the command after it
    run = await play(server.port, [block], lambda _command: b"HANGUP\n200 result=1\n")
    assert len(run.commands) == 1
    assert server.stats.outcomes == {"hangup": 1}


async def test_dead_channel_reply_511_stops_the_session(start_server: StartServer) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    dead = b"511 Command Not Permitted on a dead channel or intercepted\n"
    run = await play(server.port, [block], lambda _command: dead)
    assert len(run.commands) == 1
    assert server.stats.outcomes == {"hangup": 1}


async def test_refused_command_is_logged_and_the_session_goes_on(
    start_server: StartServer,
) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    run = await play(server.port, [block], lambda _command: b"510 Invalid or unknown command\n")
    assert len(run.commands) == 5
    assert server.stats.outcomes == {"exact": 1}


async def test_anonymous_caller_is_never_looked_up(
    start_server: StartServer, source: CountingSource
) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    for caller in (b"anonymous", b"unknown", b"Restricted"):
        run = await play(server.port, [with_caller(block, caller, b"")])
        assert run.variables() == {"CTI_MATCH": "none"}
    assert source.asked == []


async def test_unknown_number_sets_match_none_only(
    start_server: StartServer, source: CountingSource
) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    run = await play(server.port, [with_caller(block, b"+12125550100")])
    assert run.variables() == {"CTI_MATCH": "none"}
    assert source.asked == ["+12125550100"]


async def test_national_number_is_normalised_like_the_pop(start_server: StartServer) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    run = await play(server.port, [with_caller(block, b"4155550123")])  # national form
    assert run.variables()["CTI_MATCH"] == "exact"
    assert run.variables()["CALLERID(name)"] == "Alice Example"


async def test_hostile_contact_name_cannot_inject_a_command(
    start_server: StartServer, store: ContactStore
) -> None:
    number = "+14155550177"
    store.add_contact('Mallory"\nEXEC System "touch /tmp/pwned', [(number, number, None)])
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    run: PeerRun = await play(server.port, [with_caller(block, number.encode())])
    assert all(command.startswith(b"SET VARIABLE ") for command in run.commands)
    assert run.variables() == {
        "CALLERID(name)": 'Mallory" EXEC System "touch /tmp/pwned',
        "CTI_CONTACT_ID": "2",
        "CTI_MATCH": "exact",
    }
    assert len(run.commands) == 3


async def test_real_caller_name_is_kept(start_server: StartServer) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    block = block.replace(b"agi_calleridname: unknown", b"agi_calleridname: Alice at home")
    assert server.port is not None
    run = await play(server.port, [block])
    assert "CALLERID(name)" not in run.variables()
    assert run.variables()["CTI_CONTACT_ID"] == "1"
    assert ALICE_NUMBER.encode() in block


PARIS = "+33179460123"
BRISTOL = b"+441179460123"  # another country, the same last 9 digits as PARIS


@pytest.mark.parametrize(("name_from", "renamed"), [("exact", False), ("suffix", True)])
async def test_only_an_exact_match_names_the_caller_unless_configured(
    start_server: StartServer, store: ContactStore, name_from: str, renamed: bool
) -> None:
    store.add_contact("Jean Parisien", [(PARIS, PARIS, None)])
    server = await start_server(name_from=name_from)
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    run = await play(server.port, [with_caller(block, BRISTOL)])
    variables = run.variables()
    assert (variables["CTI_MATCH"], variables["CTI_CONTACT_ID"]) == ("suffix", "2")
    assert ("CALLERID(name)" in variables) is renamed
    assert server.stats.outcomes == {"suffix": 1}
