"""The records' counters in GET /metrics, after a call through the whole server."""

from __future__ import annotations

from cti.sim import CallPlan
from tests.integration.serve.conftest import ALICE, Server, until

SHORT = CallPlan(answer_by="1001", answer_after=1.0, talk=1.0)


def metric(text: str, name: str) -> float:
    values = [line.split()[1] for line in text.splitlines() if line.startswith(f"{name} ")]
    assert len(values) == 1, f"{name} not in /metrics"
    return float(values[0])


async def test_metrics_count_the_written_records_and_the_backlog(server: Server) -> None:
    call_id = await server.pbx.place_call("direct", caller=ALICE, target="1001", plan=SHORT)
    records = server.app.records
    await until(lambda: (found := records.store.get(call_id)) is not None and bool(found.ended_at))
    url = f"http://127.0.0.1:{server.app.port}/metrics"
    async with server.session.get(url) as response:
        text = await response.text()
    assert metric(text, "cti_records_written_total") >= 1
    assert metric(text, "cti_records_write_failures_total") == 0
    assert metric(text, "cti_records_backlog") == 0
    assert metric(text, "cti_records_live_calls") == 0
