"""Reconnecting with last_seq replays what was missed, or sends a fresh snapshot."""

from __future__ import annotations

from tests.broker_events import answered, ringing
from tests.integration.broker.conftest import BrokerServer, receive_json


async def test_reconnect_replays_missed_events_in_order_before_live_ones(
    broker: BrokerServer,
) -> None:
    hub = broker.ctx.broker
    ws, _ = await broker.connect("tok-alice")
    hub.publish(ringing("c1", "1001"))
    assert (await receive_json(ws))["seq"] == 1
    await ws.close()

    hub.publish(answered("c1", "1001"))
    hub.publish(ringing("c2", "1001"))
    again, welcome = await broker.connect("tok-alice", last_seq=1)
    hub.publish(ringing("c3", "1001"))

    assert welcome["seq"] == 3 and welcome["resync"] is False
    frames = [await receive_json(again) for _ in range(3)]
    assert [(f["seq"], f["type"], f["data"]["call_id"]) for f in frames] == [
        (2, "call.answered", "c1"),
        (3, "call.ringing", "c2"),
        (4, "call.ringing", "c3"),
    ]


async def test_last_seq_older_than_journal_gets_fresh_snapshot(broker: BrokerServer) -> None:
    hub = broker.ctx.broker
    for index in range(12):  # journal holds 8
        hub.publish(ringing(f"c{index}", "1001"))
    ws, welcome = await broker.connect("tok-alice", last_seq=1)
    assert welcome["resync"] is True
    assert welcome["seq"] == 12
    assert len(welcome["calls"]) == 12
    hub.publish(answered("c0", "1001"))
    assert (await receive_json(ws))["seq"] == 13


async def test_last_seq_ahead_of_broker_gets_fresh_snapshot(broker: BrokerServer) -> None:
    """After a broker restart a client's last_seq can be ahead; it must not wait forever."""
    broker.ctx.broker.publish(ringing("c1", "1001"))
    _, welcome = await broker.connect("tok-alice", last_seq=99)
    assert welcome["resync"] is True
    assert [call["call_id"] for call in welcome["calls"]] == ["c1"]


async def test_current_last_seq_replays_nothing(broker: BrokerServer) -> None:
    hub = broker.ctx.broker
    hub.publish(ringing("c1", "1001"))
    ws, welcome = await broker.connect("tok-alice", last_seq=1)
    assert welcome["resync"] is False
    hub.publish(answered("c1", "1001"))
    assert (await receive_json(ws))["seq"] == 2
