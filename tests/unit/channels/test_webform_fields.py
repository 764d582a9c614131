"""Web form bodies: fields kept as sent, within limits, and the mapping to the sender."""

from __future__ import annotations

import json

import pytest

from cti.channels.webform import FormRefused, WebForm, WebFormLimits, inbound_of, parse_fields

LIMITS = WebFormLimits(max_fields=4, max_field_name_chars=10, max_value_chars=20)
FORM = WebForm(
    "contact",
    "s",
    name_field="name",
    email_field="mail",
    phone_field="tel",
    subject_field="topic",
    text_field="message",
)


def refused(body: bytes, content_type: str = "application/json") -> FormRefused:
    with pytest.raises(FormRefused) as caught:
        parse_fields(body, content_type, LIMITS)
    return caught.value


def test_json_fields_are_kept_exactly_as_sent() -> None:
    sent = {"name": "  Jörg <b>", "mail": "J@X.Example", "message": "a\nb"}
    fields = parse_fields(json.dumps(sent).encode(), "application/json", LIMITS)
    assert fields == sent
    assert list(fields) == ["name", "mail", "message"]


def test_url_encoded_fields_are_kept_exactly_as_sent() -> None:
    body = b"name=J%C3%B6rg+M&mail=&message=hi%26bye"
    fields = parse_fields(body, "application/x-www-form-urlencoded", LIMITS)
    assert fields == {"name": "Jörg M", "mail": "", "message": "hi&bye"}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"\xff\xfe", "bad-body"),
        (b"{not json", "bad-body"),
        (b"[1, 2]", "bad-body"),
        (b"{}", "bad-body"),
        (b'{"age": 41}', "bad-field"),
        (b'{"tags": ["a"]}', "bad-field"),
        (b'{"": "x"}', "bad-field"),
        (b'{"a_very_long_name": "x"}', "bad-field"),
    ],
)
def test_bad_json_body_is_refused_with_a_reason(body: bytes, error: str) -> None:
    assert refused(body).error == error
    assert refused(body).status == 400


def test_repeated_url_encoded_field_is_refused() -> None:
    failure = refused(b"a=1&a=2", "application/x-www-form-urlencoded")
    assert (failure.status, failure.error) == (400, "bad-field")


def test_too_many_fields_are_refused_as_too_large() -> None:
    body = json.dumps({f"f{index}": "x" for index in range(5)}).encode()
    assert (refused(body).status, refused(body).error) == (413, "too-many-fields")


def test_too_long_value_is_refused_as_too_large() -> None:
    body = json.dumps({"message": "x" * 21}).encode()
    assert (refused(body).status, refused(body).error) == (413, "field-too-long")


def test_mapping_finds_name_lower_cased_email_and_phone() -> None:
    fields = {"name": " Ann Lee ", "mail": " Ann@Example.COM", "tel": "+44 20 7946 0000"}
    sender = inbound_of(FORM, fields, 1.0).sender
    assert (sender.name, sender.email, sender.phone) == (
        "Ann Lee",
        "ann@example.com",
        "+44 20 7946 0000",
    )


def test_empty_or_missing_mapped_fields_give_no_sender_details() -> None:
    sender = inbound_of(FORM, {"name": "   ", "message": "hello"}, 1.0).sender
    assert (sender.name, sender.email, sender.phone) == (None, None, None)


def test_inbound_carries_form_fields_subject_and_text() -> None:
    fields = {"topic": "Refund", "message": "Where is my money?", "order": "A-17"}
    inbound = inbound_of(FORM, fields, 123.5)
    assert inbound.channel == "webform"
    assert inbound.form == "contact"
    assert inbound.thread_key.startswith("contact:")
    # the message first, then every other field as sent: the agent sees the whole form
    assert inbound.subject == "Refund"
    assert inbound.text == "Where is my money?\n\ntopic: Refund\norder: A-17"
    assert inbound.fields == fields
    assert inbound.received_at == 123.5


def test_without_a_text_field_the_text_lists_every_field() -> None:
    inbound = inbound_of(WebForm("quote", "s"), {"size": "XL", "colour": "red"}, 1.0)
    assert inbound.text == "size: XL\ncolour: red"
    assert inbound.subject == "Web form quote"


def test_each_submission_gets_its_own_thread() -> None:
    first = inbound_of(FORM, {"message": "x"}, 1.0)
    second = inbound_of(FORM, {"message": "x"}, 1.0)
    assert first.thread_key != second.thread_key
    assert first.message_id != second.message_id
