"""docs/queue-log.md lists every event the import reads, with the data fields it reads."""

from __future__ import annotations

import re
from pathlib import Path

from cti.records.queuelog import EVENTS

DOC = Path(__file__).resolve().parents[3] / "docs" / "queue-log.md"


def documented_events() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- events:", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([A-Z]+)` \|\s*(.*?)\s*\| .* \|$", table, flags=re.MULTILINE)
    return {name: data.replace("\\|", "|") for name, data in rows}


def test_every_event_read_is_documented_in_order_with_its_data_fields() -> None:
    documented = documented_events()
    assert list(documented) == list(EVENTS)
    assert documented == {name: spec.data for name, spec in EVENTS.items()}


def test_the_documented_limits_are_the_code_s() -> None:
    from cti.records.queuelog.builder import LATE_SECONDS
    from cti.records.queuelog.calls import REQUEUE_SECONDS
    from cti.records.queuelog.reader import CHUNK_BYTES
    from cti.records.queuelog.writer import PROCESS_FROM_BYTES

    text = DOC.read_text(encoding="utf-8")
    assert f"more than {LATE_SECONDS} s older than a line before it" in text
    assert f"ENTERQUEUE within {REQUEUE_SECONDS} s" in text
    assert f"read in {CHUNK_BYTES >> 20} MB chunks" in text
    assert f"A file\nfrom {PROCESS_FROM_BYTES >> 20} MB on gets a writer process" in text
