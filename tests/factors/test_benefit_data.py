"""The shipped data of the screen and the grading agree with the reference notes:
/work/shared/reference/policy_targets.md §2 (低效落后产能标准) and green_criteria.md §3.3 (亩产效益 schemes)."""

from __future__ import annotations

import pytest

from benefit_reference import BENEFIT_STANDARDS

from carbonkit import benefit
from carbonkit.benefit.standards import load_screen_data
from carbonkit.errors import FactorDataError
from carbonkit.factors.documents import shipped

# policy_targets.md §2, as printed: tax per mu [万元/亩], tax per tce [万元/tce], revenue per employee [万元/人]
BENEFIT = BENEFIT_STANDARDS
ENERGY_LIMITS = {"steel": ["GB 21256-2013", "DB37/750-2015"], "local_refining": ["DB37/755-2015"],
                 "coke": ["DB37/747-2015"], "cement": ["DB37/836-2015"], "tyres": ["DB37/756-2018"],
                 "chlor_alkali": ["DB37/753-2015"], "synthetic_ammonia": ["DB37/757-2015"], "pesticide_ai": [],
                 "synthetic_materials": ["GB 30527-2014"]}


@pytest.fixture(scope="module")
def data():
    return load_screen_data()


def test_every_shipped_document_loads_with_provenance():
    kinds = {}
    for path in shipped("benefit"):
        text = path.read_text(encoding="utf-8")
        kind = next(line.split('"')[1] for line in text.splitlines() if line.startswith("kind"))
        kinds[path.stem] = kind
    assert kinds == {"sd-14fyp-benefit-standards": "benefit_standards",
                     "sd-14fyp-technical-standards": "technical_standards",
                     "sd-14fyp-industries": "industry_map", "huangyan-2022-above-scale": "grading_scheme"}
    data = load_screen_data()
    for doc in (data.benefit, data.technical, data.industries, benefit.load_scheme()):
        for field in ("id", "kind", "title", "source", "edition", "issuing_body", "published", "region"):
            assert str(getattr(doc, field)).strip(), (doc.id, field)


def test_benefit_standards_are_the_printed_table(data):
    b = data.benefit
    assert b.source == "Shandong 14th FYP 专栏1 低效落后产能标准 (benefit standards, 效益标准)"
    assert "Shandong 14th FYP 专栏1 低效落后产能标准" in b.source
    assert b.level == "provincial" and b.region == "37"
    got = {(s.industry, s.indicator): s.value for s in b.standard}
    want = {(ind, name): v for ind, values in BENEFIT.items()
            for name, v in zip(("tax_per_mu", "tax_per_tce", "revenue_per_employee"), values)}
    assert got == want
    assert {e.industry: e.standards for e in b.energy_limit} == ENERGY_LIMITS
    units = {i.id: (i.unit, i.numerator, i.denominator, i.pass_when) for i in b.indicator}
    assert units == {"tax_per_mu": ("万元/亩", "tax", "land_area", "ge"),
                     "tax_per_tce": ("万元/tce", "tax", "energy_equivalent", "ge"),
                     "revenue_per_employee": ("万元/人", "revenue", "employees", "ge")}


def test_cement_tax_per_mu_is_kept_as_printed_and_flagged(data):
    cement = next(s for s in data.benefit.standard if s.id == "cement.tax_per_mu")
    assert cement.value == 0.075 and cement.printed == "0.075 (as printed)"
    assert cement.as_printed and cement.status == "unverified"
    others = [s for s in data.benefit.standard if s.id != "cement.tax_per_mu"]
    assert all(s.status == "verified" and not s.as_printed for s in others)
    # the energy basis of tax per tce is carbonkit's choice and is marked as such
    assert next(i for i in data.benefit.indicator if i.id == "tax_per_tce").status == "unverified"


@pytest.mark.parametrize("rule, level, check, fails_when, limit, unit", [
    ("steel.blast_furnace_le_400m3", "national", "unit_size", "le", 400, "m3"),
    ("steel.converter_le_30t", "national", "unit_size", "le", 30, "t"),
    ("steel.eaf_le_30t", "national", "unit_size", "le", 30, "t"),
    ("steel.outside_layout_plan", "provincial", "fact", None, None, None),
    ("local_refining.avu_le_2mt", "national", "unit_size", "le", 2, "Mt/yr"),
    ("local_refining.avu_le_3mt_not_integrated", "provincial", "unit_size", "le", 3, "Mt/yr"),
    ("coke.top_charged_lt_4_3m", "national", "unit_size", "lt", 4.3, "m"),
    ("coke.chamber_lt_5_5m", "provincial", "unit_size", "lt", 5.5, "m"),
    ("coke.heat_recovery", "provincial", "process", None, None, None),
    ("cement.mill_lt_3m", "national", "unit_size", "lt", 3, "m"),
    ("cement.clinker_line_le_2500", "provincial", "unit_size", "le", 2500, "t/day"),
    ("cement.mill_le_3_2m", "provincial", "unit_size", "le", 3.2, "m"),
    ("tyres.bias_line_le_500k", "national", "unit_size", "le", 500_000, "piece/year"),
    ("tyres.all_steel_radial_lt_1_2m", "provincial", "total_size", "lt", 1_200_000, "piece/year"),
    ("tyres.semi_steel_radial_lt_5m", "provincial", "total_size", "lt", 5_000_000, "piece/year"),
    ("chlor_alkali.mercury", "national", "process", None, None, None),
    ("chlor_alkali.outside_chemical_park", "provincial", "fact", None, None, None),
    ("synthetic_ammonia.semi_water_gas_desulphurisation", "national", "process", None, None, None),
    ("pesticide_ai.sodium_paraquat", "national", "process", None, None, None),
    ("synthetic_materials.high_mercury_pvc", "national", "process", None, None, None),
])
def test_technical_standards_as_in_the_reference(data, rule, level, check, fails_when, limit, unit):
    r = next(x for x in data.technical.rule if x.id == rule)
    assert (r.level, r.check, r.fails_when, r.limit, r.unit) == (level, check, fails_when, limit, unit)


def test_every_rule_is_national_or_provincial_and_the_nine_industries_are_covered(data):
    assert {r.level for r in data.technical.rule} == {"national", "provincial"}
    assert {r.industry for r in data.technical.rule} == set(BENEFIT)
    # the cement process blacklist: dry hollow, vertical, Lepol and wet kilns (national)
    kilns = {r.equipment[0] for r in data.technical.rule if r.industry == "cement" and r.check == "process"}
    assert kilns == {"dry_hollow_kiln", "vertical_kiln", "lepol_kiln", "wet_kiln"}


def test_industry_map_is_marked_inferred(data):
    m = data.industries
    assert {i.id for i in m.industry} == set(BENEFIT)
    assert all(i.status == "unverified" for i in m.industry)
    assert m.match("C3011")[0] == "cement" and m.match("2911")[0] == "tyres" and m.match("C1440")[0] is None


def test_default_scheme_is_a_county_example_not_shandong():
    s = benefit.load_scheme()
    assert s.example is True and s.region.startswith("33")  # Zhejiang, not Shandong (37)
    assert "NOT SHANDONG" in s.notes.upper()
    weights = {i.id: i.weight for i in s.indicator}
    bench = {i.id: i.benchmark for i in s.indicator}
    # green_criteria.md §3.3, Huangyan: 24.097 × 30, 136.16 × 20, 2.694 × 20, 4929.81 × 10, 18.14 × 10, 0.0302 × 10
    assert weights == {"tax_per_mu": 30, "value_added_per_mu": 20, "value_added_per_tce": 20,
                       "value_added_per_pollutant": 10, "labour_productivity": 10, "rd_intensity": 10}
    assert bench == {"tax_per_mu": 24.097, "value_added_per_mu": 136.16, "value_added_per_tce": 2.694,
                     "value_added_per_pollutant": 4929.81, "labour_productivity": 18.14, "rd_intensity": 0.0302}
    # A = top 25 %, B = 26-70 %, C = 71-95 %, D = bottom 5 %: from another published scheme, so unverified here
    assert [(g.grade, g.up_to) for g in s.grade] == [("A", 0.25), ("B", 0.70), ("C", 0.95), ("D", 1.0)]
    assert all(g.status == "unverified" for g in s.grade)
    assert [x.id for x in benefit.shipped_schemes()] == ["huangyan-2022-above-scale"]


def test_broken_documents_name_the_file_and_place(tmp_path):
    from carbonkit.datafiles import data_path

    text = data_path("benefit", "sd-14fyp-technical-standards.toml").read_text(encoding="utf-8")
    bad = tmp_path / "tech.toml"
    bad.write_text(text.replace('equipment = ["clinker_line"]', 'equipment = ["clinker_lines"]'), encoding="utf-8")
    with pytest.raises(FactorDataError, match=r"tech.toml.*clinker_lines"):
        load_screen_data(technical=bad)
    text = data_path("benefit", "sd-14fyp-benefit-standards.toml").read_text(encoding="utf-8")
    bad = tmp_path / "benefit.toml"
    bad.write_text(text.replace('issuing_body = "山东省人民政府 (Shandong Provincial People\'s Government)"\n', ""),
                   encoding="utf-8")
    with pytest.raises(FactorDataError, match="issuing_body"):
        load_screen_data(benefit=bad)
    bad.write_text(text.replace('industry = "coke"\nindicator = "tax_per_mu"', 'industry = "coking"\nindicator = "tax_per_mu"'),
                   encoding="utf-8")
    with pytest.raises(FactorDataError, match="coking"):
        load_screen_data(benefit=bad)
