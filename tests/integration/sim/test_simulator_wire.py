"""The simulator's bytes on the wire: repeatable under a seed, Asterisk's odd Park text."""

from __future__ import annotations

import asyncio

from cti.sim import CallPlan, PbxSimulator

ALICE = ("+14155550123", "Alice Example")
LOGIN = b"Action: Login\r\nUsername: cti\r\nSecret: ctisecret\r\n\r\n"


def simulator(seed: int, time_scale: float = 0) -> PbxSimulator:
    return PbxSimulator(
        agents=["1001", "1002"],
        queues={"support": ["1001", "1002"]},
        contacts=[ALICE, ("+442071838750", "Bob O'Neil")],
        seed=seed,
        epoch=1795400000,
        time_scale=time_scale,
    )


async def session(seed: int) -> list[bytes]:
    """Every frame one client receives while three generated calls play out."""
    async with simulator(seed) as sim:
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
        writer.write(LOGIN)
        await sim.server.wait_logged_in()
        for kind in ("queue", "direct", "queue"):
            await sim.place_call(kind)
            await sim.wait_idle()
        writer.write(b"Action: Logoff\r\n\r\n")
        async with asyncio.timeout(5):
            data = await reader.read()
        writer.close()
    frames = data.split(b"\r\n\r\n")
    return [frame for frame in frames if not frame.startswith(b"Event: FullyBooted")]


async def test_same_seed_sends_the_same_bytes_over_tcp() -> None:
    first, again, other = await session(21), await session(21), await session(22)
    assert len(first) > 50
    assert first == again
    assert first != other


async def test_member_times_are_the_simulated_clocks_not_the_machines() -> None:
    """LoginTime (and LastCall, LastPause) in epoch seconds of the simulated clock: with
    the machine's, two runs of one seed differed when they straddled a second."""
    frames = await session(21)
    logins = {f for frame in frames for f in frame.split(b"\r\n") if f.startswith(b"LoginTime")}
    assert logins == {b"LoginTime: 1795400000"}


async def test_park_answer_keeps_asterisks_bare_line_feed() -> None:
    async with simulator(1, time_scale=0.001) as sim:
        call_id = await sim.place_call(
            "direct", target="1001", caller=ALICE, plan=CallPlan(talk=3600.0)
        )
        await sim.wait_until(lambda: sim.calls[call_id].bridge is not None)
        reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
        writer.write(LOGIN)
        channel = sim.calls[call_id].origin.name
        writer.write(f"Action: Park\r\nActionID: p1\r\nChannel: {channel}\r\n\r\n".encode())
        async with asyncio.timeout(5):
            await reader.readuntil(b"ActionID: p1\r\n")
            answer = await reader.readuntil(b"\r\n\r\n")
            parked = await reader.readuntil(b"Event: ParkedCall\r\n")
        writer.close()
    assert answer == b"Message: Park successful\n\r\n\r\n"
    assert b"Event: BridgeLeave" in parked
