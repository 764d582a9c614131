"""Arguments several subcommands share, declared once."""

from __future__ import annotations

import argparse
from pathlib import Path

from cti.config import CONFIG_DIR_ENV


def add_config_argument(parser: argparse.ArgumentParser, purpose: str = "") -> None:
    """``--config DIR``: where cti.yaml and secrets.yaml live."""
    what = f"config directory{' ' + purpose if purpose else ''}"
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"{what} (default: ${CONFIG_DIR_ENV}, else ./config)",
    )
