"""Roll-up of enterprise results: keys by level, total over total, sums that nest, coverage, comparable prices.

Expected numbers are worked out by hand (arithmetic in the comments), from GB/T 2589-2020 Appendix A
(raw coal 0.7143 kgce/kg, electricity 0.1229 kgce/kWh) where activity data is accounted.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import carbonkit as ck
from carbonkit.aggregation import aggregate, key_columns, results_frame
from carbonkit.errors import FactorDataError, InvalidInput


def results(rows: list[dict]) -> pd.DataFrame:
    """A frame of enterprise results (the summary columns the roll-up reads)."""
    return pd.DataFrame(rows)


def row(enterprise, period, energy, va, *, region="370211", industry="C2911", park=None, va_comp=np.nan,
        feedstock=0.0, water=0.0):
    return {"enterprise": enterprise, "period": period, "region": region, "industry": industry, "park": park,
            "energy_equivalent_tce": energy, "feedstock_equivalent_tce": feedstock, "water_withdrawal_m3": water,
            "value_added_10k_cny": va, "value_added_comparable_10k_cny": va_comp}


# --------------------------------------------------------------------------- keys

def test_region_and_industry_keys_nest():
    frame = results_frame(results([
        row("E1", "2023", 1, 1, region="370211", industry="C2911"),
        row("E2", "2023", 1, 1, region="370200", industry="C26"),  # a city-level code: no county
        row("E3", "2023", 1, 1, region="37", industry="2911"),  # a province code; industry without its letter
        row("E4", "2023", 1, 1, region=None, industry=None),
    ]))
    keys = key_columns(frame, ("province", "city", "county", "section", "division"))
    assert list(keys["province"]) == ["37", "37", "37", None]
    assert list(keys["city"]) == ["3702", "3702", None, None]
    assert list(keys["county"]) == ["370211", None, None, None]
    assert list(keys["section"]) == ["C", "C", None, None]
    assert list(keys["division"]) == ["C29", "C26", "29", None]


def test_unknown_level_is_refused():
    with pytest.raises(InvalidInput) as info:
        aggregate(results([row("E1", "2023", 1, 1)]), "galaxy")
    assert info.value.problems[0].code == "level_unknown"


def test_results_without_required_columns_are_refused():
    with pytest.raises(InvalidInput) as info:
        aggregate(pd.DataFrame({"enterprise": ["E1"], "period": ["2023"]}))
    assert info.value.problems[0].field == "value_added_10k_cny"


# --------------------------------------------------------------------------- total over total

def test_intensity_is_total_over_total_not_an_average_of_ratios():
    # E = (10, 90) tce, VA = (100, 300): 100 / 400 = 0.25 (the mean of the ratios, (0.1 + 0.3) / 2, is 0.2)
    agg = aggregate(results([row("E1", "2023", 10, 100), row("E2", "2023", 90, 300)]), "province")
    (rec,) = agg.records()
    assert rec["energy_equivalent_tce"] == pytest.approx(100)
    assert rec["energy_intensity_tce_per_10k_cny"] == pytest.approx(0.25)


def test_enterprise_without_value_added_counts_in_levels_not_in_intensity():
    # E3 has 50 tce but no value added: level 10 + 90 + 50 = 150; intensity (10 + 90) / 400 = 0.25
    agg = aggregate(results([row("E1", "2023", 10, 100), row("E2", "2023", 90, 300), row("E3", "2023", 50, np.nan)]))
    (rec,) = agg.records()
    assert rec["energy_equivalent_tce"] == pytest.approx(150)
    assert rec["energy_intensity_tce_per_10k_cny"] == pytest.approx(0.25)
    assert (rec["n_reporting"], rec["n_value_added"]) == (3, 2)
    assert any("without a positive value added" in n for n in agg.notes)


def test_feedstock_exclusion_intensity():
    # (100 - 40) tce / 200 = 0.3 at comparable prices (VA comparable reported as 200)
    agg = aggregate(results([row("E1", "2023", 100, 220, va_comp=200, feedstock=40)]))
    (rec,) = agg.records()
    assert rec["energy_excl_feedstock_intensity_comparable_tce_per_10k_cny"] == pytest.approx(0.3)
    assert rec["energy_intensity_comparable_tce_per_10k_cny"] == pytest.approx(0.5)
    assert rec["energy_intensity_tce_per_10k_cny"] == pytest.approx(100 / 220)


def test_aggregate_of_accounted_activity_data_by_county():
    # Two Qingdao counties. E1 (370211): 1,000 t raw coal x 0.7143 = 714.3 tce; 12,000 MWh x 0.1229 = 1,474.8 tce;
    # energy 2,189.1 tce over VA 10,000. E2 (370212): 5,000 MWh -> 614.5 tce over VA 5,000.
    # City 3702: 2,803.6 tce / 15,000 = 0.186907
    frame = pd.DataFrame([
        ("E1", "2023", "raw_coal", 1000, "t", "370211"), ("E1", "2023", "electricity", 12000, "MWh", "370211"),
        ("E1", "2023", "value_added", 10000, "万元", "370211"),
        ("E2", "2023", "electricity", 5000, "MWh", "370212"), ("E2", "2023", "value_added", 5000, "万元", "370212"),
    ], columns=["enterprise", "period", "item", "amount", "unit", "region"])
    result = ck.account(frame)
    by_county = {r["county"]: r for r in aggregate(result, "county").records()}
    assert by_county["370211"]["energy_equivalent_tce"] == pytest.approx(2189.1)
    assert by_county["370212"]["energy_equivalent_tce"] == pytest.approx(614.5)
    (city,) = aggregate(result, "city").records()
    assert city["energy_intensity_tce_per_10k_cny"] == pytest.approx(2803.6 / 15000)
    assert city["price_basis"] == "nominal"
    assert any("nominal" in n for n in aggregate(result, "city").notes)


# --------------------------------------------------------------------------- sums nest (property)

COUNTIES = ["370211", "370212", "370102", "370305", "320102", "320205"]
SUMMED = ("energy_equivalent_tce", "water_withdrawal_m3", "value_added_10k_cny", "n_reporting", "n_expected")


@st.composite
def enterprise_results(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        for period in draw(st.sets(st.sampled_from(["2020", "2023"]), min_size=1)):
            energy = draw(st.floats(0, 1e6, allow_nan=False))
            va = draw(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)))
            rows.append(row(f"E{i}", period, energy, va, region=draw(st.sampled_from(COUNTIES)),
                            industry=draw(st.sampled_from(["C2911", "C2614", "C3011", "D4411"])),
                            water=draw(st.floats(0, 1e5))))
    frame = results(rows)
    # one region per enterprise (its register attributes are those of its latest period)
    frame["region"] = frame.groupby("enterprise")["region"].transform("last")
    return frame


@settings(max_examples=60, deadline=None)
@given(enterprise_results(), st.randoms(use_true_random=False))
def test_aggregate_equals_the_sum_of_its_parts_across_levels(frame, rnd):
    enterprise = aggregate(frame, ("county", "enterprise")).table  # enterprise rows with their county keys
    county = aggregate(frame, "county").table
    city = aggregate(frame, "city").table
    province = aggregate(frame, "province").table
    for fine, coarse, keys in ((enterprise, county, ["province", "city", "county"]),
                               (county, city, ["province", "city"]), (city, province, ["province"])):
        summed = fine.groupby([*keys, "period"], dropna=False)[list(SUMMED)].sum().reset_index()
        merged = coarse.merge(summed, on=[*keys, "period"], suffixes=("", "_parts"))
        assert len(merged) == len(coarse)
        for col in SUMMED:
            np.testing.assert_allclose(merged[col].fillna(0), merged[f"{col}_parts"], rtol=1e-9, atol=1e-6)
    # the province total is the plain sum of the enterprise results, period by period
    for period, part in frame.groupby("period"):
        total = province[province["period"] == period]
        for col in ("energy_equivalent_tce", "value_added_10k_cny"):
            assert total[col].sum() == pytest.approx(part[col].sum(), rel=1e-9, abs=1e-6)
    # and row order does not matter
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 10**6))
    pd.testing.assert_frame_equal(aggregate(shuffled, "county").table, county)


# --------------------------------------------------------------------------- coverage

def test_coverage_lists_enterprises_missing_a_report():
    register = pd.DataFrame({"enterprise": ["E1", "E2", "E3"], "region": ["370211", "370211", "370305"],
                             "name": ["甲", "乙", "丙"]})
    frame = results([row("E1", "2023", 10, 100), row("E3", "2023", 5, 50, region="370305"),
                     row("E1", "2022", 10, 100)])
    agg = aggregate(frame, "city", periods=["2023"], register=register)
    by_city = {r["city"]: r for r in agg.records()}
    assert (by_city["3702"]["n_expected"], by_city["3702"]["n_reporting"], by_city["3702"]["n_missing"]) == (2, 1, 1)
    assert by_city["3702"]["coverage"] == pytest.approx(0.5)
    assert (by_city["3703"]["n_expected"], by_city["3703"]["n_missing"]) == (1, 0)
    assert agg.missing[["period", "enterprise", "name"]].values.tolist() == [["2023", "E2", "乙"]]


def test_default_register_is_every_enterprise_seen():
    frame = results([row("E1", "2022", 10, 100), row("E2", "2022", 10, 100), row("E1", "2023", 10, 100)])
    agg = aggregate(frame, "province")
    assert agg.missing["enterprise"].tolist() == ["E2"] and agg.missing["period"].tolist() == ["2023"]
    (r2022, r2023) = agg.records()
    assert (r2022["n_missing"], r2023["n_missing"], r2023["n_expected"]) == (0, 1, 2)


def test_a_group_with_nobody_reporting_still_shows_its_expected_count():
    register = pd.DataFrame({"enterprise": ["E1", "E2"], "region": ["370211", "370305"]})
    agg = aggregate(results([row("E1", "2023", 10, 100)]), "city", register=register)
    zibo = next(r for r in agg.records() if r["city"] == "3703")
    assert (zibo["n_expected"], zibo["n_reporting"], zibo["n_missing"]) == (1, 0, 1)
    assert zibo["energy_equivalent_tce"] is None


# --------------------------------------------------------------------------- comparable prices

def _deflator_table(tmp_path, rows: str, stem: str = "my-deflators"):
    (tmp_path / f"{stem}.toml").write_text(
        f'id = "{stem}"\nkind = "va_deflator"\ntitle = "t"\nsource = "our statistics office"\nedition = "2024"\n'
        'issuing_body = "us"\npublished = "2024"\nregion = "37"\n', encoding="utf-8")
    (tmp_path / f"{stem}.csv").write_text("id,region,industry,year,value,base_year,status,note\n" + rows, encoding="utf-8")
    return tmp_path / f"{stem}.csv"


def test_comparable_prices_change_the_intensity_as_expected(tmp_path):
    # chain index 2021 110, 2022 105: P2022 / P2020 = 1.10 x 1.05 = 1.155; VA 2022 at current prices 1,155
    # -> 1,000 at 2020 prices. Energy 100 tce: 100 / 1,155 = 0.086580 nominal, 100 / 1,000 = 0.1 comparable.
    path = _deflator_table(tmp_path, "my-deflators.a,37,,2021,110,,unverified,example\n"
                                     "my-deflators.b,37,,2022,105,,unverified,example\n")
    frame = results([row("E1", "2020", 100, 1000), row("E1", "2022", 100, 1155)])
    nominal = {r["period"]: r for r in aggregate(frame).records()}
    real = aggregate(frame, deflators=path, base_year=2020)
    deflated = {r["period"]: r for r in real.records()}
    assert nominal["2022"]["energy_intensity_comparable_tce_per_10k_cny"] == pytest.approx(100 / 1155)
    assert nominal["2022"]["price_basis"] == "nominal"
    assert deflated["2022"]["value_added_comparable_10k_cny"] == pytest.approx(1000)
    assert deflated["2022"]["energy_intensity_comparable_tce_per_10k_cny"] == pytest.approx(0.1)
    assert deflated["2022"]["energy_intensity_tce_per_10k_cny"] == pytest.approx(100 / 1155)  # levels: current
    assert deflated["2022"]["price_basis"] == "comparable"
    assert real.deflators == "my-deflators"
    assert set(real.to_dict()["unverified"]) == {"my-deflators.a", "my-deflators.b"}


def test_deflator_selection_division_then_section_then_all(tmp_path):
    # fixed-base rows (2020 = 100): C26 in 2023 120 -> 1.2; section C 110 -> 1.1; all industry 105 -> 1.05
    path = _deflator_table(tmp_path, "d.c26,37,C26,2023,120,2020,verified,\n"
                                     "d.c,37,C,2023,110,2020,verified,\n"
                                     "d.all,CN,,2023,105,2020,verified,\n", stem="d")
    frame = results([row("E1", "2023", 1, 120, industry="C2614"), row("E2", "2023", 1, 110, industry="C3011"),
                     row("E3", "2023", 1, 105, industry="D4411", region="320102")])
    agg = aggregate(frame, "enterprise", deflators=path, base_year=2020)
    vac = {r["enterprise"]: r["value_added_comparable_10k_cny"] for r in agg.records()}
    assert vac == pytest.approx({"E1": 100.0, "E2": 100.0, "E3": 100.0})


def test_reported_comparable_value_added_is_kept_unless_overridden(tmp_path):
    path = _deflator_table(tmp_path, "d.a,37,,2021,110,,verified,\n", stem="d")
    frame = results([row("E1", "2021", 10, 110, va_comp=90)])
    kept = aggregate(frame, deflators=path).records()[0]
    forced = aggregate(frame, deflators=path, override=True).records()[0]
    assert kept["value_added_comparable_10k_cny"] == pytest.approx(90)  # as the enterprise reported
    assert forced["value_added_comparable_10k_cny"] == pytest.approx(100)  # 110 / 1.10


def test_shipped_ppi_table_and_a_year_without_an_index():
    # nbs-ppi-cn: 2021 108.1, 2022 104.1, 2023 97.0 -> P2023 / P2020 = 1.081 x 1.041 x 0.970 = 1.09156137;
    # 2024 is not in the table: that row stays at current prices and the answer is "mixed"
    frame = results([row("E1", "2023", 10, 1091.56137), row("E2", "2024", 10, 500)])
    agg = aggregate(frame, "province", deflators="nbs-ppi-cn", base_year=2020)
    recs = {r["period"]: r for r in agg.records()}
    assert recs["2023"]["value_added_comparable_10k_cny"] == pytest.approx(1000)
    assert recs["2024"]["price_basis"] == "nominal"
    assert agg.price_basis == "mixed"
    assert any("current prices only" in n for n in agg.notes)


def test_bad_deflator_tables_are_refused(tmp_path):
    with pytest.raises(FactorDataError, match="no deflator table 'nope'"):
        aggregate(results([row("E1", "2023", 1, 1)]), deflators="nope")
    path = _deflator_table(tmp_path, "d.a,37,Q99x,2021,110,,verified,\nd.b,37,,2021,0,,verified,\n", stem="d")
    with pytest.raises(FactorDataError) as info:
        aggregate(results([row("E1", "2023", 1, 1)]), deflators=path)
    assert "line 3, column 'value'" in str(info.value)
    path = _deflator_table(tmp_path, "e.a,37,Q99x,2021,110,,verified,\n", stem="e")
    with pytest.raises(FactorDataError, match="line 2, column 'industry'"):
        aggregate(results([row("E1", "2023", 1, 1)]), deflators=path)


# --------------------------------------------------------------------------- the command

def test_aggregate_command_reads_results_csv(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    path = tmp_path / "results.csv"
    results([row("E1", "2023", 10, 100, region="370211"), row("E2", "2023", 90, 300, region="370305"),
             row("E3", "2022", 5, 50, region="370305")]).to_csv(path, index=False)
    runner = CliRunner()
    out = runner.invoke(app, ["aggregate", str(path), "--by", "city", "--period", "2023", "--format", "csv"])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(io.StringIO(out.stdout), dtype={"city": str})
    zibo = table[table["city"] == "3703"].iloc[0]
    assert zibo["energy_equivalent_tce"] == pytest.approx(90) and zibo["n_missing"] == 1  # E3 did not report 2023
    shown = runner.invoke(app, ["aggregate", str(path), "--by", "province", "--period", "2023"])
    assert shown.exit_code == 0 and "Missing reports: 1" in shown.stdout and "E3" in shown.stdout
    # the base year was not given: the default profile's (2020), stated under the table
    assert "Comparable value added at 2020 prices" in " ".join(shown.stdout.split())
    given = runner.invoke(app, ["aggregate", str(path), "--by", "province", "--period", "2023", "--base-year", "2021"])
    assert "Comparable value added at 2021 prices" in " ".join(given.stdout.split())
    bad = runner.invoke(app, ["aggregate", str(path), "--by", "galaxy"])
    assert bad.exit_code == 2 and "galaxy" in bad.output


def test_base_year_rows_are_at_base_year_prices():
    # 2020 with base_year 2020: current prices are the base prices -> comparable; 2023 without an index: nominal
    agg = aggregate(results([row("E1", "2020", 10, 100), row("E1", "2023", 10, 120)]), base_year=2020)
    basis = {r["period"]: r["price_basis"] for r in agg.records()}
    assert basis == {"2020": "comparable", "2023": "nominal"}
    assert agg.price_basis == "nominal"  # 2023 against 2020: the comparison is nominal
    assert any("base year" in n for n in agg.notes) and any("the comparison is nominal" in n for n in agg.notes)
