"""The base year belongs to the target profile: a caller that gives none gets the default profile's (issue 13 §2)."""

from __future__ import annotations

import inspect
import tomllib

import pandas as pd
import pytest

import carbonkit as ck
from carbonkit import aggregation, intensity, sums
from carbonkit.datafiles import data_path
from carbonkit.deflators import DEFAULT_TARGET_PROFILE, comparable_value_added, default_base_year, load_deflators, \
    resolve_base_year


def test_the_default_base_year_is_the_default_profiles():
    raw = tomllib.loads(data_path("targets", f"{DEFAULT_TARGET_PROFILE}.toml").read_text(encoding="utf-8"))
    assert default_base_year() == raw["base_year"] == 2020  # shandong-14fyp-2021-2025: base 2020, target 2025
    assert resolve_base_year(None) == 2020
    assert resolve_base_year(2025) == 2025


@pytest.mark.parametrize("fn", [aggregation.prepare, aggregation.aggregate, sums.partial_sums, intensity.changes])
def test_no_base_year_is_written_in_a_signature(fn):
    assert inspect.signature(fn).parameters["base_year"].default is None


def _frame() -> pd.DataFrame:
    # E1: VA 1,000 in 2020, 1,091.56137 in 2023 at current prices; nbs-ppi-cn 2021 108.1, 2022 104.1, 2023 97.0:
    # P2023 / P2020 = 1.081 x 1.041 x 0.970 = 1.09156137 -> 1,000 at 2020 prices; with base 2021 (P2023 / P2021 =
    # 1.041 x 0.970 = 1.00977) -> 1,081.0 at 2021 prices
    return pd.DataFrame({"enterprise": ["E1", "E1"], "period": ["2020", "2023"], "year": [2020, 2023],
                         "region": ["370211", "370211"], "industry": ["C2911", "C2911"],
                         "value_added_10k_cny": [1000.0, 1091.56137], "value_added_comparable_10k_cny": [float("nan")] * 2})


def test_comparable_value_added_without_a_base_year_is_at_the_default_profiles_prices():
    table = load_deflators("nbs-ppi-cn")
    values, basis, _ = comparable_value_added(_frame(), table, None)
    assert values.tolist() == pytest.approx([1000.0, 1000.0])
    assert basis.tolist() == ["base_year", "deflated"]
    other, basis_2021, _ = comparable_value_added(_frame(), table, 2021)
    assert other[1] == pytest.approx(1091.56137 / (1.041 * 0.970))
    assert basis_2021.tolist() == ["deflated", "deflated"]


def test_aggregate_without_a_base_year_equals_the_explicit_2020():
    frame = _frame().assign(energy_equivalent_tce=[10.0, 10.0])
    default = aggregation.aggregate(frame, deflators="nbs-ppi-cn")
    explicit = aggregation.aggregate(frame, deflators="nbs-ppi-cn", base_year=2020)
    pd.testing.assert_frame_equal(default.table, explicit.table)
    assert default.notes == explicit.notes
    # 10 tce / 1,000 (10^4 CNY at 2020 prices) = 0.01 in both years
    assert default.table["energy_intensity_comparable_tce_per_10k_cny"].tolist() == pytest.approx([0.01, 0.01])


def test_changes_state_the_base_year_they_used():
    summary = pd.DataFrame({"enterprise": ["E1", "E1"], "period": ["2020", "2021"],
                            "energy_intensity_tce_per_10k_cny": [0.1, 0.08]})
    change = ck.changes(summary, columns=("energy_intensity_tce_per_10k_cny",))
    assert change.attrs["base_year"] == 2020
    # 0.08 / 0.1 - 1 = -0.2 against 2020
    assert change["energy_intensity_tce_per_10k_cny_change_base"].tolist() == pytest.approx([0.0, -0.2])
    assert ck.changes(summary, 2021, ("energy_intensity_tce_per_10k_cny",)).attrs["base_year"] == 2021


def test_aggregate_and_partial_sums_state_the_base_year_they_used():
    frame = _frame().assign(energy_equivalent_tce=[10.0, 10.0])
    assert aggregation.aggregate(frame, deflators="nbs-ppi-cn").to_dict()["base_year"] == 2020
    assert aggregation.aggregate(frame, deflators="nbs-ppi-cn", base_year=2021).to_dict()["base_year"] == 2021
    # two partitions (E1, E2), one made with the default and one with an explicit 2020: the same base, they combine
    other = frame.assign(enterprise="E2")
    default = sums.partial_sums(frame, deflators="nbs-ppi-cn")
    explicit = sums.partial_sums(other, deflators="nbs-ppi-cn", base_year=2020)
    assert default.base_year == explicit.base_year == 2020
    combined = sums.aggregate_sums(sums.combine([default, explicit]))
    assert combined.base_year == 2020
    # 2 x 10 tce / 2 x 1,000 (10^4 CNY at 2020 prices) = 0.01 in both years
    assert combined.table["energy_intensity_comparable_tce_per_10k_cny"].tolist() == pytest.approx([0.01, 0.01])
    with pytest.raises(ck.errors.InvalidInput):  # a part of another base year is refused
        sums.combine([default, sums.partial_sums(other, deflators="nbs-ppi-cn", base_year=2021)])
