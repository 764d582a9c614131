"""The `chat` section: safe defaults, every bad value named with a hint, and the settings
the chat service is built with."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from cti.channels.chat import ChatLimits, ChatSettings
from cti.config import ConfigError, ConfigProblem, load_config
from cti.config.chat_options import chat_settings


def load_chat(directory: Path, body: str) -> ChatSettings:
    (directory / "cti.yaml").write_text("chat:\n" + body, encoding="utf-8")
    return chat_settings(load_config(directory).chat)


def errors(directory: Path, body: str) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        load_chat(directory, body)
    return [problem for problem in caught.value.problems if problem.is_error]


def test_defaults_serve_no_chat_no_demo_and_let_no_site_open_one(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    settings = chat_settings(config.chat)
    assert config.chat.enabled is False
    assert settings.allowed_origins == frozenset()
    assert settings.demo_page is False
    assert settings.trusted_proxies == ()
    assert settings.limits == ChatLimits()
    assert (settings.hello_timeout, settings.max_frame_bytes, settings.max_text_chars) == (
        10.0,
        8192,
        2000,
    )


def test_every_chat_option_reaches_the_service_settings(tmp_path: Path) -> None:
    settings = load_chat(
        tmp_path,
        "  enabled: true\n"
        "  allowed_origins: ['https://www.example.com', 'http://127.0.0.1:8765']\n"
        "  demo_page: true\n"
        "  trusted_proxies: [10.0.0.5, '10.1.0.0/16', '::1']\n"
        "  hello_timeout: 4\n"
        "  max_frame_bytes: 2048\n"
        "  max_text_chars: 500\n"
        "  messages_per_second: 0.5\n"
        "  message_burst: 2\n"
        "  address_messages_per_second: 1.5\n"
        "  address_message_burst: 7\n"
        "  chats_per_minute: 3\n"
        "  chat_burst: 4\n",
    )
    assert settings.allowed_origins == {"https://www.example.com", "http://127.0.0.1:8765"}
    assert settings.demo_page is True
    assert settings.trusted_proxies == (
        ipaddress.ip_network("10.0.0.5"),
        ipaddress.ip_network("10.1.0.0/16"),
        ipaddress.ip_network("::1"),
    )
    assert (settings.hello_timeout, settings.max_frame_bytes, settings.max_text_chars) == (
        4.0,
        2048,
        500,
    )
    assert settings.limits == ChatLimits(0.5, 2, 1.5, 7, 3.0, 4)


def test_a_lone_star_lets_any_site_open_chats(tmp_path: Path) -> None:
    assert load_chat(tmp_path, "  allowed_origins: ['*']\n").allowed_origins is None


@pytest.mark.parametrize(
    ("body", "key", "message", "hint"),
    [
        ("  enabled: 'yes'\n", "chat.enabled", "true or false", None),
        ("  allowed_origins: https://a.example\n", "chat.allowed_origins", "a list", "- item"),
        (
            "  allowed_origins: ['*', 'https://a.example']\n",
            "chat.allowed_origins",
            "only entry",
            "remove the other",
        ),
        (
            "  allowed_origins: [www.example.com]\n",
            "chat.allowed_origins",
            "not an origin",
            "https://www.example.com",
        ),
        (
            "  allowed_origins: ['https://www.example.com/']\n",
            "chat.allowed_origins",
            "has a path",
            "write https://www.example.com",
        ),
        (
            "  allowed_origins: ['ftp://files.example.com']\n",
            "chat.allowed_origins",
            "not an origin",
            "scheme and host",
        ),
        (
            "  trusted_proxies: [proxy.example.com]\n",
            "chat.trusted_proxies",
            "not an IP address",
            "10.0.0.0/24",
        ),
        (
            "  trusted_proxies: ['10.0.0.5/24']\n",
            "chat.trusted_proxies",
            "not an IP address",
            "host bits must be zero",
        ),
        ("  demo_page: 1\n", "chat.demo_page", "true or false", None),
        ("  hello_timeout: 0\n", "chat.hello_timeout", "greater than 0", None),
        ("  max_frame_bytes: 100\n", "chat.max_frame_bytes", "1024", None),
        ("  max_text_chars: 0\n", "chat.max_text_chars", "1 to 100000", None),
        ("  messages_per_second: -1\n", "chat.messages_per_second", "greater than 0", None),
        ("  message_burst: 0\n", "chat.message_burst", "at least 1", None),
        ("  address_message_burst: 0.5\n", "chat.address_message_burst", "integer", None),
        ("  chats_per_minute: '6'\n", "chat.chats_per_minute", "number", "without quotes"),
        ("  chat_burst: 0\n", "chat.chat_burst", "at least 1", None),
        ("  max_chats: 3\n", "chat.max_chats", "unknown", None),
    ],
)
def test_a_bad_chat_value_is_refused_naming_its_key(
    tmp_path: Path, body: str, key: str, message: str, hint: str | None
) -> None:
    (problem,) = errors(tmp_path, body)
    assert problem.key == key, problem
    assert message in problem.message, problem
    if hint is not None:
        assert problem.hint is not None and hint in problem.hint, problem


def test_a_chat_may_not_outpace_its_whole_address(tmp_path: Path) -> None:
    body = "  messages_per_second: 4\n  address_messages_per_second: 2\n"
    (problem,) = errors(tmp_path, body)
    assert problem.key == "chat.messages_per_second"
    assert "chat.address_messages_per_second" in problem.message
    assert problem.hint is not None and "address budget" in problem.hint
