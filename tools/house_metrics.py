"""Measures of the house for issue 13: longest functions, cyclomatic complexity and the package import graph.

Usage: python tools/house_metrics.py [--top N] [--over LINES]
Length is counted in lines from `def` to the last line, less the docstring (numpydoc sections are not code).
Complexity is McCabe's count read off the AST (1 + branches, boolean operators, comprehension conditions,
except handlers, match cases), the same count ruff's C901 reports.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("carbonkit", "api", "cli", "reports")


def complexity(fn: ast.AST) -> int:
    n = 1
    for node in ast.walk(fn):
        if node is not fn and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.If, ast.For, ast.While, ast.AsyncFor, ast.IfExp, ast.With, ast.Assert)):
            n += 1 if not isinstance(node, ast.With) else 0
        elif isinstance(node, ast.BoolOp):
            n += len(node.values) - 1
        elif isinstance(node, ast.ExceptHandler):
            n += 1
        elif isinstance(node, ast.comprehension):
            n += 1 + len(node.ifs)
        elif isinstance(node, ast.match_case):
            n += 1
    return n


def code_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from ``def`` to the function's last line, less its docstring (numpydoc sections are not code)."""
    lines = fn.end_lineno - fn.lineno + 1
    first = fn.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        lines -= first.end_lineno - first.lineno + 1
    return lines


def functions(package: str):
    base = ROOT / package
    if not base.exists():
        return
    for path in sorted(base.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield (str(path.relative_to(ROOT)), node.name, code_lines(node), complexity(node))


UNIT = re.compile(r"\[(?:t|kg|g|k|M|G|T)?(?:ce|CO2|CO2e|C)\b[^\]]*\]|\[(?:m3|MWh|kWh|GJ|TJ|t|kg|10\^4 CNY|CNY|-|%|mu|a|year)(?:/[^\]]*)?\]")


def documented_units(package: str = "carbonkit") -> tuple[int, int]:
    """Public functions of ``package`` (module level, name without a leading underscore), and how many of them
    state a unit in the house notation (``[tce]``, ``[tCO2]``, ``[10^4 CNY]``, ``[m3]``, ``[-]``) in their docstring."""
    total = with_unit = 0
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                total += 1
                with_unit += bool(UNIT.search(ast.get_docstring(node) or ""))
    return total, with_unit


def import_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for package in PACKAGES:
        base = ROOT / package
        if not base.exists():
            continue
        for path in base.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top != package and top not in sys.stdlib_module_names:
                        edges[package].add(top)
    return edges


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--over", type=int, default=80)
    parser.add_argument("--root", type=Path, default=None, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    if args.root is not None:
        global ROOT
        ROOT = args.root.resolve()
    rows = [r for p in PACKAGES for r in functions(p)]
    print(f"functions: {len(rows)}")
    print(f"over {args.over} lines: {sum(r[2] > args.over for r in rows)}; over 50 lines: {sum(r[2] > 50 for r in rows)};"
          f" complexity over 15: {sum(r[3] > 15 for r in rows)}")
    total, with_unit = documented_units()
    print(f"public functions of carbonkit/: {total}, of which {with_unit} state a unit in their docstring")
    print(f"\nlongest {args.top}:")
    for path, name, lines, cc in sorted(rows, key=lambda r: -r[2])[: args.top]:
        print(f"  {lines:4d} lines  cc {cc:3d}  {path}:{name}")
    print(f"\nmost complex {args.top}:")
    for path, name, lines, cc in sorted(rows, key=lambda r: -r[3])[: args.top]:
        print(f"  cc {cc:3d}  {lines:4d} lines  {path}:{name}")
    print("\nimport graph (package -> third-party and sibling packages, standard library left out):")
    for package, targets in sorted(import_graph().items()):
        print(f"  {package} -> {', '.join(sorted(targets))}")


if __name__ == "__main__":
    main()
