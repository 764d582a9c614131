"""Clients that misbehave never block the loop, other sessions or the call past the budget."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable

import pytest

from cti.agi import AgiServer, AgiSession, AgiSettings
from cti.agi.session import unread_bytes
from cti.lookup import LookupResult, LookupService, LookupSettings
from tests.integration.agi.asterisk import play, recorded
from tests.integration.agi.conftest import LoopWatchdog, StartServer
from tests.unit.lookup.fakes import FakeSource, person

MAX_LAG = 0.25  # a client that blocked the loop would block it for its whole budget (1 s)


async def wait_closed_by_server(reader: asyncio.StreamReader, timeout: float = 3.0) -> float:
    """Seconds until the server closes; what it sent before that is discarded."""
    started = time.monotonic()
    async with asyncio.timeout(timeout):
        while await reader.read(4096):
            continue  # drain until the server closes
    return time.monotonic() - started


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def open_silent(port: int) -> Connection:
    return await asyncio.open_connection("127.0.0.1", port)


async def test_silent_client_is_closed_at_the_budget(
    start_server: StartServer, watchdog: LoopWatchdog
) -> None:
    server = await start_server(budget_seconds=0.3)
    assert server.port is not None
    reader, writer = await open_silent(server.port)
    waited = await wait_closed_by_server(reader)
    writer.close()
    assert 0.25 <= waited < 1.0
    assert server.stats.outcomes == {"idle": 1}
    assert watchdog.worst < MAX_LAG


async def test_client_closing_before_the_blank_line_ends_only_its_session(
    start_server: StartServer,
) -> None:
    server = await start_server()
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(block[: len(block) // 2])
    await writer.drain()
    writer.close()
    run = await play(server.port, [block])  # the next caller is served as usual
    assert run.variables()["CTI_MATCH"] == "exact"
    await asyncio.sleep(0.05)
    assert server.stats.outcomes == {"incomplete": 1, "exact": 1}


async def test_malformed_block_is_closed_without_commands(start_server: StartServer) -> None:
    server = await start_server(budget_seconds=2.0)
    assert server.port is not None
    run = await play(server.port, [b"agi_network_script: lookup\nnot a variable line\n\n"])
    assert run.commands == []
    assert run.seconds < 0.5  # at once, not at the budget
    assert server.stats.outcomes == {"malformed": 1}


async def test_overlong_line_is_cut_off_without_buffering_it(start_server: StartServer) -> None:
    server = await start_server(max_line_bytes=1024, budget_seconds=2.0)
    assert server.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"agi_network_script: " + b"x" * 64 * 1024)  # no line end, ever
    waited = await wait_closed_by_server(reader)
    writer.close()
    assert waited < 0.5  # closed on the limit, long before the budget
    assert server.stats.outcomes == {"malformed": 1}


async def test_client_that_never_answers_a_command_is_cut_at_the_budget(
    start_server: StartServer,
) -> None:
    server = await start_server(budget_seconds=0.3)
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(block)
    first = await reader.readline()
    waited = await wait_closed_by_server(reader)
    writer.close()
    assert first.startswith(b"SET VARIABLE CALLERID(name)")
    assert waited < 0.8
    assert server.stats.outcomes == {"timeout": 1}


async def test_slow_lookup_answers_nothing_within_the_budget(start_server: StartServer) -> None:
    slow = FakeSource("crm", [person("Late Larry")], local=False, delay=5.0)
    lookup = LookupService([slow], LookupSettings(budget_seconds=10.0))
    server = await start_server(lookup=lookup, budget_seconds=0.3)
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    run = await play(server.port, [block])
    await lookup.aclose()
    assert run.commands == []  # nothing set: the dialplan sees no CTI_MATCH
    assert run.seconds < 0.8  # the source would take 5 s
    assert server.stats.outcomes == {"timeout": 1}


async def test_failing_lookup_sets_nothing(start_server: StartServer) -> None:
    class Broken:
        async def lookup(self, number: str | None) -> LookupResult:
            raise RuntimeError("database is gone")

    server = await start_server(lookup=Broken())
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    run = await play(server.port, [block])
    assert run.commands == []
    assert server.stats.outcomes == {"error": 1}


async def test_connections_beyond_the_limit_are_closed_at_once_when_none_can_be_evicted(
    start_server: StartServer,
) -> None:
    """Silent sessions younger than ``evict_after_seconds`` keep their slots."""
    server = await start_server(max_connections=3, budget_seconds=2.0, evict_after_seconds=60)
    assert server.port is not None
    silent = [await open_silent(server.port) for _ in range(3)]
    await asyncio.sleep(0.05)
    assert server.open_sessions == 3
    reader, writer = await open_silent(server.port)
    assert await wait_closed_by_server(reader) < 0.5  # at once, not at the budget
    writer.close()
    assert server.stats.refused == 1
    for _, silent_writer in silent:
        silent_writer.close()
    await asyncio.sleep(0.1)
    block, _ = recorded("agi_lookup-01")
    run = await play(server.port, [block])  # slots are free again
    assert run.variables()["CTI_MATCH"] == "exact"


async def test_bad_clients_never_stall_the_loop_or_good_sessions(
    start_server: StartServer, watchdog: LoopWatchdog
) -> None:
    """Twenty bad clients of four kinds stay connected while ten callers are served."""
    server = await start_server(budget_seconds=1.0, max_line_bytes=1024)
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    bad: list[asyncio.StreamWriter] = []
    for kind in range(20):
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            [b"", block[:100], b"agi_x: " + b"y" * 900, b"agi_network_script: lo"][kind % 4]
        )
        bad.append(writer)
    await asyncio.sleep(0.05)
    runs = await asyncio.gather(*(play(server.port, [block]) for _ in range(10)))
    ticks_before = watchdog.ticks
    await asyncio.sleep(0.1)
    for writer in bad:
        writer.close()
    assert all(run.variables()["CTI_MATCH"] == "exact" for run in runs)
    assert max(run.seconds for run in runs) < 0.5  # not held up by the bad ones (1 s)
    assert watchdog.ticks > ticks_before  # the loop kept ticking
    assert watchdog.worst < MAX_LAG
    assert server.open_sessions == 20  # the bad ones are still waiting, bounded by the budget


async def test_stop_closes_open_sessions(start_server: StartServer) -> None:
    server = await start_server(budget_seconds=5.0)
    assert server.port is not None
    reader, writer = await open_silent(server.port)
    await asyncio.sleep(0.05)
    await server.stop()
    assert await wait_closed_by_server(reader) < 0.5
    writer.close()
    assert server.stats.outcomes == {"stopped": 1}


async def open_silent_in_order(port: int, count: int, server: AgiServer) -> list[Connection]:
    """``count`` silent connections, each accepted before the next is opened."""
    opened: list[Connection] = []
    for _ in range(count):
        opened.append(await open_silent(port))
        await until(lambda: server.open_sessions == len(opened))
    return opened


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - server state has no event to await
            await asyncio.sleep(0.005)


async def test_full_server_evicts_the_oldest_silent_connections_for_real_sessions(
    start_server: StartServer,
) -> None:
    server = await start_server(max_connections=5, budget_seconds=30.0)
    assert server.port is not None
    silent = await open_silent_in_order(server.port, 5, server)
    await asyncio.sleep(server.settings.evict_after_seconds * 2)  # all of them evictable
    block, _ = recorded("agi_lookup-01")
    runs = await asyncio.gather(*(play(server.port, [block], timeout=30.0) for _ in range(3)))
    for run in runs:
        assert [command.split(b" ")[2] for command in run.commands] == [
            b"CALLERID(name)",
            b"CTI_CONTACT_ID",
            b"CTI_COMPANY",
            b"CTI_CRM_ID",
            b"CTI_MATCH",
        ]
        assert run.variables()["CTI_MATCH"] == "exact"
    for reader, _ in silent[:3]:  # the three oldest gave way
        await wait_closed_by_server(reader, timeout=30.0)
    assert [reader.at_eof() for reader, _ in silent] == [True, True, True, False, False]
    assert server.stats.outcomes == {"evicted": 3, "exact": 3}
    assert server.stats.refused == 0
    for _, writer in silent:
        writer.close()


NUMBERS = (b"+12125550101", b"+12125550102")  # two callers: two lookups, not one shared


async def test_sessions_that_sent_their_block_are_never_evicted(
    start_server: StartServer,
) -> None:
    slow = FakeSource("crm", [person("Slow Sam")], local=False, delay=30.0)
    lookup = LookupService([slow], LookupSettings(budget_seconds=60.0))
    server = await start_server(lookup=lookup, max_connections=2, budget_seconds=30.0)
    block, _ = recorded("agi_lookup-01")
    assert server.port is not None
    callers = [block.replace(b"+14155550123", number) for number in NUMBERS]
    busy = [asyncio.create_task(play(server.port, [one], timeout=60.0)) for one in callers]
    await until(lambda: len(slow.calls) == 2)  # both blocks read, both lookups running
    await asyncio.sleep(server.settings.evict_after_seconds * 2)
    late = await play(server.port, [block], timeout=30.0)
    assert late.commands == []  # closed at once: nobody could give way
    assert late.seconds < 5.0  # not held until a slot frees (30 s)
    assert server.stats.refused == 1 and "evicted" not in server.stats.outcomes
    assert server.open_sessions == 2
    await server.stop()
    await asyncio.gather(*busy)
    await lookup.aclose()


async def test_connection_not_made_or_with_bytes_unread_never_gives_way(
    service: LookupService,
) -> None:
    """The server's loop may reach a burst of new connections before reading the callers
    among them: a block waiting in the socket, or a connection not made yet, is not
    silence. Reading is paused here to hold the loop at exactly that point."""
    ended: list[str] = []
    settings = AgiSettings(budget_seconds=30.0, evict_after_seconds=0)
    session = AgiSession(settings, service, lambda _s, o: ended.append(o))
    assert not session.may_give_way()  # accepted, but its connection is not made yet
    ours, asterisk = socket.socketpair()
    loop = asyncio.get_running_loop()
    transport, _ = await loop.connect_accepted_socket(lambda: session, ours)
    assert session.may_give_way()  # made, and silent
    transport.pause_reading()
    block, _ = recorded("agi_lookup-01")
    asterisk.sendall(block[:100])
    await until(lambda: unread_bytes(transport) == 100)
    assert not session.may_give_way()  # the loop has not read what is waiting
    transport.resume_reading()
    await until(lambda: unread_bytes(transport) == 0)
    assert session.may_give_way()  # read: a part of a block, and nothing more coming
    asterisk.sendall(block[100:])
    await until(lambda: not session.awaiting_environment)
    assert not session.may_give_way()  # a whole block: never evicted
    session.finish("stopped")
    asterisk.close()
    assert ended == ["stopped"]


async def test_silent_connections_are_summed_up_in_the_log_not_one_line_each(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = await start_server(budget_seconds=0.1, max_connections=5)
    assert server.port is not None
    opened = [await open_silent(server.port) for _ in range(20)]
    await until(lambda: server.stats.sessions + server.stats.refused == 20)
    for _, writer in opened:
        writer.close()
    ours = [r for r in caplog.records if r.name.startswith("cti.agi")]
    warnings = [r.getMessage() for r in ours if r.levelno >= logging.WARNING]
    assert server.stats.sessions >= 5  # some closed at the budget, some evicted or refused
    assert len(warnings) == 1, warnings  # the rest waits for the next summary (5 s)
    assert warnings[0].startswith("FastAGI connections: ")
