"""Green designations (carbonkit.designations) and the count targets they feed: counts worked out by hand from the
records below, reading and checking with row-numbered problems, the profile links (factors/targets), progress
with designations (explicit count wins), the region HTML report and the CLI.

The register used throughout (regions: 3702 Qingdao, 3703 Zibo, 4403 Shenzhen):

    subject  kind           level       year  revoked  region  park
    E1       green_factory  provincial  2021     -     370211  P01
    E1       green_factory  national    2023     -     370211  P01   (same factory: counts once)
    E2       green_factory  provincial  2022   2024    370305  P02   (counts 2022 and 2023, not from 2024)
    E3       green_factory  national    2024     -     370305  P02   (not before 2024)
    E5       green_factory  provincial  2021     -     440300  -     (outside Shandong)
    P01      green_park     national    2022     -     370211  P01
    E1       green_supply_chain national 2022    -     370211  P01   (another kind)
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.main import app
from carbonkit.datafiles import data_path, examples_dir
from carbonkit.designations import (
    check_designations,
    count_designations,
    load_kinds,
    read_designations,
)
from carbonkit.errors import FactorDataError, InvalidInput
from carbonkit.targets import progress
from carbonkit.target_profiles import load_profile

SHANDONG = "shandong-14fyp-2021-2025"
HEADER = "subject_kind,subject,kind,level,year,batch,revoked_year,region,park\n"
REGISTER = [
    ("enterprise", "E1", "green_factory", "provincial", 2021, None, "370211", "P01"),
    ("enterprise", "E1", "green_factory", "national", 2023, None, "370211", "P01"),
    ("enterprise", "E2", "green_factory", "provincial", 2022, 2024, "370305", "P02"),
    ("enterprise", "E3", "green_factory", "national", 2024, None, "370305", "P02"),
    ("enterprise", "E5", "green_factory", "provincial", 2021, None, "440300", None),
    ("park", "P01", "green_park", "national", 2022, None, "370211", None),
    ("enterprise", "E1", "green_supply_chain", "national", 2022, None, "370211", "P01"),
]


def records(rows=REGISTER) -> list[dict]:
    return [{"subject_kind": sk, "subject": s, "kind": k, "level": lv, "year": y, "batch": f"example batch {i}",
             "revoked_year": r, "region": reg, "park": p} for i, (sk, s, k, lv, y, r, reg, p) in enumerate(rows)]


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return check_designations(records())


# --------------------------------------------------------------------------- counting by hand

@pytest.mark.parametrize(("year", "expected"), [
    (2020, 0),  # nothing designated yet
    (2021, 2),  # E1 (provincial), E5
    (2022, 3),  # E1, E2, E5
    (2023, 3),  # E1 (provincial and national: once), E2, E5
    (2024, 3),  # E1, E3, E5; E2 revoked in 2024
])
def test_green_factories_by_year_everywhere(register, year, expected):
    assert count_designations(register, "green_factory", year) == expected


def test_designated_later_than_the_year_is_not_counted(register):
    # E3 national 2024: not in 2023 national count (only E1's 2023 national), counted in 2024 (E1 + E3)
    assert count_designations(register, "green_factory", 2023, ["national"]) == 1
    assert count_designations(register, "green_factory", 2024, ["national"]) == 2


def test_revoked_is_not_counted_from_that_year(register):
    # E2 provincial 2022, revoked 2024: 2023 in Zibo (3703) = E2 -> 1; 2024 = E3 (national, 2024) only -> 1,
    # and at provincial level only 2024 in Zibo -> 0
    assert count_designations(register, "green_factory", 2023, region="3703") == 1
    assert count_designations(register, "green_factory", 2024, ["provincial"], region="3703") == 0
    assert count_designations(register, "green_factory", 2024, region="3703") == 1


def test_provincial_then_national_counts_once(register):
    # E1 in Qingdao: provincial 2021, national 2023 -> 1 in 2023 at both levels; 1 at each level alone
    assert count_designations(register, "green_factory", 2023, ["national", "provincial"], region="3702") == 1
    assert count_designations(register, "green_factory", 2023, ["provincial"], region="3702") == 1
    assert count_designations(register, "green_factory", 2023, ["national"], region="3702") == 1


def test_out_of_scope_region_and_park_are_not_counted(register):
    # Shandong (37) 2023: E1, E2 (E5 is in Shenzhen 4403) -> 2; Guangdong (44): E5 -> 1
    assert count_designations(register, "green_factory", 2023, region="37") == 2
    assert count_designations(register, "green_factory", 2023, region="44") == 1
    # park P01: E1 -> 1 factory, and the park itself -> 1 green park; park P02 in 2023: E2 -> 1, no green park
    assert count_designations(register, "green_factory", 2023, parks=["P01"]) == 1
    assert count_designations(register, "green_park", 2023, parks=["P01"]) == 1
    assert count_designations(register, "green_factory", 2023, parks="P02") == 1
    assert count_designations(register, "green_park", 2023, parks=["P02"]) == 0
    # enterprises: E2 and E5 of the listed three hold one in 2023; E3 not yet
    assert count_designations(register, "green_factory", 2023, enterprises=["E2", "E3", "E5"]) == 2


def test_other_kinds_do_not_count(register):
    # E1's green supply-chain designation is not a green factory; green parks in 2021: none yet (P01 2022)
    assert count_designations(register, "green_supply_chain", 2023) == 1
    assert count_designations(register, "green_park", 2021) == 0


# --------------------------------------------------------------------------- invariants

rows_strategy = st.lists(st.tuples(st.sampled_from(["E1", "E2", "E3", "E4"]), st.sampled_from(["national", "provincial"]),
                                   st.integers(2017, 2025), st.one_of(st.none(), st.integers(2017, 2026)),
                                   st.sampled_from(["370211", "370305", "440300"])),
                         max_size=12, unique_by=lambda t: (t[0], t[1]))


def frame_of(rows) -> pd.DataFrame:
    return check_designations(records([("enterprise", e, "green_factory", lv, y, None if r is None else max(r, y),
                                        reg, None) for e, lv, y, r, reg in rows]))


@settings(max_examples=60, deadline=None)
@given(rows_strategy, st.integers(2016, 2026), st.randoms(use_true_random=False))
def test_counts_do_not_depend_on_order_and_add_up_over_regions(rows, year, rnd):
    # a subject may carry regions that differ between its two records; keep one region per subject
    region = {}
    rows = [(e, lv, y, r, region.setdefault(e, reg)) for e, lv, y, r, reg in rows]
    d = frame_of(rows)
    total = count_designations(d, "green_factory", year)
    shuffled = d.sample(frac=1, random_state=rnd.randint(0, 2**31 - 1)).reset_index(drop=True)
    assert count_designations(shuffled, "green_factory", year) == total
    parts = sum(count_designations(d, "green_factory", year, region=r) for r in ("3702", "3703", "44"))
    assert parts == total
    # one level at a time never exceeds both levels, and together never exceeds their sum
    nat = count_designations(d, "green_factory", year, ["national"])
    prov = count_designations(d, "green_factory", year, ["provincial"])
    assert max(nat, prov) <= total <= nat + prov
    assert total <= d["subject"].nunique()


# --------------------------------------------------------------------------- reading and checking

def test_read_designations_lists_every_problem_with_its_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(HEADER
                    + "enterprise,E1,green_factory,provincial,2021,SD 1,,370211,P01\n"      # line 2: fine
                    + "enterprise,E2,green_factory,municipal,2021,SD 1,,370211,\n"          # 3: level unknown
                    + "enterprise,E3,green_park,national,2022,MIIT 7,,370305,\n"            # 4: a park kind
                    + "enterprise,E4,green_factory,national,20x1,,2019,99,\n"              # 5: year, batch, region
                    + "enterprise,E5,green_factory,national,2023,MIIT 8,2021,370305,\n"    # 6: revoked before
                    + "enterprise,E1,green_factory,provincial,2022,SD 2,,370211,P01\n"     # 7: same as line 2
                    + "factory,E6,self_assessed,national,2023,x,,37,\n", encoding="utf-8")  # 8: subject kind, kind
    with pytest.raises(InvalidInput) as err:
        read_designations(path)
    found = sorted((p.row, p.code, p.field) for p in err.value.problems)
    assert found == [(3, "level_unknown", "level"), (4, "subject_kind_mismatch", "subject_kind"),
                     (5, "region_invalid", "region"), (5, "value_missing", "batch"), (5, "year_invalid", "year"),
                     (6, "revoked_before_designated", "revoked_year"), (7, "designation_duplicate", "subject"),
                     (8, "kind_unknown", "kind"), (8, "subject_kind_invalid", "subject_kind")]
    duplicate = next(p for p in err.value.problems if p.code == "designation_duplicate")
    assert "row 2" in duplicate.message
    assert "green_park designates parks" in next(p.message for p in err.value.problems if p.row == 4)


def test_missing_columns_and_files(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("subject,kind,year\nE1,green_factory,2021\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        read_designations(path)
    assert sorted(p.field for p in err.value.problems) == ["batch", "level", "subject_kind"]
    with pytest.raises(FileNotFoundError):
        read_designations(tmp_path / "absent.csv")


def test_a_list_names_the_index_of_each_problem():
    with pytest.raises(InvalidInput) as err:
        check_designations([{"subject_kind": "park", "subject": "P1", "kind": "green_park", "level": "national",
                             "year": 2021, "batch": "b"},
                            {"subject_kind": "park", "subject": "P2", "kind": "green_park", "level": "county",
                             "year": 2021, "batch": "b"}])
    (problem,) = err.value.problems
    assert (problem.index, problem.path, problem.code) == (1, "[1].level", "level_unknown")


def test_a_park_is_in_its_own_park_scope(register):
    assert register.loc[register["subject"] == "P01", "park"].tolist() == ["P01"]


def test_the_shipped_kinds_and_a_replacement_file(tmp_path):
    kinds = load_kinds()
    assert kinds.id == "miit-green-manufacturing"
    assert [k.id for k in kinds.kinds] == ["green_factory", "green_park", "green_supply_chain", "green_design_product"]
    assert {k.id: k.subject for k in kinds.kinds}["green_park"] == "park"
    assert kinds.level_ids == ["national", "provincial"]
    # a user's list with a municipal tier and a zero-carbon factory kind
    text = data_path("designations", "miit-green-manufacturing.toml").read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(text.replace('id = "miit-green-manufacturing"', 'id = "mine"')
                    + '\n[[level]]\nid = "municipal"\nname_zh = "市级"\nname_en = "municipal"\nstatus = "unverified"\n'
                    + '\n[[designation]]\nid = "zero_carbon_factory"\nname_zh = "零碳工厂"\nname_en = "zero-carbon factory"\n'
                    + 'subject = "enterprise"\nstatus = "unverified"\n', encoding="utf-8")
    rows = [{"subject_kind": "enterprise", "subject": "E1", "kind": "zero_carbon_factory", "level": "municipal",
             "year": 2024, "batch": "city list 2024"}]
    assert count_designations(check_designations(rows, mine), "zero_carbon_factory", 2024) == 1
    with pytest.raises(InvalidInput):
        check_designations(rows)  # the shipped list knows neither
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace('subject = "park"', 'subject = "city"'), encoding="utf-8")
    with pytest.raises(FactorDataError, match=r"designation\[1\]\.subject"):
        load_kinds(broken)


# --------------------------------------------------------------------------- profile links

def test_the_shandong_profile_links_its_count_targets():
    t = {x.id: x for x in load_profile(SHANDONG).targets}
    assert (t["green_factories"].designation, t["green_factories"].levels) == ("green_factory", ["national", "provincial"])
    assert (t["green_parks"].designation, t["green_parks"].levels) == ("green_park", None)
    assert t["green_design_products"].designation is None


PROFILE = '''id = "p"
kind = "targets"
title = "t"
source = "s"
edition = "e"
issuing_body = "b"
published = "2021"
region = "37"
base_year = 2020
target_year = 2025

[[target]]
id = "x"
status = "verified"
'''


@pytest.mark.parametrize(("body", "message"), [
    ('indicator = "green_factories"\nform = "count"\nvalue = 5\ndesignation = "self_assessed_factory"\n',
     "not a kind of miit-green-manufacturing"),
    ('indicator = "green_factories"\nform = "count"\nvalue = 5\ndesignation = "green_factory"\nlevels = ["county"]\n',
     "not levels of miit-green-manufacturing"),
    ('indicator = "energy_intensity"\nform = "cumulative_decline"\nvalue = 0.1\ndesignation = "green_factory"\n',
     "for count targets only"),
    ('indicator = "green_factories"\nform = "count"\nvalue = 5\nlevels = ["national"]\n', "levels need a designation"),
])
def test_profile_links_are_checked(tmp_path, body, message):
    path = tmp_path / "p.toml"
    path.write_text(PROFILE + body, encoding="utf-8")
    with pytest.raises(FactorDataError, match=message):
        load_profile(path)


# --------------------------------------------------------------------------- progress

def results() -> pd.DataFrame:
    """E1 (Qingdao, P01), E2 and E3 (Zibo, P02): energy 100 tce, value added 100 [10^4 CNY] in 2020 and 2023."""
    rows = []
    for e, region, park in (("E1", "370211", "P01"), ("E2", "370305", "P02"), ("E3", "370305", "P02")):
        for year in ("2020", "2023"):
            rows.append({"enterprise": e, "period": year, "region": region, "industry": "C2911", "park": park,
                         "energy_equivalent_tce": 100.0, "value_added_10k_cny": 100.0,
                         "value_added_comparable_10k_cny": 100.0})
    return pd.DataFrame(rows)


def counts_of(answer) -> dict:
    return {c["target"]: c for c in answer.counts}


def test_progress_counts_from_designations(register):
    counts = counts_of(progress(results(), SHANDONG, 2023, designations=register))
    # Shandong 2023 green factories: E1 (once), E2 -> 2 of 500 = 0.4 %, 498 to go; E5 is in Guangdong
    f = counts["green_factories"]
    assert (f["count"], f["source"], f["target_count"], f["remaining"]) == (2, "designations", 500, 498)
    assert f["share"] == pytest.approx(0.004)
    # green parks: P01 (national 2022) -> 1 of 20
    assert (counts["green_parks"]["count"], counts["green_parks"]["source"]) == (1, "designations")
    # not linked: not available, with the reason
    assert counts["green_design_products"]["count"] is None
    assert "names no designation kind" in counts["green_design_products"]["reason"]


def test_an_explicit_count_wins(register):
    answer = progress(results(), SHANDONG, 2023, designations=register, counts={"green_factories": 120})
    counts = counts_of(answer)
    assert (counts["green_factories"]["count"], counts["green_factories"]["source"]) == (120, "supplied")
    assert (counts["green_parks"]["count"], counts["green_parks"]["source"]) == (1, "designations")
    assert any("120 was supplied" in n for n in answer.notes)


def test_progress_of_a_city_and_a_park(register):
    # Qingdao (3702): E1 -> 1 factory, P01 -> 1 park; park P02: E2 -> 1 factory (E3 only from 2024), no park
    qingdao = counts_of(progress(results(), SHANDONG, 2023, region="3702", designations=register))
    assert (qingdao["green_factories"]["count"], qingdao["green_parks"]["count"]) == (1, 1)
    p02 = counts_of(progress(results(), SHANDONG, 2023, park="P02", designations=register))
    assert (p02["green_factories"]["count"], p02["green_parks"]["count"]) == (1, 0)


def test_region_and_park_are_taken_from_the_data_when_left_empty():
    # the file names no region or park: E1 is placed in 370211 / P01 and E2 in 370305 / P02 from the results
    bare = check_designations([{"subject_kind": "enterprise", "subject": e, "kind": "green_factory",
                                "level": "provincial", "year": 2021, "batch": "b"} for e in ("E1", "E2")])
    assert counts_of(progress(results(), SHANDONG, 2023, region="3702", designations=bare))["green_factories"]["count"] == 1
    assert counts_of(progress(results(), SHANDONG, 2023, park="P02", designations=bare))["green_factories"]["count"] == 1


def test_without_designations_counts_are_not_available():
    counts = counts_of(progress(results(), SHANDONG, 2023))
    assert counts["green_factories"]["count"] is None and counts["green_factories"]["source"] is None
    assert "no designations were given" in counts["green_factories"]["reason"]
    # a register without any green park: 0 from the designations, with a note that none is recorded
    only_factories = check_designations(records(REGISTER[:3]))
    answer = progress(results(), SHANDONG, 2023, designations=only_factories)
    assert counts_of(answer)["green_parks"]["count"] == 0
    assert any("no green_park designation is recorded at all" in n for n in answer.notes)


def test_self_assessment_is_not_a_designation():
    # the count comes only from the designations frame: a frame with no rows counts nothing
    empty = check_designations(records([]))
    assert counts_of(progress(results(), SHANDONG, 2023, designations=empty))["green_factories"]["count"] == 0


# --------------------------------------------------------------------------- region report and CLI

def test_the_region_report_shows_the_count(register):
    from reports import region_report

    html = region_report(results(), lang="en", designations=register)
    row = re.search(r'<tr data-target="green_factories">(.*?)</tr>', html, re.DOTALL).group(1)
    values = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
    # 2 of 500: 0.4 %, 498 to go
    assert values[1:] == ["500", "2", "0.4 %", "498"]
    assert "green_factories: 2 counted from the green_factory designations" in html


def test_cli_progress_with_the_example_designations():
    # examples/designations.csv for examples/province_series.csv (2023, Shandong):
    #   91370211473270545N provincial 2021 + national 2022 -> once; 91370305552464479B provincial 2022, revoked
    #   2024 -> still in 2023; 91370305710852339P provincial 2024 -> not yet. Green factories 2 / 500;
    #   park P02 provincial green park 2022 -> 1 / 20.
    runner = CliRunner()
    data, designations = examples_dir() / "province_series.csv", examples_dir() / "designations.csv"
    result = runner.invoke(app, ["progress", str(data), "--year-fallback", "nearest", "--designations",
                                 str(designations), "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = {c["target"]: c for c in json.loads(result.stdout)["counts"]}
    assert (counts["green_factories"]["count"], counts["green_factories"]["source"]) == (2, "designations")
    assert counts["green_parks"]["count"] == 1
    explicit = runner.invoke(app, ["progress", str(data), "--year-fallback", "nearest", "--designations",
                                   str(designations), "--count", "green_factories=7"])
    assert explicit.exit_code == 0 and "7 (1.4 %), 493 to go, from supplied" in explicit.stdout
    assert "1 (5.0 %), 19 to go, from designations" in explicit.stdout


def test_cli_refuses_a_bad_designations_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "enterprise,E1,green_factory,county,2021,b,,,\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["progress", str(examples_dir() / "province_series.csv"), "--year-fallback",
                                      "nearest", "--designations", str(bad)])
    assert result.exit_code != 0
    assert "row 2" in result.output and "county" in result.output


def test_examples_file_is_marked_fictional():
    frame = read_designations(examples_dir() / "designations.csv")
    assert frame["batch"].str.contains("fictional").all()
    assert np.array_equal(frame["row"].to_numpy(), np.arange(2, len(frame) + 2))


def test_cli_region_report_with_the_example_designations(tmp_path):
    # the same hand count as above: green factories 2 / 500 (0.4 %, 498 to go), green parks 1 / 20 (5.0 %, 19)
    out = tmp_path / "region.html"
    result = CliRunner().invoke(app, ["report", "region", str(examples_dir() / "province_series.csv"), "--year-fallback",
                                      "nearest", "--lang", "en", "--designations",
                                      str(examples_dir() / "designations.csv"), "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for target, expected in (("green_factories", ["500", "2", "0.4 %", "498"]), ("green_parks", ["20", "1", "5.0 %", "19"])):
        row = re.search(rf'<tr data-target="{target}">(.*?)</tr>', html, re.DOTALL).group(1)
        values = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        assert values[1:] == expected
