"""Sign-in memory, pop modes, retraction marks, shortcuts, tray guard and geometry."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PyQt6.QtCore import QSettings, Qt
from PyQt6.QtGui import QShortcut
from PyQt6.QtTest import QTest

from cti.protocol import CMD_HANGUP
from cti.sim import CallPlan
from desktop.main import build_main_window
from desktop.popview import PopMode
from desktop.prefs import KEY_TOKEN, PLAIN_TOKEN_NOTE, DesktopPrefs
from desktop.widgets.signin import SignInDialog
from tests.desktop.conftest import (
    ALICE,
    BOB_TOKEN,
    LONG_MS,
    LiveServer,
    WindowFactory,
    plan_ringing,
    plan_talking,
    until,
)

RINGING = plan_ringing()
TALKING = plan_talking(1.0)


class MemoryKeyring:
    """A keyring backend that keeps secrets in memory (the real one needs a desktop session)."""

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password


def ini(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "signin.ini"), QSettings.Format.IniFormat)


def test_sign_in_remembers_the_url_and_says_where_the_token_went(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = SignInDialog(DesktopPrefs(ini(tmp_path), keyring=None))
    qtbot.addWidget(dialog)
    assert dialog.note.text() == PLAIN_TOKEN_NOTE
    dialog.url.setText("http://127.0.0.1:9999")
    dialog.token.setText("secret-token")
    dialog.accept()

    again = SignInDialog(DesktopPrefs(ini(tmp_path), keyring=None))
    qtbot.addWidget(again)
    assert again.url.text() == "http://127.0.0.1:9999"
    assert again.token.text() == "secret-token"


def test_with_a_keyring_the_token_stays_out_of_the_settings_file(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keyring = MemoryKeyring()
    dialog = SignInDialog(DesktopPrefs(ini(tmp_path), keyring=keyring))
    qtbot.addWidget(dialog)
    dialog.url.setText("http://127.0.0.1:9999")
    dialog.token.setText("secret-token")
    dialog.accept()
    assert keyring.secrets == {("cti-desktop", "http://127.0.0.1:9999"): "secret-token"}
    assert ini(tmp_path).value(KEY_TOKEN) is None
    assert "secret-token" not in (tmp_path / "signin.ini").read_text()


def test_sign_in_without_a_token_is_refused_with_a_reason(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = SignInDialog(DesktopPrefs(ini(tmp_path), keyring=None))
    qtbot.addWidget(dialog)
    dialog.token.setText("")
    dialog.accept()
    assert dialog.problem.text() == "Both the server address and the token are needed."
    assert DesktopPrefs(ini(tmp_path)).server_url == ""


def test_a_call_answered_elsewhere_marks_the_card(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    plan = CallPlan(answer_by="1002", answer_after=50.0, talk=LONG_MS)
    server.pbx.queues["support"] = ["1001", "1002"]
    call_id = server.run(server.pbx.place_call("queue", target="support", caller=ALICE, plan=plan))
    server.run(until(lambda: call_id in window.cards))
    card = window.cards[call_id]
    server.run(until(lambda: card.banner.isVisible()))
    assert card.banner.text() == "Answered elsewhere"
    assert not card.controls.buttons[CMD_HANGUP].isEnabled()


def test_never_pops_nothing_and_pop_on_answer_waits_for_the_answer(
    server: LiveServer, open_window: WindowFactory, prefs: DesktopPrefs
) -> None:
    prefs.pop_mode = PopMode.NEVER
    window = open_window()
    ringing = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: window.calls.count() == 1))
    assert window.cards == {}
    window.set_pop_mode(PopMode.ON_ANSWER)
    answered = server.run(
        server.pbx.place_call("direct", target="1002", caller=ALICE, plan=RINGING)
    )
    talking = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=TALKING))
    server.run(until(lambda: talking in window.cards))
    assert ringing not in window.cards and answered not in window.cards
    assert prefs.pop_mode is PopMode.ON_ANSWER


def test_hang_up_shortcut_presses_the_enabled_button(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    keys = {s.key().toString() for s in window.findChildren(QShortcut)}
    assert keys == {"Ctrl+Shift+A", "Ctrl+Shift+E", "Ctrl+Shift+H"}
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=TALKING))
    server.run(until(lambda: call_id in window.cards))
    server.run(until(lambda: window.cards[call_id].controls.buttons[CMD_HANGUP].isEnabled()))
    window.activateWindow()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window, Qt.Key.Key_E, ctrl_shift)  # a real key press through QShortcut
    server.run(until(lambda: window.cards[call_id].controls.result.text()))
    assert window.cards[call_id].controls.result.text().startswith("Hang up: done - ")
    server.run(until(lambda: window.controller.board.get(call_id).phase.value == "ended"))  # type: ignore[union-attr]
    assert window.shortcut("answer") is False  # answered already (or not offered): nothing sent


def test_no_tray_means_no_notification_and_no_crash(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    assert window.notifier.available is False  # offscreen has no system tray
    assert window.notifier.notify("Incoming call", "x") is False


def test_window_geometry_is_remembered(server: LiveServer, prefs: DesktopPrefs) -> None:
    first = build_main_window(server.url, "unused", prefs=prefs)
    first.resize(777, 555)
    first.show()
    first.close()
    second = build_main_window(server.url, "unused", prefs=prefs)
    assert (second.width(), second.height()) == (777, 555)
    for window in (first, second):
        window.deleteLater()


def test_a_retracted_card_is_marked_then_closes_by_itself(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    window.deck.linger_ms = 100
    # What the card showed as the retraction reached it: on a busy machine the card can
    # open, be marked and close (0.1 s) between two looks of a polling test.
    marked: dict[str, tuple[str, bool, bool]] = {}

    def on_change(call_id: str, kind: str) -> None:
        card = window.cards.get(call_id)
        if card is not None and kind == "pop.retracted":
            shown = (card.banner.isVisibleTo(card), card.after_call.isVisibleTo(card))
            marked[call_id] = (card.banner.text(), *shown)

    window.controller.call_changed.connect(on_change)  # after the window's own slot
    plan = CallPlan(answer_after=LONG_MS, abandon_after=100.0)  # caller gives up after 0.1 s
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=ALICE, plan=plan, abandon=True)
    )
    server.run(until(lambda: call_id in marked))
    banner, banner_shown, note_form_shown = marked[call_id]
    assert (banner, banner_shown) == ("Caller hung up", True)
    assert not note_form_shown  # nobody talked to them: no note to file
    server.run(until(lambda: call_id not in window.cards))
    assert window.controller.board.get(call_id) is None


def test_a_wrong_token_shows_refused_and_stops_retrying(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(token="wrong-token-0000000000", wait=False)
    server.run(until(lambda: window.controller.link_state.value == "refused"))
    assert window.link.text() == "Refused by the server: the server refused the token"
    assert window.controller.connection is not None
    assert server.run(asyncio.sleep(0.3)) is None
    assert window.controller.link_state.value == "refused"


def test_signing_in_again_after_a_refusal_connects_as_the_new_agent(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(token="wrong-token-0000000000", wait=False)
    server.run(until(lambda: window.controller.link_state.value == "refused"))
    dialog = window.ask_sign_in()
    dialog.url.setText(server.url)
    dialog.token.setText(BOB_TOKEN)
    dialog.accept()
    server.run(until(lambda: window.controller.connected))
    assert window.identity.text() == "bob - extension 1002"
    assert window.prefs.server_url == server.url


def test_pop_mode_is_remembered_and_a_bad_value_falls_back_to_ring(tmp_path: Path) -> None:
    prefs = DesktopPrefs(ini(tmp_path))
    prefs.pop_mode = PopMode.ON_ANSWER
    assert DesktopPrefs(ini(tmp_path)).pop_mode is PopMode.ON_ANSWER
    prefs.settings.setValue("pop/mode", "sometimes")
    assert prefs.pop_mode is PopMode.ON_RING
