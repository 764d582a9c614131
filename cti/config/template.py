"""The shipped ``config/cti.yaml`` and ``secrets.example.yaml``, rendered from the options.

Rendering them from `OPTIONS` (and testing that the committed files equal the rendering)
keeps every default and comment in the files true to the code.
"""

from __future__ import annotations

import textwrap

import yaml

from cti.config.options import (
    MAIN_FILE,
    OPTIONS,
    PLACEHOLDER_SECRET,
    SECRETS_EXAMPLE_FILE,
    SECRETS_FILE,
    SECTIONS,
    Option,
)

_WIDTH = 88
# The sections the header says a reload applies live: cti/app.py's LIVE_KEYS (a test
# keeps the two and the header in step).
LIVE_SECTIONS = ("logging", "lookup", "desktop")

_MAIN_HEADER = f"""\
# CTI middleware configuration ({MAIN_FILE}).
#
# Every option is listed with its default value. Change what you need, then run
#     cti check-config --config <this directory>
# which reports every mistake with its line and a hint, and changes nothing.
#
# When changes apply: the logging, lookup and desktop sections apply live on a reload
# (`cti reload --pid-file PATH`, `systemctl reload cti`, or SIGHUP to `cti serve`),
# which keeps connected desktops and calls; so do new agent tokens and
# lookup.crm_auth_header in {SECRETS_FILE}. Every other option, and adding, removing or
# changing the extension or role of an agent, applies when `cti serve` restarts (a
# reload logs which ones wait for it). Reference: docs/config.md
#
# Secrets (the AMI secret, agent tokens, the CRM header) never go here: put them in
# {SECRETS_FILE}, see {SECRETS_EXAMPLE_FILE}.
"""

_SECRETS_HEADER = f"""\
# Secrets of the CTI middleware. This is an example: copy it next to {MAIN_FILE}
# and make it readable only by the user the server runs as:
#     cp {SECRETS_EXAMPLE_FILE} {SECRETS_FILE} && chmod 600 {SECRETS_FILE}
# then replace every '{PLACEHOLDER_SECRET}'. {SECRETS_FILE} is never committed (.gitignore),
# and secret values are never logged, shown by check-config or sent to desktops.
"""


def scalar(value: object) -> str:
    """One YAML scalar, plain when that reads back the same, else single-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    plain_safe = text.strip() == text and not any(c in text for c in "#:'\"\\[]{},&*!|>%@`")
    if plain_safe and text and yaml.safe_load(f"k: {text}") == {"k": text}:
        return text
    return "'" + text.replace("'", "''") + "'"


def _value_lines(option: Option) -> list[str]:
    if option.example:
        return [f"  {option.name}:", *(f"    {line}" for line in option.example)]
    default = option.default
    if isinstance(default, tuple | list):
        if not default:
            return [f"  {option.name}: []"]
        return [f"  {option.name}:", *(f"    - {scalar(item)}" for item in default)]
    shown = PLACEHOLDER_SECRET if option.required else default
    return [f"  {option.name}: {scalar(shown)}"]


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent="  # ", subsequent_indent="  # ")


def _option_lines(option: Option) -> list[str]:
    lines = _comment(option.description)
    lines.append(f"  # Type: {option.type.label}.")
    return [*lines, *_value_lines(option)]


def _top_level_lines(option: Option) -> list[str]:
    """A top-level option (``agents:``): its comment, then its value, not indented."""
    lines = [line[2:] for line in _option_lines(option)[:-1] if line.startswith("  #")]
    return [*lines, *(line[2:] for line in _value_lines(option))]


def _render(header: str, options: list[Option]) -> str:
    blocks = [header.rstrip("\n")]
    for section, description in SECTIONS.items():
        members = [option for option in options if option.section == section]
        if not members:
            continue
        lines = [f"# {line}" for line in textwrap.wrap(description, _WIDTH - 2)]
        if members[0].top_level:
            lines.extend(_top_level_lines(members[0]))
        else:
            lines.append(f"{section}:")
            lines.append("\n\n".join("\n".join(_option_lines(option)) for option in members))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def render_default_yaml() -> str:
    """``config/cti.yaml``: every non-secret option at its default, with its comment."""
    return _render(_MAIN_HEADER, [option for option in OPTIONS if not option.secret])


def render_secrets_example() -> str:
    """``config/secrets.example.yaml``: every secret option with a placeholder."""
    return _render(_SECRETS_HEADER, [option for option in OPTIONS if option.secret])
