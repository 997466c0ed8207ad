"""The house rules that no linter checks (issue 13): no function over 80 lines in the core or the service.

Length is counted from ``def`` to the last line, less the docstring (tools/house_metrics.py); complexity is
ruff's C901 (max 15, `make lint`), and the import arrows are tests/test_layering.py.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "house_metrics.py"
LIMIT = 80


def _code_lines():
    """tools/house_metrics.py's measure of a function's length, so the test and the report count alike."""
    spec = importlib.util.spec_from_file_location("house_metrics", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.code_lines


def _long_functions(package: str) -> list[str]:
    code_lines = _code_lines()
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and code_lines(node) > LIMIT:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({code_lines(node)} lines)")
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
