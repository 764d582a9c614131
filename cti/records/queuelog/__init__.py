"""Asterisk's queue_log, imported into the call records (docs/queue-log.md).

`import_queue_log` reads a file line by line into the same rows as the live records,
with ``source = 'queue_log'``; `ImportSummary` says what it read, added and skipped.
"""

from cti.records.queuelog.events import EVENTS
from cti.records.queuelog.importer import import_queue_log
from cti.records.queuelog.members import MemberNames
from cti.records.queuelog.reader import QueueLogFileError
from cti.records.queuelog.summary import ImportSummary, SkippedLine

__all__ = [
    "EVENTS",
    "ImportSummary",
    "MemberNames",
    "QueueLogFileError",
    "SkippedLine",
    "import_queue_log",
]
