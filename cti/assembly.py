"""Config → the parts' own settings objects: plain builders that start nothing.

Kept apart from `cti.app` so the translation from admin-facing options to each part's
settings is testable without sockets, and `cti.app` only wires and runs.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import cast

from cti.agents.roster import AgentProfile
from cti.broker import AgentDirectory, AgentIdentity, BrokerSettings, DesktopSettings
from cti.broker.auth import Role
from cti.calls.extensions import ExtensionRules
from cti.config import OPTIONS_BY_KEY, Config
from cti.config.agents import AgentAccount
from cti.config.records_options import RECORDS_FILE_NAME
from cti.lookup import (
    ContactSource,
    ContactStore,
    CsvSource,
    HttpSource,
    LookupService,
    LookupSettings,
    SecretStr,
    StoreSource,
)


def broker_settings(config: Config, port: int | None = None) -> BrokerSettings:
    """``port`` overrides the configured one (0 in tests: any free port)."""
    broker = config.broker
    return BrokerSettings(
        host=broker.host,
        port=broker.port if port is None else port,
        journal_size=broker.journal_size,
        send_queue_size=broker.send_queue_size,
        max_msg_size=broker.max_msg_size,
        hello_timeout=broker.hello_timeout,
        max_pending_hellos=broker.max_pending_hellos,
        allowed_origins=frozenset(broker.allowed_origins),
    )


def accounts(config: Config) -> tuple[AgentAccount, ...]:
    return config.secrets.broker_agents or ()


def agent_directory(config: Config) -> AgentDirectory:
    return AgentDirectory(
        {
            account.token: AgentIdentity(
                account.agent_id, account.extension, cast(Role, account.role)
            )
            for account in accounts(config)
        }
    )


def agent_profiles(config: Config) -> list[AgentProfile]:
    """The agents the config names: each extension of ``broker.agents`` (an agent's id
    before a supervisor's on a shared extension), with its queues where the ``agents``
    option names them. A supervisor's own extension is named too, but is an agent only
    with queues or once it takes part in a call or a queue."""
    ids: dict[str, str] = {}
    agents: set[str] = set()
    for account in sorted(accounts(config), key=lambda a: a.role == "supervisor"):
        ids.setdefault(account.extension, account.agent_id)
        if account.role != "supervisor":
            agents.add(account.extension)
    configured = config.agents or {}  # without it, an agent's queues are those it is seen in
    return [
        AgentProfile(
            ext,
            ids.get(ext),
            tuple(configured[ext].queues) if ext in configured else (),
            agent=ext in agents or ext in configured,
        )
        for ext in sorted(set(ids) | set(configured))
    ]


def extension_rules(config: Config) -> ExtensionRules:
    return ExtensionRules.from_strings(list(config.calls.channel_patterns))


def tls_context(config: Config) -> ssl.SSLContext | None:
    """A server TLS context when both a certificate and its key are configured."""
    cert, key = config.broker.tls_cert, config.broker.tls_key
    if cert is None or key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def lookup_settings(config: Config) -> LookupSettings:
    lookup = config.lookup
    return LookupSettings(
        default_region=config.numbers.default_region,
        match_last_digits=config.numbers.match_last_digits,
        budget_seconds=lookup.budget_seconds,
        cache_ttl=lookup.cache_ttl,
        cache_size=lookup.cache_size,
        http_timeout=lookup.crm_timeout,
        mode=lookup.mode,
    )


def build_lookup(config: Config) -> tuple[LookupService, ContactStore]:
    """The lookup service and the store it reads; blocking (opens SQLite, reads CSVs).

    Raises OSError, ValueError or ContactFileError when a file cannot be used.
    """
    settings = lookup_settings(config)
    tail = settings.match_last_digits
    store = ContactStore(Path(config.lookup.database), tail_length=tail)
    sources: list[ContactSource] = [StoreSource(store, settings.history_limit)]
    for index, name in enumerate(config.lookup.csv_files, start=1):
        path = Path(name)
        source_name = f"csv{index}:{path.stem}"
        sources.append(CsvSource.load(path, settings.default_region, tail, source_name))
    if config.lookup.crm_url is not None:
        header = config.secrets.lookup_crm_auth_header
        sources.append(
            HttpSource(
                config.lookup.crm_url,
                auth_header=None if header is None else SecretStr(header),
                timeout=config.lookup.crm_timeout,
            )
        )
    try:
        return LookupService(sources, settings), store
    except Exception:
        store.close()
        raise


def records_path(config: Config) -> Path:
    """``records.path``, else the records file next to the contact database."""
    if config.records.path is not None:
        return Path(config.records.path)
    return Path(config.lookup.database).parent / RECORDS_FILE_NAME


def desktop_settings(config: Config) -> DesktopSettings:
    return DesktopSettings(config.desktop.crm_url, config.desktop.dispositions)


def changed_keys(old: Config, new: Config) -> list[str]:
    """Changed options that are not secret: secrets are compared without naming values."""
    return [
        key
        for key, value in new.values.items()
        if not OPTIONS_BY_KEY[key].secret and old.values.get(key) != value
    ]


def lookup_changed(old: Config, new: Config) -> bool:
    return (
        old.lookup != new.lookup
        or old.numbers != new.numbers
        or old.secrets.lookup_crm_auth_header != new.secrets.lookup_crm_auth_header
    )
