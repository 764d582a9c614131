"""The connection state is always on screen, and a dropped socket loses no pop."""

from __future__ import annotations

from cti.app import CtiApp
from cti.config import load_config
from cti.sim import CallPlan
from tests.desktop.conftest import ALICE, LONG_MS, LiveServer, WindowFactory, plan_ringing, until

RINGING = plan_ringing()


def test_connection_state_is_shown_from_connecting_to_connected(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(wait=False)
    assert window.link.text() == "Not connected"
    states: list[str] = []
    window.controller.link_changed.connect(lambda *_: states.append(window.link.text()))
    server.run(until(lambda: window.controller.connected))
    assert states[0].startswith("Connecting")
    assert window.link.text() == "Connected: extension 1001"
    assert window.identity.text() == "alice - extension 1001"


def test_a_pop_missed_while_the_socket_was_down_is_replayed_on_reconnect(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(url=server.proxied_url)
    welcomes: list[int] = []
    window.controller.welcomed.connect(lambda: welcomes.append(1))
    resets: list[int] = []
    window.controller.board_reset.connect(lambda: resets.append(1))

    server.proxy.cut()  # the network drops the socket; new connections are refused
    server.run(until(lambda: window.controller.link_state.value == "reconnecting"))
    assert window.link.text().startswith("Disconnected - reconnecting")
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: server.app.context.broker.calls.get(call_id) is not None))
    assert call_id not in window.cards

    server.proxy.restore()
    server.run(until(lambda: call_id in window.cards))
    assert window.controller.connected
    assert welcomes == [1]
    assert resets == []  # replayed from last_seq, not rebuilt from a snapshot
    assert window.cards[call_id].title.text() == "Alice Example"
    assert window.cards[call_id].isVisible()


def test_a_desktop_started_during_a_call_pops_it_from_the_welcome_snapshot(
    server: LiveServer, open_window: WindowFactory
) -> None:
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: server.app.context.broker.calls.get(call_id) is not None))
    window = open_window()
    server.run(until(lambda: call_id in window.cards))
    assert window.cards[call_id].status.text() == "Ringing"


def test_after_a_broker_restart_the_desktop_rebuilds_from_the_fresh_snapshot(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(url=server.proxied_url)
    resets: list[int] = []
    window.controller.board_reset.connect(lambda: resets.append(1))
    plan = CallPlan(answer_after=LONG_MS, abandon_after=300.0)  # gone 0.3 s later
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=ALICE, plan=plan, abandon=False)
    )
    server.run(until(lambda: call_id in window.cards))
    server.run(server.app.stop())  # the journal (and its seq) is gone with the old broker
    server.run(until(lambda: window.controller.link_state.value == "reconnecting"))
    server.run(until(lambda: call_id not in server.pbx.calls))  # ends while nobody listens

    restarted = CtiApp(load_config(server.config_dir, require_secrets=True), broker_port=0)
    server.run(restarted.start())
    try:
        assert restarted.port is not None
        server.proxy.upstream_port = restarted.port
        server.run(until(lambda: window.controller.connected and resets))
        assert window.controller.board.get(call_id) is None
        assert call_id not in window.cards
    finally:
        server.run(restarted.stop())
