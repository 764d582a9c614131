"""Subcommands of ``cti``. Each module offers ``register(subparsers)``, which adds its
parser and sets ``run`` (a function taking the parsed args and returning an exit code)."""

from __future__ import annotations

from types import ModuleType

from cti.commands import (
    check_config,
    contacts,
    demo,
    lookup,
    records,
    reload,
    replay,
    report,
    serve,
)

COMMANDS: tuple[ModuleType, ...] = (
    demo,
    replay,
    check_config,
    contacts,
    records,
    lookup,
    serve,
    reload,
    report,
)
