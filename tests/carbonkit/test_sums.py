"""The published summary schema, problems collected as a frame, work from partial sums, annualise.

Hand-worked figures use GB/T 2589-2020 Appendix A: electricity 0.1229 kgce/kWh (equivalent value).
Equality with the enterprise-level functions is the point of the partial sums: the same tables from
partitions that share no enterprise as from all results at once (floats to 1e-12, the order of the
additions differs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import carbonkit as ck
from carbonkit import sums as S
from carbonkit.annual import annualise
from carbonkit.errors import InvalidInput
from carbonkit.schema import problems_schema, summary_schema
from carbonkit.sums_progress import progress_partial, progress_sums
from carbonkit.synthetic import province

OPT = {"year_fallback": "nearest"}  # the synthetic province starts in 2020, before the first grid factor year
PROFILE = "shandong-14fyp-2021-2025"


def dtypes(frame: pd.DataFrame) -> dict:
    return {c: str(t) for c, t in frame.dtypes.items()}


def schema_dtypes() -> dict:
    return {c: str(t) for c, t in summary_schema().items()}


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    acts = province(240, years=range(2020, 2024), seed=5)
    codes = pd.factorize(acts["enterprise"])[0]
    acts["park"] = np.where(codes % 4 == 0, "P1", np.where(codes % 4 == 1, "P2", None))
    return ck.account(acts, options=OPT).summary


def partitions(summary: pd.DataFrame, n: int = 3) -> list[pd.DataFrame]:
    h = pd.util.hash_array(summary["enterprise"].to_numpy(dtype=object)) % n
    return [summary[h == k] for k in range(n)]


# --------------------------------------------------------------------------- schema

def test_empty_input_has_the_published_schema():
    empty = ck.account(pd.DataFrame(columns=["enterprise", "period", "item", "amount", "unit"])).summary
    assert list(empty.columns) == list(summary_schema())
    assert dtypes(empty) == schema_dtypes()


def test_all_none_park_and_real_rows_have_the_same_schema(results):
    frame = pd.DataFrame({"enterprise": ["E1"], "period": ["2023"], "item": ["electricity"], "amount": [1000.0],
                          "unit": ["kWh"], "park": [None], "region": ["370211"]})
    one = ck.account(frame).summary
    assert dtypes(one) == schema_dtypes() == dtypes(results)
    # 1000 kWh x 0.1229 kgce/kWh = 122.9 kgce = 0.1229 tce
    assert one["energy_equivalent_tce"].iat[0] == pytest.approx(0.1229, rel=1e-12)
    assert isinstance(one["factor_ids"].dtype, pd.CategoricalDtype)


# --------------------------------------------------------------------------- problems collected

def test_problems_come_back_as_a_frame_with_row_and_source():
    frame = pd.DataFrame({"enterprise": ["A", "A", "B"], "period": ["2024"] * 3,
                          "item": ["electricity", "no such fuel", "electricity"], "amount": [1.0, 2.0, -3.0],
                          "unit": ["kWh", "t", "kWh"], "row": [101, 102, 7], "source": ["a.parquet"] * 2 + ["b.parquet"],
                          "region": ["370211"] * 3})
    result = ck.account(frame, errors="collect")
    assert result.summary.empty and dtypes(result.summary) == schema_dtypes()
    p = result.problems.sort_values("row").reset_index(drop=True)
    assert list(p.columns) == list(problems_schema())
    assert p[["code", "row", "source"]].values.tolist() == [["amount_negative", 7, "b.parquet"],
                                                           ["item_unknown", 102, "a.parquet"]]


def test_collect_without_problems_returns_the_summary():
    frame = pd.DataFrame({"enterprise": ["A"], "period": ["2024"], "item": ["electricity"], "amount": [1.0],
                          "unit": ["kWh"], "region": ["370211"]})
    result = ck.account(frame, errors="collect")
    assert result.problems.empty and len(result.summary) == 1


def test_collect_turns_a_missing_column_into_a_problem():
    result = ck.account(pd.DataFrame({"enterprise": ["A"]}), errors="collect")
    assert set(result.problems["code"]) == {"column_missing"}


# --------------------------------------------------------------------------- sums

@pytest.mark.parametrize("by", ["province", "city", ("city", "section"), "park", "division"])
def test_aggregate_from_sums_equals_aggregate(results, by):
    want = ck.aggregate(results, by)
    got = S.aggregate_sums(S.combine([S.partial_sums(p, by) for p in partitions(results)]))
    pd.testing.assert_frame_equal(want.table, got.table, check_dtype=False, rtol=1e-12)
    pd.testing.assert_frame_equal(want.missing, got.missing, check_dtype=False)
    assert (want.notes, want.price_basis, want.periods) == (got.notes, got.price_basis, got.periods)


def test_a_partition_without_a_period_counts_its_enterprises_missing(results):
    parts = partitions(results)
    parts[0] = parts[0][parts[0]["period"] != "2023"]  # these enterprises did not report in 2023
    want = ck.aggregate(pd.concat(parts), "city")
    got = S.aggregate_sums(S.combine([S.partial_sums(p, "city") for p in parts]))
    pd.testing.assert_frame_equal(want.table, got.table, check_dtype=False, rtol=1e-12)
    assert len(got.missing) == len(want.missing) > 0


def test_an_enterprise_in_two_partitions_is_refused(results):
    part = results.iloc[:8]
    with pytest.raises(InvalidInput) as info:
        S.combine([S.partial_sums(part), S.partial_sums(part)])
    assert info.value.problems[0].code == "enterprise_in_two_partitions"


def _same_decomposition(want, got):
    a, b = want.to_dict(), got.to_dict()
    for key in ("I0", "IT", "change"):
        assert b[key] == pytest.approx(a[key], rel=1e-12)
    for key in ("additive", "multiplicative"):
        assert b[key] == pytest.approx(a[key], rel=1e-9, abs=1e-15)
    pd.testing.assert_frame_equal(want.contributions, got.contributions, rtol=1e-9, atol=1e-15)
    assert (a["notes"], a["price_basis"]) == (b["notes"], b["price_basis"])


@pytest.mark.parametrize("indicator", ["energy", "water", "co2"])
def test_lmdi_from_sums_equals_decompose(results, indicator):
    want = ck.decompose(results, 2020, 2023, "division", indicator=indicator)
    parts = [S.partial_sums(p, "division", periods=["2020", "2023"], base_year=2020, co2_split=indicator == "co2")
             for p in partitions(results)]
    _same_decomposition(want, S.decompose_sums(S.combine(parts), 2020, 2023, indicator=indicator))


def _same(want, got):
    """Equal nested lines: texts, counts and flags exactly, floats to 1e-12 (the additions' order differs)."""
    if isinstance(want, dict):
        assert list(got) == list(want)
        for key in want:
            _same(want[key], got[key])
    elif isinstance(want, list):
        assert len(got) == len(want)
        for w, g in zip(want, got):
            _same(w, g)
    elif isinstance(want, float):
        assert isinstance(got, float) and got == pytest.approx(want, rel=1e-12, nan_ok=True)
    else:
        assert got == want


def _same_progress(want: dict, got: dict):
    assert got["coverage"] == want["coverage"]
    assert (got["year"], got["region"], got["panel"], got["notes"], got["price_basis"]) == \
           (want["year"], want["region"], want["panel"], want["notes"], want["price_basis"])
    for key in ("panel_coverage", "indicators", "series"):
        _same(want[key], got[key])


def _from_sums(parts: list[pd.DataFrame], year, panel: str) -> dict:
    sums = S.combine([progress_partial(p, PROFILE, year) for p in parts])
    return progress_sums(sums, PROFILE, year, panel=panel).to_dict()


@pytest.mark.parametrize("panel", ["balanced", "all"])
@pytest.mark.parametrize("year", [None, 2022])
def test_progress_from_sums_equals_progress(results, year, panel):
    want = ck.progress(results, PROFILE, year, panel=panel).to_dict()
    _same_progress(want, _from_sums(partitions(results), year, panel))
    assert want["panel_coverage"]["n_panel"] == want["panel_coverage"]["n_with_value_added"] == 240


def _entries_and_exits(results: pd.DataFrame) -> list[pd.DataFrame]:
    """Partitions where some enterprises lack 2020 (entrants), lack 2023 (exits) or report 2022 without value
    added, and one partition has no 2023 at all."""
    code = pd.factorize(results["enterprise"])[0] % 7
    period = results["period"]
    keep = ~(((code == 0) & (period == "2020")) | ((code == 1) & (period == "2023")))
    changed = results[keep].copy()
    changed.loc[(code[keep] == 2) & (changed["period"] == "2022"), "value_added_10k_cny"] = np.nan
    parts = partitions(changed)
    parts[0] = parts[0][parts[0]["period"] != "2023"]
    return parts


@pytest.mark.parametrize("panel", ["balanced", "all"])
@pytest.mark.parametrize("year", [None, 2022, 2023])
def test_progress_from_sums_equals_progress_with_entries_and_exits(results, year, panel):
    parts = _entries_and_exits(results)
    want = ck.progress(pd.concat(parts), PROFILE, year, panel=panel).to_dict()
    _same_progress(want, _from_sums(parts, year, panel))
    cover = want["panel_coverage"]  # the panels differ, so the test compares both
    assert 0 < cover["n_panel"] < cover["n_with_value_added"] if panel == "balanced" else \
        cover["n_panel"] == cover["n_with_value_added"]
    assert any(i["value"] != pytest.approx(i["other_panel"]["value"], rel=1e-6) for i in want["indicators"])


def test_progress_from_sums_notes_a_year_after_the_newest_grid_factor(results):
    """The results of 2023 relabelled 2025: later than the release's newest grid factor (2023)."""
    later = results.assign(period=results["period"].replace({"2023": "2025"}))
    want = ck.progress(later, PROFILE).to_dict()
    assert any("rest on grid factors of 2023" in n for n in want["notes"])
    _same_progress(want, _from_sums(partitions(later), None, "balanced"))


def test_progress_from_sums_refuses_an_unknown_panel(results):
    sums = S.combine([progress_partial(p, PROFILE, 2022) for p in partitions(results)])
    with pytest.raises(InvalidInput) as info:
        progress_sums(sums, PROFILE, 2022, panel="unbalanced")
    assert info.value.problems[0].code == "panel_invalid"


def test_progress_needs_progress_partial_sums(results):
    with pytest.raises(InvalidInput) as info:
        progress_sums(S.combine([S.partial_sums(p, ()) for p in partitions(results)]), PROFILE, 2022)
    assert info.value.problems[0].code == "sums_incompatible"


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 1000))
def test_combine_is_independent_of_the_partitioning(results, n, seed):
    """Any split by enterprise gives the aggregate of the whole (property: totals equal the sum of parts)."""
    rng = np.random.default_rng(seed)
    ents = results["enterprise"].unique()
    bucket = dict(zip(ents, rng.integers(0, n, len(ents))))
    which = results["enterprise"].map(bucket).to_numpy()
    parts = [results[which == k] for k in range(n)]
    got = S.aggregate_sums(S.combine([S.partial_sums(p, "city") for p in parts]))
    want = ck.aggregate(results, "city")
    pd.testing.assert_frame_equal(want.table, got.table, check_dtype=False, rtol=1e-12)


# --------------------------------------------------------------------------- annualise

def _months() -> pd.DataFrame:
    rows = []
    for month, kwh, va, staff, land in (("01", 1000, 10, 100, 50), ("02", 2000, 20, 110, 50),
                                        ("03", 3000, 30, 120, 60)):
        for item, amount, unit in (("electricity", kwh, "kWh"), ("value_added", va, "万元"),
                                   ("employees", staff, "person"), ("land_area", land, "mu")):
            rows.append({"enterprise": "E1", "period": f"2024-{month}", "item": item, "amount": amount, "unit": unit,
                         "region": "370211"})
    return pd.DataFrame(rows)


def test_annualise_sums_flows_and_keeps_stocks():
    year = annualise(ck.account(_months()).summary)
    row = year.iloc[0]
    assert (row["period"], row["n_months"]) == ("2024", 3)
    assert row["electricity_kwh"] == 6000  # 1000 + 2000 + 3000 kWh
    assert row["energy_equivalent_tce"] == pytest.approx(0.7374, rel=1e-12)  # 6000 kWh x 0.1229 kgce/kWh / 1000
    assert row["value_added_10k_cny"] == 60  # 10 + 20 + 30
    assert row["energy_intensity_tce_per_10k_cny"] == pytest.approx(0.7374 / 60, rel=1e-12)  # total over total
    assert row["employees"] == 110  # mean of 100, 110, 120 persons
    assert row["land_area_mu"] == 60  # the latest month's stock, not 50 + 50 + 60
    assert row["price_basis"] == "current"


def test_annualise_equals_accounting_the_year():
    months = _months()
    annual = months[months["item"].isin(["electricity", "value_added"])].groupby(
        ["enterprise", "item", "unit", "region"], as_index=False)["amount"].sum().assign(period="2024")
    want = ck.account(annual).summary
    got = annualise(ck.account(months[months["item"].isin(["electricity", "value_added"])]).summary)
    for col, rule in S_RULES().items():
        if rule in ("flow", "ratio"):
            assert np.allclose(got[col], want[col], rtol=1e-12, equal_nan=True), col


def S_RULES():
    from carbonkit.annual import RULES
    return RULES


def test_annualise_refuses_years_and_mixed_releases():
    summary = ck.account(_months()).summary
    with pytest.raises(InvalidInput):
        annualise(summary.assign(period="2024"))
    mixed = summary.assign(release=["a", "b", "a"])
    with pytest.raises(InvalidInput) as info:
        annualise(mixed)
    assert info.value.problems[0].code == "release_mixed"
