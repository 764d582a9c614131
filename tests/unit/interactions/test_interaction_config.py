"""The `interactions` section: built-in values, overrides per channel and form, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.config import ConfigError, load_config
from cti.interactions.settings import interaction_settings
from cti.protocol import AVAILABLE, ON_CALL, PAUSED


def test_defaults_give_three_chats_one_email_nothing_beside_a_call(tmp_path: Path) -> None:
    settings = interaction_settings(load_config(tmp_path).interactions)
    rules = settings.rules
    assert (rules.limit("chat", AVAILABLE), rules.limit("email", AVAILABLE)) == (3, 1)
    assert rules.limit("chat", ON_CALL) == 0
    assert rules.offer_timeout_seconds == 30.0
    assert settings.first_response == {"email": 14_400, "chat": 60, "webform": 3_600}
    assert settings.priority_of("chat") > settings.priority_of("webform")


def test_overrides_change_only_the_channels_and_forms_they_name(tmp_path: Path) -> None:
    (tmp_path / "cti.yaml").write_text(
        "interactions:\n"
        "  priority: {email: 7}\n"
        "  form_priority: {complaint: 9}\n"
        "  capacity: {chat: 5}\n"
        "  beside_call: {chat: 1}\n"
        "  offer_timeout_seconds: 45\n"
        "  first_response_seconds: {email: 3600}\n"
        "  skills: {'1001': [email]}\n",
        encoding="utf-8",
    )
    settings = interaction_settings(load_config(tmp_path).interactions)
    rules = settings.rules
    assert (rules.limit("chat", AVAILABLE), rules.limit("email", AVAILABLE)) == (5, 1)
    assert (rules.limit("chat", ON_CALL), rules.limit("chat", PAUSED)) == (1, 0)
    assert rules.offer_timeout_seconds == 45.0
    assert settings.first_response["email"] == 3600
    assert settings.first_response["chat"] == 60
    assert (settings.priority_of("email"), settings.priority_of("chat")) == (7, 2)
    assert settings.priority_of("webform", "complaint") == 9
    assert settings.priority_of("webform", "other") == 1
    assert (rules.skilled("1001", "chat"), rules.skilled("1001", "email")) == (False, True)
    assert rules.skilled("1002", "chat")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("capacity: {chta: 3}", "did you mean 'chat'?"),
        ("capacity: {chat: 99}", "interactions.capacity: chat: must be 0 to 50, got 99"),
        ("capacity: {chat: '3'}", "chat: expected an integer, got text"),
        ("capacity: 3", "interactions.capacity: expected a mapping of channels"),
        ("priority: {email: true}", "email: expected an integer"),
        ("form_priority: {contact: 500}", "contact: must be an integer from -100 to 100"),
        ("skills: {'1001': email}", "1001: expected a list of channels"),
        ("skills: {'1001': [fax]}", "1001: fax: is not a channel"),
        ("offer_timeout_seconds: 0", "interactions.offer_timeout_seconds"),
        ("first_response_seconds: {chat: 0}", "chat: must be 1 to 604800, got 0"),
    ],
)
def test_bad_interaction_options_are_refused_naming_the_key_and_why(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "cti.yaml").write_text(f"interactions:\n  {text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path)
    assert expected in str(refused.value)
