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
        return None, [_unclosed_quote(shown, text, exc) or _syntax_problem(shown, exc)]
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


def _unclosed_quote(shown: str, text: str, exc: yaml.MarkedYAMLError) -> ConfigProblem | None:
    """A quote left open, reported where it opened rather than where YAML gave up.

    A quoted value runs on to the next quote, which may sit in a comment many lines
    further down; YAML then fails there, so its own mark points far from the mistake.
    """
    opened = _quote_left_open(text, exc)
    if opened is None:
        return None
    start, end = opened
    until = (
        "the end of the file" if "end of stream" in (exc.problem or "") else f"line {end.line + 1}"
    )
    message = (
        "YAML syntax error: this quote is not closed on its line, so YAML read on "
        f"to {until} as part of the value"
    )
    return ConfigProblem(
        shown,
        "",
        message,
        hint="add the closing quote on this line",
        line=start.line + 1,
        column=start.column + 1,
    )


def _quote_left_open(text: str, exc: yaml.MarkedYAMLError) -> tuple[yaml.Mark, yaml.Mark] | None:
    """(where the quote opened, where YAML stopped reading the value) for an open quote."""
    context, problem = exc.context_mark, exc.problem_mark
    if context is not None and "quoted scalar" in (exc.context or ""):
        # the scanner was still inside the quoted value when it failed
        if problem is not None and problem.line != context.line:
            return context, problem
        return None
    if problem is None:
        return None
    for token in reversed(_tokens_before(text, problem.index)):
        ends_here = token.end_mark.line == problem.line
        if ends_here and token.start_mark.line < token.end_mark.line:
            return token.start_mark, token.end_mark
    return None


def _tokens_before(text: str, index: int) -> list[yaml.ScalarToken]:
    """The quoted scalars that end before ``index``, as YAML's scanner reads them."""
    found: list[yaml.ScalarToken] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.end_mark.index > index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                found.append(token)
    except yaml.YAMLError:
        return found  # the scanner stopped at the error: the tokens before it are all we need
    return found


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
