"""While the server has no AMI link to the PBX, the desktop says so in red and disables
every control that needs the PBX, with the reason; when the link is back, so are they."""

from __future__ import annotations

from cti.protocol import CMD_HANGUP, CMD_HOLD, CMD_TRANSFER
from desktop.board import Phase
from desktop.controls import PBX_DOWN
from desktop.widgets.window import MainWindow
from tests.desktop.conftest import ALICE, LiveServer, WindowFactory, plan_talking, until

DOWN_TEXT = "PBX link down: calls will not pop"


def pbx_down_shown(window: MainWindow) -> bool:
    return window.pbx.isVisible() and window.pbx.text() == DOWN_TEXT


def test_a_lost_pbx_link_is_shown_in_red_and_disables_what_needs_the_pbx(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    assert not window.pbx.isVisible()
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=ALICE, plan=plan_talking())
    )
    server.run(until(lambda: call_id in window.cards))
    card = window.cards[call_id]
    server.run(until(lambda: window.controller.board.get(call_id).phase is Phase.ANSWERED))  # type: ignore[union-attr]
    server.run(until(lambda: card.controls.buttons[CMD_HOLD].isEnabled()))

    server.ami_proxy.cut()  # the server's AMI socket drops; reconnecting is refused
    server.run(until(lambda: pbx_down_shown(window)))
    assert "#b71c1c" in window.pbx.styleSheet()  # red
    assert window.pbx.toolTip().startswith("The server lost its link to the PBX at ")
    assert window.link.text().startswith("Connected")  # the desktop itself is connected
    for button in (*card.controls.buttons.values(), window.dialbar.dial, card.call_back):
        assert not button.isEnabled(), button.objectName() or button.text()
    for name in (CMD_HOLD, CMD_HANGUP, CMD_TRANSFER):
        assert card.controls.buttons[name].toolTip() == PBX_DOWN
    assert window.dialbar.dial.toolTip() == PBX_DOWN

    server.ami_proxy.restore()
    server.run(until(lambda: not window.pbx.isVisible()))
    assert card.controls.buttons[CMD_HOLD].isEnabled()
    assert card.controls.buttons[CMD_HANGUP].isEnabled()
    assert window.dialbar.dial.isEnabled()


def test_a_desktop_that_connects_while_the_pbx_link_is_down_says_so_at_once(
    server: LiveServer, open_window: WindowFactory
) -> None:
    server.ami_proxy.cut()
    server.run(until(lambda: server.app.ami.state != "connected"))
    window = open_window()
    assert pbx_down_shown(window)  # from the welcome, before any event
    assert window.dialbar.dial.toolTip() == PBX_DOWN


def test_the_pbx_notice_goes_while_the_desktop_itself_is_disconnected(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window(url=server.proxied_url)
    server.ami_proxy.cut()
    server.run(until(lambda: pbx_down_shown(window)))
    server.proxy.cut()  # now the desktop cannot know about the PBX at all
    server.run(until(lambda: window.controller.link_state.value == "reconnecting"))
    assert not window.pbx.isVisible()
    assert window.dialbar.dial.toolTip() == "Not connected to the server"
    server.proxy.restore()
    server.run(until(lambda: window.controller.connected))
    server.run(until(lambda: pbx_down_shown(window)))  # still down: the welcome says so
