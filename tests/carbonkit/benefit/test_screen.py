"""The low-efficiency capacity screen, worked by hand from /work/shared/reference/policy_targets.md §2.

Energy comes from the accounting core: raw coal 0.7143 kgce/kg (GB/T 2589 Appendix A), so
10,000 t of raw coal = 10,000,000 kg × 0.7143 kgce/kg = 7,143 tce (equivalent value).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from benefit_reference import BENEFIT_STANDARDS

from carbonkit import benefit
from carbonkit.benefit.standards import load_screen_data
from cli.main import app
from carbonkit.datafiles import data_path
from carbonkit.errors import InvalidInput

# The benefit standards as printed (policy_targets.md §2): tax per mu [万元/亩], tax per tce [万元/tce],
# main-business revenue per employee [万元/人].
REFERENCE = BENEFIT_STANDARDS
INDICATORS = ("tax_per_mu", "tax_per_tce", "revenue_per_employee")
# a GB/T 4754-2017 class of each industry (the shipped map's inference)
CODES = {"steel": "C3120", "local_refining": "C2511", "coke": "C2521", "cement": "C3011", "tyres": "C2911",
         "chlor_alkali": "C2612", "synthetic_ammonia": "C2621", "pesticide_ai": "C2631",
         "synthetic_materials": "C2651"}
COAL_T, COAL_TCE = 10_000, 7_143.0
TAX = [{"item": "tax", "amount": 1, "unit": "万元"}]  # a document needs one item; the technical tests need no more


def doc(enterprise: str, industry: str | None, items: list, profile: dict | None = None, **head) -> dict:
    out = {"enterprise": enterprise, "period": "2023", "region": "370305", "items": items, **head}
    if industry is not None:
        out["industry"] = industry
    if profile is not None:
        out["benefit"] = profile
    return out


def item(name: str, amount: float, unit: str) -> dict:
    return {"item": name, "amount": amount, "unit": unit}


def run(*docs: dict, **kw) -> benefit.ScreenResult:
    return benefit.screen(benefit.split_documents(list(docs)), **kw)


def check(result: benefit.ScreenResult, enterprise: str, standard: str) -> dict:
    rows = [c for r in result.records() if r["enterprise"] == enterprise for c in r["checks"] if c["standard"] == standard]
    assert len(rows) == 1, f"{standard} of {enterprise}: {rows}"
    return rows[0]


def verdict(result: benefit.ScreenResult, enterprise: str) -> dict:
    return next(r for r in result.records() if r["enterprise"] == enterprise)


# --------------------------------------------------------------------------- benefit standards by hand

def test_steel_tax_per_mu_by_hand():
    """Steel, 2.6 万元/亩: 260 万元 / 100 亩 = 2.6 → meets it (margin 0); 259 / 100 = 2.59 → fails by 0.01;
    300 / 100 = 3.0 → passes by 0.4 (relative 0.4 / 2.6 = 15.38 %)."""
    land = [item("land_area", 100, "亩")]
    r = run(doc("AT", "C3120", land + [item("tax", 260, "万元")]), doc("BELOW", "C3120", land + [item("tax", 259, "万元")]),
            doc("ABOVE", "C3120", land + [item("tax", 300, "万元")]))
    at, below, above = (check(r, e, "steel.tax_per_mu") for e in ("AT", "BELOW", "ABOVE"))
    assert (at["result"], at["value"], at["limit"], at["margin"]) == ("pass", pytest.approx(2.6), 2.6, pytest.approx(0, abs=1e-12))
    assert below["result"] == "fail" and below["margin"] == pytest.approx(-0.01)
    assert above["result"] == "pass" and above["margin"] == pytest.approx(0.4)
    assert above["relative_margin"] == pytest.approx(0.4 / 2.6)
    assert at["level"] == "provincial" and at["unit"] == "万元/亩"


def test_cement_tax_per_tce_by_hand():
    """Cement, 0.042 万元/tce on 7,143 tce: at = 0.042 × 7,143 = 300.006 万元; 300 万元 gives
    300 / 7,143 = 0.0419992 < 0.042 → fails by 0.042 − 0.0419992 = 8.4e-7; 357.15 万元 gives 0.05 → passes by 0.008."""
    coal = [item("raw_coal", COAL_T, "t")]
    r = run(doc("AT", "C3011", coal + [item("tax", 300.006, "万元")]), doc("BELOW", "C3011", coal + [item("tax", 300, "万元")]),
            doc("ABOVE", "C3011", coal + [item("tax", 357.15, "万元")]))
    assert check(r, "AT", "cement.tax_per_tce")["result"] == "pass"
    below = check(r, "BELOW", "cement.tax_per_tce")
    assert below["result"] == "fail"
    assert below["value"] == pytest.approx(300 / 7143, rel=1e-12)
    assert below["margin"] == pytest.approx(300 / 7143 - 0.042, rel=1e-9)
    above = check(r, "ABOVE", "cement.tax_per_tce")
    assert above["result"] == "pass" and above["margin"] == pytest.approx(0.008)


def test_tyres_revenue_per_employee_by_hand():
    """Tyres, 52.32 万元/人 with 250 employees: at = 52.32 × 250 = 13,080 万元; 13,000 / 250 = 52.0 fails by 0.32;
    15,000 / 250 = 60 passes by 7.68."""
    staff = [item("employees", 250, "人")]
    r = run(doc("AT", "C2911", staff + [item("revenue", 13_080, "万元")]),
            doc("BELOW", "C2911", staff + [item("revenue", 13_000, "万元")]),
            doc("ABOVE", "C2911", staff + [item("主营业务收入", 15_000, "万元")]))
    assert check(r, "AT", "tyres.revenue_per_employee")["result"] == "pass"
    assert check(r, "BELOW", "tyres.revenue_per_employee")["margin"] == pytest.approx(-0.32)
    assert check(r, "BELOW", "tyres.revenue_per_employee")["result"] == "fail"
    assert check(r, "ABOVE", "tyres.revenue_per_employee")["margin"] == pytest.approx(7.68)


@pytest.mark.parametrize("industry", sorted(REFERENCE))
@pytest.mark.parametrize("indicator", INDICATORS)
def test_every_benefit_standard_at_above_and_below(industry: str, indicator: str):
    """For each printed standard s: the indicator at k × s for k = 1 (at: pass, margin 0), 1.1 (above: pass,
    margin 0.1 s), 0.9 (below: fail, margin −0.1 s) and 0.999 (just below: fail, margin −0.001 s), with
    land 100 亩 (tax = 100 k s), energy 7,143 tce (tax = 7,143 k s) or 100 employees (revenue = 100 k s)."""
    s = REFERENCE[industry][INDICATORS.index(indicator)]
    cases = {"at": 1.0, "above": 1.1, "below": 0.9, "just_below": 0.999}
    docs = []
    for name, k in cases.items():
        if indicator == "tax_per_mu":
            items = [item("land_area", 100, "亩"), item("tax", 100 * k * s, "万元")]
        elif indicator == "tax_per_tce":
            items = [item("raw_coal", COAL_T, "t"), item("tax", COAL_TCE * k * s, "万元")]
        else:
            items = [item("employees", 100, "人"), item("revenue", 100 * k * s, "万元")]
        docs.append(doc(name, CODES[industry], items))
    r = run(*docs)
    for name, k in cases.items():
        c = check(r, name, f"{industry}.{indicator}")
        assert c["limit"] == s
        assert c["value"] == pytest.approx(k * s, rel=1e-9)
        assert c["margin"] == pytest.approx((k - 1) * s, rel=1e-6, abs=1e-9 * s)
        assert c["result"] == ("pass" if k >= 1 else "fail"), (name, c)


def test_cement_tax_per_mu_is_kept_as_printed_and_flagged():
    """Cement 0.075 万元/亩 (as printed): 8 万元 / 100 亩 = 0.08 passes; the check is marked unverified."""
    r = run(doc("C", "C3011", [item("land_area", 100, "亩"), item("tax", 8, "万元")]))
    c = check(r, "C", "cement.tax_per_mu")
    assert c["limit"] == 0.075 and c["result"] == "pass"
    assert c["status"] == "unverified" and "as printed" in c["note"]
    assert "cement.tax_per_mu" in r.unverified
    assert r.documents == {"benefit": "sd-14fyp-benefit-standards", "technical": "sd-14fyp-technical-standards",
                           "industries": "sd-14fyp-industries"}


# --------------------------------------------------------------------------- missing, never zero

def test_missing_land_area_and_employees_are_missing_not_zero():
    """Steel with tax and energy but no land area and no employees: tax per tce = 140 / 7,143 = 0.0196 ≥ 0.014
    passes; tax per mu and revenue per employee are missing with the reason, valued None (not 0), and the
    verdict is incomplete, not pass."""
    r = run(doc("S", "C3120", [item("raw_coal", COAL_T, "t"), item("tax", 140, "万元"), item("revenue", 9000, "万元")],
                {"equipment": []}))
    mu, staff = check(r, "S", "steel.tax_per_mu"), check(r, "S", "steel.revenue_per_employee")
    assert (mu["result"], mu["value"], mu["margin"], mu["missing"]) == ("missing", None, None, "land_area missing")
    assert (staff["result"], staff["value"], staff["missing"]) == ("missing", None, "employees missing")
    assert check(r, "S", "steel.tax_per_tce")["result"] == "pass"
    v = verdict(r, "S")
    assert v["verdict"] == "incomplete"
    assert "land_area missing" in v["missing"] and "employees missing" in v["missing"]


def test_zero_land_area_and_no_tax():
    r = run(doc("Z", "C3011", [item("land_area", 0, "亩"), item("tax", 10, "万元")]),
            doc("T", "C3011", [item("land_area", 50, "亩"), item("employees", 10, "人")]))
    assert check(r, "Z", "cement.tax_per_mu")["missing"] == "land_area is zero"
    assert check(r, "T", "cement.tax_per_mu")["missing"] == "tax missing"
    assert check(r, "T", "cement.tax_per_tce")["missing"] == "tax missing; energy_equivalent is zero"


# --------------------------------------------------------------------------- applicability

def test_outside_the_nine_industries_is_not_applicable_never_a_pass():
    """A dairy (C1440) that would pass every benefit standard is still not applicable, with no checks."""
    rich = [item("land_area", 10, "亩"), item("tax", 1e5, "万元"), item("employees", 1, "人"), item("revenue", 1e5, "万元")]
    r = run(doc("DAIRY", "C1440", rich, {"equipment": []}), doc("NOCODE", None, rich), doc("COARSE", "C30", rich))
    dairy = verdict(r, "DAIRY")
    assert dairy["verdict"] == "not_applicable" and dairy["checks"] == [] and dairy["n_pass"] == 0
    assert "not one of the screened industries" in dairy["reason"]
    assert verdict(r, "NOCODE")["verdict"] == "industry_missing"
    coarse = verdict(r, "COARSE")
    assert coarse["verdict"] == "not_applicable" and "coarser" in coarse["reason"] and "cement" in coarse["reason"]


def test_declared_screen_industry_overrides_the_code():
    r = run(doc("X", "C1440", [item("land_area", 100, "亩"), item("tax", 10, "万元")], {"screen_industry": "cement"}))
    assert verdict(r, "X")["screen_industry"] == "cement"
    assert check(r, "X", "cement.tax_per_mu")["value"] == pytest.approx(0.1)
    with pytest.raises(InvalidInput) as exc:
        run(doc("Y", "C1440", [item("tax", 1, "万元")], {"screen_industry": "cemment"}))
    assert exc.value.problems[0].code == "screen_industry_unknown"


# --------------------------------------------------------------------------- technical standards

def test_cement_clinker_lines_2500_fails_4000_passes():
    """Provincial: clinker lines ≤ 2,500 t/day are phased out. 2,500 ≤ 2,500 → fail (margin 2,500 − 2,500 = 0);
    4,000 t/d → pass (margin 4,000 − 2,500 = 1,500). Mills: national < 3 m, provincial ≤ 3.2 m; 3.2 m passes the
    national rule (margin 0.2) and fails the provincial one (margin 0); 4.2 m passes both."""
    r = run(doc("OLD", "C3011", [item("tax", 1, "万元")],
                {"equipment": [{"type": "clinker_line", "size": 2500, "unit": "t/day"},
                               {"type": "cement_mill", "size": 3.2, "unit": "m", "count": 2}]}),
            doc("NEW", "C3011", [item("tax", 1, "万元")],
                {"equipment": [{"type": "clinker_line", "size": 4000, "unit": "t/d"},
                               {"type": "cement_mill", "size": 4.2, "unit": "m"}]}))
    old, new = check(r, "OLD", "cement.clinker_line_le_2500"), check(r, "NEW", "cement.clinker_line_le_2500")
    assert (old["result"], old["value"], old["margin"], old["level"]) == ("fail", 2500, 0, "provincial")
    assert (new["result"], new["value"], new["margin"]) == ("pass", 4000, 1500)
    assert check(r, "OLD", "cement.mill_lt_3m")["result"] == "pass"
    assert check(r, "OLD", "cement.mill_lt_3m")["margin"] == pytest.approx(0.2)
    assert check(r, "OLD", "cement.mill_le_3_2m")["result"] == "fail"
    assert check(r, "NEW", "cement.mill_le_3_2m")["result"] == "pass"
    assert check(r, "OLD", "cement.vertical_kiln")["result"] == "pass"
    assert "cement.clinker_line_le_2500" in verdict(r, "OLD")["failed"]
    assert verdict(r, "OLD")["verdict"] == "fail"


def test_sizes_convert_units_and_the_worst_unit_decides():
    """Blast furnaces ≤ 400 m³ (national): 1,080 m³ and 400 m³ → the 400 m³ unit fails (margin 0).
    Refining: 250 万t/a = 2.5 Mt/yr passes ≤ 2 (margin 0.5) and fails ≤ 3 without integration (margin −0.5)."""
    r = run(doc("STEEL", "C3110", TAX, {"equipment": [{"type": "blast_furnace", "id": "1#", "size": 1080, "unit": "m3"},
                                                     {"type": "blast_furnace", "id": "2#", "size": 400, "unit": "m³"}]}),
            doc("REF", "C2511", TAX, {"equipment": [{"type": "atmospheric_vacuum_unit", "size": 250, "unit": "万t/a"}]}),
            doc("REF_INT", "C2511", TAX, {"equipment": [{"type": "atmospheric_vacuum_unit", "size": 2.5, "unit": "Mt/yr"}],
                                         "facts": {"refining_chemical_integration": True}}),
            doc("REF_NOT", "C2511", TAX, {"equipment": [{"type": "atmospheric_vacuum_unit", "size": 2.5, "unit": "Mt/yr"}],
                                         "facts": {"refining_chemical_integration": False}}))
    bf = check(r, "STEEL", "steel.blast_furnace_le_400m3")
    assert (bf["result"], bf["unit_id"], bf["margin"]) == ("fail", "2#", 0)
    national = check(r, "REF", "local_refining.avu_le_2mt")
    assert national["result"] == "pass" and national["value"] == pytest.approx(2.5) and national["margin"] == pytest.approx(0.5)
    assert check(r, "REF", "local_refining.avu_le_3mt_not_integrated")["result"] == "missing"  # integration not declared
    assert check(r, "REF_INT", "local_refining.avu_le_3mt_not_integrated")["result"] == "pass"
    failing = check(r, "REF_NOT", "local_refining.avu_le_3mt_not_integrated")
    assert failing["result"] == "fail" and failing["margin"] == pytest.approx(-0.5)


def test_coke_ovens_national_and_provincial():
    """Top-charged 4.3 m: national < 4.3 m → pass (margin 0); provincial < 5.5 m → fail (margin −1.2).
    Stamp-charged 5.5 m: provincial pass (margin 0); the national rule is for top-charged ovens only."""
    r = run(doc("K", "C2521", TAX, {"equipment": [{"type": "top_charged_coke_oven", "size": 4.3, "unit": "m"}]}),
            doc("S", "C2521", TAX, {"equipment": [{"type": "stamp_charged_coke_oven", "size": 5.5, "unit": "m"},
                                                 {"type": "heat_recovery_coke_oven"}]}))
    assert check(r, "K", "coke.top_charged_lt_4_3m")["result"] == "pass"
    provincial = check(r, "K", "coke.chamber_lt_5_5m")
    assert provincial["result"] == "fail" and provincial["margin"] == pytest.approx(-1.2)
    assert check(r, "S", "coke.chamber_lt_5_5m")["result"] == "pass"
    assert check(r, "S", "coke.top_charged_lt_4_3m")["value"] is None  # no top-charged oven
    heat = check(r, "S", "coke.heat_recovery")
    assert (heat["result"], heat["value"], heat["level"]) == ("fail", 1, "provincial")


def test_tyre_capacity_totals_and_exemptions():
    """Semi-steel radial enterprises < 5 million tyres/yr (provincial): 3,000,000 + 1,500,000 = 4,500,000 → fail
    by −500,000 unless listed as exempt; all-steel radial: no lines → pass."""
    lines = [{"type": "semi_steel_radial_line", "size": 3_000_000, "unit": "piece/year"},
             {"type": "semi_steel_radial_line", "size": 1_500_000, "unit": "piece/year"}]
    r = run(doc("T", "C2911", TAX, {"equipment": lines, "facts": {"tyre_exemption_listed": False}}),
            doc("EX", "C2911", TAX, {"equipment": lines, "facts": {"tyre_exemption_listed": True}}),
            doc("UNK", "C2911", TAX, {"equipment": lines}))
    semi = check(r, "T", "tyres.semi_steel_radial_lt_5m")
    assert (semi["result"], semi["value"], semi["margin"]) == ("fail", 4_500_000, -500_000)
    assert check(r, "EX", "tyres.semi_steel_radial_lt_5m")["result"] == "pass"
    assert check(r, "UNK", "tyres.semi_steel_radial_lt_5m")["result"] == "missing"
    assert check(r, "T", "tyres.all_steel_radial_lt_1_2m")["result"] == "pass"


def test_process_blacklists_facts_and_missing_equipment():
    r = run(doc("CA", "C2612", TAX, {"equipment": [{"type": "diaphragm_caustic_soda_unit", "attributes": {"waste_salt_use": True}}],
                                    "facts": {"membrane_gap_retrofit": True, "in_chemical_park": False,
                                              "key_monitoring_point": True}}),
            doc("CB", "C2612", TAX, {"equipment": [{"type": "diaphragm_caustic_soda_unit"}, {"type": "mercury_process_unit"}],
                                    "facts": {"membrane_gap_retrofit": False}}),
            doc("KILN", "C3011", TAX, {"equipment": [{"type": "vertical_kiln", "count": 2}]}),
            doc("NONE", "C3011", TAX))
    assert check(r, "CA", "chlor_alkali.diaphragm")["result"] == "pass"  # exempt: waste-salt use
    assert check(r, "CA", "chlor_alkali.outside_chemical_park")["result"] == "pass"  # a key monitoring point
    assert verdict(r, "CA")["verdict"] == "incomplete"  # benefit inputs are missing
    assert check(r, "CB", "chlor_alkali.diaphragm")["result"] == "missing"  # waste-salt use not declared
    assert check(r, "CB", "chlor_alkali.mercury")["result"] == "fail"
    assert check(r, "CB", "chlor_alkali.no_membrane_gap_retrofit")["result"] == "fail"
    assert check(r, "CB", "chlor_alkali.outside_chemical_park")["missing"] == "fact in_chemical_park not declared"
    kiln = check(r, "KILN", "cement.vertical_kiln")
    assert (kiln["result"], kiln["value"]) == ("fail", 2)
    none = check(r, "NONE", "cement.clinker_line_le_2500")
    assert (none["result"], none["missing"]) == ("missing", "equipment not given")


@pytest.mark.parametrize("profile, code", [
    ({"equipment": [{"type": "clinker_lines", "size": 2500, "unit": "t/day"}]}, "equipment_unknown"),
    ({"equipment": [{"type": "clinker_line", "size": 2500, "unit": "m"}]}, "unit_dimension"),
    ({"equipment": [{"type": "clinker_line", "size": 2500}]}, "unit_missing"),
    ({"facts": {"in_chemcial_park": True}}, "fact_unknown"),
    ({"equipment": [{"type": "clinker_line", "size": -1, "unit": "t/day"}]}, "document_invalid"),
])
def test_bad_profiles_are_refused(profile, code):
    with pytest.raises(InvalidInput) as exc:
        run(doc("E", "C3011", TAX, profile))
    assert exc.value.problems[0].code == code
    assert exc.value.problems[0].enterprise == "E"


def test_unknown_type_suggests_the_known_one():
    with pytest.raises(InvalidInput) as exc:
        run(doc("E", "C3011", TAX, {"equipment": [{"type": "clinker_lines"}]}))
    assert "clinker_line" in exc.value.problems[0].message


# --------------------------------------------------------------------------- user files

def test_a_user_benefit_file_replaces_the_shipped_one(tmp_path):
    """With a corrected cement tax per mu of 7.5 (a user's file), 500 万元 / 100 亩 = 5.0 fails; shipped: passes."""
    text = data_path("benefit", "sd-14fyp-benefit-standards.toml").read_text(encoding="utf-8")
    text = text.replace('id = "sd-14fyp-benefit-standards"', 'id = "my-corrected-benefit"')
    text = text.replace('value = 0.075\nprinted = "0.075 (as printed)"', 'value = 7.5\nprinted = "7.5"')
    mine = tmp_path / "my-corrected-benefit.toml"
    mine.write_text(text, encoding="utf-8")
    d = doc("C", "C3011", [item("land_area", 100, "亩"), item("tax", 500, "万元")])
    assert check(run(d), "C", "cement.tax_per_mu")["result"] == "pass"
    r = run(d, standards=load_screen_data(benefit=mine))
    c = check(r, "C", "cement.tax_per_mu")
    assert (c["result"], c["limit"], c["margin"]) == ("fail", 7.5, pytest.approx(-2.5))
    assert r.documents["benefit"] == "my-corrected-benefit"


# --------------------------------------------------------------------------- invariants

@settings(max_examples=40, deadline=None)
@given(tax=st.floats(0.01, 1e4), land=st.floats(0.1, 1e4))
def test_tax_per_mu_does_not_depend_on_the_land_unit(tax, land):
    """The same land in 亩, m2 (1 亩 = 10,000/15 m2) and 公顷 (15 亩) gives the same value and result."""
    docs = [doc("MU", "C3120", [item("land_area", land, "亩"), item("tax", tax, "万元")]),
            doc("M2", "C3120", [item("land_area", land * 10_000 / 15, "m2"), item("tax", tax, "万元")]),
            doc("HA", "C3120", [item("land_area", land / 15, "公顷"), item("tax", tax, "万元")])]
    r = run(*docs)
    values = [check(r, e, "steel.tax_per_mu") for e in ("MU", "M2", "HA")]
    assert values[1]["value"] == pytest.approx(values[0]["value"], rel=1e-9)
    assert values[2]["value"] == pytest.approx(values[0]["value"], rel=1e-9)
    expected = "pass" if tax / land >= 2.6 * (1 - 1e-9) else "fail"
    if abs(tax / land - 2.6) > 1e-6:
        assert {v["result"] for v in values} == {expected}


@settings(max_examples=30, deadline=None)
@given(tax=st.floats(1, 1e4), more=st.floats(1.0, 10.0))
def test_more_tax_never_turns_a_pass_into_a_fail(tax, more):
    land = [item("land_area", 100, "亩")]
    r = run(doc("A", "C2911", land + [item("tax", tax, "万元")]), doc("B", "C2911", land + [item("tax", tax * more, "万元")]))
    a, b = check(r, "A", "tyres.tax_per_mu"), check(r, "B", "tyres.tax_per_mu")
    assert not (a["result"] == "pass" and b["result"] == "fail")


# --------------------------------------------------------------------------- CLI

def test_cli_screen_json_csv_and_table(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps([doc("OLD", "C3011", [item("tax", 1, "万元")],
                                    {"equipment": [{"type": "clinker_line", "size": 2500, "unit": "t/day"}]})],
                               ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(app, ["screen", str(path), "--format", "json"])
    assert done.exit_code == 0, done.output
    payload = json.loads(done.stdout)
    assert payload["results"][0]["verdict"] == "fail"
    assert payload["documents"]["technical"] == "sd-14fyp-technical-standards"
    csv = runner.invoke(app, ["screen", str(path), "--format", "csv"])
    assert csv.exit_code == 0 and "cement.clinker_line_le_2500" in csv.stdout
    table = runner.invoke(app, ["screen", str(path)])
    assert table.exit_code == 0 and "clinker lines" in table.stdout


def test_cli_screen_refuses_bad_input_with_exit_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([doc("E", "C3011", TAX, {"equipment": [{"type": "kiln"}]})]), encoding="utf-8")
    done = CliRunner().invoke(app, ["screen", str(path)])
    assert done.exit_code == 2
    assert "equipment_unknown" in done.output or "not an equipment type" in done.output


def test_cli_profiles_file_for_csv_input(tmp_path):
    """A CSV long table (no equipment) with a profiles file naming the enterprise."""
    csv = tmp_path / "in.csv"
    csv.write_text("enterprise,period,industry,item,amount,unit\nE,2023,C3011,tax,1,万元\n", encoding="utf-8")
    profiles = tmp_path / "profiles.json"
    profiles.write_text(json.dumps([{"enterprise": "E", "equipment": [{"type": "clinker_line", "size": 4000,
                                                                         "unit": "t/day"}]}]), encoding="utf-8")
    done = CliRunner().invoke(app, ["screen", str(csv), "--profiles", str(profiles), "--format", "json"])
    assert done.exit_code == 0, done.output
    checks = json.loads(done.stdout)["results"][0]["checks"]
    clinker = next(c for c in checks if c["standard"] == "cement.clinker_line_le_2500")
    assert clinker["result"] == "pass" and clinker["margin"] == 1500
