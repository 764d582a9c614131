"""POST /api/interactions and the desktop fields of the welcome, on a real broker and SQLite."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from cti.lookup import ContactDirectory
from cti.protocol import CallAnswered, CallEnded
from tests.broker_events import ringing
from tests.integration.broker.conftest import BrokerServer, StartServer

NUMBER = "+33612345678"  # the caller of tests.broker_events.ringing


def headers(agent: str) -> dict[str, str]:
    return {"Authorization": f"Bearer tok-{agent}"}


async def note(server: BrokerServer, body: Any, agent: str = "alice") -> tuple[int, Any]:
    url = f"{server.url}/api/interactions"
    async with server.http.post(url, json=body, headers=headers(agent)) as response:
        return response.status, await response.json()


def add(book: ContactDirectory, name: str = "Jörg Müller", number: str = NUMBER) -> int:
    return book.store.add_contact(name, [(number, number, "mobile")])


def finished_call(
    server: BrokerServer, call_id: str, matches: list[dict[str, Any]], extension: str = "1001"
) -> None:
    """Ring `extension` with these directory matches, answer, hang up."""
    event = ringing(call_id, extension)
    contact = matches[0] if len(matches) == 1 else None
    server.ctx.broker.publish(dataclasses.replace(event, contact=contact, matches=tuple(matches)))
    audience = frozenset({extension})
    server.ctx.broker.publish(CallAnswered(call_id=call_id, audience=audience, extension=extension))
    server.ctx.broker.publish(
        CallEnded(
            call_id=call_id, audience=audience, cause=16, cause_text="", answered_by=extension
        )
    )


async def test_welcome_carries_desktop_settings_and_capabilities(
    contacts_broker: BrokerServer,
) -> None:
    ws, welcome = await contacts_broker.connect("tok-alice")
    assert welcome["settings"] == {
        "crm_url": "https://crm.example.com/c/{crm_id}",
        "dispositions": ["resolved", "callback"],
        "pause_reasons": ["lunch", "break", "training", "meeting"],
    }
    assert welcome["capabilities"] == contacts_broker.control.commands
    await ws.close()


async def test_a_new_desktop_setting_reaches_the_next_welcome(
    contacts_broker: BrokerServer,
) -> None:
    broker = contacts_broker.ctx.broker
    broker.desktop = dataclasses.replace(broker.desktop, crm_url=None, dispositions=("done",))
    ws, welcome = await contacts_broker.connect("tok-bob")
    assert welcome["settings"] == {
        "crm_url": None,
        "dispositions": ["done"],
        "pause_reasons": ["lunch", "break", "training", "meeting"],
    }
    await ws.close()


async def test_note_after_the_call_ended_joins_the_matched_contacts_history(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    cid = add(book)
    finished_call(contacts_broker, "call-1", [{"id": cid, "name": "Jörg Müller"}])
    body = {"call_id": "call-1", "disposition": "callback", "notes": "rappeler à 14h"}
    status, answer = await note(contacts_broker, body)
    assert status == 201 and answer["ok"] is True
    interaction = answer["interaction"]
    assert interaction["contact_id"] == cid and interaction["call_id"] == "call-1"
    assert (interaction["channel"], interaction["direction"]) == ("phone", "inbound")
    assert (interaction["outcome"], interaction["notes"]) == ("callback", "rappeler à 14h")
    assert interaction["agent"] == "alice" and interaction["ts"]
    assert book.store.history(cid) == [
        {key: value for key, value in interaction.items() if key != "contact_id"}
    ]


async def test_a_note_shows_in_the_next_lookup_despite_the_cache(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    cid = add(book)
    first = await book.lookup("0612345678")
    assert first[0]["history"] == []  # cached from here on
    finished_call(contacts_broker, "call-1", [{"id": cid}])
    assert (await note(contacts_broker, {"call_id": "call-1", "disposition": "resolved"}))[0] == 201
    again = await book.lookup("0612345678")
    assert [item["outcome"] for item in again[0]["history"]] == ["resolved"]


async def test_note_on_another_agents_call_is_403_not_your_call(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    cid = add(book)
    finished_call(contacts_broker, "call-1", [{"id": cid}], extension="1001")
    body = {"call_id": "call-1", "disposition": "resolved"}
    status, answer = await note(contacts_broker, body, agent="bob")
    assert (status, answer["ok"], answer["error"]) == (403, False, "not-your-call")
    assert book.store.history(cid) == []


async def test_agent_rung_but_not_answering_may_note_and_a_supervisor_any_call(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    cid = add(book)
    contacts_broker.ctx.broker.publish(ringing("call-1", "1002"))  # bob's phone rang too
    finished_call(contacts_broker, "call-1", [{"id": cid}], extension="1001")
    assert (await note(contacts_broker, {"call_id": "call-1", "disposition": "resolved"}, "bob"))[
        0
    ] == 201
    body = {"call_id": "call-1", "disposition": "callback"}
    assert (await note(contacts_broker, body, "sue"))[0] == 201
    assert [item["agent"] for item in book.store.history(cid)] == ["sue", "bob"]


async def test_note_on_an_unknown_call_is_404_no_such_call(contacts_broker: BrokerServer) -> None:
    status, answer = await note(contacts_broker, {"call_id": "nope", "disposition": "resolved"})
    assert (status, answer["error"]) == (404, "no-such-call")


async def test_note_for_an_unknown_contact_id_is_404_no_such_contact(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    finished_call(contacts_broker, "call-1", [])
    body = {"call_id": "call-1", "disposition": "resolved", "contact_id": 999}
    status, answer = await note(contacts_broker, body)
    assert (status, answer["error"]) == (404, "no-such-contact")


@pytest.mark.parametrize("matched", [0, 2])
async def test_note_without_contact_id_needs_exactly_one_match_else_409(
    contacts_broker: BrokerServer, book: ContactDirectory, matched: int
) -> None:
    ids = [add(book, f"Twin {n}") for n in range(matched)]
    finished_call(contacts_broker, "call-1", [{"id": cid} for cid in ids])
    status, answer = await note(contacts_broker, {"call_id": "call-1", "disposition": "resolved"})
    assert (status, answer["error"]) == (409, "no-contact")
    assert "contact_id" in answer["message"]
    other = add(book, "Chosen")
    body = {"call_id": "call-1", "disposition": "resolved", "contact_id": other}
    assert (await note(contacts_broker, body))[0] == 201
    assert len(book.store.history(other)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"disposition": "resolved"}, "call_id"),
        ({"call_id": 5, "disposition": "resolved"}, "call_id"),
        ({"call_id": "call-1"}, "disposition"),
        ({"call_id": "call-1", "disposition": "sold"}, "disposition"),
        ({"call_id": "call-1", "disposition": "resolved", "notes": ["x"]}, "notes"),
        ({"call_id": "call-1", "disposition": "resolved", "notes": "x" * 10_001}, "notes"),
        ({"call_id": "call-1", "disposition": "resolved", "contact_id": "1"}, "contact_id"),
        ({"call_id": "call-1", "disposition": "resolved", "contact_id": True}, "contact_id"),
        ({"call_id": "call-1", "disposition": "resolved", "contact_id": -3}, "contact_id"),
    ],
)
async def test_note_with_bad_fields_is_400_naming_the_field(
    start_broker: StartServer, book: ContactDirectory, body: dict[str, Any], field: str
) -> None:
    server = await start_broker(directory=book, contacts=book, max_msg_size=64 * 1024)
    cid = add(book)
    finished_call(server, "call-1", [{"id": cid}])
    status, answer = await note(server, body)
    assert (status, answer["error"]) == (400, "bad-args")
    assert field in answer["message"]
    assert book.store.history(cid) == []


async def test_note_with_a_body_that_is_not_json_is_400_bad_frame(
    contacts_broker: BrokerServer,
) -> None:
    url = f"{contacts_broker.url}/api/interactions"
    async with contacts_broker.http.post(url, data=b"call_id=1", headers=headers("alice")) as r:
        assert (r.status, (await r.json())["error"]) == (400, "bad-frame")


async def test_note_body_over_max_msg_size_is_413(contacts_broker: BrokerServer) -> None:
    body = {"call_id": "call-1", "disposition": "resolved", "notes": "x" * 5000}
    status, answer = await note(contacts_broker, body)
    assert (status, answer["error"]) == (413, "too-large")
