"""The contact-centre widgets without a server: a burst of centre events re-renders once,
and a supervisor's wallboard tab comes and goes with the role the welcome says."""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import QTabWidget

from desktop.controller import DesktopController
from desktop.welcome import parse_welcome
from desktop.widgets.centrepanes import CentrePanes
from tests.desktop.test_centre_logic import alice


def panes(qtbot: Any) -> tuple[DesktopController, QTabWidget, CentrePanes]:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    controller = DesktopController("http://127.0.0.1:1", "token-not-used", tabs)
    tabs.addTab(QTabWidget(), "Calls")
    return controller, tabs, CentrePanes(controller, tabs)


def test_a_burst_of_centre_events_renders_once(qtbot: Any) -> None:
    controller, _, centre = panes(qtbot)
    renders: list[int] = []
    show_view = centre.agentbar.show_view
    centre.agentbar.show_view = lambda view: (renders.append(1), show_view(view))  # type: ignore[method-assign]
    controller.on_welcome(parse_welcome({"agent": "alice", "extension": "1001", "seq": 0}), True)
    renders.clear()
    for second in range(50):
        controller.on_event("agent.state", alice(since=f"2027-01-15T08:00:{second:02d}.000Z"))
    qtbot.waitUntil(lambda: renders != [], timeout=30_000)
    assert renders == [1]
    assert centre.agentbar.state.text() == "Paused: lunch"


def test_the_wallboard_tab_follows_the_role_of_the_welcome(qtbot: Any) -> None:
    controller, tabs, centre = panes(qtbot)
    supervisor = {"agent": "sue", "extension": "9000", "seq": 0, "agents": [alice()]}
    controller.on_welcome(parse_welcome(supervisor), True)
    centre.refresh()
    assert centre.wallboard is not None and tabs.count() == 2
    assert centre.wallboard.agents.rowCount() == 1
    controller.centre.reset()  # signed in again, as an agent this time
    controller.on_welcome(parse_welcome({"agent": "bob", "extension": "1002", "seq": 0}), True)
    centre.refresh()
    assert centre.wallboard is None and tabs.count() == 1


def test_a_burst_of_presence_changes_refreshes_the_transfer_pickers_once(qtbot: Any) -> None:
    controller, _, centre = panes(qtbot)
    controller.on_welcome(parse_welcome({"agent": "alice", "extension": "1001", "seq": 0}), True)
    centre.refresh()
    pickers: list[int] = []
    centre.presence_changed.connect(lambda: pickers.append(1))
    for index in range(30):
        state = "in-use" if index % 2 else "idle"
        controller.on_event("presence", {"extension": f"1{index:03d}", "state": state})
    qtbot.waitUntil(lambda: pickers != [], timeout=30_000)
    assert pickers == [1]
    assert len(controller.centre.board.presence) == 30
