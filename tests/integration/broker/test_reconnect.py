"""Reconnecting with last_seq replays what was missed, or sends a fresh snapshot."""

from __future__ import annotations

from cti.protocol import CLOSE_BAD_HELLO
from tests.broker_events import answered, ended, ringing
from tests.integration.broker.conftest import (
    BrokerServer,
    StartServer,
    receive_close,
    receive_json,
)


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


async def test_last_seq_from_another_epoch_gets_a_fresh_snapshot_not_a_partial_replay(
    start_broker: StartServer,
) -> None:
    """A restarted broker counts seq from 0 again: a last_seq from the old one must not
    pick a replay out of the new journal, whatever the numbers."""
    old = await start_broker()
    ws, first = await old.connect("tok-alice")
    old.ctx.broker.publish(ringing("stale", "1001"))
    last_seq = (await receive_json(ws))["seq"]
    await ws.close()

    new = await start_broker()  # the restarted broker: same agents, fresh journals
    hub = new.ctx.broker
    for index in range(4):
        hub.publish(ringing(f"n{index}", "1001"))
    hub.publish(ended("n0", "1001"))
    again, welcome = await new.connect("tok-alice", last_seq=last_seq, epoch=first["epoch"])

    assert first["epoch"] != welcome["epoch"] == hub.epoch
    assert welcome["resync"] is True
    assert welcome["seq"] == 5
    assert sorted(call["call_id"] for call in welcome["calls"]) == ["n1", "n2", "n3"]
    hub.publish(answered("n1", "1001"))
    assert (await receive_json(again))["seq"] == 6  # live events follow; nothing replayed


async def test_last_seq_without_an_epoch_gets_a_fresh_snapshot(broker: BrokerServer) -> None:
    hub = broker.ctx.broker
    hub.publish(ringing("c1", "1001"))
    hub.publish(ringing("c2", "1001"))
    ws, welcome = await broker.connect("tok-alice", last_seq=1, epoch=None)
    assert welcome["resync"] is True
    assert [call["call_id"] for call in welcome["calls"]] == ["c1", "c2"]
    hub.publish(answered("c1", "1001"))
    assert (await receive_json(ws))["seq"] == 3


async def test_a_hello_with_an_epoch_that_is_not_a_string_is_refused(
    broker: BrokerServer,
) -> None:
    ws = await broker.raw()
    await ws.send_json({"op": "hello", "v": 1, "token": "tok-alice", "last_seq": 1, "epoch": 7})
    assert await receive_close(ws) == CLOSE_BAD_HELLO
