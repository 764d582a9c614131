"""Durable call records: one row per call from its arrival to its outcome, in SQLite.

`CallRecorder` turns the domain events into records, `RecordWriter` commits them on its
own thread, `RecordStore` reads them. Notes after a restart and the reports read these.
"""

from cti.records.model import ANSWERED, LEG_OUTCOMES, TRANSFERRED, AgentLeg, CallRecord, Transfer
from cti.records.periods import AgentPeriods, PeriodRow
from cti.records.recorder import CallRecorder, RecordSink, RecordSource
from cti.records.schema import SCHEMA_VERSION, RecordsFileError
from cti.records.service import CallRecords
from cti.records.store import RecordStore
from cti.records.writer import RecordWriter, WriterStats

__all__ = [
    "ANSWERED",
    "LEG_OUTCOMES",
    "SCHEMA_VERSION",
    "TRANSFERRED",
    "AgentLeg",
    "AgentPeriods",
    "CallRecord",
    "CallRecorder",
    "CallRecords",
    "PeriodRow",
    "RecordSink",
    "RecordSource",
    "RecordStore",
    "RecordWriter",
    "RecordsFileError",
    "Transfer",
    "WriterStats",
]
