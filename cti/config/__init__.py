"""Admin-edited configuration: declared once in `options`, loaded and checked by `loader`.

Use `load_config` to get a frozen, typed `Config`; it raises `ConfigError` listing every
problem (file, line, key, message, hint) so start-up never runs half-configured.
"""

from cti.config.loader import CONFIG_DIR_ENV, load_config, resolve_config_dir
from cti.config.model import (
    AmiConfig,
    CallsConfig,
    Config,
    LoggingConfig,
    NumbersConfig,
    Secrets,
    ami_settings,
)
from cti.config.options import OPTIONS, OPTIONS_BY_KEY, SECTIONS, Option
from cti.config.problems import ConfigError, ConfigProblem
from cti.config.template import render_default_yaml, render_secrets_example

__all__ = [
    "CONFIG_DIR_ENV",
    "OPTIONS",
    "OPTIONS_BY_KEY",
    "SECTIONS",
    "AmiConfig",
    "CallsConfig",
    "Config",
    "ConfigError",
    "ConfigProblem",
    "LoggingConfig",
    "NumbersConfig",
    "Option",
    "Secrets",
    "ami_settings",
    "load_config",
    "render_default_yaml",
    "render_secrets_example",
    "resolve_config_dir",
]
