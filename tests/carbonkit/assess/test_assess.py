"""Green factory and park assessment, scored by hand.

A small criteria set written here keeps the arithmetic readable (tests of the shipped sets are at the end
and in tests/factors/test_criteria_data.py). Points by the linear rule of GB/T 36132-2025 §5.2 (as cited):
P x (v - base) / (lead - base), clipped to [0, P]; by the park rule: P x min(v / lead, 1), lower-is-better
P x min(lead / v, 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carbonkit.assess import assess_factory, assess_park, load_criteria
from carbonkit.errors import FactorDataError, InvalidInput

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

FACTORY = """
id = "test-factory"
kind = "green_factory_criteria"
title = "test set"
source = "tests"
edition = "1"
issuing_body = "carbonkit tests"
published = "2026"
region = "CN"

[scoring]
method = "linear"
status = "verified"

[pass_rule]
min_total = 60.0
status = "verified"

[[group]]
id = "energy"
name_zh = "能源"
name_en = "Energy"
[[group]]
id = "water"
name_zh = "水"
name_en = "Water"

[[gate]]
id = "permit"
name_zh = "排污许可"
name_en = "Permit"
status = "verified"

[[indicator]]
id = "energy_per_output_value"
group = "energy"
name_zh = "单位产值综合能耗"
name_en = "Energy per output value"
type = "quantitative"
direction = "lower"
unit = "kgce/万元"
metric = "energy_per_output_value"
points = 10
lead = 100.0
base = 200.0
status = "verified"

[[indicator]]
id = "water_reuse_rate"
group = "water"
name_zh = "重复利用率"
name_en = "Water reuse rate"
type = "quantitative"
direction = "higher"
unit = "%"
metric = "water_reuse_rate"
points = 4
lead = 92.22
base = 80.0
status = "verified"

[[indicator]]
id = "case"
group = "water"
name_zh = "案例"
name_en = "Case study"
type = "qualitative"
points = 6
status = "unverified"
"""


@pytest.fixture
def factory_criteria(tmp_path):
    path = tmp_path / "test-factory.toml"
    path.write_text(FACTORY, encoding="utf-8")
    return load_criteria(path)


def doc(energy_t_coal: float = 0.0, output: float = 1000.0, reuse: float = 0.0, withdrawal: float = 100.0) -> dict:
    """An enterprise-period whose metrics are easy by hand: raw coal at 0.7143 kgce/kg (GB/T 2589 A)."""
    items = [{"item": "gross_output", "amount": output, "unit": "万元"},
             {"item": "tap_water", "amount": withdrawal, "unit": "m3"}]
    if energy_t_coal:
        items.append({"item": "raw_coal", "amount": energy_t_coal, "unit": "t"})
    if reuse:
        items.append({"item": "recycled_water", "amount": reuse, "unit": "m3"})
    return {"enterprise": "E1", "period": "2023", "region": "370211", "items": items}


def test_exactly_at_base_values_scores_zero(factory_criteria):
    # energy: 280 t coal x 714.3 kgce/t = 200,004 kgce / 1000 万元 = 200.004 kgce/万元: just beyond base 200 -> 0
    # reuse: 400 / (400 + 100) = 80 % = base -> 0
    a = assess_factory({"document": doc(280, reuse=400), "gates": {"permit": True}, "values": {"case": False}},
                       factory_criteria)
    assert a.indicator("energy_per_output_value").value == pytest.approx(200.004)
    assert a.indicator("energy_per_output_value").points == 0.0
    assert a.indicator("water_reuse_rate").value == pytest.approx(80.0)
    assert a.indicator("water_reuse_rate").points == pytest.approx(0.0)
    assert a.total == pytest.approx(0.0) and a.passed is False


def test_exactly_at_lead_values_scores_full(factory_criteria):
    # 1000 万元 x 100 kgce/万元 = 100,000 kgce = 100,000 / 714.3 t coal
    # reuse 92.22 %: recycled r with r / (r + 100) = 0.9222 -> r = 92.22 x 100 / 7.78
    a = assess_factory({"document": doc(100_000 / 714.3, reuse=9222 / 7.78), "gates": {"permit": True},
                        "values": {"case": True}}, factory_criteria)
    assert a.indicator("energy_per_output_value").points == pytest.approx(10.0)
    assert a.indicator("water_reuse_rate").points == pytest.approx(4.0)
    assert a.total == pytest.approx(20.0) and a.score == pytest.approx(100.0)
    assert a.passed is True and a.gaps == []


def test_between_base_and_lead_is_linear(factory_criteria):
    # energy 150 kgce/万元: 10 x (200 - 150) / (200 - 100) = 5.0
    # reuse 86.11 %: 4 x (86.11 - 80) / (92.22 - 80) = 4 x 6.11 / 12.22 = 2.0
    # total 5 + 2 + 6 (case) = 13 of 20 = 65 -> passes 60
    a = assess_factory({"document": doc(150_000 / 714.3, reuse=8611 / 13.89), "gates": {"permit": True},
                        "values": {"case": True}}, factory_criteria)
    assert a.indicator("energy_per_output_value").points == pytest.approx(5.0)
    assert a.indicator("water_reuse_rate").points == pytest.approx(2.0)
    assert a.score == pytest.approx(65.0) and a.passed is True
    groups = {g["id"]: g for g in a.groups}
    assert groups["energy"]["points"] == pytest.approx(5.0) and groups["energy"]["max_points"] == 10
    assert groups["water"]["points"] == pytest.approx(8.0) and groups["water"]["max_points"] == 10
    # gaps, largest gain first: energy +5 at its lead 100 (base already reached), reuse +2 at 92.22
    assert [g.indicator for g in a.gaps] == ["energy_per_output_value", "water_reuse_rate"]
    assert a.gaps[0].gain_at_lead == pytest.approx(5.0) and a.gaps[0].value_for_lead == 100.0
    assert a.gaps[0].value_for_base is None
    assert a.gaps[1].gain_at_lead == pytest.approx(2.0)


def test_beyond_lead_is_capped(factory_criteria):
    # 50 kgce/万元 is better than the lead value 100: still 10 points, not 15
    a = assess_factory({"document": doc(50_000 / 714.3, reuse=99_900), "gates": {"permit": True},
                        "values": {"case": True}}, factory_criteria)
    assert a.indicator("energy_per_output_value").points == pytest.approx(10.0)
    assert a.indicator("water_reuse_rate").points == pytest.approx(4.0)  # 99.9 % > 92.22 %


def test_worse_than_base_shows_the_value_that_reaches_base(factory_criteria):
    # 300 kgce/万元: 0 points; reaching base 200 gains 0 (the linear rule starts there), lead 100 gains 10
    a = assess_factory({"document": doc(300_000 / 714.3, reuse=9222 / 7.78), "gates": {"permit": True},
                        "values": {"case": True}}, factory_criteria)
    gap = next(g for g in a.gaps if g.indicator == "energy_per_output_value")
    assert (gap.value_for_base, gap.gain_at_base, gap.value_for_lead, gap.gain_at_lead) == (200.0, 0.0, 100.0, 10.0)


def test_failing_veto_fails_whatever_the_score(factory_criteria):
    a = assess_factory({"document": doc(100_000 / 714.3, reuse=9222 / 7.78), "gates": {"permit": False},
                        "values": {"case": True}}, factory_criteria)
    assert a.score == pytest.approx(100.0)
    assert a.passed is False
    assert any("veto" in r and "Permit" in r for r in a.reasons)
    assert a.gates[0]["passed"] is False and a.gates[0]["reason"] == "declared not met"


def test_missing_indicator_makes_it_not_assessable_not_zero(factory_criteria):
    a = assess_factory({"document": doc(150_000 / 714.3, reuse=8611 / 13.89), "gates": {"permit": True}},
                       factory_criteria)
    assert a.assessable is False and a.passed is None
    assert [m["id"] for m in a.missing] == ["case"]
    case = a.indicator("case")
    assert case.points is None and case.value is None and case.source is None
    # an unstated gate is missing too
    b = assess_factory({"document": doc(150_000 / 714.3), "values": {"case": True}}, factory_criteria)
    assert {"kind": "gate", "id": "permit"}.items() <= b.missing[0].items()


def test_supplied_value_with_a_unit_is_converted_and_wins(factory_criteria):
    # 0.12 tce/万元 = 120 kgce/万元: 10 x (200 - 120) / 100 = 8
    a = assess_factory({"document": doc(150_000 / 714.3), "gates": {"permit": True},
                        "values": {"case": True, "water_reuse_rate": 86.11,
                                   "energy_per_output_value": {"value": 0.12, "unit": "tce/万元"}}}, factory_criteria)
    ind = a.indicator("energy_per_output_value")
    assert ind.source == "supplied" and ind.value == pytest.approx(120.0) and ind.points == pytest.approx(8.0)


def test_bad_statements_name_the_field(factory_criteria):
    with pytest.raises(InvalidInput) as info:
        assess_factory({"gates": {"permitt": True}, "values": {"case": 3.0, "nope": 1.0}}, factory_criteria)
    fields = {p.field for p in info.value.problems}
    assert {"gates.permitt", "values.case", "values.nope"} <= fields
    with pytest.raises(InvalidInput) as info:
        assess_factory({"values": {"water_reuse_rate": {"value": 1, "unit": "kWh"}}}, factory_criteria)
    assert info.value.problems[0].field == "values.water_reuse_rate.unit"
    with pytest.raises(InvalidInput):
        assess_factory({"unknown_section": {}}, factory_criteria)


def test_unverified_values_are_reported(factory_criteria):
    a = assess_factory({"document": doc(150_000 / 714.3), "gates": {"permit": True}, "values": {"case": True}},
                       factory_criteria)
    assert a.unverified == ["indicator case"]


def test_contradictory_criteria_file_is_refused_with_its_place(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(FACTORY.replace("lead = 100.0\nbase = 200.0", "lead = 200.0\nbase = 100.0"), encoding="utf-8")
    with pytest.raises(FactorDataError) as info:
        load_criteria(path)
    assert "bad.toml" in str(info.value) and "indicator[0]" in str(info.value) and "lead" in str(info.value)


def test_a_variant_pass_score_changes_the_verdict(tmp_path, factory_criteria):
    strict = tmp_path / "strict.toml"
    strict.write_text(FACTORY.replace("min_total = 60.0", "min_total = 70.0"), encoding="utf-8")
    data = {"document": doc(150_000 / 714.3, reuse=8611 / 13.89), "gates": {"permit": True}, "values": {"case": True}}
    assert assess_factory(data, factory_criteria).passed is True     # 65 >= 60
    assert assess_factory(data, strict).passed is False              # 65 < 70


# ------------------------------------------------------------------ the shipped factory set (MIIT 2025 通则)

def tyre_statements() -> dict:
    return json.loads((EXAMPLES / "green_factory.json").read_text(encoding="utf-8"))


def test_shipped_factory_set_on_the_tyre_maker():
    """examples/green_factory.json (the tyre maker of examples/tyre_maker.json, accounted by hand in
    tests/examples/test_examples.py: 25,716.918 tce equivalent value, of which green power 983.2 tce;
    gross output 205,000 万元; recycled 3,500,000 m3 and withdrawal 200,000 m3; land 900 亩)."""
    a = assess_factory(tyre_statements())
    # energy per output value: 25,716,918 kgce / 205,000 万元 = 125.448 kgce/万元 (benchmarks 100 / 200 supplied)
    #   11 x (200 - 125.448) / 100 = 8.2007
    ind = a.indicator("energy_per_output_value")
    assert ind.value == pytest.approx(25_716_918 / 205_000) and ind.points == pytest.approx(11 * (200 - 125.4484) / 100, rel=1e-4)
    # renewable share 983.2 / 25,716.918 = 3.8232 %; >= 10,000 tce takes the lead value 4.31, base 0
    #   8 x 3.8232 / 4.31 = 7.0964
    ren = a.indicator("renewable_share")
    assert ren.lead == 4.31 and ren.value == pytest.approx(100 * 983.2 / 25_716.918)
    assert ren.points == pytest.approx(8 * (100 * 983.2 / 25_716.918) / 4.31)
    # reuse 3.5 M / 3.7 M = 94.59 % >= lead 92.22: 4 points
    assert a.indicator("water_reuse_rate").points == pytest.approx(4.0)
    # land: 205,000 万元 / (900 亩 x 666.67 m2) = 0.3417 万元/m2 < base 1.0: 0 points
    land = a.indicator("output_per_land")
    assert land.value == pytest.approx(205_000 / (900 * 10_000 / 15)) and land.points == 0.0
    # the product group is out of 8: energy-saving products declared not applicable
    assert {g["id"]: g["max_points"] for g in a.groups}["product"] == 8
    assert a.max_total == pytest.approx(94.0)
    # the energy pair counts once: per product has no 能耗限额 benchmarks, so per output value counts
    ids = [i.id for i in a.indicators]
    assert "energy_per_output_value" in ids and "energy_per_product" not in ids
    assert a.assessable and a.release == "cn-2026.11"


def test_renewable_lead_value_follows_the_energy_tier():
    data = tyre_statements()
    small = {"enterprise": "E2", "period": "2023", "region": "370211", "items": [
        {"item": "raw_coal", "amount": 4000 / 0.7143, "unit": "t"},          # 4,000 tce
        {"item": "gross_output", "amount": 10_000, "unit": "万元"}]}
    data["document"] = small
    a = assess_factory(data)
    assert a.indicator("renewable_share").lead == 7.93   # 3,000-5,000 tce tier
    assert a.indicator("renewable_share").points == 0.0  # no renewables


def test_per_product_indicator_counts_when_its_benchmarks_are_given():
    data = tyre_statements()
    # 25,716,918 kgce / 8,000,000 tyres = 3.2146 kgce per tyre; grades 2.5 (lead) and 4.0 (base) supplied:
    #   11 x (4.0 - 3.2146) / 1.5 = 5.7594
    data["benchmarks"]["energy_per_product"] = {"lead": 2.5, "base": 4.0}
    a = assess_factory(data)
    ids = [i.id for i in a.indicators]
    assert "energy_per_product" in ids and "energy_per_output_value" not in ids
    assert a.indicator("energy_per_product").points == pytest.approx(11 * (4.0 - 25_716_918 / 8e6) / 1.5)


# ------------------------------------------------------------------ parks

PARK = json.loads((EXAMPLES / "green_park.json").read_text(encoding="utf-8"))
PARK_DOCS = json.loads((EXAMPLES / "park.json").read_text(encoding="utf-8"))


def park(**changes) -> dict:
    data = json.loads(json.dumps(PARK))
    data["enterprises"] = PARK_DOCS
    for key, value in changes.items():
        data["values"][key] = value
    return data


def test_park_metrics_come_from_the_enterprises_totals():
    a = assess_park(park())
    # totals of the ten enterprises in examples/park.json, accounted by the core:
    import carbonkit as ck
    s = ck.account(PARK_DOCS).summary
    va, energy = s["value_added_10k_cny"].sum(), s["energy_equivalent_tce"].sum()
    assert va == 193_000  # 万元, current prices (no deflator in the example)
    assert a.indicator("energy_output_rate").value == pytest.approx(va / energy)
    # 586号: water output rate = value added / fresh water: 193,000 x 10^4 yuan / 3,040,000 m3 = 634.87 元/m3
    assert a.indicator("water_output_rate").value == pytest.approx(193_000e4 / 3_040_000)
    # land 12 km2: 193,000 万元 / 12 km2 = 16,083 万元/km2 = 1.6083 亿元/km2
    assert a.indicator("land_output_rate").value == pytest.approx(1.608333, rel=1e-6)
    # 4 x 1.6083 / 15 = 0.4289 points
    assert a.indicator("land_output_rate").points == pytest.approx(4 * 1.608333 / 15, rel=1e-6)
    assert a.indicator("value_added_per_capita").value == pytest.approx(193_000 / 6_950)
    assert "current prices" in a.metrics["energy_output_rate"]["note"]


def test_choose_n_of_m_counts_the_best_n():
    a = assess_park(park())
    # RG choose 2 of 4: reclaimed 35/30 -> 4 (capped); heat 48/60 x 4 = 3.2; gas 70/90 x 4 = 3.111; 4th not given
    rg = {r.id: r for r in a.indicators if r.id in ("reclaimed_water_reuse", "waste_heat_recovery", "waste_gas_recovery",
                                                   "renewable_resource_recovery")}
    assert rg["reclaimed_water_reuse"].points == pytest.approx(4.0)
    assert rg["waste_heat_recovery"].points == pytest.approx(3.2)
    assert rg["waste_gas_recovery"].points == pytest.approx(4 * 70 / 90)
    assert [k for k, r in rg.items() if r.counted] == ["reclaimed_water_reuse", "waste_heat_recovery"]
    # the unchosen one gains only what it would add over the weakest counted one: 4 - 3.2 = 0.8
    gap = next(g for g in a.gaps if g.indicator == "waste_gas_recovery")
    assert gap.gain_at_lead == pytest.approx(0.8)
    assert not any(m["id"] == "renewable_resource_recovery" for m in a.missing)


def test_choose_set_short_of_n_is_not_assessable():
    data = park()
    for key in ("reclaimed_water_reuse", "waste_heat_recovery", "waste_gas_recovery"):
        del data["values"][key]
    a = assess_park(data)
    assert a.passed is None
    assert any(m["kind"] == "choose" and m["id"] == "RG-choose" and "2 more" in m["what"] for m in a.missing)


def test_lower_is_better_ratio():
    # wastewater 6.25 t/万元 against lead 5: 4 x 5 / 6.25 = 3.2
    a = assess_park(park(wastewater_per_value_added=6.25))
    assert a.indicator("wastewater_per_value_added").points == pytest.approx(3.2)


def test_park_passes_and_fails_on_one_mandatory_indicator():
    assert assess_park(park()).passed is True
    a = assess_park(park(information_platform=False))
    assert a.passed is False
    assert any("information_platform" in r for r in a.reasons)


def test_reach_lead_rule_from_a_variant_file(tmp_path):
    text = (Path(load_criteria("miit-green-park-2016", "green_park_criteria").path).read_text(encoding="utf-8")
            .replace('mandatory = "qualitative_met"', 'mandatory = "reach_lead"'))
    variant = tmp_path / "strict-park.toml"
    variant.write_text(text, encoding="utf-8")
    a = assess_park(park(), variant)
    assert a.passed is False
    assert any("energy_output_rate" in r and "lead value 3" in r for r in a.reasons)


def test_missing_prior_year_leaves_the_co2_reduction_to_be_supplied():
    data = park()
    del data["values"]["co2_intensity_reduction"]
    a = assess_park(data)
    assert any(m["id"] == "co2_intensity_reduction" for m in a.missing)


def test_co2_reduction_is_computed_from_two_years():
    before = json.loads(json.dumps(PARK_DOCS))
    for d in before:
        d["period"] = "2022"
        for it in d["items"]:
            if it["item"] == "value_added":
                it["amount"] *= 0.9  # same energy, 10 % less value added the year before
    data = park()
    del data["values"]["co2_intensity_reduction"]
    data["enterprises"] = PARK_DOCS + before
    a = assess_park(data)
    ind = a.indicator("co2_intensity_reduction")
    # 2022 used the 2022 grid factor, 2023 the 2023 one; I = CO2 / VA each year; reduction = 1 - I23 / I22
    import carbonkit as ck
    s = ck.account(PARK_DOCS + before).summary
    i = {y: s[s.year == y].co2_location_tco2.sum() / s[s.year == y].value_added_10k_cny.sum() for y in (2022, 2023)}
    assert ind.source == "computed" and ind.value == pytest.approx(100 * (1 - i[2023] / i[2022]))


def test_enterprise_of_another_park_is_refused():
    data = park()
    data["enterprises"] = [dict(PARK_DOCS[0], park="P0002")]
    with pytest.raises(InvalidInput) as info:
        assess_park(data)
    assert info.value.problems[0].path == "enterprises[0].park"


def test_2025_scheme_extends_2016():
    c = load_criteria("miit-green-park-2025", "green_park_criteria")
    assert len(c.indicator) == 33 and c.indicators["green_microgrid"].group == "ZC"
    a = assess_park(park(), c)
    co2 = a.indicator("co2_per_value_added")
    assert co2.source == "computed" and co2.points is None          # no lead value published
    assert a.passed is True                                         # optional: not missing
    data = park(green_microgrid=True)
    data["benchmarks"] = {"co2_per_value_added": {"lead": 1.0}}
    b = assess_park(data, c)
    # 394,224.6 tCO2 / 193,000 万元 = 2.0426 tCO2/万元; 4 x 1.0 / 2.0426 = 1.958
    assert b.indicator("co2_per_value_added").points == pytest.approx(4 * 193_000 / 394_224.6, rel=1e-4)
    assert b.max_total == pytest.approx(108.0)
