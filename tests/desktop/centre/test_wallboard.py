"""The supervisor's wallboard on real widgets against the real server: agents with their
state, reason, time in state and caller; callers waiting in the queue with their wait
ticking; and the supervisor's actions on an agent, each with its result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cti.ami.fake_channels import format_frame
from cti.protocol import (
    CMD_AGENT_LOGOUT,
    CMD_AGENT_PAUSE,
    CMD_AGENT_UNPAUSE,
    CMD_SUPERVISOR_BARGE,
    CMD_SUPERVISOR_LISTEN,
    CMD_SUPERVISOR_WHISPER,
    WireEvent,
)
from cti.sim import CallPlan
from desktop.agentview import CHOOSE_PAUSE
from desktop.board import Phase
from desktop.widgets.tables import BoardTable
from desktop.widgets.wallboard import Wallboard
from desktop.widgets.window import MainWindow
from tests.desktop.centre.conftest import (
    BERT,
    SUE_TOKEN,
    CentreServer,
    DeskOpener,
    LiveServer,
    QueueLab,
    assert_ticks,
    hang_up_waiting,
    seconds,
)
from tests.desktop.conftest import ALICE, ALICE_TOKEN, LONG_MS, until


def wallboard_of(server: LiveServer, window: MainWindow) -> Wallboard:
    server.run(until(lambda: window.centre.wallboard is not None))
    wallboard = window.centre.wallboard
    assert wallboard is not None
    return wallboard


def cells(table: BoardTable, key: str) -> list[str]:
    """The row's texts; empty texts while no row has that key."""
    row = table.row_of(key)
    if row < 0:
        return [""] * table.columnCount()
    return [table.item(row, column).text() for column in range(table.columnCount())]  # type: ignore[union-attr]


def choose(wallboard: Wallboard, key: str) -> None:
    wallboard.agents.selectRow(wallboard.agents.row_of(key))


def act(server: LiveServer, wallboard: Wallboard, action: str, key: str) -> str:
    """Press the action's button for the agent `key`; returns the result line."""
    choose(wallboard, key)
    button = wallboard.buttons[action]
    server.run(until(button.isEnabled))
    wallboard.result.clear()
    button.click()
    server.run(until(lambda: wallboard.result.text()))
    return wallboard.result.text()


def pause_everyone(server: CentreServer, wallboard: Wallboard) -> None:
    for key in ("1001", "1002", "1003"):
        wallboard.reason.setCurrentIndex(wallboard.reason.findData("lunch"))
        assert act(server, wallboard, CMD_AGENT_PAUSE, key).endswith("(lunch)")
        server.run(until(lambda k=key: cells(wallboard.agents, k)[2] == "Paused: lunch"))


def test_supervisor_forces_a_pause_and_an_unpause_and_sees_the_agent_change(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    sue = open_desk(centre, SUE_TOKEN)
    wallboard = wallboard_of(centre, sue)
    centre.run(until(lambda: cells(wallboard.agents, "1002")[:3] == ["bob", "1002", "Available"]))
    choose(wallboard, "1002")
    assert wallboard.chosen.text() == "bob (1002)"
    assert not wallboard.buttons[CMD_SUPERVISOR_LISTEN].isEnabled()
    assert wallboard.buttons[CMD_SUPERVISOR_LISTEN].toolTip() == (
        "Only while the agent talks on a call"
    )
    assert not wallboard.buttons[CMD_AGENT_UNPAUSE].isEnabled()

    wallboard.reason.setCurrentIndex(wallboard.reason.findData("training"))
    result = act(centre, wallboard, CMD_AGENT_PAUSE, "1002")
    assert result == "Force pause bob: done - paused in support (training)"
    centre.run(until(lambda: cells(wallboard.agents, "1002")[2] == "Paused: training"))
    bob = centre.pbx.book.member("support", "PJSIP/1002")
    assert bob is not None and (bob.paused, bob.reason) == (True, "training")
    assert_ticks(centre, lambda: cells(wallboard.agents, "1002")[3])  # time in state
    assert cells(wallboard.agents, "1002")[5] == "support (paused)"

    result = act(centre, wallboard, CMD_AGENT_UNPAUSE, "1002")
    assert result == "Unpause bob: done - available in support"
    centre.run(until(lambda: cells(wallboard.agents, "1002")[2] == "Available"))


def test_waiting_callers_show_with_their_wait_ticking_until_they_give_up(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    sue = open_desk(centre, SUE_TOKEN)
    wallboard = wallboard_of(centre, sue)
    pause_everyone(centre, wallboard)
    waits = CallPlan(abandon_after=LONG_MS)  # nobody is free: the caller waits, then gives up
    first = centre.run(centre.pbx.place_call("queue", target="support", caller=ALICE, plan=waits))
    centre.run(until(lambda: wallboard.waiting.row_of(first) >= 0))
    second = centre.run(centre.pbx.place_call("queue", target="support", caller=BERT, plan=waits))
    centre.run(until(lambda: wallboard.waiting.row_of(second) >= 0))
    assert cells(wallboard.waiting, first)[:3] == ["support", "1", "Alice Example (+14155550123)"]
    assert cells(wallboard.waiting, second)[:3] == ["support", "2", "Bert Bloggs (+442071838750)"]
    assert_ticks(centre, lambda: cells(wallboard.waiting, first)[3])
    queue = cells(wallboard.queues, "support")
    assert queue[1] == "2" and seconds(queue[2]) >= 1, queue
    assert queue[7] == "3 paused"

    centre.run(hang_up_waiting(centre, first))
    centre.run(until(lambda: wallboard.waiting.row_of(first) < 0))
    centre.run(until(lambda: cells(wallboard.waiting, second)[1] == "1"))  # moved up
    centre.run(until(lambda: cells(wallboard.queues, "support")[1] == "1"))
    assert sue.controller.board.get(first) is None, "a caller who only waited is no call card"
    assert sue.calls.count() == 0


def test_the_wallboard_names_the_caller_an_agent_talks_to_and_offers_listening(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    sue = open_desk(centre, SUE_TOKEN)
    wallboard = wallboard_of(centre, sue)
    plan = CallPlan(answer_by="1001", answer_after=1.0, talk=LONG_MS)
    call_id = centre.run(centre.pbx.place_call("direct", target="1001", caller=ALICE, plan=plan))
    centre.run(until(lambda: cells(wallboard.agents, "1001")[2] == "On a call"))
    assert cells(wallboard.agents, "1001")[4] == "Alice Example (+14155550123)"
    assert sue.controller.board.get(call_id) is not None
    for action in (CMD_SUPERVISOR_LISTEN, CMD_SUPERVISOR_WHISPER, CMD_SUPERVISOR_BARGE):
        result = act(centre, wallboard, action, "1001")
        assert "done - your phone 9000 is ringing" in result, result
    spies = [a for a in centre.pbx.server.actions if a.field("Application") == "ChanSpy"]
    assert [(a.field("Channel"), a.field("Data").split(",")[1]) for a in spies] == [
        ("PJSIP/9000", "qE"),
        ("PJSIP/9000", "qwE"),
        ("PJSIP/9000", "qBE"),
    ]
    assert all(a.field("Data").startswith("PJSIP/1001-") for a in spies)


def test_another_agents_ringing_call_leaves_the_wallboard_in_front(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    """A ringing call of another agent reaches the supervisor's Calls tab without taking
    the wallboard away; a call of the supervisor's own phone would."""
    sue = open_desk(centre, SUE_TOKEN)
    wallboard = wallboard_of(centre, sue)
    sue.views.setCurrentWidget(wallboard)
    plan = CallPlan(answer_after=LONG_MS)
    call_id = centre.run(centre.pbx.place_call("direct", target="1002", caller=ALICE, plan=plan))
    centre.run(until(lambda: cells(wallboard.agents, "1002")[2] == "Ringing"))
    centre.run(until(lambda: sue.controller.board.get(call_id) is not None))
    assert sue.views.currentWidget() is wallboard


def test_supervisor_logs_out_a_static_member_and_sees_why_it_stays_paused(
    queue_lab: QueueLab, open_desk: DeskOpener
) -> None:
    sue = open_desk(queue_lab, SUE_TOKEN)
    wallboard = wallboard_of(queue_lab, sue)
    queue_lab.run(until(lambda: cells(wallboard.agents, "1002")[2:3] == ["Available"]))
    result = act(queue_lab, wallboard, CMD_AGENT_LOGOUT, "1002")
    assert result == (
        "Log out bob: done - static member of support (queues.conf): paused there with "
        "reason logged-out instead"
    )
    queue_lab.run(until(lambda: cells(wallboard.agents, "1002")[2] == "Logged out"))
    assert not wallboard.buttons[CMD_AGENT_LOGOUT].isEnabled()
    assert wallboard.buttons[CMD_AGENT_LOGOUT].toolTip() == "The agent is logged out"


def test_a_refused_action_shows_the_servers_message(
    queue_lab: QueueLab, open_desk: DeskOpener
) -> None:
    sue = open_desk(queue_lab, SUE_TOKEN)
    wallboard = wallboard_of(queue_lab, sue)
    queue_lab.run(until(lambda: cells(wallboard.agents, "1002")[2:3] == ["Available"]))
    queue_lab.app_queue.write_allowed = False
    result = act(queue_lab, wallboard, CMD_AGENT_PAUSE, "1002")
    assert result.startswith("Force pause bob failed: ") and "Permission denied" in result
    assert wallboard.result.property("ok") is False


def test_an_agent_never_gets_the_wallboard_nor_waiting_callers(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    alice = open_desk(centre, ALICE_TOKEN)
    alice.agentbar.buttons[CHOOSE_PAUSE].click()
    centre.run(until(lambda: alice.agentbar.state.text().startswith("Paused")))
    waits = CallPlan(abandon_after=LONG_MS)
    centre.run(centre.pbx.place_call("queue", target="support", caller=BERT, plan=waits))
    sue = open_desk(centre, SUE_TOKEN)  # sees the caller wait, so alice has had her chance
    centre.run(until(lambda: sue.controller.centre.board.waiting != {}))
    assert alice.centre.wallboard is None and alice.views.count() == 1
    assert alice.controller.centre.board.waiting == {}, "call.queued: supervisors only"
    assert not any(r.phase is Phase.RINGING for r in alice.controller.board)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatsLine(WireEvent):
    """A `queue.stats` event in the contract's shape (issue 11), published through the
    real broker as the queue statistics publish theirs."""

    type: ClassVar[str] = "queue.stats"
    line: dict[str, Any]

    def data(self) -> dict[str, Any]:
        return dict(self.line)


def stats(queue: str, **counts: Any) -> StatsLine:
    line = {
        "queue": queue,
        "waiting": 0,
        "longest_wait_seconds": 0,
        "agents": {},
        "offered": 0,
        "answered": 0,
        "abandoned": 0,
        "service_level": None,
        "service_level_seconds": 20,
        "since": "2027-01-15T00:00:00.000Z",
    }
    return StatsLine(line=line | counts)


def publish(centre: CentreServer, line: StatsLine) -> None:
    """As the server's statistics do: inside the event loop (a fan-out writes after it)."""

    async def now() -> None:
        centre.app.context.broker.publish(line)

    centre.run(now())


def test_queue_statistics_show_todays_service_level_and_a_late_longest_wait(
    centre: CentreServer, open_desk: DeskOpener
) -> None:
    sue = open_desk(centre, SUE_TOKEN)
    wallboard = wallboard_of(centre, sue)
    centre.run(until(lambda: wallboard.queues.row_of("support") >= 0))
    # the server's own statistics: no call today, so no service level yet
    centre.run(until(lambda: cells(wallboard.queues, "support")[3:7] == ["-", "0", "0", "0"]))
    today = {"offered": 10, "answered": 8, "abandoned": 2, "service_level": 0.7}
    publish(centre, stats("support", agents={"available": 3}, **today))
    centre.run(until(lambda: cells(wallboard.queues, "support")[3] == "70%"))
    assert cells(wallboard.queues, "support") == [
        "support", "0", "", "70%", "8", "2", "10", "3 available"
    ]  # fmt: skip
    publish(centre, stats("support", waiting=1, longest_wait_seconds=25, **today))
    centre.run(until(lambda: cells(wallboard.queues, "support")[1] == "1"))
    assert_ticks(centre, lambda: cells(wallboard.queues, "support")[2])
    row = wallboard.queues.row_of("support")
    longest = wallboard.queues.item(row, 2)
    assert longest is not None and longest.foreground().color().name() == "#b71c1c"
    publish(centre, stats("sales", offered=1, answered=1, service_level=1.0))
    centre.run(until(lambda: cells(wallboard.queues, "sales")[3:4] == ["100%"]))
    assert [wallboard.queues.item(r, 0).text() for r in range(2)] == ["sales", "support"]  # type: ignore[union-attr]


def test_a_queue_member_matching_no_agent_shows_as_unknown_and_offers_no_action(
    queue_lab: QueueLab, open_desk: DeskOpener
) -> None:
    """An admin adds SIP/ghost to support at the Asterisk CLI: no agent has it."""
    sue = open_desk(queue_lab, SUE_TOKEN)
    wallboard = wallboard_of(queue_lab, sue)
    add = {"Queue": "support", "Interface": "SIP/ghost", "MemberName": "Ghost"}
    _, events = queue_lab.app_queue.act("QueueAdd", add)
    queue_lab.run(queue_lab.ami.send_frames([format_frame(pairs) for pairs in events]))
    queue_lab.run(until(lambda: wallboard.agents.row_of("SIP/ghost") >= 0))
    assert cells(wallboard.agents, "SIP/ghost")[:3] == [
        "unknown member SIP/ghost",
        "",
        "Available",
    ]
    assert wallboard.agents.row_of("SIP/ghost") == wallboard.agents.rowCount() - 1  # last
    choose(wallboard, "SIP/ghost")
    for action, button in wallboard.buttons.items():
        assert not button.isEnabled(), action
        assert button.toolTip() == "This queue member matches no agent of the server"
