"""Output-per-mu (亩产效益) grading, worked by hand.

The shipped default scheme is the Huangyan District (Zhejiang) example of green_criteria.md §3.3:
score = 亩均税收 ÷ 24.097 × 30 + 亩均增加值 ÷ 136.16 × 20 + 单位能耗增加值 ÷ 2.694 × 20
      + 单位排放增加值 ÷ 4929.81 × 10 + 全员劳动生产率 ÷ 18.14 × 10 + R&D intensity ÷ 0.0302 × 10,
classes by rank share A ≤ 25 %, B ≤ 70 %, C ≤ 95 %, D the rest (the gu456.com city scheme's cut-offs).

The test enterprises are built from chosen ratios r = indicator ÷ benchmark, so each indicator earns
weight × r points and the score is Σ weight × r, by hand. With land 100 亩:
tax = 24.097 × 100 × a; value added VA = 136.16 × 100 × b; energy (raw coal, equal = equivalent value for a
fuel, 0.7143 kgce/kg) = VA ÷ (2.694 × c) tce; pollutants = VA ÷ (4929.81 × d) t; employees = VA ÷ (18.14 × e);
revenue = 10 × VA; R&D = 0.0302 × f × revenue.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from carbonkit import benefit
from cli.main import app
from carbonkit.datafiles import data_path
from carbonkit.errors import FactorDataError, InvalidInput

BENCH = {"tax_per_mu": 24.097, "value_added_per_mu": 136.16, "value_added_per_tce": 2.694,
         "value_added_per_pollutant": 4929.81, "labour_productivity": 18.14, "rd_intensity": 0.0302}

# name: (park, a, b, c, d, e, f); None = not reported
RATIOS = {
    "E1": ("PA", 2.0, 2.0, 1.0, 1.0, 1.0, 0.9),
    "E2": ("PA", 1.5, 1.0, 1.0, 1.0, 1.0, 0.8),
    "E3": ("PA", 1.0, 1.5, 1.4, 1.0, 1.0, 0.5),
    "E4": ("PA", 1.0, 1.0, 1.0, 1.0, 0.9, 1.0),
    "E5": ("PB", 0.8, 1.0, 1.0, 1.0, 1.0, 1.0),
    "E6": ("PB", 0.5, 1.0, 1.0, None, 1.0, 1.0),  # no pollutant data: the scheme gives the others' mean points
    "E7": ("PB", 0.5, 0.5, 1.0, 0.4, 1.0, 1.0),
    "E8": ("PB", 0.2, 0.5, 0.5, 2.2, 0.5, 0.0),  # R&D 0: a reported zero, not missing
    "E9": ("PB", 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),  # land area not reported
}


def document(name: str, park: str, a, b, c, d, e, f, *, land: float | None = 100) -> dict:
    va = 136.16 * 100 * b
    items = [{"item": "tax", "amount": 24.097 * 100 * a, "unit": "万元"},
             {"item": "value_added", "amount": va, "unit": "万元"},
             {"item": "raw_coal", "amount": va / (2.694 * c) / 0.7143, "unit": "t"},
             {"item": "employees", "amount": va / (18.14 * e), "unit": "人"},
             {"item": "revenue", "amount": 10 * va, "unit": "万元"},
             {"item": "rd_expense", "amount": 0.0302 * f * 10 * va, "unit": "万元"}]
    if land is not None:
        items.append({"item": "land_area", "amount": land, "unit": "亩"})
    out = {"enterprise": name, "period": "2023", "region": "370305" if park == "PA" else "370303", "park": park,
           "industry": "C3011", "items": items}
    if d is not None:
        out["benefit"] = {"pollutants": [{"pollutant": "SO2", "amount": va / (4929.81 * d), "unit": "t"}]}
    return out


def the_set() -> benefit.BenefitInput:
    docs = [document(n, *v, land=None if n == "E9" else 100) for n, v in RATIOS.items()]
    return benefit.split_documents(docs)


def rows(result: benefit.GradeResult) -> dict[str, dict]:
    return {r["enterprise"]: r for r in result.records()}


def user_scheme(tmp_path, weights: dict[str, float], scheme_id: str = "my-county") -> str:
    """The shipped scheme with other weights, as a user's file."""
    text = data_path("benefit", "huangyan-2022-above-scale.toml").read_text(encoding="utf-8")
    text = text.replace('id = "huangyan-2022-above-scale"', f'id = "{scheme_id}"').replace("example = true", "example = false")
    for ind, old in (("tax_per_mu", 30), ("value_added_per_mu", 20), ("value_added_per_tce", 20),
                     ("value_added_per_pollutant", 10), ("labour_productivity", 10), ("rd_intensity", 10)):
        block = text.index(f'id = "{ind}"')
        at = text.index(f"weight = {old}", block)
        text = text[:at] + f"weight = {weights[ind]}" + text[at + len(f"weight = {old}"):]
    path = tmp_path / f"{scheme_id}.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_shipped_scheme_by_hand():
    """Scores (weight × ratio):
      E1  60 + 40 + 20 + 10 + 10 + 9   = 149
      E2  45 + 20 + 20 + 10 + 10 + 8   = 113
      E3  30 + 30 + 28 + 10 + 10 + 5   = 113   (ties with E2)
      E4  30 + 20 + 20 + 10 +  9 + 10  =  99
      E5  24 + 20 + 20 + 10 + 10 + 10  =  94
      E6  15 + 20 + 20 + m  + 10 + 10  =  85.75, m = mean pollutant points of those reporting it:
          E1-E5 10 each, E7 4, E8 22, E9 10 → (50 + 4 + 22 + 10) / 8 = 10.75
      E7  15 + 10 + 20 +  4 + 10 + 10  =  69
      E8   6 + 10 + 10 + 22 +  5 +  0  =  53
      E9  no land area → not graded (tax per mu and value added per mu missing)
    Ranks of the 8 graded (equal scores share the better rank): E1 1; E2, E3 2; E4 4; E5 5; E6 6; E7 7; E8 8.
    Place = rank / 8: 0.125, 0.25, 0.25, 0.5, 0.625, 0.75, 0.875, 1.0 → A, A, A, B, B, C, C, D.
    Held back most (largest weight − points): E1 rd (10 − 9 = 1), E2 rd (2), E3 rd (5), E4 labour (1),
    E5 tax (6), E6 tax (15), E7 tax (15), E8 tax (30 − 6 = 24).
    """
    result = benefit.grade(the_set())
    got = rows(result)
    expected = {"E1": (149, 1, "A", "rd_intensity", 1), "E2": (113, 2, "A", "rd_intensity", 2),
                "E3": (113, 2, "A", "rd_intensity", 5), "E4": (99, 4, "B", "labour_productivity", 1),
                "E5": (94, 5, "B", "tax_per_mu", 6), "E6": (85.75, 6, "C", "tax_per_mu", 15),
                "E7": (69, 7, "C", "tax_per_mu", 15), "E8": (53, 8, "D", "tax_per_mu", 24)}
    for name, (score, rank, grade, held, gap) in expected.items():
        r = got[name]
        assert r["score"] == pytest.approx(score, rel=1e-9), name
        assert (r["rank"], r["graded"], r["grade"], r["holding_back"]) == (rank, 8, grade, held), name
        assert r["holding_back_gap"] == pytest.approx(gap, rel=1e-9), name
        assert r["status"] == "graded"
    assert got["E1"]["place"] == pytest.approx(0.125) and got["E3"]["place"] == pytest.approx(0.25)
    e6 = got["E6"]["indicators"]["value_added_per_pollutant"]
    assert e6["imputed"] is True and e6["value"] is None and e6["points"] == pytest.approx(10.75)
    assert got["E8"]["indicators"]["rd_intensity"]["value"] == 0  # reported zero R&D is a value, not missing
    assert got["E2"]["indicators"]["tax_per_mu"]["value"] == pytest.approx(1.5 * 24.097)
    assert result.scheme.id == "huangyan-2022-above-scale" and result.scheme.example
    assert "value_added_per_pollutant" in result.unverified and "grade.A" in result.unverified


def test_missing_land_area_or_employees_is_missing_not_zero():
    """E9 has no land area: not graded, no rank, no class; the reason is named. Another enterprise without
    employees is likewise not graded (labour productivity missing); neither counts in the 8 graded."""
    docs = [document(n, *v, land=None if n == "E9" else 100) for n, v in RATIOS.items()]
    no_staff = document("E10", "PB", 1, 1, 1, 1, 1, 1)
    no_staff["items"] = [i for i in no_staff["items"] if i["item"] != "employees"]
    got = rows(benefit.grade(benefit.split_documents(docs + [no_staff])))
    for name, reason in (("E9", "land_area missing"), ("E10", "employees missing")):
        r = got[name]
        assert (r["status"], r["score"], r["rank"], r["grade"], r["place"]) == ("missing", None, None, None, None)
        assert r["missing"] == reason
    assert got["E9"]["indicators"]["tax_per_mu"] == {"value": None, "points": None, "imputed": False,
                                                     "missing": "land_area missing"}
    assert got["E1"]["graded"] == 8


def test_a_user_scheme_with_other_weights_changes_the_grades(tmp_path):
    """Weights 10, 10, 10, 10, 10, 50 (R&D-heavy), same benchmarks:
      E1 20 + 20 + 10 + 10 + 10 + 45 = 115      E5  8 + 10 + 10 + 10 + 10 + 50 = 98
      E2 15 + 10 + 10 + 10 + 10 + 40 = 95       E6  5 + 10 + 10 + 10.75 + 10 + 50 = 95.75
      E3 10 + 15 + 14 + 10 + 10 + 25 = 84       E7  5 +  5 + 10 +  4 + 10 + 50 = 84
      E4 10 + 10 + 10 + 10 +  9 + 50 = 99       E8  2 +  5 +  5 + 22 +  5 +  0 = 39
    Ranks: E1 1, E4 2, E5 3, E6 4, E2 5, E3 and E7 6, E8 8 → A: E1, E4; B: E5, E6, E2; C: E3, E7; D: E8.
    Against the shipped scheme E3 falls from A to C, E4 rises from B to A, E2 drops to B, E6 rises to B."""
    path = user_scheme(tmp_path, {"tax_per_mu": 10, "value_added_per_mu": 10, "value_added_per_tce": 10,
                                  "value_added_per_pollutant": 10, "labour_productivity": 10, "rd_intensity": 50})
    result = benefit.grade(the_set(), path)
    got = rows(result)
    expected = {"E1": (115, 1, "A"), "E4": (99, 2, "A"), "E5": (98, 3, "B"), "E6": (95.75, 4, "B"),
                "E2": (95, 5, "B"), "E3": (84, 6, "C"), "E7": (84, 6, "C"), "E8": (39, 8, "D")}
    for name, (score, rank, grade) in expected.items():
        assert got[name]["score"] == pytest.approx(score, rel=1e-9), name
        assert (got[name]["rank"], got[name]["grade"]) == (rank, grade), name
    assert result.scheme.id == "my-county" and not result.scheme.example
    shipped = rows(benefit.grade(the_set()))
    assert (shipped["E3"]["grade"], got["E3"]["grade"]) == ("A", "C")


def test_grade_one_park_and_rank_within_parks():
    """Park PA alone: E1 149 (1/4 → A), E2 and E3 113 (2/4 = 0.5 → B), E4 99 (4/4 → D).
    Ranked within parks over the whole set, PB: E5 94 (1/4 → A); E6 = 75 + m with m over PB only:
    (E5 10 + E7 4 + E8 22 + E9 10) / 4 = 11.5 → 86.5 (2/4 → B); E7 69 (3/4 → C); E8 53 (4/4 → D)."""
    pa = rows(benefit.grade(the_set(), park="PA"))
    assert set(pa) == {"E1", "E2", "E3", "E4"}
    assert [(pa[n]["rank"], pa[n]["grade"]) for n in ("E1", "E2", "E3", "E4")] == [(1, "A"), (2, "B"), (2, "B"), (4, "D")]
    by_park = rows(benefit.grade(the_set(), group_by="park"))
    assert by_park["E1"]["rank"] == 1 and by_park["E4"]["grade"] == "D" and by_park["E4"]["ranked_within"] == "PA"
    assert by_park["E6"]["score"] == pytest.approx(86.5)
    assert [(by_park[n]["rank"], by_park[n]["grade"]) for n in ("E5", "E6", "E7", "E8")] == \
        [(1, "A"), (2, "B"), (3, "C"), (4, "D")]
    region = rows(benefit.grade(the_set(), region="370303"))  # PB's region
    assert set(region) == {"E5", "E6", "E7", "E8", "E9"}


def test_benchmark_mean_of_the_graded_set(tmp_path):
    """benchmark = "mean": tax per mu 1.0 and 3.0 万元/亩 → mean 2.0 → points 100 × 0.5 = 50 and 100 × 1.5 = 150."""
    scheme = benefit.load_scheme().model_dump()
    scheme.update(id="mean-test", example=False,
                  indicator=[{"id": "tax_per_mu", "name_zh": "亩均税收", "numerator": "tax", "denominator": "land_area",
                              "unit": "万元/亩", "weight": 100, "benchmark": "mean", "status": "unverified"}])
    mine = benefit.scheme_from_dict(scheme)
    docs = [{"enterprise": e, "period": "2023", "items": [{"item": "tax", "amount": t, "unit": "万元"},
                                                          {"item": "land_area", "amount": 10, "unit": "亩"}]}
            for e, t in (("LOW", 10), ("HIGH", 30))]
    got = rows(benefit.grade(docs, mine))
    assert got["LOW"]["score"] == pytest.approx(50) and got["HIGH"]["score"] == pytest.approx(150)
    assert (got["HIGH"]["grade"], got["LOW"]["grade"]) == ("B", "D")  # places 1/2 = 0.5 and 2/2 = 1.0


def test_bad_schemes_are_refused(tmp_path):
    scheme = benefit.load_scheme().model_dump()
    scheme["grade"][1]["up_to"] = 0.2  # below A's 0.25
    with pytest.raises(InvalidInput) as exc:
        benefit.scheme_from_dict(scheme)
    assert "increase" in exc.value.problems[0].message
    text = data_path("benefit", "huangyan-2022-above-scale.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('denominator = "land_area"', 'denominator = "land"', 1), encoding="utf-8")
    with pytest.raises(FactorDataError, match=r"bad.toml.*indicator\[0\]\.denominator"):
        benefit.load_scheme(bad)
    with pytest.raises(FactorDataError, match="no shipped document"):
        benefit.load_scheme("shandong-secret")
    with pytest.raises(InvalidInput):
        benefit.grade(the_set(), group_by="colour")


def _frame(values: list[tuple[float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame({"enterprise": [f"E{i}" for i in range(len(values))], "period": "2023",
                         "tax_10k_cny": [v[0] for v in values], "land_area_mu": 10.0,
                         "value_added_10k_cny": [v[1] for v in values], "employees": [v[2] for v in values],
                         "energy_equal_tce": 100.0, "revenue_10k_cny": 1000.0, "rd_expense_10k_cny": 10.0})


def _three_indicator_scheme(scale: float = 1.0) -> benefit.GradingScheme:
    base = benefit.load_scheme().model_dump()
    keep = ("tax_per_mu", "value_added_per_mu", "labour_productivity")
    base["indicator"] = [{**i, "weight": i["weight"] * scale} for i in base["indicator"] if i["id"] in keep]
    return benefit.scheme_from_dict({**base, "id": "three"})


positive = st.floats(0.5, 1e4, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.tuples(positive, positive, positive), min_size=1, max_size=12), seed=st.integers(0, 10**6),
       scale=st.floats(0.1, 10))
def test_order_and_weight_scale_do_not_change_grades(values, seed, scale):
    """Grading is independent of the input order; multiplying every weight by k multiplies scores by k and
    leaves ranks and classes as they were."""
    frame = _frame(values)
    scheme = _three_indicator_scheme()
    base = benefit.grade_summary(frame, scheme).grades.set_index("enterprise")
    order = np.random.default_rng(seed).permutation(len(frame))
    shuffled = benefit.grade_summary(frame.iloc[order], scheme).grades.set_index("enterprise").loc[base.index]
    scaled = benefit.grade_summary(frame, _three_indicator_scheme(scale)).grades.set_index("enterprise")
    assert list(shuffled["rank"]) == list(base["rank"]) and list(shuffled["grade"]) == list(base["grade"])
    np.testing.assert_allclose(scaled["score"], base["score"] * scale, rtol=1e-9)
    assert list(scaled["grade"]) == list(base["grade"])
    assert base["rank"].min() == 1 and (base["graded"] == len(values)).all()


def test_cli_grade_json_and_scheme_file(tmp_path):
    path = tmp_path / "set.json"
    path.write_text(json.dumps([document(n, *v) for n, v in RATIOS.items() if n != "E9"], ensure_ascii=False),
                    encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(app, ["grade", str(path), "--format", "json"])
    assert done.exit_code == 0, done.output
    payload = json.loads(done.stdout)
    assert payload["scheme"]["example"] is True
    assert {r["enterprise"]: r["grade"] for r in payload["results"]}["E3"] == "A"
    scheme = user_scheme(tmp_path, {"tax_per_mu": 10, "value_added_per_mu": 10, "value_added_per_tce": 10,
                                    "value_added_per_pollutant": 10, "labour_productivity": 10, "rd_intensity": 50})
    mine = runner.invoke(app, ["grade", str(path), "--scheme", scheme, "--format", "csv"])
    assert mine.exit_code == 0, mine.output
    table = pd.read_csv(__import__("io").StringIO(mine.stdout)).set_index("enterprise")
    assert table.loc["E3", "grade"] == "C"
    shown = runner.invoke(app, ["grade", str(path), "--park", "PA"])
    assert shown.exit_code == 0 and "example" in shown.output
    refused = runner.invoke(app, ["grade", str(path), "--scheme", "no-such-scheme"])
    assert refused.exit_code == 2
