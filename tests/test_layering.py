"""The core never imports the service layer (STYLE rule 1)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import carbonkit

FORBIDDEN = {"fastapi", "sqlmodel", "sqlalchemy", "starlette", "uvicorn", "api", "alembic", "psycopg"}
CORE = Path(carbonkit.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_core_module_imports_the_service_layer():
    offenders = {str(p.relative_to(CORE)): sorted(_imports(p) & FORBIDDEN) for p in CORE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_carbonkit_loads_no_service_package():
    code = ("import sys, carbonkit, carbonkit.cli; "
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}); print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_no_factor_literals_in_the_core():
    """Coefficients and factors live in factors/, not in Python (the numbers of the reference tables)."""
    literals = ("0.1229", "0.7143", "0.03412", "29.307", "29307", "0.5703", "0.5810", "0.5306", "0.5366", "0.5568",
                "0.6191", "0.6410", "1.4571", "21.622", "0.11", "83.74", "44 / 12", "44/12", "3.6667")
    found = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float) and repr(node.value) in literals:
                found.append(f"{path.name}:{node.lineno} {node.value}")
    assert found == []
