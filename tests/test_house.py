"""The house rules that no linter checks (issue 13): no function over 80 lines in the core or the service.

Length is counted from ``def`` to the last line, less the docstring (tools/house_metrics.py); complexity is
ruff's C901 (max 15, `make lint`), and the import arrows are tests/test_layering.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 80


def _long_functions(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            lines = node.end_lineno - node.lineno + 1
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines -= first.end_lineno - first.lineno + 1
            if lines > LIMIT:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    return found


@pytest.mark.parametrize("package", ["carbonkit", "api"])
def test_no_function_is_over_80_lines(package):
    assert _long_functions(package) == []


def test_the_check_finds_a_long_function(tmp_path, monkeypatch):
    """The rule can fail: a generated 81-line function is found (and its docstring does not count)."""
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT + 1))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(f'def f():\n    """doc\n    more."""\n{body}\n', encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert _long_functions("pkg") == [f"pkg/m.py:1 f ({LIMIT + 2} lines)"]
