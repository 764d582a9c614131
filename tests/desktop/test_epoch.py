"""The desktop keeps the broker's epoch with last_seq: a restarted broker means a rebuild."""

from __future__ import annotations

import json
from typing import Any

from desktop.welcome import parse_welcome
from tests.desktop.test_logic import Recorder, connection


def welcome(seq: int, epoch: str | None, **more: Any) -> str:
    frame = {"op": "welcome", "agent": "a", "extension": "1001", "seq": seq, "calls": []}
    return json.dumps({**frame, "epoch": epoch, **more})


def test_a_welcome_from_another_epoch_is_fresh_even_without_resync() -> None:
    listener = Recorder()
    link = connection(listener)
    link._receive(welcome(4, "first"))
    link._receive('{"op":"event","seq":5,"type":"call.held","data":{"call_id":"c"}}')
    link._receive(welcome(9, "second"))  # a broker that does not set resync itself
    assert [fresh for _, fresh in listener.welcomes] == [True, True]
    assert (link.last_seq, link.epoch) == (9, "second")


def test_the_same_epoch_continues_from_last_seq() -> None:
    listener = Recorder()
    link = connection(listener)
    link._receive(welcome(4, "first"))
    link._receive('{"op":"event","seq":5,"type":"call.held","data":{"call_id":"c"}}')
    link._receive(welcome(7, "first"))
    assert [fresh for _, fresh in listener.welcomes] == [True, False]
    assert link.last_seq == 5  # the replay after this welcome brings 6 and 7


def test_welcome_reads_epoch_and_pbx_link() -> None:
    down = parse_welcome(
        json.loads(welcome(1, "e1", pbx={"connected": False, "since": "2026-12-07T09:00:00Z"}))
    )
    assert (down.epoch, down.pbx_connected, down.pbx_since) == (
        "e1",
        False,
        "2026-12-07T09:00:00Z",
    )
    old = parse_welcome({"op": "welcome", "agent": "a", "seq": 1})
    assert (old.epoch, old.pbx_connected, old.pbx_since) == (None, True, None)
    odd = parse_welcome({"seq": 1, "epoch": 5, "pbx": "down"})
    assert (odd.epoch, odd.pbx_connected) == (None, True)
