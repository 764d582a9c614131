"""The call records of one server: the file, its writer thread and the recorders, together.

`cti.app` builds one, feeds its `recorder` (calls) and `periods` (agent states), and
calls `start()` and `aclose()`; the
parts stay apart so a later step can put the records on a shared store.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from cti.records.periods import AgentPeriods
from cti.records.recorder import CallRecorder
from cti.records.store import RecordStore
from cti.records.writer import RecordWriter


class CallRecords:
    """Opens (creates, migrates) the file at once: RecordsFileError stops start-up."""

    def __init__(self, path: Path, keep_days: int, clock: Callable[[], float] = time.time) -> None:
        self.store = RecordStore(path)
        self.writer = RecordWriter(self.store.path, keep_days, clock)
        self.recorder = CallRecorder(self.writer, self.store, clock)
        self.periods = AgentPeriods(
            self.writer, clock, self.store.open_periods(), self.recorder.period_ended
        )
        self._started = False

    @property
    def path(self) -> Path:
        return self.store.path

    def start(self) -> None:
        self.writer.start()
        self._started = True

    async def aclose(self) -> None:
        """Commit what is pending (off the loop), then close the file."""
        if self._started:
            await asyncio.to_thread(self.writer.close)
            self._started = False
        self.store.close()

    def prometheus_lines(self) -> list[str]:
        """The writer's counters in Prometheus text format, for GET /metrics."""
        stats = self.writer.stats
        return [
            "# HELP cti_records_written_total Call record snapshots committed to SQLite.",
            "# TYPE cti_records_written_total counter",
            f"cti_records_written_total {stats.calls_written}",
            "# HELP cti_records_agent_periods_written_total Agent state period rows committed.",
            "# TYPE cti_records_agent_periods_written_total counter",
            f"cti_records_agent_periods_written_total {stats.periods_written}",
            "# HELP cti_records_write_failures_total Record batches whose commit failed.",
            "# TYPE cti_records_write_failures_total counter",
            f"cti_records_write_failures_total {stats.failures}",
            "# HELP cti_records_backlog Calls waiting to be written.",
            "# TYPE cti_records_backlog gauge",
            f"cti_records_backlog {self.writer.backlog()}",
            "# HELP cti_records_live_calls Calls in progress being recorded.",
            "# TYPE cti_records_live_calls gauge",
            f"cti_records_live_calls {len(self.recorder)}",
        ]
