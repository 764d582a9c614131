"""The transfer picker with each colleague's presence, on real widgets against the
simulated PBX and the real server: free colleagues first, a busy one further down, a
colleague in do not disturb said so, and a number typed by hand still transfers."""

from __future__ import annotations

from cti.protocol import CMD_TRANSFER
from cti.sim import CallPlan
from desktop.agentview import CHOOSE_DND
from desktop.board import Phase
from desktop.widgets.popcard import PopCard
from desktop.widgets.window import MainWindow
from tests.desktop.centre.conftest import BERT, CAROL_TOKEN, CentreServer, DeskOpener
from tests.desktop.conftest import ALICE, ALICE_TOKEN, LONG_MS, until


def picker(card: PopCard) -> list[str]:
    combo = card.controls.target
    return [combo.itemText(i) for i in range(combo.count())]


def talking_card(server: CentreServer, window: MainWindow) -> PopCard:
    plan = CallPlan(answer_by="1001", answer_after=1.0, talk=LONG_MS)
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=plan))
    server.run(until(lambda: call_id in window.cards))
    record = window.controller.board.get(call_id)
    assert record is not None
    server.run(until(lambda: record.phase is Phase.ANSWERED))
    return window.cards[call_id]


def transfers_to(server: CentreServer) -> list[str]:
    return [a.field("Exten") for a in server.pbx.server.actions if a.name == "BlindTransfer"]


def test_picker_lists_colleagues_by_presence_free_first_and_follows_changes(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    alice = open_desk(centre, ALICE_TOKEN)
    carol = open_desk(centre, CAROL_TOKEN)
    card = talking_card(centre, alice)
    centre.run(until(lambda: picker(card) == ["1002 - free", "1003 - free", "1004 - free"]))

    ringing = CallPlan(answer_after=LONG_MS)
    centre.run(centre.pbx.place_call("direct", target="1002", caller=BERT, plan=ringing))
    centre.run(until(lambda: picker(card) == ["1003 - free", "1004 - free", "1002 - ringing"]))

    carol.agentbar.buttons[CHOOSE_DND].click()
    expected = ["1004 - free", "1002 - ringing", "1003 - do not disturb"]
    centre.run(until(lambda: picker(card) == expected))
    combo = card.controls.target
    assert not any(combo.itemIcon(i).isNull() for i in range(3))  # each with its colour

    combo.setCurrentIndex(combo.findText("1002 - ringing"))
    assert combo.currentText() == "1002 - ringing"
    card.controls.buttons[CMD_TRANSFER].click()
    centre.run(until(lambda: transfers_to(centre) == ["1002"]))


def test_a_number_typed_by_hand_is_transferred_as_typed(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    alice = open_desk(centre, ALICE_TOKEN)
    card = talking_card(centre, alice)
    centre.run(until(lambda: "1002 - free" in picker(card)))
    combo = card.controls.target
    assert (combo.currentIndex(), combo.currentText()) == (-1, ""), "no entry before a pick"
    combo.setEditText("+44 20 7183 8750")
    card.controls.buttons[CMD_TRANSFER].click()
    centre.run(until(lambda: card.controls.result.text()))
    assert card.controls.result.text().startswith("Transfer: done"), card.controls.result.text()
    assert transfers_to(centre) == ["+442071838750"]


def test_a_picked_colleague_stays_picked_when_its_presence_changes(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    alice = open_desk(centre, ALICE_TOKEN)
    card = talking_card(centre, alice)
    combo = card.controls.target
    centre.run(until(lambda: "1002 - free" in picker(card)))
    combo.setCurrentIndex(combo.findText("1002 - free"))
    ringing = CallPlan(answer_after=LONG_MS)
    centre.run(centre.pbx.place_call("direct", target="1002", caller=BERT, plan=ringing))
    centre.run(until(lambda: combo.currentText() == "1002 - ringing"))
    card.controls.buttons[CMD_TRANSFER].click()
    centre.run(until(lambda: transfers_to(centre) == ["1002"]))
