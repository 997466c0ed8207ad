"""Invariants (hypothesis): units do not change results, batches are sums of their parts, row order
does not matter, and every total is the sum of its parts."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carbonkit as ck

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
APPROX = dict(rel=1e-9)

amounts = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)


def _account(frame, **opts):
    return ck.account(frame, options=ck.AccountingOptions(**opts) if opts else None)


# ---------------------------------------------------------------- units


ELECTRICITY_COLUMNS = ("energy_equivalent_tce", "energy_equal_tce", "electricity_kwh",
                       "co2_electricity_location_tco2", "co2_electricity_market_tco2", "co2_location_tco2")


@SETTINGS
@given(kwh=amounts, flow=st.sampled_from(["consumption", "feedstock"]))
def test_electricity_in_kwh_mwh_or_wan_kwh(kit, kwh, flow):
    # x kWh = x/1 000 MWh = x/10 000 万千瓦时 = x 度; energy = x × 0.1229 / 1000 tce
    records = [
        kit.one([("electricity", value, unit, flow)], region="37", power_coal_rate=0.31)
        for value, unit in [(kwh, "kWh"), (kwh / 1000, "MWh"), (kwh / 10_000, "万千瓦时"), (kwh, "度")]
    ]
    first = records[0]
    assert first["energy_equivalent_tce"] == pytest.approx(kwh * 0.1229 / 1000, **APPROX)
    assert first["co2_electricity_location_tco2"] == pytest.approx(kwh / 1000 * 0.6410, **APPROX)
    for other in records[1:]:
        for col in ELECTRICITY_COLUMNS:
            assert other[col] == pytest.approx(first[col], **APPROX), col


@SETTINGS
@given(tonnes=amounts)
def test_coal_in_t_kg_or_wan_t(kit, tonnes):
    # x t = 1 000 x kg = x/10 000 万吨 = x 吨; energy = x × 0.7143 tce
    records = [kit.one([("raw_coal", value, unit)])
               for value, unit in [(tonnes, "t"), (tonnes * 1000, "kg"), (tonnes / 10_000, "万吨"), (tonnes, "吨")]]
    first = records[0]
    assert first["energy_equivalent_tce"] == pytest.approx(tonnes * 0.7143, **APPROX)
    for other in records[1:]:
        for col in ("energy_equivalent_tce", "energy_equal_tce", "co2_combustion_tco2"):
            assert other[col] == pytest.approx(first[col], **APPROX), col


@SETTINGS
@given(m3=amounts)
def test_gas_in_m3_or_wan_m3(kit, m3):
    # x m3 = x Nm3 = x/10 000 万立方米 = x/10 000 万Nm3; energy = x × 1.33 / 1000 tce
    records = [kit.one([("natural_gas", value, unit)])
               for value, unit in [(m3, "m3"), (m3, "Nm3"), (m3 / 10_000, "万立方米"), (m3 / 10_000, "万Nm3")]]
    first = records[0]
    assert first["energy_equivalent_tce"] == pytest.approx(m3 * 1.33 / 1000, **APPROX)
    for other in records[1:]:
        for col in ("energy_equivalent_tce", "co2_combustion_tco2"):
            assert other[col] == pytest.approx(first[col], **APPROX), col


# ---------------------------------------------------------------- batches

# (item, unit, flows it may take)
POOL = [
    ("raw_coal", "t", ("consumption", "feedstock")),
    ("coke", "t", ("consumption", "feedstock")),
    ("diesel", "t", ("consumption",)),
    ("natural_gas", "万立方米", ("consumption", "feedstock")),
    ("electricity", "MWh", ("consumption",)),
    ("green_power", "MWh", ("consumption",)),
    ("onsite_renewable_electricity", "kWh", ("consumption",)),
    ("heat", "GJ", ("consumption",)),
    ("steam", "t", ("consumption",)),
    ("tap_water", "m3", ("consumption",)),
    ("reclaimed_water", "万立方米", ("consumption",)),
    ("recycled_water", "m3", ("consumption",)),
    ("value_added", "万元", ("consumption",)),
    ("revenue", "亿元", ("consumption",)),
]


@st.composite
def item_rows(draw, pool=POOL, min_size=1):
    chosen = draw(st.lists(st.sampled_from(pool), min_size=min_size, max_size=len(pool), unique_by=lambda p: p[0]))
    rows = []
    for item, unit, flows in chosen:
        row = {"item": item, "amount": draw(amounts), "unit": unit, "flow": draw(st.sampled_from(flows))}
        if item == "steam" and draw(st.booleans()):
            row["enthalpy"] = draw(st.floats(min_value=2000, max_value=3600))
        rows.append(row)
    return rows


@st.composite
def enterprises(draw):
    n = draw(st.integers(min_value=1, max_value=4))
    specs = []
    for i in range(n):
        specs.append(dict(
            enterprise=f"E{i + 1:02d}",
            period=draw(st.sampled_from(["2021", "2022", "2023", "2022-06"])),
            region=draw(st.sampled_from(["CN", "37", "370211", "11", "44"])),
            rows=draw(item_rows()),
        ))
    return specs


def _frame(kit, spec):
    return kit.frame(spec["rows"], enterprise=spec["enterprise"], period=spec["period"], region=spec["region"])


@SETTINGS
@given(specs=enterprises())
def test_batch_equals_each_enterprise_alone(kit, specs):
    batch = _account(pd.concat([_frame(kit, s) for s in specs], ignore_index=True), power_coal_rate=0.31)
    assert len(batch.summary) == len(specs)
    for spec in specs:
        alone = _account(_frame(kit, spec), power_coal_rate=0.31)
        assert len(alone.summary) == 1
        kit.assert_rows_equal(batch.record(spec["enterprise"], spec["period"]),
                              alone.record(spec["enterprise"], spec["period"]))


@SETTINGS
@given(specs=enterprises(), data=st.data())
def test_row_order_does_not_matter(kit, specs, data):
    frame = pd.concat([_frame(kit, s) for s in specs], ignore_index=True)
    order = data.draw(st.permutations(list(range(len(frame)))))
    shuffled = frame.iloc[order].reset_index(drop=True)
    a = _account(frame).summary.reset_index(drop=True)
    b = _account(shuffled).summary.reset_index(drop=True)
    keys = list(zip(a["enterprise"], a["period"].astype(str)))
    assert keys == sorted(keys)  # sorted by enterprise, period
    assert list(zip(b["enterprise"], b["period"].astype(str))) == keys
    assert list(a.columns) == list(b.columns)
    for i in range(len(a)):
        kit.assert_rows_equal(a.iloc[i].to_dict(), b.iloc[i].to_dict())


# ---------------------------------------------------------------- totals = sum of parts

ENERGY_POOL = [p for p in POOL if p[0] not in {"tap_water", "reclaimed_water", "recycled_water", "value_added", "revenue"}]
ENERGY_POOL = [(item, unit, flows + (("export",) if item in {"raw_coal", "electricity", "steam", "heat"} else ()))
               for item, unit, flows in ENERGY_POOL]

ADDITIVE = ("energy_equivalent_tce", "energy_equal_tce", "feedstock_equivalent_tce", "feedstock_equal_tce",
            "renewable_electricity_equivalent_tce", "renewable_electricity_equal_tce",
            "exported_equivalent_tce", "exported_equal_tce",
            "co2_combustion_tco2", "co2_electricity_location_tco2", "co2_electricity_market_tco2",
            "co2_heat_tco2", "co2_location_tco2", "co2_market_tco2", "electricity_kwh")
SUM_TOL = dict(rel=1e-9, abs=1e-6)  # exports can cancel: allow a micro-tonne absolute slack


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=item_rows(pool=ENERGY_POOL))
def test_totals_are_sums_of_per_item_accounts(kit, rows):
    whole = kit.one(rows, region="370211", power_coal_rate=0.31)
    parts = [kit.one([row], region="370211", power_coal_rate=0.31) for row in rows]
    for col in ADDITIVE:
        assert whole[col] == pytest.approx(sum(p[col] for p in parts), **SUM_TOL), col


def _check_identities(rec):
    t = SUM_TOL
    assert rec["co2_location_tco2"] == pytest.approx(rec["co2_combustion_tco2"] + rec["co2_scope2_location_tco2"], **t)
    assert rec["co2_market_tco2"] == pytest.approx(rec["co2_combustion_tco2"] + rec["co2_scope2_market_tco2"], **t)
    assert rec["co2_scope2_location_tco2"] == pytest.approx(rec["co2_electricity_location_tco2"] + rec["co2_heat_tco2"], **t)
    assert rec["co2_scope2_market_tco2"] == pytest.approx(rec["co2_electricity_market_tco2"] + rec["co2_heat_tco2"], **t)
    for m in ("equivalent", "equal"):
        assert rec[f"energy_{m}_excl_feedstock_tce"] == pytest.approx(rec[f"energy_{m}_tce"] - rec[f"feedstock_{m}_tce"], **t)
        assert rec[f"energy_{m}_excl_feedstock_renewables_tce"] == pytest.approx(
            rec[f"energy_{m}_tce"] - rec[f"feedstock_{m}_tce"] - rec[f"renewable_electricity_{m}_tce"], **t)


@SETTINGS
@given(specs=enterprises())
def test_summary_identities(kit, specs):
    # co2_location = combustion + scope2_location; scope2 = electricity + heat; excl. columns = differences;
    # withdrawal = fresh + non-conventional
    res = _account(pd.concat([_frame(kit, s) for s in specs], ignore_index=True), power_coal_rate=0.31)
    for spec in specs:
        rec = res.record(spec["enterprise"], spec["period"])
        _check_identities(rec)
        fresh = 0.0 if kit.is_missing(rec["fresh_water_m3"]) else rec["fresh_water_m3"]
        nonconv = 0.0 if kit.is_missing(rec["nonconventional_water_m3"]) else rec["nonconventional_water_m3"]
        if not kit.is_missing(rec["water_withdrawal_m3"]):
            assert rec["water_withdrawal_m3"] == pytest.approx(fresh + nonconv, **SUM_TOL)
