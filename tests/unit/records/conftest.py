"""The records every recorder test starts from: a real file, written by its own thread,
on a clock the test moves."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from cti.records import CallRecords
from tests.unit.records.recordings import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def records(tmp_path: Path, clock: Clock) -> Iterator[CallRecords]:
    opened = CallRecords(tmp_path / "records.db", 400, clock)
    opened.start()
    yield opened
    asyncio.run(opened.aclose())
