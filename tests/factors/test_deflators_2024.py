"""The 2021-2024 PPI edition (nbs-ppi-cn-2024): 2024 added, unverified; nothing invented for 2025-2026."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonkit.aggregation import aggregate
from carbonkit.deflators import load_deflators
from carbonkit.targets import progress


def frame(periods_va):
    return pd.DataFrame([{"enterprise": "E1", "period": p, "region": "370211", "industry": "C30", "park": None,
                          "energy_equivalent_tce": 100.0, "co2_location_tco2": 300.0, "value_added_10k_cny": va,
                          "value_added_comparable_10k_cny": np.nan} for p, va in periods_va])


def test_the_new_edition_keeps_the_old_rows_and_adds_2024_only():
    old = load_deflators("nbs-ppi-cn").table.rows.set_index("year")
    new = load_deflators("nbs-ppi-cn-2024").table.rows.set_index("year")
    assert list(new.index) == [2021, 2022, 2023, 2024]
    for y in (2021, 2022, 2023):
        assert (new.at[y, "value"], new.at[y, "status"]) == (old.at[y, "value"], old.at[y, "status"])
    assert (new.at[2024, "value"], new.at[2024, "status"]) == (97.8, "unverified")


def test_rebasing_to_2024_prices():
    # 2023 value added 978 at 2024 prices: 978 / (P2023 / P2024) = 978 x 0.978 = 956.484
    agg = aggregate(frame([("2023", 978.0), ("2024", 1000.0)]), "province", deflators="nbs-ppi-cn-2024",
                    base_year=2024)
    got = agg.table.set_index("period")["value_added_comparable_10k_cny"]
    assert got["2023"] == pytest.approx(956.484)
    assert any("unverified" in n and "nbs-ppi-cn-2024.2024" in n for n in agg.notes)


def test_2026_against_2025_stays_nominal_and_says_so():
    answer = progress(frame([("2025", 1000.0), ("2026", 1000.0)]), "cn-15fyp-2026-2030", 2026,
                      deflators="nbs-ppi-cn-2024")
    assert answer.price_basis == "nominal" and any("nominal" in n for n in answer.notes)
