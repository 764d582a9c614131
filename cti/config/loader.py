"""Loading ``cti.yaml`` and ``secrets.yaml`` into a `Config`, collecting every problem.

Start-up either gets a complete, valid `Config` or a `ConfigError` listing everything
wrong, so the server never runs half-configured. Secret values never reach a message.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from cti.config.model import Config, build_config
from cti.config.options import (
    MAIN_FILE,
    OPTIONS,
    PLACEHOLDER_SECRET,
    RULES,
    SECRETS_EXAMPLE_FILE,
    SECRETS_FILE,
)
from cti.config.problems import ConfigError, ConfigProblem, Severity
from cti.config.walk import read_values

logger = logging.getLogger(__name__)

CONFIG_DIR_ENV = "CTI_CONFIG_DIR"
DEFAULT_CONFIG_DIR = Path("config")


def resolve_config_dir(config_dir: Path | None) -> tuple[Path, bool]:
    """The directory to read and whether it was asked for explicitly (and so must exist)."""
    if config_dir is not None:
        return config_dir, True
    from_env = os.environ.get(CONFIG_DIR_ENV)
    if from_env:
        return Path(from_env), True
    return DEFAULT_CONFIG_DIR, False


def load_config(config_dir: Path | None = None, *, require_secrets: bool = False) -> Config:
    """Read and validate the config in ``config_dir`` (default: $CTI_CONFIG_DIR, ./config).

    A missing ``cti.yaml`` means all defaults. With ``require_secrets`` (``cti serve``)
    an unset secret is an error; otherwise it is a warning in ``Config.notes``.
    Raises `ConfigError` with every problem found.
    """
    directory, explicit = resolve_config_dir(config_dir)
    if explicit and not directory.is_dir():
        problem = "does not exist" if not directory.exists() else "is not a directory"
        raise ConfigError([ConfigProblem(str(directory), "", f"config directory {problem}")])
    values: dict[str, object] = {option.key: option.default for option in OPTIONS}
    origins: dict[str, tuple[str, int]] = {}
    problems: list[ConfigProblem] = []
    files_read: list[Path] = []
    for name in (MAIN_FILE, SECRETS_FILE):
        path = directory / name
        if not path.exists():
            continue
        found = read_values(path, str(path), name)
        problems.extend(found.problems)
        values.update(found.values)
        origins.update({key: (str(path), line) for key, line in found.lines.items()})
        files_read.append(path)
        if name == SECRETS_FILE:
            problems.extend(_secrets_file_notes(path))
    problems.extend(_broken_rules(directory, values, origins, problems))
    reported = {problem.key for problem in problems}
    problems.extend(_unset_secrets(directory, values, reported, require_secrets))
    if any(problem.is_error for problem in problems):
        raise ConfigError(problems)
    logger.debug("config loaded from %s (%d files read)", directory, len(files_read))
    return build_config(values, directory, tuple(files_read), tuple(problems))


def _broken_rules(
    directory: Path,
    values: Mapping[str, object],
    origins: Mapping[str, tuple[str, int]],
    problems: list[ConfigProblem],
) -> list[ConfigProblem]:
    """Rules between options, checked only where every option involved is valid."""
    invalid = {problem.key for problem in problems}
    broken: list[ConfigProblem] = []
    for rule in RULES:
        if invalid.intersection(rule.keys) or rule.holds(values):
            continue
        set_here = [origins[key] for key in rule.keys if key in origins]
        file, line = set_here[0] if set_here else (str(directory / MAIN_FILE), None)
        broken.append(ConfigProblem(file, rule.key, rule.message_for(values), rule.hint, line))
    return broken


def _secrets_file_notes(path: Path) -> list[ConfigProblem]:
    """Warn when secrets.yaml is readable by other users."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return []
    if not mode & 0o077:
        return []
    return [
        ConfigProblem(
            str(path),
            "",
            f"is readable by other users (mode {mode:03o})",
            hint=f"chmod 600 {path}",
            severity="warning",
        )
    ]


def _unset_secrets(
    directory: Path, values: Mapping[str, object], reported: set[str], require: bool
) -> list[ConfigProblem]:
    """Secrets without a default that are unset, or still the example's placeholder.

    An error for `cti serve` (``require``), a warning for everything else. Keys already
    ``reported`` (a wrong type, the wrong file) are not reported again.
    """
    path = directory / SECRETS_FILE
    severity: Severity = "error" if require else "warning"
    hint = f"copy {SECRETS_EXAMPLE_FILE} to {SECRETS_FILE}, set it, chmod 600"
    needed = [option for option in OPTIONS if option.required]
    if needed and not path.exists():
        names = ", ".join(option.key for option in needed)
        verb = "is" if len(needed) == 1 else "are"
        message = f"not found, so {names} {verb} unset; `cti serve` will not start without it"
        return [ConfigProblem(str(path), "", message, hint, severity=severity)]
    problems: list[ConfigProblem] = []
    for option in needed:
        if option.key in reported:
            continue
        value = values[option.key]
        if value is None:
            message = "is not set; `cti serve` will not start without it"
        elif value == PLACEHOLDER_SECRET:
            message = f"is still the placeholder from {SECRETS_EXAMPLE_FILE}"
        else:
            continue
        problems.append(ConfigProblem(str(path), option.key, message, hint, severity=severity))
    return problems
