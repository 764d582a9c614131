"""The PBX process: cti's own PBX simulator, stamping the DialBegin that rings an agent.

The stamp (``time.time_ns()``, CLOCK_REALTIME, shared by the processes of one machine)
is taken by ``FakeAmiServer.before_write`` after the frame is built and just before its
bytes are written to the CTI server's AMI connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

AMI_SECRET = "bench-secret-0123456789"
FLOOR_EXTENSION = "1000"


def pbx_process(conn: Any, agents: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_pbx_main(conn, agents))


async def _pbx_main(conn: Any, agents: list[str]) -> None:
    from cti.sim import PbxSimulator

    stamps: dict[str, int] = {}

    def stamp(event: Any) -> None:
        if event.name == "DialBegin":
            stamps.setdefault(event.headers["Linkedid"], time.time_ns())

    async with PbxSimulator(agents=agents, secret=AMI_SECRET, seed=7) as pbx:
        pbx.server.before_write = stamp
        conn.send(("port", pbx.port))
        while True:
            cmd = await asyncio.to_thread(conn.recv)
            if cmd[0] == "stop":
                return
            if cmd[0] == "floor":
                conn.send(("floor", await floor_send(cmd[1], dial_begin_bytes(), *cmd[2:])))
            elif cmd[0] == "run":
                await pbx.server.wait_logged_in(timeout=10)
                targets = await _place_calls(pbx, *cmd[1:])
                await pbx.wait_idle(timeout=60)
                conn.send(("sent", {cid: (ext, stamps[cid]) for cid, ext in targets.items()}))


async def _place_calls(
    pbx: Any, numbers: list[str], rate: float, seconds: float, hold: float
) -> dict[str, str]:
    """Direct calls, round-robin over the agents, at `rate`; each is answered after `hold`."""
    from cti.sim.scripts import CallPlan

    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    targets: dict[str, str] = {}
    for i in range(int(rate * seconds)):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        ext = pbx.agents[i % len(pbx.agents)]
        plan = CallPlan(answer_by=ext, answer_after=hold, talk=hold)
        caller = (numbers[i % len(numbers)], "Bench Caller")
        call_id = await pbx.place_call(
            "direct", caller=caller, target=ext, abandon=False, hold=False, plan=plan
        )
        targets[call_id] = ext
    return targets


def dial_begin_bytes() -> bytes:
    """The bytes of one DialBegin as the simulator writes it, from a throwaway simulator."""
    from cti.sim import PbxSimulator

    script = PbxSimulator(agents=[FLOOR_EXTENSION], seed=7).plan_call(
        "direct", caller=("+14155550000", "Bench Caller"), target=FLOOR_EXTENSION
    )
    return next(frame for frame in script.run_all() if b"Event: DialBegin\r\n" in frame)


async def floor_send(port: int, frame: bytes, count: int, interval: float) -> list[int]:
    """The floor: the same kind of frame written over a plain loopback TCP socket."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    stamps = []
    for _ in range(count):
        stamps.append(time.time_ns())
        writer.write(frame)
        await writer.drain()
        await asyncio.sleep(interval)
    writer.close()
    await writer.wait_closed()
    return stamps
