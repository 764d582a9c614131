"""The built-in softphone in the desktop: the agent's SIP account set in the "Softphone..."
dialog registers with a real SIPp registrar; a call that SIPp places to the softphone is
matched with the broker's pop for the same caller, and the card's buttons act on that SIP
leg (SIPp checks the answer, the a=sendonly / a=sendrecv re-INVITEs and the BYE).

Each window's bridge creates the process's only pjsua2 Endpoint and frees it when the
controller stops, so the softphone package's own engine never exists at the same time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cti.protocol import CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME
from desktop.softphone import EngineConfig, SoftphoneEngine
from desktop.widgets.softphone import SoftphoneDialog
from desktop.widgets.window import MainWindow
from tests.desktop.conftest import ALICE, LiveServer, WindowFactory, plan_ringing, until
from tests.softphone.sipp import SIPP, Sipp

pytest.importorskip("pjsua2", reason="pjsua2-python is not installed (the 'softphone' extra)")

SCENARIOS = Path(__file__).parent / "scenarios"
PASSWORD = "sip-pw-5e1d-never-logged"
RINGING = plan_ringing()  # the simulated PBX leaves the call ringing
StartSipp = Callable[..., Sipp]


@pytest.fixture
def start_sipp(tmp_path: Path) -> Iterator[StartSipp]:
    if SIPP is None:
        pytest.skip("sipp is not installed (Debian package sip-tester)")
    started: list[Sipp] = []

    def start(scenario: str, **options: Any) -> Sipp:
        workdir = tmp_path / f"sipp{len(started)}"
        workdir.mkdir()
        sipp = Sipp(scenario, workdir, **options)  # -ci 127.0.0.1, loopback only
        started.append(sipp)
        return sipp

    yield start
    for sipp in started:
        sipp.stop()


def set_up_softphone(window: MainWindow, registrar: Sipp | None, password: str) -> None:
    """Fill the "Softphone..." dialog as an agent would and press OK."""
    dialog = window.ask_softphone()
    assert dialog.enabled.isEnabled()
    dialog.enabled.setChecked(True)
    dialog.sip_uri.setText("sip:1001@127.0.0.1")
    dialog.registrar.setText(f"sip:{registrar.uri_host}" if registrar else "")
    dialog.username.setText("1001")
    dialog.password.setText(password)
    dialog.bind_address.setText("127.0.0.1")
    dialog.accept()
    assert dialog.result() == SoftphoneDialog.DialogCode.Accepted, dialog.problem.text()


def register(server: LiveServer, window: MainWindow, start_sipp: StartSipp, password: str) -> Sipp:
    registrar = start_sipp("registrar.xml", variables={"user": "1001", "pass": PASSWORD})
    set_up_softphone(window, registrar, password)
    state = window.phone_state
    server.run(until(lambda: state.property("state") not in ("off", "registering")))
    return registrar


def engine_of(window: MainWindow) -> SoftphoneEngine:
    engine = window.controller.phone.engine
    assert engine is not None
    return engine


async def play(server: LiveServer, script: Any) -> None:
    """Start a planned PBX call (the player needs the running loop)."""
    server.pbx.player.play(script.call, script.steps)


def press(server: LiveServer, window: MainWindow, call_id: str, name: str, expected: str) -> None:
    """Click a card button and wait for the result line to say `expected`."""
    controls = window.cards[call_id].controls
    assert controls.buttons[name].isEnabled(), controls.buttons[name].toolTip()
    controls.buttons[name].click()
    server.run(until(lambda: controls.result.text() == expected))
    assert controls.result.property("ok") is True


def test_softphone_call_is_answered_held_resumed_and_hung_up_from_the_card(
    server: LiveServer,
    open_window: WindowFactory,
    start_sipp: StartSipp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    window = open_window()
    registrar = register(server, window, start_sipp, PASSWORD)
    assert window.phone_state.text() == "Softphone registered"
    assert window.phone_state.isVisible()
    assert server.run(until(registrar.finished)) is None and registrar.process.returncode == 0

    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: call_id in window.cards))
    card = window.cards[call_id]
    assert not card.softphone.isVisible()  # no SIP leg yet: the server's rules apply
    caller = start_sipp(
        str(SCENARIOS / "pop_caller_hold_resume.xml"),
        remote=engine_of(window).local_address(),
        variables={"caller": ALICE[0]},
    )
    server.run(until(lambda: card.softphone.text() == "On your softphone: ringing"))
    buttons = card.controls.buttons
    assert not buttons[CMD_HOLD].isEnabled()
    assert buttons[CMD_HOLD].toolTip() == "Only a call in conversation on your softphone"

    press(server, window, call_id, CMD_ANSWER, "Answer: done on the softphone")
    assert card.softphone.text() == "On your softphone: in conversation"
    assert not buttons[CMD_RESUME].isEnabled()
    assert buttons[CMD_RESUME].toolTip() == "The call is not on hold"
    press(server, window, call_id, CMD_HOLD, "Hold: done on the softphone")
    assert card.softphone.text() == "On your softphone: on hold"
    assert not buttons[CMD_HOLD].isEnabled() and buttons[CMD_RESUME].isEnabled()
    assert window.shortcut("hold") is True  # on a held softphone call the hold key resumes
    server.run(until(lambda: card.controls.result.text() == "Resume: done on the softphone"))
    press(server, window, call_id, CMD_HANGUP, "Hang up: done on the softphone")
    server.run(until(caller.finished))
    assert caller.process.returncode == 0, caller.report()  # sendonly, sendrecv, BYE seen
    assert card.softphone.text() == "On your softphone: ended"
    assert not buttons[CMD_HANGUP].isEnabled()
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize("first", ["pop", "sip"])
def test_withheld_caller_is_matched_by_cti_header_and_declined_from_the_card(
    server: LiveServer, open_window: WindowFactory, start_sipp: StartSipp, first: str
) -> None:
    window = open_window()
    set_up_softphone(window, None, "")
    assert window.phone_state.text().startswith("Softphone ready on 127.0.0.1:")
    script = server.pbx.plan_call("direct", target="1001", caller=ALICE, plan=RINGING)
    call_id = script.call.call_id  # the linkedid a dialplan would put in X-CTI-Call-Id
    if first == "pop":
        server.run(play(server, script))
        server.run(until(lambda: call_id in window.cards))
    declined = start_sipp(
        str(SCENARIOS / "pop_withheld_declined.xml"),
        remote=engine_of(window).local_address(),
        variables={"cti_call_id": call_id},
    )
    if first == "sip":
        phone = window.controller.phone
        server.run(until(lambda: phone.book.legs))  # it rings before the broker pops it
        server.run(play(server, script))
    server.run(until(lambda: call_id in window.cards))
    card = window.cards[call_id]
    server.run(until(lambda: card.softphone.isVisible()))
    press(server, window, call_id, CMD_HANGUP, "Hang up: done on the softphone")
    server.run(until(declined.finished))
    assert declined.process.returncode == 0, declined.report()  # SIPp expected the 603


def test_registration_refused_with_403_shows_in_the_window_and_the_desktop_goes_on(
    server: LiveServer, open_window: WindowFactory, start_sipp: StartSipp
) -> None:
    window = open_window()
    register(server, window, start_sipp, "wrong-password")
    state = window.phone_state
    assert state.property("state") == "failed"
    assert state.text() == "Softphone registration failed: refused by the registrar (403 Forbidden)"
    assert "#f8d7da" in state.styleSheet()
    assert window.controller.connected  # the broker connection is untouched
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: call_id in window.cards))
    assert not window.cards[call_id].softphone.isVisible()  # desk-phone rules for this call


def test_stopping_the_desktop_frees_the_endpoint_for_the_next_engine(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    set_up_softphone(window, None, "")
    assert window.controller.phone.active
    server.run(window.controller.stop())
    assert window.controller.phone.engine is None
    with SoftphoneEngine(EngineConfig()) as again:  # would be refused if one still existed
        assert not again.closed


def test_invalid_sip_address_is_refused_in_the_dialog(open_window: WindowFactory) -> None:
    window = open_window()
    dialog = window.ask_softphone()
    dialog.enabled.setChecked(True)
    dialog.sip_uri.setText("1001 at the pbx")
    dialog.accept()
    assert dialog.isVisible()
    assert "is not a sip: URI" in dialog.problem.text()
    assert window.controller.phone.engine is None
    assert not window.phone_state.isVisible()  # still off: desk-phone mode
    dialog.reject()


def test_a_softphone_that_cannot_listen_is_reported_and_calls_stay_on_the_server_route(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    dialog = window.ask_softphone()
    dialog.enabled.setChecked(True)
    dialog.sip_uri.setText("sip:1001@127.0.0.1")
    dialog.bind_address.setText("192.0.2.1")  # TEST-NET: not an address of this machine
    dialog.accept()
    state = window.phone_state
    assert state.property("state") == "failed"
    assert state.text().startswith("Softphone error: cannot listen on 192.0.2.1:0/udp")
    assert window.controller.phone.engine is None  # the Endpoint was freed again
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: call_id in window.cards))
    assert not window.controller.phone.takes(CMD_HANGUP, call_id)


def test_click_to_dial_ring_back_is_answered_by_the_softphone_itself(
    server: LiveServer, open_window: WindowFactory, start_sipp: StartSipp
) -> None:
    window = open_window()
    set_up_softphone(window, None, "")
    window.dialbar.number.setText(ALICE[0])
    window.dialbar.dial.click()
    server.run(until(lambda: window.dialbar.result.text()))
    assert window.dialbar.result.text().startswith("Dial: done - ")
    ring_back = start_sipp(  # Asterisk ringing the agent's device for the Originate
        str(SCENARIOS / "ringback_answered.xml"),
        remote=engine_of(window).local_address(),
        variables={"extension": "1001"},
    )
    server.run(until(ring_back.finished))
    assert ring_back.process.returncode == 0, ring_back.report()  # 200 OK without a click
