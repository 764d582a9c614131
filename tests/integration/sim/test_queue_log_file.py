"""The running simulator appends its queue_log to a file, as Asterisk does: QUEUESTART
when it opens it, each event's line as it happens, a second start appending to the
first's lines; a file it cannot open stops the start with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.sim import CallPlan, PbxSimulator
from cti.sim.queuelog import QueueLogFileError
from tests.integration.sim.listener import listening

ALICE = ("+14155550123", "Alice Example")
EPOCH = 1796700000


def simulator(queue_log: Path | None) -> PbxSimulator:
    return PbxSimulator(
        agents=["1001"],
        queues={"support": ["1001"]},
        seed=3,
        epoch=EPOCH,
        time_scale=0,
        queue_log=queue_log,
    )


def read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def files_in(directory: Path) -> list[Path]:
    return list(directory.iterdir())


async def test_queue_call_is_written_to_the_file_as_it_happens(tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    async with simulator(path) as pbx, listening(pbx) as ami:
        assert read(path) == [f"{EPOCH}|NONE|NONE|NONE|QUEUESTART|"]
        plan = CallPlan(answer_by="1001", answer_after=1.0, talk=2.0)
        call_id = await pbx.place_call("queue", caller=ALICE, target="support", plan=plan)
        await pbx.wait_until(lambda: len(read(path)) >= 4, 30)  # lines written at each step
        lines = read(path)
        assert (await ami.act("Ping")).ok
    assert [line.split("|")[1:5] for line in lines[1:]] == [
        [call_id, "support", "NONE", "ENTERQUEUE"],
        [call_id, "support", "SIP Agent 1001", "CONNECT"],
        [call_id, "support", "SIP Agent 1001", "COMPLETEAGENT"],
    ]
    assert lines[-1].endswith("|1") and len(lines) == 4


async def test_a_second_start_appends_after_the_first_runs_lines(tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    for _ in range(2):
        async with simulator(path):
            pass
    assert (
        path.read_text(encoding="utf-8").splitlines() == [f"{EPOCH}|NONE|NONE|NONE|QUEUESTART|"] * 2
    )


@pytest.mark.parametrize("where", ["a directory", "no such directory"])
async def test_a_queue_log_that_cannot_be_opened_stops_the_start_naming_it(
    tmp_path: Path, where: str
) -> None:
    path = tmp_path if where == "a directory" else tmp_path / "missing" / "queue_log"
    pbx = simulator(path)
    with pytest.raises(QueueLogFileError, match=f"cannot write the queue_log {path}: "):
        await pbx.start()
    await pbx.stop()


async def test_without_a_queue_log_nothing_is_written(tmp_path: Path) -> None:
    async with simulator(None) as pbx:
        await pbx.place_call("queue", caller=ALICE, target="support")
        await pbx.wait_until(lambda: not pbx.calls, 30)
    assert pbx.queue_log.sink is None
    assert files_in(tmp_path) == []
