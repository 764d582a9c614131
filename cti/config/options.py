"""Every config option, declared once: key, type, default, description, flags.

The loader, the generated ``config/cti.yaml``, ``cti check-config`` and the docs test all
read this table, so an option exists everywhere as soon as it is declared here. To add a
section, add its description to `SECTIONS`, declare its options (the broker's and the
lookup's live in `server_options`), and give `Config` a typed section
(``cti/config/model.py``); a test fails until all three agree.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from cti.calls.extensions import DEFAULT_CHANNEL_PATTERNS, ExtensionRules
from cti.config.agi_options import AGI_OPTIONS, AGI_SECTION
from cti.config.call_options import CALL_CONTROL_OPTIONS
from cti.config.chat_options import ADDRESS_BUDGET_RULE, CHAT_OPTIONS, CHAT_SECTION
from cti.config.desktop_options import DESKTOP_OPTIONS
from cti.config.email_options import EMAIL_OPTIONS, EMAIL_RULES, EMAIL_SECTION
from cti.config.interaction_options import INTERACTION_OPTIONS, INTERACTIONS_SECTION
from cti.config.option import (
    LOG_LEVELS,
    MAIN_FILE,
    PLACEHOLDER_SECRET,
    SECRETS_EXAMPLE_FILE,
    SECRETS_FILE,
    Option,
    Rule,
)
from cti.config.queue_options import (
    AGENTS_NEED_ACCOUNTS,
    AGENTS_OPTION,
    AGENTS_SECTION,
    QUEUE_OPTIONS,
    QUEUES_SECTION,
)
from cti.config.records_options import RECORDS_OPTIONS, RECORDS_SECTION
from cti.config.report_options import REPORT_OPTIONS, REPORTS_SECTION
from cti.config.server_options import BROKER_OPTIONS, LOOKUP_OPTIONS, TLS_RULE
from cti.config.types import Choice, Float, Int, RegexList, Region, Str, Template
from cti.config.webform_options import FORMS_NEED_SECRETS, WEBFORM_OPTIONS, WEBFORMS_SECTION

__all__ = [
    "LOG_LEVELS",
    "MAIN_FILE",
    "OPTIONS",
    "OPTIONS_BY_KEY",
    "PLACEHOLDER_SECRET",
    "RULES",
    "SECRETS_EXAMPLE_FILE",
    "SECRETS_FILE",
    "SECTIONS",
    "Option",
    "Rule",
    "suggest",
]


def _reconnect_range(values: Mapping[str, object]) -> bool:
    low, high = values["ami.reconnect_min"], values["ami.reconnect_max"]
    return isinstance(low, float) and isinstance(high, float) and low <= high


def _check_channel_pattern(text: str) -> None:
    ExtensionRules.from_strings([text])


SECTIONS: dict[str, str] = {
    "ami": "Connection to the Asterisk Manager Interface (AMI); see manager.conf on the PBX.",
    "calls": "How channels are turned into calls and agents.",
    "broker": "The agents' WebSocket and REST endpoint, and who may connect to it.",
    "lookup": "Finding the caller's contact record for the screen-pop.",
    "agi": AGI_SECTION,
    "records": RECORDS_SECTION,
    "queues": QUEUES_SECTION,
    "agents": AGENTS_SECTION,
    "reports": REPORTS_SECTION,
    "interactions": INTERACTIONS_SECTION,
    "email": EMAIL_SECTION,
    "numbers": "Phone number normalisation and matching.",
    "chat": CHAT_SECTION,
    "webforms": WEBFORMS_SECTION,
    "desktop": "What the agent desktop is told when it connects: CRM link and call outcomes.",
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
        "calls.dial_channel",
        Template(fields=("{extension}",)),
        "PJSIP/{extension}",
        "Device an agent's click-to-dial rings first (AMI Originate `Channel`); "
        "`{extension}` is replaced by the agent's extension.",
    ),
    Option(
        "calls.dial_context",
        Str(),
        "from-internal",
        "Dialplan context the dialled number is sent to once the agent answers.",
    ),
    *CALL_CONTROL_OPTIONS,
    *BROKER_OPTIONS,
    *LOOKUP_OPTIONS,
    *AGI_OPTIONS,
    *RECORDS_OPTIONS,
    *QUEUE_OPTIONS,
    AGENTS_OPTION,
    *REPORT_OPTIONS,
    *INTERACTION_OPTIONS,
    *EMAIL_OPTIONS,
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
    *CHAT_OPTIONS,
    *WEBFORM_OPTIONS,
    *DESKTOP_OPTIONS,
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
    TLS_RULE,
    AGENTS_NEED_ACCOUNTS,
    *EMAIL_RULES,
    ADDRESS_BUDGET_RULE,
    FORMS_NEED_SECRETS,
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
