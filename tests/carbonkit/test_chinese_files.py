"""Files as Chinese users have them: GBK/GB18030 or UTF-8 (BOM or not), comma/semicolon/tab, Chinese
headers, and the unit spellings people type."""

from __future__ import annotations

import io

import pytest

import carbonkit as ck
from carbonkit.errors import InvalidInput, UnitMismatch
from carbonkit.readers import read_csv
from carbonkit.units import multiplier, parse_unit

# 1,000 t raw coal × 0.7143 kgce/kg = 714.3 tce; 1,200 万kWh = 12,000,000 kWh × 0.1229 kgce/kWh = 1,474.8 tce
ROWS = [("统一社会信用代码", "企业名称", "年份", "行政区划代码", "能源品种", "消费量", "计量单位"),
        ("91370211473270545N", "青岛示例轮胎有限公司", "2023", "370211", "原煤", "1000", "吨"),
        ("91370211473270545N", "青岛示例轮胎有限公司", "2023", "370211", "电力", "1200", "万千瓦时")]


def _text(sep: str) -> str:
    return "\r\n".join(sep.join(r) for r in ROWS) + "\r\n"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_excel_csv_in_any_chinese_encoding_and_delimiter(tmp_path, encoding, sep):
    path = tmp_path / "data.csv"
    path.write_bytes(_text(sep).encode(encoding))
    rec = ck.account(ck.read_activities(path)).records()[0]
    assert rec["name"] == "青岛示例轮胎有限公司"
    assert rec["energy_equivalent_tce"] == pytest.approx(714.3 + 1474.8)


def test_bytes_that_are_no_text_are_one_clear_problem(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\xff" * 10)
    with pytest.raises(InvalidInput) as caught:
        read_csv(path)
    assert caught.value.problems[0].code == "csv_encoding"
    assert "GB18030" in caught.value.problems[0].message


def test_missing_id_column_names_the_accepted_headers_in_both_languages():
    text = "企业名称,年份,能源品种,消费量,计量单位\n某厂,2023,原煤,1,吨\n"
    with pytest.raises(InvalidInput) as caught:
        read_csv(io.StringIO(text))
    (problem,) = caught.value.problems
    assert (problem.code, problem.field) == ("column_missing", "enterprise")
    assert "统一社会信用代码" in problem.expected and "enterprise" in problem.expected
    assert "企业名称" in problem.message  # the headers it did find


def test_statistical_form_headers_are_read():
    text = "单位代码,统计年度,能源名称,本年消费量,计量单位,行政区划\nE1,2023,原煤,1000,吨,370211\n"
    frame = read_csv(io.StringIO(text))
    assert {"enterprise", "period", "item", "amount", "unit", "region"} <= set(frame.columns)


@pytest.mark.parametrize("spelling", ["kwh", "KWH", "Kwh", "kWh", "kW·h", "KW.H"])
def test_kilowatt_hour_spellings(spelling):
    assert multiplier(spelling, "kWh") == 1.0


def test_wan_kwh_qian_yuan_and_standard_coal():
    assert multiplier("万kwh", "kWh") == 10_000.0  # 1 万kWh = 10^4 kWh
    assert multiplier("千元", "万元") == pytest.approx(0.1)  # 1 千元 = 10^3 CNY = 0.1 × 10^4 CNY
    assert multiplier("吨标煤", "kgce") == 1000.0 and multiplier("吨标准煤", "tce") == 1.0


def test_no_pint_class_name_reaches_a_user():
    with pytest.raises(UnitMismatch) as caught:
        parse_unit("斤两")
    text = caught.value.problems[0].message
    assert "Error" not in text and "Undefined" not in text
