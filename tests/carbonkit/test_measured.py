"""Measured calorific value and carbon content per item, with a source (carbonkit.measured).

Hand arithmetic, 1,000 t raw coal measured at 21.5 GJ/t and 27.0 tC/TJ (defaults: 20.908 GJ/t, 26.1 tC/TJ, OF 0.93):
- energy: 21.5 GJ/t = 21,500,000 kJ/t ÷ 29,307 kJ/kgce = 733.6131 kgce/t → × 1,000 t = 733.6131 tce
  (the Appendix A default 0.7143 kgce/kg would give 714.3 tce)
- CO2: 1,000 t × 21.5 GJ/t = 21.5 TJ × 27.0 tC/TJ = 580.5 tC × 0.93 = 539.865 tC × 44/12 = 1,979.505 tCO2
- CC only: 1,000 × 20.908 GJ/t = 20.908 TJ × 27.0 × 0.93 × 44/12 = 1,924.9 tCO2 (20.908 × 27 = 564.516;
  × 0.93 = 524.99988; × 44/12 = 1,924.99956)
"""

from __future__ import annotations

import pytest

import carbonkit as ck
from carbonkit.errors import InvalidInput

SOURCE = "SGS report 2023-117, 2023-03-02"


def _doc(**measured) -> dict:
    return {"enterprise": "E1", "period": "2023", "region": "37",
            "items": [{"item": "raw_coal", "amount": 1000, "unit": "t", **measured}]}


def test_measured_ncv_and_carbon_content():
    result = ck.account(_doc(ncv=21.5, ncv_unit="GJ/t", carbon_content=27.0, carbon_content_unit="tC/TJ",
                             factor_source=SOURCE))
    rec = result.records()[0]
    assert rec["energy_equivalent_tce"] == pytest.approx(21_500_000 / 29_307, rel=1e-4)  # 733.61 tce
    assert rec["co2_combustion_tco2"] == pytest.approx(1979.505, rel=1e-9)
    factors = {f["id"]: f for f in result.factor_records()}
    ncv = factors["measured.E1.2023.raw_coal.ncv"]
    assert (ncv["value"], ncv["unit"], ncv["source"], ncv["status"]) == (21.5, "GJ/t", SOURCE, "unverified")
    assert "measured.E1.2023.raw_coal.carbon_content" in rec["factor_ids"]


def test_measured_carbon_content_only_keeps_the_default_ncv():
    rec = ck.account(_doc(carbon_content=27.0, carbon_content_unit="tC/TJ", factor_source=SOURCE)).records()[0]
    assert rec["energy_equivalent_tce"] == pytest.approx(714.3, rel=1e-9)
    assert rec["co2_combustion_tco2"] == pytest.approx(1924.99956, rel=1e-9)


def test_measured_ncv_in_kcal_per_kg():
    # 5,000 kcal/kg × 4.1868 = 20,934 kJ/kg; ÷ 29,307 = 0.714300 kgce/kg → 714.30 tce (as Appendix A's 0.7143)
    rec = ck.account(_doc(ncv=5000, ncv_unit="kcal/kg", factor_source=SOURCE)).records()[0]
    assert rec["energy_equivalent_tce"] == pytest.approx(5000 * 4.1868 / 29_307 * 1000, rel=1e-9)


@pytest.mark.parametrize(("measured", "code", "field"), [
    ({"ncv": 21.5, "ncv_unit": "GJ/t"}, "factor_source_missing", "factor_source"),
    ({"ncv": 21.5, "ncv_unit": "tC/TJ", "factor_source": SOURCE}, "ncv_unit_invalid", "ncv_unit"),
    ({"ncv": -1, "ncv_unit": "GJ/t", "factor_source": SOURCE}, "ncv_invalid", "ncv"),
    ({"carbon_content": 27, "factor_source": SOURCE}, "carbon_content_invalid", "carbon_content"),
])
def test_bad_measured_values_name_the_field(measured, code, field):
    with pytest.raises(InvalidInput) as caught:
        ck.account(_doc(**measured))
    (problem,) = caught.value.problems
    assert (problem.code, problem.field, problem.row) == (code, field, 1)


def test_measured_values_on_electricity_are_refused():
    doc = {"enterprise": "E1", "period": "2023", "region": "37",
           "items": [{"item": "electricity", "amount": 1, "unit": "MWh", "ncv": 3.6, "ncv_unit": "GJ/MWh",
                      "factor_source": SOURCE}]}
    with pytest.raises(InvalidInput) as caught:
        ck.account(doc)
    assert caught.value.problems[0].code == "measured_not_fuel"


def test_measured_columns_in_a_csv():
    import io

    text = ("企业,年份,地区,能源品种,消费量,计量单位,低位发热量,低位发热量单位,检测报告\n"
            f"E1,2023,37,原煤,1000,吨,21.5,GJ/t,\"{SOURCE}\"\n")
    rec = ck.account(ck.readers.read_csv(io.StringIO(text))).records()[0]
    assert rec["energy_equivalent_tce"] == pytest.approx(21_500_000 / 29_307, rel=1e-9)
