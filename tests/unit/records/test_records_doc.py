"""docs/records.md describes the real tables, and its example queries run on real records."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from cti.protocol import AgentState
from cti.records import SCHEMA_VERSION
from tests.unit.records.recordings import Clock, open_records, play

DOC = Path(__file__).resolve().parents[3] / "docs" / "records.md"
TABLES = (
    "calls",
    "call_agents",
    "call_transfers",
    "agent_periods",
    "interactions",
    "interaction_messages",
)


def documented_columns(doc: str, table: str) -> list[str]:
    section = doc.split(f"## `{table}`", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_0-9]+)` \|", section, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A records file holding the queue call answered by 1001 and the abandoned one,
    and 1001 available for a minute, then at lunch for half an hour."""
    path = tmp_path_factory.mktemp("records") / "records.db"
    clock = Clock()
    records = open_records(path, clock)
    play("queue_answered", records, clock)
    play("abandoned_ringing", records, clock)
    for state, reason, after in (
        ("available", None, 0),
        ("paused", "lunch", 60),
        ("available", None, 1800),
    ):
        clock.now += after
        records.periods.record(
            AgentState(agent="a1", extension="1001", state=state, reason=reason, since="")
        )
    assert records.writer.wait_written(30.0)
    asyncio.run(records.aclose())
    return path


@pytest.mark.parametrize("table", TABLES)
def test_every_column_is_documented_in_order_and_nothing_else(recorded: Path, table: str) -> None:
    with closing(sqlite3.connect(recorded)) as conn:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    assert documented_columns(DOC.read_text(encoding="utf-8"), table) == columns


def test_the_documented_schema_version_is_the_current_one() -> None:
    assert f"`PRAGMA user_version` (now {SCHEMA_VERSION})" in DOC.read_text(encoding="utf-8")


def test_the_example_queries_run_and_count_the_recorded_calls(recorded: Path) -> None:
    queries = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(queries) == 4
    with closing(sqlite3.connect(recorded)) as conn:
        per_hour, per_agent, one_agent, periods = (conn.execute(q).fetchall() for q in queries)
    assert [row[2:5] for row in per_hour] == [(2, 1, 1)]  # both calls in the same hour
    assert per_agent == [("1001", 2, 1, 0), ("1002", 2, 0, 1)]
    # both recordings start at the same clock: the queue call arrived 5 ms after the other
    assert [row[4] for row in one_agent] == ["answered", "abandoned"]
    assert periods == [("1001", "paused", "lunch", 1, 1800.0), ("1001", "available", "", 1, 60.0)]
