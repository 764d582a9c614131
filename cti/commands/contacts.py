"""``cti contacts import FILE``: load contacts from CSV or vCard into the SQLite store.

Exit status: 0 all rows imported, 1 some rows rejected (the rest imported), 2 nothing
imported because the file is unusable (the database is left unchanged).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import phonenumbers

from cti.commands.arguments import add_config_argument
from cti.config import ConfigError, load_config
from cti.lookup import DEFAULT_DB_PATH, ContactFileError, ContactStore, ProgressBar
from cti.lookup.importer import import_contacts


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "contacts", help="manage the contact store", description="Manage the contact store."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "import",
        help="import contacts from a CSV or vCard file",
        description=(
            "Imports FILE (CSV with name and phone columns, or vCard 3.0/4.0) in one "
            "transaction. Rows with errors are reported with their line number and skipped; "
            "a file that is not CSV/vCard or cannot be read imports nothing. Exit status: "
            "0 all imported, 1 some rows rejected, 2 nothing imported."
        ),
    )
    load.add_argument("file", type=Path, help="CSV or vCard file")
    load.add_argument(
        "--db",
        type=Path,
        default=DEFAULT_DB_PATH,
        help=f"contact store (default: {DEFAULT_DB_PATH})",
    )
    load.add_argument(
        "--region",
        default=None,
        help="region for national numbers, e.g. US, GB, DE "
        "(default: numbers.default_region from config)",
    )
    add_config_argument(load)
    load.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    try:
        numbers = load_config(args.config).numbers
    except ConfigError as exc:
        print(f"cti contacts: {exc}", file=sys.stderr)
        return 2
    region = (args.region or numbers.default_region).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        print(f"cti contacts: unknown region {region!r} (use e.g. US, GB, DE)", file=sys.stderr)
        return 2
    store = ContactStore(args.db, numbers.match_last_digits)
    try:
        report = import_contacts(store, args.file, region, ProgressBar(sys.stderr))
    except ContactFileError as exc:
        print(f"cti contacts: {args.file}: {exc}; nothing imported", file=sys.stderr)
        return 2
    finally:
        store.close()
    for rejection in report.rejected:
        print(f"cti contacts: {args.file}:{rejection.line}: rejected: {rejection.reason}")
    print(
        f"imported {report.imported} contacts from {args.file} ({report.format}) "
        f"into {args.db}; rejected {len(report.rejected)}"
    )
    return 1 if report.rejected else 0
