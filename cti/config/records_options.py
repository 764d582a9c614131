"""Options of the `records` section: the durable call records in SQLite."""

from __future__ import annotations

from cti.config.option import Option
from cti.config.types import Int, Optional, Str

RECORDS_SECTION = (
    "Durable call records (SQLite): one row per call with its queue, agents rung, answer, "
    "end and cause. Notes after a restart and the reports read them."
)

RECORDS_FILE_NAME = "records.db"

RECORDS_OPTIONS: tuple[Option, ...] = (
    Option(
        "records.path",
        Optional(Str()),
        None,
        "SQLite file of the call records, relative to the working directory. Unset: "
        f"{RECORDS_FILE_NAME} in the directory of `lookup.database`.",
    ),
    Option(
        "records.keep_days",
        Int(minimum=1),
        400,
        "Days a call is kept after it arrived; older records are deleted at start and "
        "hourly. A note can be filed for any call still recorded.",
    ),
)
