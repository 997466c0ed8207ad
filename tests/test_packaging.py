"""The wheel carries the factor data: installed outside the checkout, carbonkit works from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_factor_data_and_works_from_elsewhere(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"),
                            str(ROOT)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("carbonkit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "carbonkit/units.txt" in names
    assert "carbonkit/_factor_data/items.csv" in names
    assert any(n.startswith("carbonkit/_factor_data/tables/") and n.endswith(".toml") for n in names)
    assert "carbonkit/_examples/tyre_maker.json" in names
    # the four layers (issue 13): the core, the reports with their templates, the service, the composition root
    assert {"carbonkit/py.typed", "reports/templates/enterprise.html.j2", "api/main.py", "cli/main.py"} <= set(names)
    # `pip install carbonkit` is the library alone: four unconditional requirements, the rest behind extras
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    unconditional = sorted(r.split(">")[0].split("[")[0].split(";")[0].strip() for r in requires if "extra ==" not in r)
    assert unconditional == ["numpy", "pandas", "pint", "pydantic"]
    extras = {line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Provides-Extra:")}
    assert {"cli", "report", "service", "dask", "all"} <= extras

    site = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site),
                              str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import carbonkit, carbonkit.datafiles as d; "
            "r = carbonkit.account({'enterprise': 'E', 'period': '2023', 'items': [{'item': '原煤', 'amount': 1000, 'unit': 't'}]}); "
            "print(carbonkit.__file__); print(d.data_dir()); print(round(r.summary.energy_equivalent_tce[0], 4))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    module, data, tce = run.stdout.split()
    assert module.startswith(str(site)) and data.startswith(str(site))
    assert float(tce) == 714.3
