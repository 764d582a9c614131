"""Options of the server's broker and lookup sections (the rest are in `options`)."""

from __future__ import annotations

from collections.abc import Mapping

from cti.config.agents import AgentMap
from cti.config.option import Option, Rule
from cti.config.types import Choice, Float, Int, Optional, Str, StrList


def _tls_pair(values: Mapping[str, object]) -> bool:
    return (values["broker.tls_cert"] is None) == (values["broker.tls_key"] is None)


BROKER_OPTIONS: tuple[Option, ...] = (
    Option("broker.host", Str(), "127.0.0.1", "Address the broker listens on."),
    Option("broker.port", Int(1, 65535), 8765, "TCP port the broker listens on."),
    Option(
        "broker.journal_size",
        Int(minimum=1),
        1000,
        "Events kept per agent, so a desktop that reconnects gets what it missed.",
    ),
    Option(
        "broker.send_queue_size",
        Int(minimum=1),
        256,
        "Frames waiting per connection before the desktop counts as too slow.",
    ),
    Option(
        "broker.max_msg_size",
        Int(minimum=1024),
        65536,
        "Largest frame or request body a desktop may send, in bytes.",
    ),
    Option(
        "broker.hello_timeout",
        Float(above=0),
        10.0,
        "Seconds a new WebSocket may stay silent before its hello.",
    ),
    Option(
        "broker.max_pending_hellos",
        Int(minimum=1),
        256,
        "WebSockets that may wait for their hello at once; when one more connects, "
        "the oldest waiting one is closed with 1013 (try again later).",
    ),
    Option(
        "broker.allowed_origins",
        StrList(),
        (),
        "Browser origins allowed to open the WebSocket; a request without Origin "
        "(the desktop) is always allowed.",
    ),
    Option(
        "broker.tls_cert",
        Optional(Str()),
        None,
        "PEM certificate file; with `broker.tls_key` the broker serves wss:// and https://.",
    ),
    Option("broker.tls_key", Optional(Str()), None, "PEM private key of `broker.tls_cert`."),
    Option(
        "broker.agents",
        AgentMap(),
        None,
        "Agents allowed to connect: for each agent id, the token its desktop presents, "
        "its extension and its role (`agent` or `supervisor`). Required by `cti serve`.",
        secret=True,
        example=(
            "alice:",
            "  token: change-me",
            "  extension: '1001'",
            "  role: agent",
        ),
    ),
)

LOOKUP_OPTIONS: tuple[Option, ...] = (
    Option(
        "lookup.database",
        Str(),
        "data/contacts.db",
        "SQLite contact store, relative to the working directory (`cti contacts` fills it).",
    ),
    Option(
        "lookup.budget_seconds",
        Float(above=0),
        0.3,
        "Longest wait for a contact before the pop goes out without one.",
    ),
    Option("lookup.cache_ttl", Float(above=0), 60.0, "Seconds a looked-up number is cached."),
    Option("lookup.cache_size", Int(minimum=1), 10000, "Numbers kept in the lookup cache."),
    Option(
        "lookup.mode",
        Choice(("parallel", "priority")),
        "parallel",
        "`parallel` asks every source at once; `priority` asks them one after another.",
    ),
    Option(
        "lookup.csv_files",
        StrList(),
        (),
        "CSV contact files searched after the database, in this order.",
    ),
    Option(
        "lookup.crm_url",
        Optional(Str()),
        None,
        "CRM lookup URL; `{e164}` and `{number}` are replaced by the caller's number.",
    ),
    Option("lookup.crm_timeout", Float(above=0), 0.25, "Seconds to wait for the CRM."),
    Option(
        "lookup.crm_auth_header",
        Optional(Str()),
        None,
        "Value of the Authorization header sent to the CRM, if it needs one.",
        secret=True,
    ),
)

TLS_RULE = Rule(
    "broker.tls_cert",
    ("broker.tls_key",),
    _tls_pair,
    "needs broker.tls_key, and the key needs the certificate",
    "set both for TLS, or neither",
)
