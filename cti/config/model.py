"""The validated config as frozen, typed objects, built from the checked values.

Each section's field names are the option names of that section, so `build_config`
needs no per-option code. Secrets sit apart in `Secrets`, whose repr hides them.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from cti.config.agents import AgentAccount
from cti.config.call_options import Device
from cti.config.options import OPTIONS, OPTIONS_BY_KEY
from cti.config.problems import ConfigProblem
from cti.config.queue_options import AgentQueues
from cti.config.webform_options import FormMapping

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from cti.ami.settings import AmiSettings

_Section = TypeVar("_Section", bound="DataclassInstance")


@dataclass(frozen=True, slots=True)
class AmiConfig:
    host: str
    port: int
    username: str
    auth: Literal["md5", "plain"]
    connect_timeout: float
    action_timeout: float
    ping_interval: float
    reconnect_min: float
    reconnect_max: float
    max_frame_bytes: int


@dataclass(frozen=True, slots=True)
class CallsConfig:
    channel_patterns: tuple[str, ...]
    dial_channel: str
    dial_context: str
    dial_rules: tuple[str, ...]
    device: str
    devices: Mapping[str, Device] | None
    answer_notify_event: str
    answer_notify_models: tuple[str, ...]
    parking_lot: str
    parking_context: str
    park_timeout: int
    consult_timeout: int


@dataclass(frozen=True, slots=True)
class BrokerConfig:
    host: str
    port: int
    journal_size: int
    send_queue_size: int
    max_msg_size: int
    hello_timeout: float
    max_pending_hellos: int
    allowed_origins: tuple[str, ...]
    tls_cert: str | None
    tls_key: str | None


@dataclass(frozen=True, slots=True)
class LookupConfig:
    database: str
    budget_seconds: float
    cache_ttl: float
    cache_size: int
    mode: Literal["parallel", "priority"]
    csv_files: tuple[str, ...]
    crm_url: str | None
    crm_timeout: float


@dataclass(frozen=True, slots=True)
class AgiConfig:
    enabled: bool
    host: str
    port: int
    budget_seconds: float
    max_connections: int
    max_line_bytes: int
    caller_name: Literal["if-missing", "always", "never"]
    name_from: Literal["exact", "suffix"]


@dataclass(frozen=True, slots=True)
class RecordsConfig:
    path: str | None
    keep_days: int


@dataclass(frozen=True, slots=True)
class QueuesConfig:
    pause_reasons: tuple[str, ...]
    wrapup_seconds: int
    wrapup_by_queue: Mapping[str, int] | None
    service_level_seconds: int
    short_abandon_seconds: int
    short_abandons: Literal["exclude", "count"]
    announce_waiting: bool


@dataclass(frozen=True, slots=True)
class ReportsConfig:
    timezone: str
    interval_minutes: int
    target_service_level: float
    shrinkage: float


@dataclass(frozen=True, slots=True)
class InteractionsConfig:
    priority: Mapping[str, int] | None
    form_priority: Mapping[str, int] | None
    capacity: Mapping[str, int] | None
    beside_call: Mapping[str, int] | None
    offer_timeout_seconds: int
    reoffer_after_seconds: int
    first_response_seconds: Mapping[str, int] | None
    skills: Mapping[str, tuple[str, ...]] | None
    agent_names: Mapping[str, str] | None


@dataclass(frozen=True, slots=True)
class EmailConfig:
    """The `email` section without its passwords (those are in `Secrets`)."""

    enabled: bool
    imap_host: str
    imap_port: int
    imap_tls: Literal["tls", "starttls", "none"]
    imap_user: str | None
    mailbox: str
    poll_seconds: float
    idle: bool
    smtp_host: str
    smtp_port: int
    smtp_tls: Literal["starttls", "tls", "none"]
    smtp_user: str | None
    from_address: str | None
    domain: str | None
    state_directory: str | None
    max_message_bytes: int
    max_attachment_bytes: int
    max_total_attachment_bytes: int
    max_attachments: int
    max_text_chars: int


@dataclass(frozen=True, slots=True)
class NumbersConfig:
    default_region: str
    match_last_digits: int


@dataclass(frozen=True, slots=True)
class ChatConfig:
    enabled: bool
    allowed_origins: tuple[str, ...]
    demo_page: bool
    trusted_proxies: tuple[str, ...]
    hello_timeout: float
    max_frame_bytes: int
    max_text_chars: int
    messages_per_second: float
    message_burst: int
    address_messages_per_second: float
    address_message_burst: int
    chats_per_minute: float
    chat_burst: int


@dataclass(frozen=True, slots=True)
class WebformsConfig:
    forms: Mapping[str, FormMapping] | None
    max_body_bytes: int
    max_fields: int
    max_field_name_chars: int
    max_value_chars: int
    replay_window: float


@dataclass(frozen=True, slots=True)
class DesktopConfig:
    crm_url: str | None
    dispositions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"]


@dataclass(frozen=True, slots=True)
class Secrets:
    """Secret values, None when unset. Field names are the keys with '_' for '.'."""

    ami_secret: str | None
    broker_agents: tuple[AgentAccount, ...] | None
    lookup_crm_auth_header: str | None
    email_imap_password: str | None
    email_smtp_password: str | None
    webforms_secrets: Mapping[str, str] | None

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{item.name}={'<set>' if getattr(self, item.name) else '<unset>'}"
            for item in fields(self)
        )
        return f"Secrets({shown})"


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated config. ``notes`` are the warnings found while loading."""

    ami: AmiConfig
    calls: CallsConfig
    broker: BrokerConfig
    lookup: LookupConfig
    agi: AgiConfig
    records: RecordsConfig
    queues: QueuesConfig
    agents: Mapping[str, AgentQueues] | None
    """The `agents` map: each agent extension's queue memberships (None: none set)."""
    reports: ReportsConfig
    interactions: InteractionsConfig
    email: EmailConfig
    numbers: NumbersConfig
    chat: ChatConfig
    webforms: WebformsConfig
    desktop: DesktopConfig
    logging: LoggingConfig
    secrets: Secrets
    directory: Path
    files_read: tuple[Path, ...]
    notes: tuple[ConfigProblem, ...]
    values: Mapping[str, object] = field(repr=False, compare=False)

    def get(self, key: str) -> object:
        """The value of a dotted key such as ``"ami.port"``; KeyError names a close key."""
        if key not in self.values:
            close = difflib.get_close_matches(key, list(self.values), n=1)
            suffix = f" (did you mean {close[0]!r}?)" if close else ""
            raise KeyError(f"no config option {key!r}{suffix}")
        return self.values[key]


def _section(build: type[_Section], prefix: str, values: Mapping[str, Any]) -> _Section:
    return build(**{item.name: values[f"{prefix}.{item.name}"] for item in fields(build)})


def build_config(
    values: Mapping[str, object],
    directory: Path,
    files_read: tuple[Path, ...],
    notes: tuple[ConfigProblem, ...],
) -> Config:
    """`Config` from a value for every declared option (already type-checked)."""
    missing = set(OPTIONS_BY_KEY) - set(values)
    if missing:
        raise ValueError(f"no value for {sorted(missing)}")
    secret_values: dict[str, Any] = {
        option.key.replace(".", "_"): values[option.key] for option in OPTIONS if option.secret
    }
    return Config(
        ami=_section(AmiConfig, "ami", values),
        calls=_section(CallsConfig, "calls", values),
        broker=_section(BrokerConfig, "broker", values),
        lookup=_section(LookupConfig, "lookup", values),
        agi=_section(AgiConfig, "agi", values),
        records=_section(RecordsConfig, "records", values),
        queues=_section(QueuesConfig, "queues", values),
        agents=_agents(values["agents"]),
        reports=_section(ReportsConfig, "reports", values),
        interactions=_section(InteractionsConfig, "interactions", values),
        email=_section(EmailConfig, "email", values),
        numbers=_section(NumbersConfig, "numbers", values),
        chat=_section(ChatConfig, "chat", values),
        webforms=_webforms(values),
        desktop=_section(DesktopConfig, "desktop", values),
        logging=_section(LoggingConfig, "logging", values),
        secrets=Secrets(**secret_values),
        directory=directory,
        files_read=files_read,
        notes=notes,
        values=MappingProxyType(dict(values)),
    )


def _webforms(values: Mapping[str, Any]) -> WebformsConfig:
    forms = values["webforms.forms"]
    section = _section(WebformsConfig, "webforms", values)
    if forms is None:
        return section
    return replace(section, forms=MappingProxyType(dict(forms)))


def _agents(value: object) -> Mapping[str, AgentQueues] | None:
    if value is None:
        return None
    assert isinstance(value, dict)  # AgentQueueMap's result
    return MappingProxyType(value)


def ami_settings(config: Config) -> AmiSettings:
    """The AMI client's settings; call only with a config loaded with secrets required."""
    from cti.ami.settings import AmiSettings

    if config.secrets.ami_secret is None:
        raise ValueError("ami.secret is not set; load the config with require_secrets=True")
    ami = config.ami
    return AmiSettings(
        host=ami.host,
        port=ami.port,
        username=ami.username,
        secret=config.secrets.ami_secret,
        auth=ami.auth,
        connect_timeout=ami.connect_timeout,
        action_timeout=ami.action_timeout,
        ping_interval=ami.ping_interval,
        reconnect_min=ami.reconnect_min,
        reconnect_max=ami.reconnect_max,
        max_frame_bytes=ami.max_frame_bytes,
    )
