"""REST: health without a token, everything else with a Bearer token; metrics text."""

from __future__ import annotations

from typing import Any

import pytest

from tests.broker_events import ringing
from tests.integration.broker.conftest import BrokerServer, StartServer, receive_json


async def test_health_needs_no_token(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    broker.ctx.metrics.set_ami_connected(True)
    async with broker.http.get(f"{broker.url}/api/health") as response:
        assert response.status == 200
        assert await response.json() == {
            "status": "ok",
            "agents_connected": 1,
            "ami_connected": True,
        }
    await alice.close()


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, "no-token"),
        ({"Authorization": "Basic dG9rLWFsaWNl"}, "no-token"),
        ({"Authorization": "Bearer tok-mallory"}, "bad-token"),
    ],
)
async def test_api_without_valid_token_is_401(
    broker: BrokerServer, headers: dict[str, str], error: str
) -> None:
    async with broker.http.get(f"{broker.url}/api/calls", headers=headers) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert (await response.json())["error"] == error


async def test_api_calls_lists_only_the_agents_calls(broker: BrokerServer) -> None:
    broker.ctx.broker.publish(ringing("c1", "1001"))
    broker.ctx.broker.publish(ringing("c2", "1002"))
    async with broker.http.get(
        f"{broker.url}/api/calls", headers=broker.headers("tok-bob")
    ) as response:
        calls = (await response.json())["calls"]
    assert [call["call_id"] for call in calls] == ["c2"]
    assert calls[0]["pop"]["extension"] == "1002"


async def test_lookup_without_directory_is_503_not_configured(broker: BrokerServer) -> None:
    async with broker.http.get(
        f"{broker.url}/api/contacts/lookup?number=0612", headers=broker.headers("tok-bob")
    ) as response:
        assert response.status == 503
        assert (await response.json())["error"] == "not-configured"


class OneContactDirectory:
    async def lookup(self, number: str) -> list[dict[str, Any]]:
        return [{"name": "ACME", "number": number}]


async def test_lookup_uses_the_injected_directory(start_broker: StartServer) -> None:
    server = await start_broker(directory=OneContactDirectory())
    async with server.http.get(
        f"{server.url}/api/contacts/lookup",
        params={"number": "0612"},
        headers=server.headers("tok-bob"),
    ) as response:
        assert response.status == 200
        assert (await response.json())["matches"] == [{"name": "ACME", "number": "0612"}]
    async with server.http.get(
        f"{server.url}/api/contacts/lookup", headers=server.headers("tok-bob")
    ) as response:
        assert response.status == 400


class BrokenDirectory:
    async def lookup(self, number: str) -> list[dict[str, Any]]:
        raise OSError("database is locked")


async def test_failing_directory_is_502_and_broker_keeps_serving(
    start_broker: StartServer,
) -> None:
    server = await start_broker(directory=BrokenDirectory())
    url = f"{server.url}/api/contacts/lookup?number=0612"
    async with server.http.get(url, headers=server.headers("tok-bob")) as response:
        assert response.status == 502
        body = await response.json()
    assert body["error"] == "failed" and "locked" not in body["message"]
    async with server.http.get(f"{server.url}/api/health") as response:
        assert response.status == 200


async def test_metrics_count_pops_agents_ami_and_latency(broker: BrokerServer) -> None:
    alice, _ = await broker.connect("tok-alice")
    sue, _ = await broker.connect("tok-sue")
    broker.ctx.metrics.set_ami_connected(True)
    broker.ctx.metrics.observe("lookup", 0.003)
    broker.ctx.broker.publish(ringing("c1", "1001"))
    await receive_json(alice)
    async with broker.http.get(f"{broker.url}/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        text = await response.text()
    lines = set(text.splitlines())
    assert "cti_pops_sent_total 1" in lines  # the supervisor's copy is not a pop
    assert "cti_connected_agents 2" in lines
    assert "cti_ami_connected 1" in lines
    assert 'cti_stage_latency_seconds_bucket{stage="lookup",le="0.0025"} 0' in lines
    assert 'cti_stage_latency_seconds_bucket{stage="lookup",le="0.005"} 1' in lines
    assert 'cti_stage_latency_seconds_count{stage="lookup"} 1' in lines
    assert 'cti_stage_latency_seconds_count{stage="ami_to_tracker"} 0' in lines
    assert "# TYPE cti_stage_latency_seconds histogram" in lines
    await sue.close()
