"""The card as an agent meets it on real calls: timers, the after-call form, Call back,
tabs and list lines that tell calls apart, messages that fade, boxes that fit."""

from __future__ import annotations

import re
from pathlib import Path

from PyQt6.QtCore import QPoint, QSettings, Qt
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QLineEdit, QWidget

from cti.ami.fake_session import ActionRequest, FakeAmiConnection, Reply
from cti.protocol import CMD_ANSWER, CMD_HANGUP, CMD_HOLD
from cti.sim import CallPlan
from desktop.board import Phase
from desktop.controls import CALLER_BUSY
from desktop.prefs import DesktopPrefs
from desktop.widgets.callcontrols import TARGET_HINT
from desktop.widgets.popcard import PopCard
from desktop.widgets.signin import DEFAULT_URL, SignInDialog
from desktop.widgets.window import MainWindow
from tests.desktop.conftest import (
    ALICE,
    LiveServer,
    WindowFactory,
    plan_ringing,
    plan_talking,
    until,
)
from tests.desktop.test_controls import rest_command

SHORT_TALK = CallPlan(answer_by="1001", answer_after=1.0, talk=20.0)  # 20 ms real
CLOCK = re.compile(r"^\d+:\d\d$")


def ring(
    server: LiveServer, window: MainWindow, plan: CallPlan, caller: tuple[str, str] = ALICE
) -> str:
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=caller, plan=plan))
    server.run(until(lambda: call_id in window.cards))
    return call_id


def ended_with_note(server: LiveServer, window: MainWindow) -> str:
    call_id = ring(server, window, SHORT_TALK)
    server.run(
        until(lambda: (r := window.controller.board.get(call_id)) is not None and r.needs_note)
    )
    return call_id


def list_line(window: MainWindow, call_id: str) -> str:
    row = window.calls.call_ids().index(call_id)
    item = window.calls.item(row)
    assert item is not None
    return item.text()


def test_the_card_and_the_call_list_show_a_running_call_timer(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = ring(server, window, plan_ringing())
    timer = window.cards[call_id].timer
    first = timer.text()
    assert CLOCK.match(first), first
    assert list_line(window, call_id).startswith(f"Ringing {first}")
    server.run(until(lambda: timer.text() != first))  # it ticks on its own
    assert CLOCK.match(timer.text())
    server.run(until(lambda: list_line(window, call_id).startswith(f"Ringing {timer.text()}")))
    tab = window.deck.tabText(window.deck.indexOf(window.cards[call_id]))
    assert tab.startswith("Alice Example · Ringing ")


def test_a_talking_call_shows_time_talking_and_the_whole_call(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = ring(server, window, plan_talking(answer_after=1500.0))  # rings 1.5 s first
    server.run(until(lambda: window.controller.board.get(call_id).phase is Phase.ANSWERED))  # type: ignore[union-attr]
    server.run(until(lambda: "total" in window.cards[call_id].timer.text()))
    assert re.match(r"^\d+:\d\d · total \d+:\d\d$", window.cards[call_id].timer.text())
    assert list_line(window, call_id).startswith("Talking ")


def test_when_a_call_ends_the_note_form_comes_into_view_with_notes_focused(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    window.resize(900, 400)  # a short window: the form starts below the fold
    call_id = ended_with_note(server, window)
    card = window.cards[call_id]
    form = card.after_call
    server.run(until(lambda: window.focusWidget() is form.notes))
    viewport = card.scroll_area.viewport()
    down, sideways = card.scroll_area.verticalScrollBar(), card.scroll_area.horizontalScrollBar()
    assert viewport is not None and down is not None and sideways is not None
    server.run(until(lambda: down.value() > 0))  # it was below the fold: the card scrolled
    assert not sideways.isVisible()

    def in_view(widget: QWidget) -> bool:
        return viewport.rect().contains(widget.mapTo(viewport, widget.rect().bottomRight()))

    # the card's layout may still settle (the call's last status above the form)
    server.run(until(lambda: in_view(form.notes) and in_view(form.save)))


def test_a_note_is_typed_and_saved_from_the_keyboard_alone(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = ended_with_note(server, window)
    form = window.cards[call_id].after_call
    server.run(until(lambda: window.focusWidget() is form.notes))
    QTest.keyClicks(form.notes, "Sent the quote")
    QTest.keyClick(form.notes, Qt.Key.Key_Tab)
    assert form.notes.toPlainText() == "Sent the quote"  # Tab moved on, typed no tab
    assert window.focusWidget() is form.save
    QTest.keyClick(form.save, Qt.Key.Key_Space)
    server.run(until(lambda: form.result.text() == "Note saved"))


def test_call_back_is_disabled_while_the_caller_is_on_the_line_and_far_from_the_controls(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = ring(server, window, plan_ringing())
    card = window.cards[call_id]
    assert not card.call_back.isEnabled()
    assert card.call_back.toolTip() == CALLER_BUSY
    assert card.controls.buttons[CMD_HANGUP].isEnabled()
    for name in (CMD_ANSWER, CMD_HANGUP):
        gap = _top(card, card.call_back) - _top(card, card.controls.buttons[name])
        assert gap > 3 * card.call_back.height(), f"Call back is {gap} px below {name}"


def _top(card: PopCard, widget: object) -> int:
    return widget.mapTo(card.scroll_area.widget(), QPoint(0, 0)).y()  # type: ignore[attr-defined]


def test_call_list_lines_elide_with_the_whole_line_as_tooltip_and_never_scroll_sideways(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    long_name = "Maximiliane Theodora Featherstonehaugh-Worthington of Lower Wychwood"
    call_id = ring(server, window, plan_ringing(), ("+14155550777", long_name))
    server.run(until(lambda: call_id in window.calls.call_ids()))
    row = window.calls.call_ids().index(call_id)
    item = window.calls.item(row)
    assert item is not None
    assert long_name in item.text() and item.toolTip() == item.text()
    viewport = window.calls.viewport()
    assert viewport is not None
    assert window.calls.visualItemRect(item).right() <= viewport.rect().right()
    assert window.calls.fontMetrics().horizontalAdvance(item.text()) > viewport.width()
    scroll = window.calls.horizontalScrollBar()
    assert scroll is not None and not scroll.isVisible()


def test_two_calls_of_the_same_caller_have_different_tabs(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    first = ended_with_note(server, window)
    second = ring(server, window, plan_ringing())
    tabs = [window.deck.tabText(window.deck.indexOf(window.cards[c])) for c in (first, second)]
    assert tabs[0].startswith("Alice Example · Ended ")
    assert tabs[1].startswith("Alice Example · Ringing ")


def test_an_ended_calls_tab_closes_itself_once_its_note_is_saved(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    window.deck.saved_linger_ms = 200
    call_id = ended_with_note(server, window)
    form = window.cards[call_id].after_call
    form.notes.setPlainText("Sent the quote")
    form.save.click()
    server.run(until(lambda: form.result.text() == "Note saved"))
    server.run(until(lambda: call_id not in window.cards))
    assert window.controller.board.get(call_id) is None
    assert call_id not in window.calls.call_ids()


def test_close_without_a_note_closes_the_tab_and_forgets_the_call(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = ended_with_note(server, window)
    button = window.cards[call_id].close_button
    assert button.text() == "Close without a note"
    button.click()
    assert call_id not in window.cards
    assert window.controller.board.get(call_id) is None


def test_command_messages_fade_after_a_while(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = ring(server, window, plan_talking())
    controls = window.cards[call_id].controls
    controls.result.SHOW_MS = 300
    controls.result.FADE_MS = 100
    server.run(until(lambda: controls.buttons[CMD_HOLD].isEnabled()))
    controls.buttons[CMD_HOLD].click()
    server.run(until(lambda: controls.result.text().startswith("Hold: done")))
    server.run(until(lambda: controls.result.text() == ""))
    assert controls.result.opacity.opacity() == 1.0  # ready for the next message


def test_the_sign_in_dialog_shows_the_whole_server_address(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    prefs = DesktopPrefs(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    dialog = SignInDialog(prefs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.url.text() == DEFAULT_URL
    assert _whole_text_visible(dialog.url)
    dialog.url.setText("https://cti-broker.example.com:8765")
    assert _whole_text_visible(dialog.url)


def _whole_text_visible(line: QLineEdit) -> bool:
    """With the cursor at the end (where typing leaves it), no part of the text is
    scrolled out on the left, and the end is inside the box."""
    line.end(False)
    right = line.cursorRect().center().x()
    width = line.fontMetrics().horizontalAdvance(line.text())
    return right - width >= 0 and right <= line.rect().right()


def test_the_transfer_box_shows_its_whole_hint(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = ring(server, window, plan_talking())
    line = window.cards[call_id].controls.target.lineEdit()
    assert line is not None and line.placeholderText() == TARGET_HINT == "extension or number"
    assert line.fontMetrics().horizontalAdvance(TARGET_HINT) <= line.width() - 4  # 2 px margins


def test_a_hold_the_server_refuses_shows_the_servers_explanation(
    server: LiveServer, open_window: WindowFactory
) -> None:
    """Asterisk answers a Park it cannot do with a bare "Park action failed"; the agent
    must read the server's explanation, not "Park failed [failed]"."""
    window = open_window()
    call_id = ring(server, window, plan_talking())
    card = window.cards[call_id]
    hold = card.controls.buttons[CMD_HOLD]
    server.run(until(hold.isEnabled))

    async def refuse_park(conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        return {"Response": "Error", "Message": "Park action failed\n"}

    server.pbx.server.handle("Park", refuse_park)
    hold.click()
    server.run(until(lambda: card.controls.result.text().startswith("Hold failed")))
    text = card.controls.result.text()
    assert text.startswith("Hold failed: this call cannot be parked: ")  # the server's words
    assert "[" not in text  # no bare error id
    broker = server.run(rest_command(server, "call.hold", {"call_id": call_id}))
    assert text == f"Hold failed: {broker['message']}"
    assert window.controller.board.get(call_id).phase is Phase.ANSWERED  # type: ignore[union-attr]
