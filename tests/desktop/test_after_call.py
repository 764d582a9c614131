"""After the call: the note is saved through the broker and joins the caller's history;
an unknown caller can be saved as a contact from the card."""

from __future__ import annotations

from PyQt6.QtWidgets import QScrollArea

from cti.sim import CallPlan
from desktop.board import Phase
from tests.desktop.conftest import ALICE, LiveServer, WindowFactory, plan_ringing, until

SHORT_TALK = CallPlan(answer_by="1001", answer_after=1.0, talk=20.0)  # 20 ms real
RINGING = plan_ringing()


def test_notes_saved_after_a_call_show_in_the_history_of_the_next_call(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    first = server.run(
        server.pbx.place_call("direct", target="1001", caller=ALICE, plan=SHORT_TALK)
    )
    server.run(until(lambda: window.controller.board.get(first) is not None))
    server.run(until(lambda: window.controller.board.get(first).needs_note))  # type: ignore[union-attr]
    card = window.cards[first]
    form = card.after_call
    assert form.isVisible()
    assert [form.disposition.itemText(i) for i in range(form.disposition.count())] == list(
        window.controller.welcome.dispositions  # type: ignore[union-attr]
    )
    assert card.close_button.text() == "Close without a note"
    form.disposition.setCurrentText("callback")
    form.notes.setPlainText("Wants a quote <b>by Friday</b>")
    form.save.click()
    server.run(until(lambda: form.result.text() not in ("", "Saving...")))
    assert form.result.text() == "Note saved"
    assert card.close_button.text() == "Close"
    assert form.isVisible() and not form.save.isEnabled()  # filed once, shown, not resent
    card.close_button.click()
    assert first not in window.cards

    second = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: second in window.cards))
    history = window.cards[second].history.text()
    assert "callback" in history
    assert "Wants a quote <b>by Friday</b>" in history


def test_a_failed_note_says_so_and_can_be_retried(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=ALICE, plan=SHORT_TALK)
    )
    server.run(
        until(lambda: (r := window.controller.board.get(call_id)) is not None and r.needs_note)
    )
    form = window.cards[call_id].after_call
    form.disposition.addItem("no-such-outcome")
    form.disposition.setCurrentText("no-such-outcome")
    form.save.click()
    server.run(until(lambda: form.result.text() not in ("", "Saving...")))
    assert form.result.text().startswith("Note not saved: ")
    assert form.save.isEnabled()
    assert window.controller.board.get(call_id).needs_note  # type: ignore[union-attr]


def test_unknown_caller_can_be_created_as_a_contact_from_the_card(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    caller = ("+14155550999", "Dana New")
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=caller, plan=RINGING)
    )
    server.run(until(lambda: call_id in window.cards))
    card = window.cards[call_id]
    form = card.create_form
    assert form.isVisible()
    assert form.phone.text() == caller[0]
    form.name.setText("Dana New")
    form.company.setText("Newco")
    form.tags.setText("lead, emea")
    form.save.click()
    server.run(until(lambda: form.result.text() not in ("", "Saving...")))
    assert form.result.text() == "Contact Dana New saved"
    assert not form.isVisible()
    assert card.contact_labels["Company"].text() == "Newco"
    assert card.tags.text() == "lead, emea"
    matches = server.run(window.controller.api.lookup(caller[0]))  # type: ignore[union-attr]
    assert [match["name"] for match in matches] == ["Dana New"]


def test_open_in_crm_opens_the_servers_link_for_the_matched_contact(
    server: LiveServer, open_window: WindowFactory
) -> None:
    window = open_window()
    opened: list[str] = []
    window.open_url = opened.append  # type: ignore[method-assign]
    call_id = server.run(server.pbx.place_call("direct", target="1001", caller=ALICE, plan=RINGING))
    server.run(until(lambda: call_id in window.cards))
    crm = window.cards[call_id].crm
    expected = "https://crm.example.test/contacts/1?n=%2B14155550123"
    assert crm.isEnabled()
    assert crm.toolTip() == expected
    crm.click()
    assert opened == [expected]


def test_call_ended_for_the_agent_shows_why(server: LiveServer, open_window: WindowFactory) -> None:
    window = open_window()
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=ALICE, plan=SHORT_TALK)
    )
    server.run(
        until(
            lambda: (
                (r := window.controller.board.get(call_id)) is not None and r.phase is Phase.ENDED
            )
        )
    )
    card = window.cards[call_id]
    assert card.banner.text().startswith("Call ended")
    assert card.status.text() == "Ended"


def test_the_after_call_form_can_be_reached_in_a_small_window(
    server: LiveServer, open_window: WindowFactory
) -> None:
    """The card scrolls, so its content never pushes Save note off the window."""
    window = open_window()
    window.resize(900, 640)
    call_id = server.run(
        server.pbx.place_call("direct", target="1001", caller=ALICE, plan=SHORT_TALK)
    )
    server.run(until(lambda: window.controller.board.get(call_id) is not None))
    server.run(until(lambda: window.controller.board.get(call_id).needs_note))  # type: ignore[union-attr]
    card = window.cards[call_id]
    assert card.minimumSizeHint().height() < 300  # the content does not force its height
    scroll = card.findChild(QScrollArea)
    assert scroll is not None
    scroll.ensureWidgetVisible(card.after_call.save)
    viewport = scroll.viewport()
    assert viewport is not None
    corner = card.after_call.save.mapTo(viewport, card.after_call.save.rect().bottomRight())
    assert viewport.rect().contains(corner)
