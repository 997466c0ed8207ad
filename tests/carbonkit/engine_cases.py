"""Seeded inputs for the engine-identity test (tests/carbonkit/test_engine_identity.py).

Each case is a long table built from :func:`carbonkit.synthetic.province` with a fixed seed, varied so
that every branch of the engine runs: categorical and plain-text columns, monthly periods, steam with
and without an enthalpy, heat, export and feedstock flows, several regions and a park, a product
output. ``error_case`` adds rows that validation and factor selection reject, with row numbers.

The reference file ``data/engine_reference.json.gz`` holds ``account()``'s outputs on these cases as
computed by the engine before issue 19's rewrite (first at a17dc90; rebuilt when issues 11, 12 and 14 changed the
outputs on purpose — new grid and credit-code columns, the summary schema — from the merged tree WITHOUT issue 19,
then checked equal with it); ``python -m engine_cases`` from
tests/carbonkit rewrites it (only ever from a known-good engine).
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

import carbonkit as ck
from carbonkit.errors import CarbonkitError
from carbonkit.synthetic import province

REFERENCE = Path(__file__).parent / "data" / "engine_reference.json.gz"
OPTIONS = {"year_fallback": "nearest"}


def _mixed(seed: int) -> pd.DataFrame:
    """A yearly province as plain text with steam enthalpies, exports, a park and a product output."""
    frame = province(14, years=range(2021, 2024), seed=seed).astype({c: str for c in ("enterprise", "period", "item",
                                                                                     "unit", "flow", "region", "industry")})
    rng = np.random.default_rng(seed)
    steam = np.flatnonzero(frame["item"].to_numpy() == "steam")
    frame["enthalpy"] = np.nan
    frame.loc[steam[::2], "enthalpy"] = rng.uniform(2700, 3300, len(steam[::2])).round(1)
    frame["park"] = np.where(frame["enterprise"].str[-1] < "M", "P0001", None)
    extra = frame.drop_duplicates(["enterprise", "period"]).copy()
    export = extra.assign(item="electricity", amount=rng.uniform(10, 500, len(extra)).round(2), unit="MWh",
                          flow="export", enthalpy=np.nan)
    product = extra.assign(item="product_output", amount=rng.uniform(1, 900, len(extra)).round(1), unit="t",
                           flow="consumption", enthalpy=np.nan)
    frame = pd.concat([frame, export.iloc[::3], product.iloc[::2]], ignore_index=True)
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # rows not in group order


def error_case() -> pd.DataFrame:
    """A small province with every kind of bad row: problems come back with row numbers."""
    frame = _mixed(5).iloc[:400].copy()
    frame.loc[3, "item"] = "unobtainium"
    frame.loc[7, "unit"] = "kg/m3"
    frame.loc[11, "amount"] = -4.0
    frame.loc[12, "amount"] = np.inf
    frame.loc[13, "flow"] = "sideways"
    frame.loc[17, "period"] = "2022-13"
    frame.loc[19, "region"] = "999999"
    frame.loc[23, "enterprise"] = " "
    frame = pd.concat([frame, frame.iloc[[30, 31]]], ignore_index=True)  # duplicates
    frame.loc[len(frame)] = {**frame.iloc[40].to_dict(), "item": "electricity", "amount": 5.0, "unit": "kWh",
                             "period": "1950", "flow": "consumption", "enthalpy": np.nan}  # no grid factor
    frame["amount"] = frame["amount"].astype(object)
    frame.loc[44, "amount"] = "12,5"
    return frame


def cases() -> dict[str, pd.DataFrame]:
    """The accepted cases by name."""
    monthly = province(3, years=[2023], seed=21, months=True)
    return {"categorical": province(12, seed=11), "monthly": monthly, "mixed": _mixed(3)}


def outputs(frame: pd.DataFrame, options: dict = OPTIONS) -> dict:
    """account()'s outputs as plain JSON: columns, dtypes, rows, factor records; or the problems."""
    try:
        result = ck.account(frame, options=options)
    except CarbonkitError as exc:
        return {"error": type(exc).__name__, "problems": [_plain(p.__dict__ if hasattr(p, "__dict__") else p)
                                                          for p in exc.problems]}
    summary = result.summary
    return {"columns": list(summary.columns), "dtypes": [str(t) for t in summary.dtypes],
            "rows": result.records(), "factors": result.factor_records()}


def _plain(record) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in dict(record).items()}


def build() -> dict:
    out = {name: outputs(frame) for name, frame in cases().items()}
    out["errors"] = outputs(error_case())
    out["factor_missing"] = outputs(province(3, years=[2020, 2021], seed=4), {})  # no grid factor before 2021
    return out


if __name__ == "__main__":
    REFERENCE.parent.mkdir(exist_ok=True)
    with gzip.open(REFERENCE, "wt", encoding="utf-8") as fh:
        json.dump(build(), fh, ensure_ascii=False, sort_keys=True, default=str)
    print(f"wrote {REFERENCE}")
