"""Carbon-market sectors: each formula worked by hand from the guidelines' definitions and default values.

Defaults (factors/market/, all `unverified`, typed from transcriptions of the 2024 guidelines): portland clinker
0.535 tCO2/t, carbide slag deduction 0.480 tCO2/t; 44/56 (CaO) and 44/40 (MgO); limestone 0.4400, dolomite
0.4773, electrode 3.663, crude steel 0.0154 tCO2/t; anode net consumption 0.411 t/t Al, sulphur 2 %, ash 0.4 %;
CF4 0.034 and C2F6 0.0034 kg/t Al, slope 0.143, C2F6/CF4 0.1, GWP CF4 6630, C2F6 11100. Fuel defaults from the
release (NDRC 2013 table): bituminous coal NCV 19.570 GJ/t, CC 26.1 tC/TJ, OF 0.93; coke 28.435 GJ/t, 29.5 tC/TJ,
0.93; natural gas 389.31 GJ/万Nm3, 15.3 tC/TJ, 0.99. Carbon-market grid factor 0.5703 tCO2/MWh (2022, the latest
year in the release). 1 tC = 44/12 tCO2.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbonkit.errors import InvalidInput
from carbonkit.market import account_market, read_monthly
from carbonkit.market.formulas import FORMULAS, get_formula

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
C = 44 / 12


def _run(name: str):
    return account_market(read_monthly(EXAMPLES / f"market_{name}.csv"))


def _fac(result) -> dict:
    assert len(result.facilities) == 1
    return result.facilities.iloc[0].to_dict()


def _src(result, source: str) -> float:
    return float(result.sources.loc[result.sources["source"] == source, "tco2e"].sum())


def test_cement_default_factor_method_by_hand():
    """Process: 12 × (100,000 t × 0.535 − 2,000 t carbide slag × 0.480) = 12 × 52,540 = 630,480 tCO2.
    Combustion: 12 × 13,000 t × 21.0 GJ/t (measured) = 3,276,000 GJ × 0.0261 tC/GJ × 0.93 × 44/12
    = 291,567.276 tCO2. Electricity 72,000 MWh × 0.5703 = 41,061.6. Total 963,108.876 over 1,200,000 t
    clinker = 0.802590730 tCO2/t; against the benchmark 0.86: (0.80259073 − 0.86) × 1.2 Mt = −68,891.124."""
    r = _run("cement")
    f = _fac(r)
    assert _src(r, "calcination") == pytest.approx(12 * 100_000 * 0.535)
    assert _src(r, "alt_material_deduction") == pytest.approx(-12 * 2_000 * 0.480)
    assert f["process_tco2"] == pytest.approx(630_480)
    assert f["combustion_tco2"] == pytest.approx(3_276_000 * 0.0261 * 0.93 * C)
    assert f["electricity_tco2"] == pytest.approx(41_061.6)
    assert f["total_tco2e"] == pytest.approx(630_480 + 291_567.276 + 41_061.6)
    assert f["intensity_tco2e_per_t"] == pytest.approx(963_108.876 / 1_200_000)
    assert f["benchmark_gap_tco2e"] == pytest.approx(-68_891.124)
    tier = r.sources.loc[r.sources["source"] == "combustion", "tier"].iloc[0]
    assert tier == "ncv=measured, carbon_content=default, oxidation=default"
    assert r.quality.empty


def test_cement_oxide_method_and_missing_month_by_hand():
    """Per t: (0.65 − 0.01) × 44/56 + (2 % − 0) × 44/40 = 0.502857143 + 0.022 = 0.524857143 tCO2/t, over
    12 × (50,000 clinker + 500 kiln dust) = 606,000 t → 318,063.4286 tCO2. December's NCV was not analysed:
    the default 19.570 GJ/t is used and flagged. Heat 11 × 7,000 × 22.0 + 7,000 × 19.570 = 1,830,990 GJ
    → × 0.0261 × 0.93 × 44/12 = 162,959.941 tCO2; the year's NCV weighted by coal = 1,830,990 / 84,000 = 21.7975."""
    r = _run("cement_missing_month")
    f = _fac(r)
    assert f["process_tco2"] == pytest.approx(606_000 * ((0.65 - 0.01) * 44 / 56 + 0.02 * 44 / 40))
    assert f["combustion_tco2"] == pytest.approx(1_830_990 * 0.0261 * 0.93 * C)
    flags = r.quality.to_dict("records")
    assert [(q["month"], q["parameter"], q["problem"]) for q in flags] == [(12, "ncv", "missing")]
    assert "19.57" in flags[0]["handling"] and f["n_flags"] == 1
    tier = r.sources.loc[r.sources["source"] == "combustion", "tier"].iloc[0]
    assert tier.startswith("ncv=mixed")
    p = r.parameters.set_index(["parameter", "item"])["value"]
    assert p[("ncv", "bituminous_coal")] == pytest.approx(1_830_990 / 84_000)
    assert p[("clinker_output", "portland")] == pytest.approx(600_000)


def test_bf_bof_carbon_balance_by_hand():
    """Fluxes 12 × 20,000 t limestone × 0.4400 = 105,600 and 12 × 8,000 dolomite × 0.4773 = 45,820.8; carbon
    fixed in 4,800,000 t crude steel × 0.0154 = 73,920 out → process 77,500.8 tCO2. Coke 1,800,000 t × 28.435 GJ/t
    × 0.0295 × 0.93 × 44/12 = 5,148,753.885; coal 720,000 × 19.570 × 0.0261 × 0.93 × 44/12 = 1,254,059.690.
    Net electricity (600,000 − 120,000) MWh × 0.5703 = 273,744."""
    r = _run("steel_bof")
    f = _fac(r)
    assert _src(r, "flux.limestone") == pytest.approx(105_600)
    assert _src(r, "flux.dolomite") == pytest.approx(45_820.8)
    assert _src(r, "carbon_out.crude_steel") == pytest.approx(-73_920)
    assert f["process_tco2"] == pytest.approx(77_500.8)
    assert f["combustion_tco2"] == pytest.approx(1_800_000 * 28.435 * 0.0295 * 0.93 * C
                                                 + 720_000 * 19.570 * 0.0261 * 0.93 * C)
    assert f["electricity_mwh"] == pytest.approx(480_000) and f["electricity_tco2"] == pytest.approx(273_744)
    assert f["production_t"] == 4_800_000 and f["product"] == "crude_steel"


def test_eaf_by_hand():
    """Scrap 660,000 t × 0.002 tC/t (measured, in tC/t) × 44/12 = 4,840; electrodes 1,200 t × 3.663 = 4,395.6;
    crude steel out 600,000 × 0.0154 = 9,240 → process −4.4 tCO2. Natural gas 360 万Nm3 × 389.31 GJ/万Nm3
    = 140,151.6 GJ × 0.0153 × 0.99 × 44/12 = 7,783.8797 tCO2. Electricity 264,000 MWh × 0.5703 = 150,559.2."""
    r = _run("steel_eaf")
    f = _fac(r)
    assert _src(r, "carbon_in.scrap") == pytest.approx(660_000 * 0.002 * C)
    assert _src(r, "electrode") == pytest.approx(4_395.6)
    assert f["process_tco2"] == pytest.approx(4_840 + 4_395.6 - 9_240)
    assert f["combustion_tco2"] == pytest.approx(140_151.6 * 0.0153 * 0.99 * C)
    assert f["electricity_tco2"] == pytest.approx(150_559.2)


def test_aluminium_anode_and_pfc_slope_by_hand():
    """Anode: 360,000 t × 0.411 × (1 − 0.02 − 0.004) × 44/12 = 529,499.52 tCO2. Slope: EF_CF4 = 0.143 × 0.02
    = 0.00286 kg/t → 1.0296 t CF4 × 6630 = 6,826.248; C2F6 0.10296 t × 11100 = 1,142.856 → 7,969.104 tCO2e.
    Electricity 4,800,000 MWh × 0.5703 = 2,737,440; intensity (529,499.52 + 7,969.104 + 2,737,440) / 360,000
    = 9.09696840; the benchmark 9.0 is exceeded by 0.0969684 × 360,000 = 34,908.624 tCO2e."""
    r = _run("aluminium")
    f = _fac(r)
    assert f["process_tco2"] == pytest.approx(529_499.52)
    assert _src(r, "pfc.cf4") == pytest.approx(1.0296 * 6630)
    assert _src(r, "pfc.c2f6") == pytest.approx(0.10296 * 11100)
    assert f["pfc_tco2e"] == pytest.approx(7_969.104)
    assert f["intensity_tco2e_per_t"] == pytest.approx(3_274_908.624 / 360_000)
    assert f["benchmark_gap_tco2e"] == pytest.approx(34_908.624)
    cf4 = r.sources[r.sources["source"] == "pfc.cf4"].iloc[0]
    assert cf4["gas"] == "CF4" and cf4["emissions_t"] == pytest.approx(1.0296)
    assert "pfc_slope" in cf4["clause"]


def _frame(rows: list[dict], **common) -> pd.DataFrame:
    base = {"enterprise": "E1", "facility": "F1", "year": 2025, "item": "", "unit": "t", "tier": "", "standard": ""}
    return pd.DataFrame([{**base, **common, **r} for r in rows])


ALU = {"sector": "aluminium", "route": "electrolysis"}


def test_pfc_default_factors_with_an_annual_entry():
    """Month 0 (the whole year): 1,000 t Al × 0.034 kg = 0.034 t CF4 × 6630 = 225.42; 0.0034 t C2F6 × 11100
    = 37.74 tCO2e. Anode 1,000 × 0.411 × 0.976 × 44/12 = 1,470.832 tCO2."""
    r = account_market(_frame([{"month": 0, "parameter": "aluminium_output", "value": 1000}], **ALU))
    f = _fac(r)
    assert f["pfc_tco2e"] == pytest.approx(225.42 + 37.74)
    assert f["process_tco2"] == pytest.approx(1000 * 0.411 * 0.976 * C)
    assert f["months"] == 1


def test_implausible_month_is_set_aside_flagged_and_defaulted():
    """Sulphur 2 entered as a fraction (200 %) in March: set aside, the 2 % default used for March only.
    Other months measured 1.5 %: anode CO2 = 11 × 100 × 0.411 × (1 − 0.015 − 0.004) × 44/12
    + 100 × 0.411 × (1 − 0.02 − 0.004) × 44/12."""
    rows = [{"month": m, "parameter": "aluminium_output", "value": 100} for m in range(1, 13)]
    rows += [{"month": m, "parameter": "anode_sulfur", "value": 2 if m == 3 else 1.5, "unit": "%" if m != 3 else "",
              "tier": "measured", "standard": "YS/T 63"} for m in range(1, 13)]
    r = account_market(_frame(rows, **ALU))
    expected = (11 * 100 * 0.411 * (1 - 0.015 - 0.004) + 100 * 0.411 * (1 - 0.02 - 0.004)) * C
    assert _fac(r)["process_tco2"] == pytest.approx(expected)
    q = r.quality.to_dict("records")
    assert [(x["month"], x["parameter"], x["problem"]) for x in q] == [(3, "anode_sulfur", "implausible")]


def test_overvoltage_method_requires_its_coefficient():
    """No default was found for the overvoltage coefficient: the error names the facility, parameter, months."""
    rows = [{"month": 0, "parameter": "aluminium_output", "value": 1000},
            {"month": 0, "parameter": "aeo", "value": 15, "unit": "mV"},
            {"month": 0, "parameter": "current_efficiency", "value": 0.93, "unit": ""}]
    with pytest.raises(InvalidInput) as err:
        account_market(_frame(rows, **ALU))
    assert any(p.code == "parameter_required" and p.field == "cf4_ovc" for p in err.value.problems)


def test_overvoltage_method_by_hand():
    """EF_CF4 = OVC × AEO / CE = 0.001 kg/(t·mV) × 15 mV / 0.93 = 0.0161290 kg/t;
    1,000 t → 0.0161290 t CF4 × 6630 = 106.935; C2F6 = 0.1 × → 0.00161290 t × 11100 = 17.903."""
    rows = [{"month": 0, "parameter": "aluminium_output", "value": 1000},
            {"month": 0, "parameter": "aeo", "value": 15, "unit": "mV"},
            {"month": 0, "parameter": "current_efficiency", "value": 93, "unit": "%"},
            {"month": 0, "parameter": "cf4_ovc", "value": 0.001, "unit": "kg/t/mV"}]
    f = _fac(account_market(_frame(rows, **ALU)))
    cf4_t = 1000 * 0.001 * 15 / 0.93 / 1000
    assert f["pfc_tco2e"] == pytest.approx(cf4_t * 6630 + 0.1 * cf4_t * 11100)


def test_formulas_are_registered_by_name():
    assert {"clinker_default", "clinker_oxide", "raw_meal_carbon", "carbon_balance", "anode", "pfc_default",
            "pfc_slope", "pfc_overvoltage"} <= set(FORMULAS)
    assert get_formula("pfc_slope").family == "pfc" and get_formula("anode").sector == "aluminium"
    with pytest.raises(KeyError, match="known"):
        get_formula("nope")


def test_raw_meal_carbon_is_measured_or_refused():
    """1,000 t raw meal × 0.2 % organic carbon × 44/12 = 7.3333 tCO2; without the content: refused."""
    cem = {"sector": "cement", "route": "clinker_line"}
    rows = [{"month": 0, "parameter": "clinker_output", "item": "portland", "value": 600},
            {"month": 0, "parameter": "raw_meal", "value": 1000}]
    with pytest.raises(InvalidInput, match="raw_meal_carbon"):
        account_market(_frame(rows, **cem))
    rows.append({"month": 0, "parameter": "raw_meal_carbon", "value": 0.2, "unit": "%"})
    r = account_market(_frame(rows, **cem))
    assert _src(r, "raw_meal_carbon") == pytest.approx(1000 * 0.002 * C)
    assert _fac(r)["process_tco2"] == pytest.approx(600 * 0.535 + 1000 * 0.002 * C)
