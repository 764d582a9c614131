"""The PBX process: cti's simulator, placing the pop benchmark's calls and pausing members.

Pauses are the simulator's own AMI QueuePause (its app_queue answers with the
QueueMemberPause Asterisk 22 sends); each QueueMemberPause is stamped
(``time.time_ns()``) by ``FakeAmiServer.before_write`` just before its bytes are
written to the CTI server's AMI connection, like the DialBegin of a pop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from pop_bench.pbx import AMI_SECRET, _place_calls, dial_begin_bytes, floor_send


def pbx_process(conn: Any, pop_agents: list[str], queues: dict[str, list[str]]) -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_main(conn, pop_agents, queues))


async def _main(conn: Any, pop_agents: list[str], queues: dict[str, list[str]]) -> None:
    from cti.sim import PbxSimulator

    members = sorted({ext for exts in queues.values() for ext in exts})
    stamps: dict[str, int] = {}

    def stamp(event: Any) -> None:
        headers = event.headers
        if event.name == "DialBegin":
            stamps.setdefault(headers["Linkedid"], time.time_ns())
        elif event.name == "QueueMemberPause" and headers.get("Paused") == "1":
            stamps.setdefault(headers["PausedReason"], time.time_ns())

    async with PbxSimulator(
        agents=[*pop_agents, *members], queues=queues, secret=AMI_SECRET, seed=7
    ) as pbx:
        pbx.server.before_write = stamp
        conn.send(("port", pbx.port))
        while True:
            cmd = await asyncio.to_thread(conn.recv)
            if cmd[0] == "stop":
                return
            await pbx.server.wait_logged_in(timeout=10)
            if cmd[0] == "floor":
                conn.send(("floor", await floor_send(cmd[1], dial_begin_bytes(), *cmd[2:])))
            elif cmd[0] == "pops":
                pbx.agents = list(pop_agents)  # direct calls ring the pop agents only
                targets = await _place_calls(pbx, *cmd[1:])
                await pbx.wait_idle(timeout=60)
                conn.send(("sent", {cid: (ext, stamps[cid]) for cid, ext in targets.items()}))
            elif cmd[0] == "pauses":
                sent = await _pause_members(pbx, *cmd[1:])
                conn.send(("sent", {reason: (*where, stamps[reason]) for reason, where in sent}))


async def _pause_members(
    pbx: Any, rate: float, seconds: float, unpause_after: float
) -> list[tuple[str, tuple[str, str]]]:
    """Pause one member at a time, round-robin, each with a reason of its own, and unpause
    it ``unpause_after`` seconds later, through the simulator's own AMI QueuePause (as if
    a client sent it); returns (reason, (extension, queue)) per pause."""
    from cti.ami.fake_session import ActionRequest

    order = sorted(pbx.book.members(), key=lambda m: (m.extension, m.queue))
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    sent: list[tuple[str, tuple[str, str]]] = []
    pending: set[asyncio.Task[None]] = set()

    async def pause(member: Any, paused: bool, reason: str) -> None:
        fields = {"Queue": member.queue, "Interface": member.interface, "Reason": reason}
        action = ActionRequest({**fields, "Paused": "true" if paused else "false"})
        reply = await pbx.members.queue_pause(None, action)
        if "successfully" not in str(reply):
            raise RuntimeError(f"QueuePause refused: {reply}")

    async def unpause_later(member: Any) -> None:
        await asyncio.sleep(unpause_after)
        await pause(member, False, "")

    for i in range(int(rate * seconds)):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        member = order[i % len(order)]
        reason = f"bench{i}"
        await pause(member, True, reason)
        sent.append((reason, (member.extension, member.queue)))
        task = asyncio.create_task(unpause_later(member))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    return sent
