"""The softphone's desktop side without SIP: which pop a SIP leg belongs to, which buttons
its state allows, what registration outcomes read like, where the SIP password is kept,
and the desktop without the `softphone` extra (a child Python where pjsua2 cannot load)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PyQt6.QtCore import QSettings

from cti.protocol import CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER
from desktop.board import CallBoard, CallRecord
from desktop.controls import control_states
from desktop.phone import PhoneBridge
from desktop.phonelegs import LegBook, PhoneStatus, SoftLeg, registration_status
from desktop.phoneprefs import (
    KEY_PASSWORD,
    SIP_KEYRING_SERVICE,
    SoftphoneSettings,
    load_softphone,
    save_softphone,
)
from desktop.prefs import DesktopPrefs
from desktop.softphone import CallState, IncomingCall, Registration
from tests.desktop.test_window import MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]
EVERY = frozenset({CMD_ANSWER, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_HANGUP})


def ring(board: CallBoard, call_id: str, number: str, e164: str | None = None) -> CallRecord:
    caller = {"number": number, "number_e164": e164 or number, "name": "x"}
    record = board.apply("call.ringing", {"call_id": call_id, "caller": caller})
    assert record is not None
    return record


def sip(call_id: str, number: str, headers: dict[str, str] | None = None) -> IncomingCall:
    return IncomingCall(call_id, number, "", f"sip:{number}@pbx", headers or {})


def test_a_sip_leg_joins_the_pop_of_the_same_caller_whichever_comes_first() -> None:
    board, book = CallBoard("1001"), LegBook()
    other = ring(board, "c0", "+14155550999")
    first = book.add(sip("sip-1", "+14155550123"))
    assert book.link_leg(first, board) is None  # no pop for this caller yet
    record = ring(board, "c1", "+14155550123")
    assert book.link_pop(other) is None
    assert book.link_pop(record) is first and book.for_pop("c1") is first


def test_a_national_sip_caller_id_matches_the_pops_e164_number() -> None:
    board, book = CallBoard("1001"), LegBook()
    ring(board, "c1", "+33612345678", "+33612345678")
    leg = book.add(sip("sip-1", "0612345678"))  # France read from the pop's number
    assert book.link_leg(leg, board) == "c1"


def test_the_cti_header_names_the_pop_and_overrides_the_number() -> None:
    board, book = CallBoard("1001"), LegBook()
    ring(board, "c1", "+14155550123")
    ring(board, "c2", "+14155550123")
    leg = book.add(sip("sip-1", "+14155550123", {"x-cti-call-id": "c2"}))
    assert book.link_leg(leg, board) == "c2"
    wrong = book.add(sip("sip-2", "+14155550123", {"X-CTI-Call-Id": "someone-elses"}))
    assert book.link_leg(wrong, board) is None  # another call's leg never takes this pop


def test_a_pop_takes_only_one_live_leg() -> None:
    board, book = CallBoard("1001"), LegBook()
    record = ring(board, "c1", "+14155550123")
    first = book.add(sip("sip-1", "+14155550123"))
    assert book.link_leg(first, board) == "c1"
    second = book.add(sip("sip-2", "+14155550123"))
    assert book.link_leg(second, board) is None
    assert book.link_pop(record) is None
    assert book.for_pop("c1") is first


def test_buttons_follow_the_softphone_leg_not_the_servers_capabilities() -> None:
    record = ring(CallBoard("1001"), "c1", "+14155550123")
    leg = SoftLeg(sip("sip-1", "+14155550123"), CallState.EARLY, pop_call_id="c1")
    nothing_offered = control_states(record, frozenset(), connected=False, leg=leg)
    assert nothing_offered[CMD_ANSWER].enabled and nothing_offered[CMD_HANGUP].enabled
    assert nothing_offered[CMD_TRANSFER].reason == "Not connected to the server"
    leg.state = CallState.CONFIRMED
    talking = control_states(record, EVERY, True, leg)
    assert talking[CMD_HOLD].enabled and not talking[CMD_ANSWER].enabled
    assert talking[CMD_RESUME].reason == "The call is not on hold"
    leg.held = True
    held = control_states(record, EVERY, True, leg)
    assert held[CMD_RESUME].enabled and held[CMD_HOLD].reason == "The call is on hold"
    leg.state = CallState.DISCONNECTED
    ended = control_states(record, EVERY, True, leg)
    assert ended[CMD_HANGUP].reason == "The call has ended on your softphone"


def test_registration_outcomes_read_as_what_went_wrong() -> None:
    assert registration_status(Registration(True, 200, "OK", 300)) == (
        PhoneStatus.REGISTERED,
        "Softphone registered",
    )
    cases = {
        401: "wrong user name or password (401 Unauthorized)",
        403: "refused by the registrar (403 Forbidden)",
        408: "no answer from the registrar within 8 s",
        503: "503 Connection refused",
    }
    reasons = {401: "Unauthorized", 403: "Forbidden", 408: cases[408], 503: "Connection refused"}
    for code, text in cases.items():
        status, shown = registration_status(Registration(False, code, reasons[code]))
        assert status is PhoneStatus.FAILED
        assert shown == f"Softphone registration failed: {text}"


def test_with_a_keyring_the_sip_password_stays_out_of_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "desktop.ini"
    keyring = MemoryKeyring()
    prefs = DesktopPrefs(QSettings(str(path), QSettings.Format.IniFormat), keyring=keyring)
    settings = SoftphoneSettings(True, "sip:1001@pbx.test", "sip:pbx.test", "1001", "s3cret-sip")
    save_softphone(prefs, settings)
    assert keyring.secrets == {(SIP_KEYRING_SERVICE, "sip:1001@pbx.test"): "s3cret-sip"}
    assert "s3cret-sip" not in path.read_text()
    assert load_softphone(prefs) == settings
    assert "s3cret-sip" not in repr(settings)


def test_without_a_keyring_the_sip_password_goes_to_the_settings_file(tmp_path: Path) -> None:
    prefs = DesktopPrefs(QSettings(str(tmp_path / "d.ini"), QSettings.Format.IniFormat))
    prefs.keyring = None
    save_softphone(prefs, SoftphoneSettings(True, "sip:1001@pbx.test", password="pw"))
    assert prefs.settings.value(KEY_PASSWORD) == "pw"
    assert load_softphone(prefs).password == "pw"


NO_EXTRA = """
    import sys
    sys.modules["pjsua2"] = None  # as if the 'softphone' extra were not installed
    from PyQt6.QtCore import QSettings
    from PyQt6.QtWidgets import QApplication
    from desktop.main import build_main_window
    from desktop.phoneprefs import SoftphoneSettings, save_softphone
    from desktop.prefs import DesktopPrefs
    from desktop.widgets.softphone import SoftphoneDialog
    app = QApplication([])
    prefs = DesktopPrefs(QSettings(sys.argv[1], QSettings.Format.IniFormat), keyring=None)
    save_softphone(prefs, SoftphoneSettings(True, "sip:1001@127.0.0.1"))
    window = build_main_window("http://127.0.0.1:9", "token", prefs=prefs)
    phone = window.controller.phone
    print(phone.status.value, "|", window.phone_state.text())
    print("takes hangup:", phone.takes("call.hangup", "c1"))
    dialog = SoftphoneDialog(prefs, phone.available())
    print("checkbox:", dialog.enabled.isEnabled(), "|", dialog.enabled.toolTip())
"""


def test_without_the_extra_the_desktop_stays_in_desk_phone_mode_and_says_why(
    tmp_path: Path,
) -> None:
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(NO_EXTRA), str(tmp_path / "d.ini")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "unavailable | Softphone unavailable: install the 'softphone' extra (pjsua2-python)"
    )
    assert lines[1] == "takes hangup: False"  # the card's buttons go to the server
    assert lines[2].startswith("checkbox: False | The softphone extra (pjsua2-python) is not")


def test_only_the_agents_own_ring_back_after_a_dial_is_answered_by_itself(qapp: object) -> None:
    bridge = PhoneBridge(list)
    assert not bridge.is_callback(sip("s1", "1001"))  # no dial: never auto-answered
    bridge.expect_callback("1001")
    assert not bridge.is_callback(sip("s2", "+14155550123"))  # an outside caller
    assert bridge.is_callback(sip("s3", "1001"))
    assert not bridge.is_callback(sip("s4", "1001"))  # once only
    bridge.expect_callback("1001")
    bridge.expect_callback(None)  # the dial was refused
    assert not bridge.is_callback(sip("s5", "1001"))
