"""Every config option, declared once: key, type, default, description, flags.

The loader, the generated ``config/cti.yaml``, ``cti check-config`` and the docs test all
read this table, so an option exists everywhere as soon as it is declared here. To add a
section, add its description to `SECTIONS`, declare its options, and give `Config` a
typed section (``cti/config/model.py``); a test fails until all three agree.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from cti.calls.extensions import DEFAULT_CHANNEL_PATTERNS, ExtensionRules
from cti.config.types import Choice, Float, Int, RegexList, Region, Str, ValueType

MAIN_FILE = "cti.yaml"
SECRETS_FILE = "secrets.yaml"
SECRETS_EXAMPLE_FILE = "secrets.example.yaml"
PLACEHOLDER_SECRET = "change-me"
"""The value in secrets.example.yaml; a copied but unedited file counts as unset."""

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True, slots=True)
class Option:
    """One option. ``secret`` options live in secrets.yaml and their values are never shown.

    A secret whose default is None must be set before `cti serve` will start.
    """

    key: str
    type: ValueType
    default: object
    description: str
    secret: bool = False

    @property
    def section(self) -> str:
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]

    @property
    def file(self) -> str:
        return SECRETS_FILE if self.secret else MAIN_FILE


@dataclass(frozen=True, slots=True)
class Rule:
    """A condition between options that no single type can check, reported on ``key``."""

    key: str
    others: tuple[str, ...]
    holds: Callable[[Mapping[str, object]], bool]
    message: str
    hint: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *self.others)


def _reconnect_range(values: Mapping[str, object]) -> bool:
    low, high = values["ami.reconnect_min"], values["ami.reconnect_max"]
    return isinstance(low, float) and isinstance(high, float) and low <= high


def _check_channel_pattern(text: str) -> None:
    ExtensionRules.from_strings([text])


SECTIONS: dict[str, str] = {
    "ami": "Connection to the Asterisk Manager Interface (AMI); see manager.conf on the PBX.",
    "calls": "How channels are turned into calls and agents.",
    "numbers": "Phone number normalisation and matching.",
    "logging": "Logging of the server process.",
}

OPTIONS: tuple[Option, ...] = (
    Option("ami.host", Str(), "127.0.0.1", "Host name or address of the Asterisk server."),
    Option("ami.port", Int(1, 65535), 5038, "TCP port of the AMI (manager.conf `port`)."),
    Option("ami.username", Str(), "cti", "AMI user, a `[section]` of manager.conf."),
    Option(
        "ami.auth",
        Choice(("md5", "plain")),
        "md5",
        "How to log in: `md5` challenge-response keeps the secret off the wire; "
        "`plain` sends it as is.",
    ),
    Option(
        "ami.connect_timeout",
        Float(above=0),
        5.0,
        "Seconds to wait for the TCP connection and the login to succeed.",
    ),
    Option("ami.action_timeout", Float(above=0), 10.0, "Seconds to wait for an action's reply."),
    Option(
        "ami.ping_interval",
        Float(above=0),
        20.0,
        "Seconds between keep-alive Pings; an unanswered Ping makes the client reconnect.",
    ),
    Option(
        "ami.reconnect_min",
        Float(above=0),
        0.5,
        "First delay, in seconds, before reconnecting after the connection drops.",
    ),
    Option(
        "ami.reconnect_max",
        Float(above=0),
        30.0,
        "Longest delay, in seconds, between reconnect attempts (the delay doubles up to it).",
    ),
    Option(
        "ami.max_frame_bytes",
        Int(minimum=4096),
        1048576,
        "Largest AMI message kept, in bytes; a bigger one is dropped, so memory stays bounded.",
    ),
    Option(
        "ami.secret",
        Str(),
        None,
        "Secret of the AMI user (manager.conf `secret`). Required by `cti serve`.",
        secret=True,
    ),
    Option(
        "calls.channel_patterns",
        RegexList(min_items=1, check=_check_channel_pattern),
        DEFAULT_CHANNEL_PATTERNS,
        "Regular expressions that recognise an agent's channel. Each must capture the "
        "extension in a named group `(?P<ext>...)`; the first that matches wins. "
        "Channels that match none (trunks) never belong to an agent.",
    ),
    Option(
        "numbers.default_region",
        Region(),
        "US",
        "Country of the PBX: national numbers are read as numbers of this region.",
    ),
    Option(
        "numbers.match_last_digits",
        Int(4, 15),
        9,
        "When no exact E.164 match exists, a contact matches on this many trailing digits.",
    ),
    Option(
        "logging.level",
        Choice(LOG_LEVELS),
        "INFO",
        "Least severe log level written by the server.",
    ),
)

OPTIONS_BY_KEY: dict[str, Option] = {option.key: option for option in OPTIONS}

RULES: tuple[Rule, ...] = (
    Rule(
        "ami.reconnect_min",
        ("ami.reconnect_max",),
        _reconnect_range,
        "must not be greater than ami.reconnect_max",
        "the delay starts at reconnect_min and doubles up to reconnect_max",
    ),
)


def _section_names() -> tuple[str, ...]:
    """Every dotted prefix of a declared key: 'ami', and 'a.b' for a key 'a.b.c'."""
    names: dict[str, None] = {}
    for option in OPTIONS:
        parts = option.key.split(".")
        for end in range(1, len(parts)):
            names[".".join(parts[:end])] = None
    return tuple(names)


SECTION_NAMES: tuple[str, ...] = _section_names()


def suggest(path: str, candidates: Iterable[str] | None = None) -> str | None:
    """The closest declared key or section to a misspelt one, for a "did you mean"."""
    pool = list(candidates) if candidates is not None else [*SECTION_NAMES, *OPTIONS_BY_KEY]
    matches = difflib.get_close_matches(path, pool, n=1, cutoff=0.6)
    if matches:
        return matches[0]
    name = path.rpartition(".")[2]
    same_name = [key for key in pool if key.rpartition(".")[2] == name]
    return same_name[0] if same_name else None
