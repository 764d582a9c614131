"""The desktop shares only the wire protocol with the server (DESIGN.md: dependencies)."""

from __future__ import annotations

import ast
from pathlib import Path

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"
ALLOWED = {"cti.protocol"}


def cti_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "cti"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "cti":
            module = node.module or ""
            found |= {
                f"{module}.{alias.name}" if module == "cti" else module for alias in node.names
            }
    return found


def test_desktop_imports_nothing_from_the_server_but_the_protocol() -> None:
    files = sorted(DESKTOP.rglob("*.py"))
    assert len(files) > 10
    offenders = {str(f.relative_to(DESKTOP)): cti_imports(f) - ALLOWED for f in files}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_the_check_sees_a_server_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from cti.numbers import to_e164\nimport cti.app\nfrom cti import protocol\n")
    assert cti_imports(sample) == {"cti.numbers", "cti.app", "cti.protocol"}
