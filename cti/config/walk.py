"""Walking one config file's YAML nodes against the declared options.

Descends into sections, checks each option's file, YAML value and type, and records a
`ConfigProblem` for anything wrong instead of stopping, so one run shows every mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cti.config.options import (
    OPTIONS_BY_KEY,
    SECRETS_FILE,
    SECTION_NAMES,
    Option,
    suggest,
)
from cti.config.problems import ConfigProblem
from cti.config.types import UNSET, InvalidValue, Issue, kind_of
from cti.config.yamlfile import NodeError, construct, is_null, line_of, read_document


@dataclass
class FileValues:
    """Typed values set by one file, by dotted key, their lines, and the problems found."""

    values: dict[str, object] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[ConfigProblem] = field(default_factory=list)


def read_values(path: Path, shown: str, file_name: str) -> FileValues:
    """Every option set in ``path``; ``file_name`` says which options belong there."""
    root, problems = read_document(path, shown)
    result = FileValues(problems=problems)
    if root is None or is_null(root):
        return result
    if not isinstance(root, yaml.MappingNode):
        message = "must be a mapping of sections, such as 'ami:' at the start of a line"
        result.problems.append(ConfigProblem(shown, "", message, line=line_of(root)))
        return result
    _Walker(shown, file_name, result).mapping(root, "")
    return result


def show(value: object) -> str:
    """A value as an admin would write it in YAML, shortened."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Walker:
    def __init__(self, shown: str, file_name: str, result: FileValues) -> None:
        self.shown = shown
        self.file_name = file_name
        self.result = result
        self.seen: dict[str, int] = {}

    def problem(self, key: str, message: str, hint: str | None, line: int) -> None:
        self.result.problems.append(ConfigProblem(self.shown, key, message, hint, line))

    def mapping(self, node: yaml.MappingNode, prefix: str) -> None:
        for key_node, value_node in node.value:
            self.entry(key_node, value_node, prefix)

    def entry(self, key_node: yaml.Node, value_node: yaml.Node, prefix: str) -> None:
        line = line_of(key_node)
        if not isinstance(key_node, yaml.ScalarNode) or not str(key_node.value).strip():
            self.problem(prefix, "has a key that is not a plain name", None, line)
            return
        name = str(key_node.value)
        path = f"{prefix}.{name}" if prefix else name
        if "." in name:
            self.dotted(path, line)
            return
        if path in self.seen:
            self.problem(path, f"is set twice (first on line {self.seen[path]})", None, line)
            return
        self.seen[path] = line
        option = OPTIONS_BY_KEY.get(path)
        if option is not None:
            self.option(option, value_node, line)
        elif path in SECTION_NAMES:
            self.section(path, value_node)
        else:
            kind = "section" if not prefix else "option"
            close = suggest(path)
            self.problem(path, f"unknown {kind}", close and f"did you mean {close!r}?", line)

    def dotted(self, path: str, line: int) -> None:
        parent, _, leaf = path.rpartition(".")
        hint = f"write '{parent}:' and under it, indented, '{leaf}:'"
        self.problem(path, "dotted keys are not used in config files", hint, line)

    def section(self, path: str, node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            self.mapping(node, path)
        elif not is_null(node):
            hint = f"indent its options under '{path}:'"
            self.problem(path, "must be a section of options, not a value", hint, line_of(node))

    def option(self, option: Option, node: yaml.Node, line: int) -> None:
        if option.file != self.file_name:
            self.misplaced(option, line)
            return
        try:
            value = construct(node)
        except NodeError as exc:
            message = "cannot be read as a value" if option.secret else str(exc)
            self.problem(option.key, message, None, line)
            return
        try:
            self.result.values[option.key] = option.type.parse(value)
        except InvalidValue as exc:
            for issue in exc.issues:
                self.invalid(option, issue, node, value)
        else:
            self.result.lines[option.key] = line

    def misplaced(self, option: Option, line: int) -> None:
        if option.secret:
            message = f"is a secret and must not be in {self.file_name}"
            hint = f"move it to {SECRETS_FILE} next to this file and chmod 600 it"
        else:
            message = f"is not a secret and belongs in {option.file}"
            hint = f"move it to {option.file}"
        self.problem(option.key, message, hint, line)

    def invalid(self, option: Option, issue: Issue, node: yaml.Node, value: object) -> None:
        """Report one issue; a secret's value, or a suggestion made from it, is never shown."""
        message, hint, line = issue.message, issue.hint, line_of(node)
        if issue.index is not None:
            message = f"item {issue.index + 1}: {message}"
            if isinstance(node, yaml.SequenceNode) and issue.index < len(node.value):
                line = line_of(node.value[issue.index])
        elif issue.key is not None and isinstance(node, yaml.MappingNode):
            line = next((line_of(k) for k, _ in node.value if str(k.value) == issue.key), line)
        if option.secret:
            if issue.got is not UNSET:
                message = f"{message}, got {kind_of(issue.got)}"
        else:
            if issue.got is not UNSET:
                message = f"{message}, got {show(issue.got)}"
            if issue.suggestion is not None:
                hint = issue.suggestion if hint is None else f"{issue.suggestion} {hint}"
            if hint is None and value is None:
                hint = f"delete the line to use the default, {show(option.default)}"
        self.problem(option.key, message, hint, line)
