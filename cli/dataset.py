"""``carbonkit account --engine local|dask DATA… --out RESULTS/``: a Parquet dataset accounted partition by
partition (:mod:`carbonkit.distributed`), on this machine or on a Dask cluster.

The roll-up commands (``aggregate``, ``progress``, ``decompose``) read a results folder like a results CSV.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

from cli.output import fail, out
from carbonkit.errors import CarbonkitError


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def account_to_folder(inputs: list[Path], out_dir: Path | None, engine: Engine | None, *, scheduler: str | None,
                      workers: int, memory_limit: str | None, release: str | None, factors: list[Path] | None,
                      options: dict) -> None:
    """Account ``inputs`` (Parquet files or dataset folders) into ``out_dir`` and print what the run did."""
    from carbonkit.distributed import account_dataset

    if out_dir is None:
        fail(ValueError("--engine needs --out RESULTS/ (the folder the results are written to)"))
    engine_options: dict[str, Any] = {"scheduler": scheduler, "workers": workers, "memory_limit": memory_limit} \
        if (engine or Engine.local) is Engine.dask else {}
    try:
        run = account_dataset(inputs, out_dir, engine=(engine or Engine.local).value, release=release,
                              factors=factors, options=options, **engine_options)
    except (CarbonkitError, OSError, ValueError) as exc:
        fail(exc)
    peak = max(run.peak_rss_bytes.values(), default=0) / 2**20
    out.print(f"{run.activity_rows:,} activity rows of {run.partitions} partitions → {run.enterprise_periods:,} "
              f"enterprise-periods, release {run.release}, engine {run.engine}: {run.wall_s:.1f} s, "
              f"{run.cpu_s:.1f} CPU s, peak {peak:,.0f} MiB per process", highlight=False)
    out.print(f"results: {Path(run.out) / 'results'}/  factors used: {Path(run.out) / 'factors.parquet'}  "
              f"manifest: {Path(run.out) / 'manifest.json'}", highlight=False)
