"""Monthly key parameters: checks with clear errors, stocks never summed, and monthly = annual entry (properties)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonkit.errors import InvalidInput
from carbonkit.market import account_market

CEM = {"sector": "cement", "route": "clinker_line"}


def _frame(rows, **common) -> pd.DataFrame:
    base = {"enterprise": "E1", "facility": "F1", "year": 2025, "item": "", "unit": "t", "tier": "", "standard": ""}
    return pd.DataFrame([{**base, **common, **r} for r in rows])


def _year(rows_of_month) -> list[dict]:
    return [{**r, "month": m} for m in range(1, 13) for r in rows_of_month(m)]


def _codes(exc) -> set[str]:
    return {p.code for p in exc.value.problems}


def test_a_missing_month_record_is_refused_naming_the_months():
    rows = _year(lambda m: [{"parameter": "clinker_output", "item": "portland", "value": 10}] if m != 7 else [])
    with pytest.raises(InvalidInput) as err:
        account_market(_frame(rows, **CEM))
    p = err.value.problems[0]
    assert p.code == "month_missing" and "7" in p.message and p.enterprise == "E1"


def test_input_problems_are_reported_together_with_row_and_field():
    rows = [{"month": 0, "parameter": "clinker_output", "item": "portland", "value": 10},
            {"month": 0, "parameter": "clinker_output", "item": "portland", "value": 10},  # re-sent: refused
            {"month": 0, "parameter": "clinker_outptu", "value": 1},
            {"month": 0, "parameter": "kiln_dust", "value": -5},
            {"month": 0, "parameter": "electricity_purchased", "value": 5, "unit": "tce"},
            {"month": 13, "parameter": "raw_meal", "value": 1},
            {"month": 0, "parameter": "aluminium_output", "value": 1}]
    with pytest.raises(InvalidInput) as err:
        account_market(_frame(rows, **CEM))
    assert {"duplicate", "unknown_parameter", "out_of_range", "bad_unit", "bad_month", "parameter_sector"} <= _codes(err)
    unknown = next(p for p in err.value.problems if p.code == "unknown_parameter")
    assert unknown.row == 3 and unknown.field == "parameter"


def test_a_measured_value_names_its_standard():
    rows = [{"month": 0, "parameter": "clinker_output", "item": "portland", "value": 10},
            {"month": 0, "parameter": "clinker_factor", "item": "portland", "value": 0.52, "unit": "tCO2/t",
             "tier": "measured"}]
    with pytest.raises(InvalidInput) as err:
        account_market(_frame(rows, **CEM))
    p = err.value.problems[0]
    assert (p.code, p.field, p.row) == ("standard_missing", "standard", 2)


def test_unknown_sector_route_and_fuel():
    rows = [{"month": 0, "parameter": "fuel_consumption", "item": "moon_dust", "value": 1}]
    with pytest.raises(InvalidInput) as err:
        account_market(_frame(rows, sector="glass", route="x"))
    assert {"unknown_sector", "unknown_fuel"} <= _codes(err)
    with pytest.raises(InvalidInput) as err:
        account_market(_frame(rows[:0] + [{"month": 0, "parameter": "capacity", "value": 1}], sector="steel",
                              route="converter"))
    assert "unknown_route" in _codes(err)


def test_a_stock_is_never_summed_over_the_months():
    """Design capacity 1,550,000 t entered every month stays 1,550,000 t for the year (a flow would be 12×)."""
    rows = _year(lambda m: [{"parameter": "clinker_output", "item": "portland", "value": 100},
                            {"parameter": "capacity", "value": 1_550_000}])
    r = account_market(_frame(rows, **CEM))
    p = r.parameters.set_index("parameter")["value"]
    assert p["capacity"] == 1_550_000
    assert p["clinker_output"] == 1_200


positive = st.floats(min_value=1.0, max_value=1e5, allow_nan=False)
fraction = st.floats(min_value=0.3, max_value=0.7, allow_nan=False)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coal=st.lists(positive, min_size=12, max_size=12), ncv=st.lists(st.floats(15, 30), min_size=12, max_size=12),
       clinker=st.lists(positive, min_size=12, max_size=12), cao=st.lists(fraction, min_size=12, max_size=12))
def test_monthly_and_annual_entry_agree(coal, ncv, clinker, cao):
    """The year entered as twelve months, or as one annual entry with the year's flows summed and rates weighted
    as the guideline weighs them (NCV by coal, CaO by clinker), gives the same emissions."""
    rows = _year(lambda m: [
        {"parameter": "fuel_consumption", "item": "bituminous_coal", "value": coal[m - 1]},
        {"parameter": "ncv", "item": "bituminous_coal", "value": ncv[m - 1], "unit": "GJ/t", "tier": "measured",
         "standard": "GB/T 213"},
        {"parameter": "clinker_output", "item": "portland", "value": clinker[m - 1]},
        {"parameter": "clinker_cao", "value": cao[m - 1], "unit": "", "tier": "measured", "standard": "GB/T 176"},
        {"parameter": "clinker_mgo", "value": 0.02, "unit": "", "tier": "measured", "standard": "GB/T 176"},
        {"parameter": "noncarbonate_cao", "value": 0.01, "unit": ""},
        {"parameter": "noncarbonate_mgo", "value": 0.0, "unit": ""}])
    monthly = account_market(_frame(rows, **CEM))
    annual_rows = [{"month": 0, "parameter": r["parameter"], "item": r["item"], "value": r["value"], "unit": r["unit"]}
                   for r in monthly.parameters.to_dict("records")]
    annual = account_market(_frame(annual_rows, **CEM))
    for col in ("combustion_tco2", "process_tco2", "total_tco2e"):
        assert annual.facilities[col].iloc[0] == pytest.approx(monthly.facilities[col].iloc[0], rel=1e-9)


@settings(max_examples=8, deadline=None)
@given(mwh=st.lists(st.floats(0, 1e5), min_size=12, max_size=12), seed=st.integers(0, 1000))
def test_units_and_row_order_do_not_change_the_result(mwh, seed):
    """Electricity in MWh or kWh, rows in any order: the same tCO2; the enterprise level is the sum of facilities."""
    rows = _year(lambda m: [{"parameter": "clinker_output", "item": "portland", "value": 10},
                            {"parameter": "electricity_purchased", "value": mwh[m - 1], "unit": "MWh"}])
    a = account_market(_frame(rows, **CEM))
    kwh = [{**r, "value": r["value"] * 1000, "unit": "kWh"} if r["parameter"] == "electricity_purchased" else r
           for r in rows]
    b = account_market(_frame(kwh, **CEM).sample(frac=1, random_state=seed))
    assert b.facilities["electricity_tco2"].iloc[0] == pytest.approx(a.facilities["electricity_tco2"].iloc[0])
    assert a.enterprises()["total_tco2e"].iloc[0] == pytest.approx(a.facilities["total_tco2e"].sum())
