"""The agent's state bar on real widgets against the real server: the state selector
(Available, Pause with a reason, Do not disturb, Log out), time in state, the wrap-up
countdown, and the server's refusals in its own words."""

from __future__ import annotations

from cti.protocol import CMD_HANGUP
from cti.sim import CallPlan
from desktop.agentview import CHOOSE_AVAILABLE, CHOOSE_DND, CHOOSE_LOGOUT, CHOOSE_PAUSE
from desktop.board import Phase
from desktop.widgets.agentbar import AgentBar
from desktop.widgets.window import MainWindow
from tests.desktop.centre.conftest import (
    BERT,
    BOB_IFACE,
    DAVE_TOKEN,
    REASONS,
    SUE_TOKEN,
    AnnouncingCentre,
    CentreServer,
    DeskOpener,
    QueueLab,
    assert_ticks,
    hang_up_waiting,
    seconds,
)
from tests.desktop.conftest import ALICE, ALICE_TOKEN, BOB_TOKEN, LONG_MS, until


def bar_of(window: MainWindow) -> AgentBar:
    return window.agentbar


def pause_with(bar: AgentBar, reason: str) -> None:
    bar.reason.setCurrentIndex(bar.reason.findData(reason))
    bar.buttons[CHOOSE_PAUSE].click()


def sim_member(server: CentreServer, extension: str) -> tuple[bool, str]:
    member = server.pbx.book.member("support", f"PJSIP/{extension}")
    assert member is not None
    return member.paused, member.reason


def test_an_agent_pauses_with_a_reason_then_is_available_again(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    window = open_desk(centre, ALICE_TOKEN)
    bar = bar_of(window)
    centre.run(until(lambda: bar.state.text() == "Available"))
    assert bar.isVisible()
    assert [bar.reason.itemData(i) for i in range(bar.reason.count())] == list(REASONS)
    assert not bar.buttons[CHOOSE_AVAILABLE].isEnabled()
    assert bar.buttons[CHOOSE_AVAILABLE].toolTip() == "You are available"

    pause_with(bar, "break")
    centre.run(until(lambda: bar.state.text() == "Paused: break"))
    assert sim_member(centre, "1001") == (True, "break")
    centre.run(until(lambda: bar.result.text()))
    assert bar.result.text() == "Pause: done - paused in support (break)"
    assert bar.timer.text() == "0:00"
    assert_ticks(centre, bar.timer.text)  # time in state ticks, always shown
    assert bar.buttons[CHOOSE_AVAILABLE].isEnabled()

    bar.buttons[CHOOSE_AVAILABLE].click()
    centre.run(until(lambda: bar.state.text() == "Available"))
    assert sim_member(centre, "1001") == (False, "")
    centre.run(until(lambda: bar.result.text().startswith("Available: done")))


def test_do_not_disturb_pauses_every_queue_and_ends_from_the_same_button(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    window = open_desk(centre, ALICE_TOKEN)
    bar = bar_of(window)
    centre.run(until(lambda: bar.state.text() == "Available"))
    dnd = bar.buttons[CHOOSE_DND]
    assert dnd.text() == "Do not disturb"
    dnd.click()
    centre.run(until(lambda: bar.state.text() == "Paused: do not disturb"))
    assert sim_member(centre, "1001") == (True, "dnd")
    centre.run(until(lambda: dnd.text() == "End do not disturb"))
    dnd.click()
    centre.run(until(lambda: bar.state.text() == "Available"))
    assert dnd.text() == "Do not disturb"


def test_wrap_up_counts_down_after_a_queue_call_and_available_ends_it(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    window = open_desk(centre, ALICE_TOKEN)
    bar = bar_of(window)
    centre.run(until(lambda: bar.state.text() == "Available"))
    plan = CallPlan(answer_by="1001", answer_after=1.0, talk=LONG_MS)
    call_id = centre.run(centre.pbx.place_call("queue", target="support", caller=ALICE, plan=plan))
    centre.run(until(lambda: call_id in window.cards))
    card = window.cards[call_id]
    record = window.controller.board.get(call_id)
    assert record is not None
    centre.run(until(lambda: record.phase is Phase.ANSWERED))
    centre.run(until(lambda: bar.state.text() == "On a call"))
    card.controls.buttons[CMD_HANGUP].click()

    centre.run(until(lambda: bar.state.text() == "Wrap-up"))
    assert bar.wrapup.isVisible()
    first = bar.wrapup.text()
    assert first in ("Wrap-up ends in 0:30", "Wrap-up ends in 0:29"), first
    centre.run(until(lambda: bar.wrapup.text() not in (first, "")))
    assert seconds(bar.wrapup.text().split()[-1]) < seconds(first.split()[-1])  # counts down
    assert sim_member(centre, "1001") == (True, "wrap-up")
    assert bar.buttons[CHOOSE_AVAILABLE].isEnabled()

    bar.buttons[CHOOSE_AVAILABLE].click()
    centre.run(until(lambda: bar.state.text() == "Available"))
    assert not bar.wrapup.isVisible()
    assert sim_member(centre, "1001") == (False, "")


def test_log_in_and_out_of_dynamic_queues_from_the_selector(
    queue_lab: QueueLab, open_desk: DeskOpener
) -> None:
    window = open_desk(queue_lab, ALICE_TOKEN)
    bar = bar_of(window)
    queue_lab.run(until(lambda: bar.state.text() == "Logged out"))
    assert not bar.buttons[CHOOSE_PAUSE].isEnabled()
    assert bar.buttons[CHOOSE_PAUSE].toolTip().startswith("You are logged out")
    assert not bar.buttons[CHOOSE_LOGOUT].isEnabled()
    assert bar.buttons[CHOOSE_AVAILABLE].isEnabled()

    bar.buttons[CHOOSE_AVAILABLE].click()  # logs in
    queue_lab.run(until(lambda: bar.state.text() == "Available"))
    assert ("support", "Local/1001@agents") in queue_lab.app_queue.members
    assert ("sales", "Local/1001@agents") in queue_lab.app_queue.members
    queue_lab.run(until(lambda: bar.result.text()))
    assert bar.result.text() == "Log in: done - logged in to support; logged in to sales"

    queue_lab.run(until(lambda: bar.buttons[CHOOSE_LOGOUT].isEnabled()))
    bar.buttons[CHOOSE_LOGOUT].click()
    queue_lab.run(until(lambda: bar.state.text() == "Logged out"))
    assert queue_lab.app_queue.members.keys() == {("support", BOB_IFACE)}


def test_a_static_member_logging_out_is_told_it_stays_paused_instead(
    queue_lab: QueueLab, open_desk: DeskOpener
) -> None:
    window = open_desk(queue_lab, BOB_TOKEN)
    bar = bar_of(window)
    queue_lab.run(until(lambda: bar.state.text() == "Available"))
    bar.buttons[CHOOSE_LOGOUT].click()
    queue_lab.run(until(lambda: bar.state.text() == "Logged out"))
    queue_lab.run(until(lambda: bar.result.text()))
    assert bar.result.text() == (
        "Log out: done - static member of support (queues.conf): paused there with reason "
        "logged-out instead"
    )
    bar.buttons[CHOOSE_AVAILABLE].click()  # logs in: unpaused from logged-out
    queue_lab.run(until(lambda: bar.state.text() == "Available"))


def test_a_refusal_shows_the_servers_message(queue_lab: QueueLab, open_desk: DeskOpener) -> None:
    window = open_desk(queue_lab, ALICE_TOKEN)
    bar = bar_of(window)
    queue_lab.run(until(lambda: bar.state.text() == "Logged out"))
    queue_lab.app_queue.write_allowed = False  # a manager.conf user without `agent`
    bar.buttons[CHOOSE_AVAILABLE].click()
    queue_lab.run(until(lambda: bar.result.text()))
    text = bar.result.text()
    assert text.startswith("Log in failed: ") and "Permission denied" in text, text
    assert bar.result.property("ok") is False
    assert bar.state.text() == "Logged out"


def test_a_supervisor_in_no_queue_has_no_state_bar_and_an_agent_no_wallboard(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    alice = open_desk(centre, ALICE_TOKEN)
    sue = open_desk(centre, SUE_TOKEN)
    centre.run(until(lambda: sue.centre.wallboard is not None))
    tabs = [sue.views.tabText(index) for index in range(sue.views.count())]
    assert tabs == ["Calls", "Wallboard", "Reports"], "the supervisor's tabs (issue 12)"
    assert not sue.agentbar.isVisible()
    centre.run(until(lambda: alice.agentbar.isVisible()))
    assert alice.views.count() == 1 and alice.centre.wallboard is None


def test_with_announce_waiting_an_agent_sees_callers_wait_but_gets_no_call_of_them(
    announcing: AnnouncingCentre, open_desk: DeskOpener
) -> None:
    window = open_desk(announcing, ALICE_TOKEN)
    bar = bar_of(window)
    announcing.run(until(lambda: bar.state.text() == "Available"))
    for member in announcing.pbx.book.members():
        member.paused = True  # app_queue rings nobody: the callers wait
    waits = CallPlan(abandon_after=LONG_MS)
    call_id = announcing.run(
        announcing.pbx.place_call("queue", target="support", caller=BERT, plan=waits)
    )
    announcing.run(until(lambda: bar.waiting.text().startswith("1 caller waiting, longest ")))
    assert bar.waiting.isVisible()
    announcing.run(hang_up_waiting(announcing, call_id))
    announcing.run(until(lambda: not bar.waiting.isVisible()))
    assert window.controller.board.get(call_id) is None, "no call card for a waiting caller"
    assert window.calls.count() == 0 and window.cards == {}


def test_logging_in_from_the_selector_brings_the_waiting_caller_to_the_agent(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    """On the simulator's app_queue: dave's Available is a QueueAdd, and the caller who
    waited in support rings him at once, as app_queue rings a member that joins."""
    dave = open_desk(centre, DAVE_TOKEN)
    bar = bar_of(dave)
    centre.run(until(lambda: bar.state.text() == "Logged out"))
    for member in centre.pbx.book.members():
        member.paused = True  # app_queue rings none of the static members: the caller waits
    plan = CallPlan(answer_by="1004", answer_after=1.0, talk=LONG_MS)
    call_id = centre.run(centre.pbx.place_call("queue", target="support", caller=BERT, plan=plan))
    centre.run(until(lambda: centre.pbx.book.entry(centre.pbx.calls[call_id]) is not None))

    bar.buttons[CHOOSE_AVAILABLE].click()
    centre.run(until(lambda: call_id in dave.cards))  # the waiting caller rings him
    centre.run(until(lambda: bar.state.text() == "On a call"))
    member = centre.pbx.book.member("support", "PJSIP/1004")
    assert member is not None and member.membership == "dynamic"
    assert bar.result.text() == "Log in: done - logged in to support"
    assert not bar.buttons[CHOOSE_AVAILABLE].isEnabled()  # on a call, not paused


def test_a_state_change_missed_while_disconnected_is_replayed_on_reconnect(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    alice = open_desk(centre, ALICE_TOKEN, url=centre.proxied_url)
    bar = bar_of(alice)
    centre.run(until(lambda: bar.state.text() == "Available"))
    resets: list[int] = []
    alice.controller.board_reset.connect(lambda: resets.append(1))
    sue = open_desk(centre, SUE_TOKEN)
    centre.proxy.cut()
    centre.run(until(lambda: alice.controller.link_state.value == "reconnecting"))
    assert not bar.buttons[CHOOSE_PAUSE].isEnabled()  # offline: nothing can work
    assert bar.buttons[CHOOSE_PAUSE].toolTip() == "Not connected to the server"
    sue.controller.centre.act("agent.pause", "1001", "training")  # the supervisor, meanwhile
    centre.run(until(lambda: sim_member(centre, "1001") == (True, "training")))

    centre.proxy.restore()
    centre.run(until(lambda: bar.state.text() == "Paused: training"))
    assert resets == [], "replayed from last_seq, not rebuilt from a snapshot"
    assert bar.buttons[CHOOSE_AVAILABLE].isEnabled()
