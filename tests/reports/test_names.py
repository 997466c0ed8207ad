"""Names, not codes: GB/T 2260 divisions and GB/T 4754-2017 industries by name (reports.names), and the
data they come from (factors/names/)."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from carbonkit.datafiles import data_path
from reports.names import industries, industry_name, named, region_name


def test_gbt4754_has_20_sections_and_97_divisions():
    table = industries()
    sections = table[table["level"] == "section"]
    divisions = table[table["level"] == "division"]
    # GB/T 4754-2017 clause 5: sections A-T (20), divisions 01-97
    assert list(sections["code"]) == list("ABCDEFGHIJKLMNOPQRST")
    assert list(divisions["code"]) == [f"{i:02d}" for i in range(1, 98)]
    assert set(divisions["section"]) <= set(sections["code"])
    assert table["code"].is_unique and (table["name_zh"] != "").all() and (table["name_en"] != "").all()
    assert set(table["status"]) <= {"verified", "corroborated", "unconfirmed", "unverified"}
    meta = tomllib.loads(data_path("names", "gbt4754-2017.toml").read_text(encoding="utf-8"))
    assert {"source", "edition", "issuing_body", "status"} <= set(meta)


def test_manufacturing_runs_from_13_to_43():
    table = industries()
    c = table[(table["level"] == "division") & (table["section"] == "C")]
    assert list(c["code"]) == [str(i) for i in range(13, 44)]


def test_industry_names():
    assert industry_name("C") == "制造业"
    assert industry_name("C29") == industry_name("C2911") == industry_name("29") == "橡胶和塑料制品业"
    assert industry_name("C31") == "黑色金属冶炼和压延加工业"
    assert industry_name("D44") == "电力、热力生产和供应业"
    assert industry_name("C44") == "C44"  # 44 is in section D: not a code
    assert industry_name("X1") == "X1" and industry_name(None) == ""


def test_region_names():
    # GB/T 2260 (MCA list, revision 201904): 37 山东省, 3702 青岛市, 370211 黄岛区, 3701 济南市, 370102 历下区
    assert region_name("37") == "山东省"
    assert region_name("3702") == "山东省青岛市"
    assert region_name("370211") == "山东省青岛市黄岛区"
    assert region_name("370102") == "山东省济南市历下区"
    assert region_name("370211", "en") == "青岛市黄岛区, Shandong"
    assert region_name("999999") == "999999" and region_name("x") == "x" and region_name(None) == ""


def test_shandong_cities_of_the_shipped_revision():
    # Shandong has 16 prefecture-level cities today; revision 201904 of the MCA list still holds 莱芜市 (3712),
    # merged into 济南市 in January 2019 (stated in factors/names/gb2260.toml): 17 names, 3712 among them
    named_cities = [f"37{i:02d}" for i in range(1, 100) if region_name(f"37{i:02d}") != f"37{i:02d}"]
    assert len(named_cities) == 17 and region_name("3712") == "山东省莱芜市"


def test_named_shows_code_and_name():
    assert named("3702", "city") == "3702 山东省青岛市"
    assert named("C26", "division", "en") == "C26 Manufacture of raw chemical materials and chemical products"
    assert named("Q9", "industry") == "Q9"  # unknown: the code alone, never a guess


@given(st.text(max_size=8))
def test_any_code_gives_a_string(code):
    assert isinstance(named(code, "region"), str) and isinstance(named(code, "industry"), str)
