"""REST contacts on a real broker and a real SQLite file: search, read, create, lookup."""

from __future__ import annotations

from typing import Any

import pytest

from cti.lookup import ContactDirectory
from tests.integration.broker.conftest import BrokerServer, StartServer

ALICE = {"Authorization": "Bearer tok-alice"}


def add(book: ContactDirectory, name: str, number: str, **details: Any) -> int:
    return book.store.add_contact(name, [(number, number, "work")], **details)


async def get(server: BrokerServer, path: str, **kwargs: Any) -> tuple[int, Any]:
    kwargs.setdefault("headers", ALICE)
    async with server.http.get(f"{server.url}{path}", **kwargs) as response:
        return response.status, await response.json()


async def post(server: BrokerServer, path: str, body: Any, **kwargs: Any) -> tuple[int, Any]:
    kwargs.setdefault("headers", ALICE)
    async with server.http.post(f"{server.url}{path}", json=body, **kwargs) as response:
        return response.status, await response.json()


async def test_search_finds_by_name_company_or_number_within_limit(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    add(book, "Jörg Müller", "+33612345678", company="Acme")
    add(book, "Anna Acme", "+33698765432")
    add(book, "Zed", "+33155550000")
    status, body = await get(contacts_broker, "/api/contacts", params={"q": "acme"})
    assert status == 200
    assert [c["name"] for c in body["contacts"]] == ["Anna Acme", "Jörg Müller"]
    status, body = await get(contacts_broker, "/api/contacts", params={"q": "acme", "limit": "1"})
    assert [c["name"] for c in body["contacts"]] == ["Anna Acme"]
    status, body = await get(contacts_broker, "/api/contacts", params={"q": "5555"})
    assert [c["name"] for c in body["contacts"]] == ["Zed"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": " "},
        {"q": "a", "limit": "0"},
        {"q": "a", "limit": "201"},
        {"q": "a", "limit": "x"},
    ],
)
async def test_search_without_text_or_with_a_bad_limit_is_400(
    contacts_broker: BrokerServer, params: dict[str, str]
) -> None:
    status, body = await get(contacts_broker, "/api/contacts", params=params)
    assert (status, body["ok"], body["error"]) == (400, False, "bad-args")


async def test_show_gives_phones_and_the_newest_twenty_interactions_first(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    cid = add(book, "Jörg Müller", "+33612345678")
    for day in range(1, 26):
        book.store.add_interaction(cid, "phone", "inbound", ts=f"2026-10-{day:02d}T09:00:00+00:00")
    status, body = await get(contacts_broker, f"/api/contacts/{cid}")
    assert status == 200
    contact = body["contact"]
    assert contact["id"] == cid and contact["name"] == "Jörg Müller"
    assert contact["phones"] == [{"raw": "+33612345678", "e164": "+33612345678", "label": "work"}]
    assert len(contact["history"]) == 20
    assert contact["history"][0]["ts"].startswith("2026-10-25")
    assert contact["history"][-1]["ts"].startswith("2026-10-06")


async def test_show_unknown_contact_is_404_no_such_contact(contacts_broker: BrokerServer) -> None:
    status, body = await get(contacts_broker, "/api/contacts/4242")
    assert (status, body["error"]) == (404, "no-such-contact")


@pytest.mark.parametrize("contact_id", ["abc", "-1", "0", "1.5", "99999999999999999999"])
async def test_show_with_a_non_integer_id_is_400(
    contacts_broker: BrokerServer, contact_id: str
) -> None:
    status, body = await get(contacts_broker, f"/api/contacts/{contact_id}")
    assert (status, body["error"]) == (400, "bad-args")


async def test_lookup_alias_answers_like_contacts_lookup(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    add(book, "Jörg Müller", "+33612345678")
    _, old = await get(contacts_broker, "/api/contacts/lookup", params={"number": "0612345678"})
    status, new = await get(contacts_broker, "/api/lookup", params={"number": "0612345678"})
    assert status == 200 and new == old
    assert [m["name"] for m in new["matches"]] == ["Jörg Müller"]
    status, body = await get(contacts_broker, "/api/lookup")
    assert (status, body["error"]) == (400, "bad-args")


ROUTES = [
    ("GET", "/api/contacts?q=a"),
    ("GET", "/api/contacts/1"),
    ("GET", "/api/lookup?number=0612345678"),
    ("POST", "/api/contacts"),
    ("POST", "/api/interactions"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_contact_routes_without_a_store_are_503(
    start_broker: StartServer, method: str, path: str
) -> None:
    server = await start_broker()
    async with server.http.request(
        method, f"{server.url}{path}", json={}, headers=ALICE
    ) as response:
        assert response.status == 503
        assert (await response.json())["error"] == "not-configured"


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    ("headers", "error"), [({}, "no-token"), ({"Authorization": "Bearer nope"}, "bad-token")]
)
async def test_contact_routes_without_a_valid_token_are_401(
    contacts_broker: BrokerServer, method: str, path: str, headers: dict[str, str], error: str
) -> None:
    url = f"{contacts_broker.url}{path}"
    async with contacts_broker.http.request(method, url, json={}, headers=headers) as response:
        assert response.status == 401
        assert (await response.json())["error"] == error


async def test_create_stores_numbers_in_e164_and_the_contact_can_be_read_back(
    contacts_broker: BrokerServer,
) -> None:
    body = {
        "name": "Chloé Martin",
        "company": "Boulangerie",
        "email": "chloe@example.fr",
        "notes": "prefers mornings",
        "tags": ["vip", "vip", "bakery"],
        "phones": [{"number": "06 12 34 56 78", "label": "mobile"}, {"number": "+33140000000"}],
    }
    status, answer = await post(contacts_broker, "/api/contacts", body)
    assert status == 201 and answer["ok"] is True
    contact = answer["contact"]
    assert isinstance(contact["id"], int) and contact["tags"] == ["vip", "bakery"]
    assert [p["e164"] for p in contact["phones"]] == ["+33612345678", "+33140000000"]
    assert contact["phones"][0] == {
        "raw": "06 12 34 56 78",
        "e164": "+33612345678",
        "label": "mobile",
    }
    _, shown = await get(contacts_broker, f"/api/contacts/{contact['id']}")
    assert shown["contact"]["company"] == "Boulangerie" and shown["contact"]["history"] == []


async def test_a_created_contact_pops_at_once_despite_the_lookup_cache(
    contacts_broker: BrokerServer,
) -> None:
    _, before = await get(contacts_broker, "/api/lookup", params={"number": "0612345678"})
    assert before["matches"] == []  # now cached as unknown
    body = {"name": "New Caller", "phones": [{"number": "+33612345678"}]}
    assert (await post(contacts_broker, "/api/contacts", body))[0] == 201
    _, after = await get(contacts_broker, "/api/lookup", params={"number": "0612345678"})
    assert [m["name"] for m in after["matches"]] == ["New Caller"]


async def test_a_mail_or_chat_customer_is_created_with_an_email_and_no_number(
    contacts_broker: BrokerServer,
) -> None:
    body = {"name": "Mail Only", "email": "mail.only@example.net"}
    status, answer = await post(contacts_broker, "/api/contacts", body)
    assert status == 201, answer
    assert answer["contact"]["email"] == "mail.only@example.net"
    assert answer["contact"]["phones"] == []
    refused, _ = await post(contacts_broker, "/api/contacts", {"name": "Nobody", "phones": []})
    assert refused == 400  # neither a number nor an address: nothing to find it by


PHONE = [{"number": "+33612345678"}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phones": PHONE}, "name"),
        ({"name": "  ", "phones": PHONE}, "name"),
        ({"name": 7, "phones": PHONE}, "name"),
        ({"name": "x" * 201, "phones": PHONE}, "name"),
        ({"name": "A"}, "phones"),
        ({"name": "A", "phones": []}, "phones"),
        ({"name": "A", "phones": "+33612345678"}, "phones"),
        ({"name": "A", "phones": ["+33612345678"]}, "phones[0]"),
        ({"name": "A", "phones": [{"label": "x"}]}, "phones[0]"),
        ({"name": "A", "phones": [{"number": 612345678}]}, "phones[0]"),
        ({"name": "A", "phones": [*PHONE, {"number": "not a number"}]}, "phones[1]"),
        ({"name": "A", "phones": [{"number": "12"}]}, "phones[0]"),
        ({"name": "A", "phones": PHONE, "company": ["x"]}, "company"),
        ({"name": "A", "phones": PHONE, "email": "x" * 321}, "email"),
        ({"name": "A", "phones": PHONE, "tags": "vip"}, "tags"),
        ({"name": "A", "phones": PHONE, "tags": [1]}, "tags[0]"),
    ],
)
async def test_create_refuses_bad_fields_naming_the_field(
    contacts_broker: BrokerServer, book: ContactDirectory, body: dict[str, Any], field: str
) -> None:
    status, answer = await post(contacts_broker, "/api/contacts", body)
    assert (status, answer["ok"], answer["error"]) == (400, False, "bad-args")
    assert field in answer["message"]
    assert book.store.count() == 0


async def test_create_with_a_body_that_is_not_json_is_400_bad_frame(
    contacts_broker: BrokerServer,
) -> None:
    url = f"{contacts_broker.url}/api/contacts"
    async with contacts_broker.http.post(url, data=b"{name:", headers=ALICE) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "bad-frame"
    status, answer = await post(contacts_broker, "/api/contacts", ["a", "list"])
    assert (status, answer["error"]) == (400, "bad-frame")


async def test_a_body_over_max_msg_size_is_413_too_large(
    contacts_broker: BrokerServer, book: ContactDirectory
) -> None:
    body = {"name": "A", "phones": PHONE, "notes": "x" * 5000}  # the test broker allows 4096
    status, answer = await post(contacts_broker, "/api/contacts", body)
    assert (status, answer["ok"], answer["error"]) == (413, False, "too-large")
    assert book.store.count() == 0


@pytest.mark.parametrize("q", ["\x00", "ab\x00", "\x01", "a\tb", "\x7f", "\x9b"])
async def test_search_text_with_a_control_character_is_400_not_every_contact(
    contacts_broker: BrokerServer, book: ContactDirectory, q: str
) -> None:
    """SQLite cuts a LIKE pattern at a NUL: ``q=%00`` used to match every contact."""
    add(book, "Anna Acme", "+33698765432")
    add(book, "Zed", "+33155550000")
    status, body = await get(contacts_broker, "/api/contacts", params={"q": q})
    assert (status, body["error"]) == (400, "bad-args")
    assert "control" in body["message"]


async def test_store_search_with_a_nul_matches_nothing(book: ContactDirectory) -> None:
    """No stored text can be matched past a NUL by LIKE, so nothing matches (not everything)."""
    add(book, "Anna Acme", "+33698765432")
    assert book.store.search_contacts("\x00") == []
    assert book.store.search_contacts("Acme\x00") == []
    assert [c["name"] for c in book.store.search_contacts("acme")] == ["Anna Acme"]


@pytest.mark.parametrize(("q", "found"), [("%", ["100% Kiwi"]), ("_", ["a_b"]), ("\\", ["c\\d"])])
async def test_search_wildcards_are_literal(
    contacts_broker: BrokerServer, book: ContactDirectory, q: str, found: list[str]
) -> None:
    for index, name in enumerate(["100% Kiwi", "a_b", "c\\d", "Plain"]):
        add(book, name, f"+3361234567{index}")
    status, body = await get(contacts_broker, "/api/contacts", params={"q": q})
    assert status == 200
    assert [c["name"] for c in body["contacts"]] == found
