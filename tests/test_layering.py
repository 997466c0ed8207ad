"""The layers of the house (STYLE: the layout; issue 13): dependencies point one way.

    carbonkit/  the core: numpy, pandas, pint, pydantic and the standard library at module level
    reports/    presentation: the core + jinja2/openpyxl; never the service or the CLI
    api/        the service: the core + reports + FastAPI/SQLModel; never the CLI
    cli/        the composition root: may import everything

Optional engines of the core (pyarrow for Parquet, dask for the distributed engine, openpyxl for reading
workbooks) are imported lazily inside the functions that need them, so `pip install carbonkit` imports cleanly.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import carbonkit

ROOT = Path(carbonkit.__file__).parent.parent
CORE = ROOT / "carbonkit"
CORE_MAY_IMPORT = {"carbonkit", "numpy", "pandas", "pint", "pydantic"}
CORE_MAY_IMPORT_LAZILY = {"pyarrow", "dask", "openpyxl"}
SERVICE = {"fastapi", "sqlmodel", "sqlalchemy", "starlette", "uvicorn", "api", "alembic", "psycopg"}
LAYER_MAY_NOT_IMPORT = {
    "reports": SERVICE | {"cli", "typer", "rich"},
    "api": {"cli", "typer", "rich"},
}


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """Top-level package names that ``path`` imports (absolute imports); at module level only if asked
    (module level excludes function bodies and ``if TYPE_CHECKING:`` blocks, which never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if top_level_only:
        nodes, todo = [], [s for s in tree.body if not _type_checking(s)]
        while todo:
            node = todo.pop()
            nodes.append(node)
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                todo.extend(ast.iter_child_nodes(node))
    else:
        nodes = list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _type_checking(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and ast.unparse(stmt.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def test_the_core_imports_only_numpy_pandas_pint_pydantic_at_module_level():
    stdlib = set(sys.stdlib_module_names)
    offenders = {}
    for path in CORE.rglob("*.py"):
        extra = _imports(path, top_level_only=True) - stdlib - CORE_MAY_IMPORT
        if extra:
            offenders[str(path.relative_to(ROOT))] = sorted(extra)
    assert offenders == {}


def test_the_core_imports_optional_engines_only_lazily_and_never_a_layer_above():
    stdlib = set(sys.stdlib_module_names)
    allowed = CORE_MAY_IMPORT | CORE_MAY_IMPORT_LAZILY
    offenders = {}
    for path in CORE.rglob("*.py"):
        extra = _imports(path, top_level_only=False) - stdlib - allowed
        if extra:
            offenders[str(path.relative_to(ROOT))] = sorted(extra)
    assert offenders == {}


def test_each_layer_imports_only_downwards():
    offenders = {}
    for layer, forbidden in LAYER_MAY_NOT_IMPORT.items():
        for path in (ROOT / layer).rglob("*.py"):
            bad = _imports(path, top_level_only=False) & forbidden
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_the_core_opens_workbooks_in_one_place_and_writes_none():
    """openpyxl in the core only where a user's workbook is read (readers.open_workbook); writing workbooks, with
    their cells and styles, is presentation (reports/)."""
    users = sorted(str(path.relative_to(ROOT)) for path in CORE.rglob("*.py")
                   if "openpyxl" in _imports(path, top_level_only=False))
    assert users == ["carbonkit/readers.py"]


UPPER_OR_OPTIONAL = sorted(SERVICE | {"cli", "reports", "typer", "rich", "jinja2", "openpyxl", "pyarrow", "dask"})


def test_the_core_accounts_with_every_optional_and_upper_package_missing():
    """`pip install carbonkit` alone: with the upper layers and the optional engines made unimportable, the core
    imports and accounts the bundled example (numpy, pandas and pint import some of these opportunistically when present;
    that is their business, so the test blocks them rather than looking at sys.modules)."""
    code = f"""
import sys
for name in {UPPER_OR_OPTIONAL!r}:
    sys.modules[name] = None  # `import name` now raises ImportError, as if it were not installed
import carbonkit as ck
from carbonkit.datafiles import examples_dir
result = ck.account(ck.read_activities(examples_dir() / "tyre_maker.json"))
print(len(result.summary))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) > 0


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
