"""Reading a config file into a YAML node tree that still knows line numbers.

The loader walks nodes rather than plain dicts so that every problem can name its line,
and so that a repeated key is caught instead of silently overwriting the first one.
Error texts come from PyYAML's ``problem`` and ``context`` only, never from its snippet
of the offending line: in secrets.yaml that line may hold a secret.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from cti.config.problems import ConfigProblem


class NodeError(ValueError):
    """A node that cannot be turned into a value (unknown tag, bad ``!!int``...)."""


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def read_document(path: Path, shown: str) -> tuple[yaml.Node | None, list[ConfigProblem]]:
    """The root node of ``path`` (None for an empty file) and any read or syntax problem.

    ``shown`` is how the file is named in problems.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [ConfigProblem(shown, "", f"is not UTF-8 text (byte {exc.start})")]
    except OSError as exc:
        return None, [ConfigProblem(shown, "", f"cannot be read: {exc.strerror or exc}")]
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), []
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(shown, exc)]
    except yaml.YAMLError as exc:
        return None, [ConfigProblem(shown, "", f"is not valid YAML: {type(exc).__name__}")]


def _syntax_problem(shown: str, exc: yaml.MarkedYAMLError) -> ConfigProblem:
    mark = exc.problem_mark or exc.context_mark
    detail = " ".join(part for part in (exc.context, exc.problem) if part)
    return ConfigProblem(
        shown,
        "",
        f"YAML syntax error: {detail or 'cannot parse'}",
        hint="check the indentation and quoting on this line and the one before",
        line=None if mark is None else mark.line + 1,
        column=None if mark is None else mark.column + 1,
    )


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def construct(node: yaml.Node) -> object:
    """The Python value of ``node`` under YAML's safe schema; raises `NodeError`."""
    constructor = yaml.SafeLoader("")
    try:
        return constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        problem = getattr(exc, "problem", None)
        raise NodeError(problem or f"cannot read this value ({type(exc).__name__})") from exc
