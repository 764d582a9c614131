"""``cti lookup NUMBER``: a dry run of the screen-pop lookup, like Superfecta's debug run."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import phonenumbers

from cti.commands.arguments import add_config_argument
from cti.config import ConfigError, load_config
from cti.lookup import (
    DEFAULT_DB_PATH,
    ContactFileError,
    ContactSource,
    ContactStore,
    CsvSource,
    HttpSource,
    LookupService,
    LookupSettings,
    SecretStr,
    StoreSource,
)
from cti.lookup.result import Answer, LookupResult
from cti.lookup.store import digits_tail


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "lookup",
        help="dry-run the contact lookup for one number, showing every source and its time",
        description=(
            "Normalises NUMBER, asks every contact source (SQLite store, then --csv files, "
            "then --crm-url) under the time budget, and prints each source's result and time "
            "and the contact a screen-pop would show. Changes nothing."
        ),
    )
    parser.add_argument("number", help="caller ID as Asterisk gives it, e.g. 4155550123")
    parser.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB_PATH,
        help=f"contact store (default: {DEFAULT_DB_PATH})",
    )
    parser.add_argument(
        "--region",
        default=None,
        help="region for national numbers, e.g. US, GB, DE "
        "(default: numbers.default_region from config)",
    )
    add_config_argument(parser)
    parser.add_argument(
        "--csv",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="also search this CSV or vCard file; repeatable",
    )
    parser.add_argument("--crm-url", help="CRM URL template with {number} or {e164}")
    parser.add_argument(
        "--crm-auth-env",
        metavar="VAR",
        help="environment variable holding the CRM auth header value (kept out of argv)",
    )
    parser.add_argument("--budget", type=float, default=0.3, help="seconds (default 0.3)")
    parser.set_defaults(run=run)


def _settings(args: argparse.Namespace) -> LookupSettings:
    numbers = load_config(args.config).numbers
    region = (args.region or numbers.default_region).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown region {region!r} (use e.g. US, GB, DE)")
    return LookupSettings(
        default_region=region,
        match_last_digits=numbers.match_last_digits,
        budget_seconds=args.budget,
        http_timeout=args.budget,
        cache_size=0,
    )


def _sources(args: argparse.Namespace, settings: LookupSettings) -> list[ContactSource]:
    sources: list[ContactSource] = []
    if args.db.exists():
        store = ContactStore(args.db, settings.match_last_digits)
        sources.append(StoreSource(store, settings.history_limit))
    else:
        print(f"store:      no database at {args.db} (skipped)")
    for number, path in enumerate(args.csv, start=1):
        name = "csv" if len(args.csv) == 1 else f"csv{number}"
        sources.append(
            CsvSource.load(path, settings.default_region, settings.match_last_digits, name)
        )
    if args.crm_url:
        secret = os.environ.get(args.crm_auth_env) if args.crm_auth_env else None
        auth = SecretStr(secret) if secret else None
        sources.append(HttpSource(args.crm_url, auth_header=auth, timeout=settings.http_timeout))
    return sources


def _describe(contact: dict[str, Any]) -> str:
    ident = f"#{contact['id']}" if contact.get("id") is not None else contact.get("crm_id") or "-"
    company = f" ({contact['company']})" if contact.get("company") else ""
    return f"{ident} {contact['name']}{company} [{contact.get('match')}]"


def _print_sources(answers: list[Answer]) -> None:
    for report, contacts in answers:
        took = f"{report.seconds * 1000:.2f} ms"
        detail = f"{report.count} contact(s)" if report.status == "ok" else report.error
        print(f"source {report.name}: {report.status}, {detail}, {took}")
        for contact in contacts:
            print(f"  {_describe(contact)}")


def _print_result(result: LookupResult) -> None:
    if result.contact is not None:
        print(f"result:     {result.match} match: {_describe(result.contact)}")
        for item in result.contact.get("history", []):
            print(f"  history {item['ts']} {item['channel']} {item['direction']} {item['outcome']}")
    elif result.matches:
        print(f"result:     {len(result.matches)} {result.match} matches, agent must choose")
    else:
        print("result:     no contact (pops as unknown caller)")


async def _dry_run(number: str, settings: LookupSettings, sources: list[ContactSource]) -> int:
    service = LookupService(sources, settings)
    try:
        result, answers = await service.explain(number)
    finally:
        await service.aclose()
    if result.number_e164 is None:
        print(f"number:     {number!r} is withheld, unknown or not a phone number")
        print("result:     never looked up; pops as unknown caller")
        return 0
    print(f"E.164:      {result.number_e164}")
    tail = digits_tail(result.number_e164, settings.match_last_digits)
    print(f"suffix key: {tail} (last {settings.match_last_digits} digits)")
    _print_sources(answers)
    _print_result(result)
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
    except (ConfigError, ValueError) as exc:
        print(f"cti lookup: {exc}", file=sys.stderr)
        return 2
    print(f"number:     {args.number!r}  region: {settings.default_region}")
    try:
        sources = _sources(args, settings)
    except ContactFileError as exc:
        print(f"cti lookup: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_dry_run(args.number, settings, sources))
