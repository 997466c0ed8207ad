"""Chinese reports are Chinese throughout: every report (enterprise, region, park) rendered in zh shows no English
word outside ids, codes, variables and SI symbols; and the message catalog (carbonkit.messages) turns the core's
messages, units, marks and truth values into Chinese."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from carbonkit.messages import MESSAGES, label_text, message_ids, status_text, translate, unit_text, yes_no
from reports import enterprise_report, park_report, region_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# symbols a Chinese reader reads as they are: SI and energy units, variables of the formulas, the tool's name
ALLOWED = {"carbonkit", "kWh", "MWh", "GWh", "GJ", "MJ", "kJ", "kg", "km", "MW", "kW", "LMDI", "POST", "FILE", "GB",
           "DB"}
CODE = re.compile(r"POST /\S+|\b[A-Z][A-Z\d]*-\w+\b|--[a-z][\w-]*|\b[\w.-]*[_.\d][\w.-]*\b|\b[A-Z]{1,4}\b|\b[A-Za-z]\b")


def reports() -> dict[str, str]:
    sys.path.insert(0, str(Path(__file__).parent))
    from test_region_report import results

    factory = json.loads((EXAMPLES / "green_factory.json").read_text(encoding="utf-8"))
    return {
        "enterprise": enterprise_report(EXAMPLES / "tyre_maker_series.csv", lang="zh", assessment=factory,
                                        options={"year_fallback": "nearest"}),
        "region": region_report(results(), lang="zh", counts={"green_factories": 120}),
        "park": park_report(EXAMPLES / "green_park.json", lang="zh", activities=EXAMPLES / "park.csv"),
        # the statements alone: most values missing, so the "what is missing" table is full
        "park_statements_only": park_report(EXAMPLES / "green_park.json", lang="zh"),
    }


def visible_text(html: str) -> list[str]:
    """The lines of text a reader sees: tags, styles and attribute values removed."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return [t.strip() for t in re.sub(r"<[^>]+>", "\n", html).split("\n") if t.strip()]


# unit symbols that have Chinese names (tCO2 → 吨二氧化碳) and would otherwise pass as codes
FORBIDDEN = re.compile(r"(?<![\w.-])(tCO2|kgCO2|m3|Nm3|m2|km2|CNY|10\^4|True|False|None)(?![\w-])")


def english_words(text: str) -> list[str]:
    """The English words of ``text`` once ids, codes, variables and allowed symbols are taken out, and the unit
    symbols a Chinese report spells in Chinese."""
    words = re.findall(r"[A-Za-z]{2,}", CODE.sub(" ", text))
    return FORBIDDEN.findall(text) + [w for w in words if w not in ALLOWED and not FORBIDDEN.fullmatch(w)]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return reports()


@pytest.mark.parametrize("name", ["enterprise", "region", "park", "park_statements_only"])
def test_a_chinese_report_has_no_untranslated_english(rendered, name):
    left = {line: english_words(line) for line in visible_text(rendered[name])}
    left = {line: words for line, words in left.items() if words}
    assert not left, f"{name} report: English left in Chinese text: {list(left.items())[:10]}"


def test_the_check_itself_finds_english():
    assert english_words("score 59.36 is below the pass score 60") == ["score", "is", "below", "the", "pass", "score"]
    assert english_words("gbt2589-2020-a.raw_coal C2911 3702 kWh R k GB/T 2589") == []
    # tce, 10^4 CNY, m3 and tCO2: units with Chinese names (吨标准煤, 万元, 立方米, 吨二氧化碳)
    assert english_words("0.8300 tce/10^4 CNY") == ["10^4", "CNY", "tce"]
    assert english_words("9.5 m3/万元, 2 tCO2, True") == ["m3", "tCO2", "True"]


def test_the_scoring_reason_in_chinese():
    assert translate("score 59.36 is below the pass score 60 (of 100)", "zh") == "得分 59.36 低于合格分 60（满分 100）"
    assert translate("score 59.36 is below the pass score 60 (of 100)", "en") == "score 59.36 is below the pass score 60 (of 100)"


def test_composed_messages_translate_their_parts():
    text = "value added at current prices (no deflator for every enterprise) / comprehensive energy, 10 enterprises"
    assert translate(text, "zh") == "现价增加值（并非每家企业都有平减指数） / 综合能耗，10 家企业"
    assert translate("indicator water_reuse_rate, choose set RG-choose", "zh") == "指标 water_reuse_rate，多选几 RG-choose"


def test_what_is_missing_in_chinese():
    # the unit placeholder is written as a unit: 元/m3 -> 元/立方米
    assert translate("a value [元/m3]", "zh") == "数值 [元/立方米]"
    assert translate("a value [万元/tce] and a lead value (benchmark)", "zh") == "数值 [万元/吨标准煤]；引领值（对标值）"
    assert translate("1 more of these (1 given)", "zh") == "还需 1 项（已有 1 项）"


def test_an_unknown_message_is_left_as_it_is():
    assert translate("something new", "zh") == "something new"


def test_units_marks_and_truth_values():
    assert unit_text("tce/10^4 CNY", "zh") == "吨标准煤/万元"
    assert unit_text("m3/10^4 CNY", "zh") == "立方米/万元"
    assert unit_text("万元/person", "zh") == "万元/人"
    assert unit_text("tCO2/MWh", "zh") == "吨二氧化碳/兆瓦时"
    assert unit_text("tce/10^4 CNY", "en") == "tce/10^4 CNY"
    assert unit_text("dimensionless", "zh") == unit_text("dimensionless", "en") == ""
    assert status_text("verified", "zh") == "已核实" and status_text("unverified", "zh") == "未核实"
    assert yes_no(True, "zh") == "是" and yes_no(False, "zh") == "否" and yes_no(1.5, "zh") == 1.5
    assert label_text("绿色园区 green industrial parks", "zh") == "绿色园区"
    assert label_text("绿色园区 green industrial parks", "en") == "green industrial parks"
    assert label_text("Park P1", "zh") == "Park P1"


def test_the_catalog_is_well_formed():
    ids = message_ids()
    assert len(ids) == len(set(ids))
    for _id, english, chinese in MESSAGES:
        assert set(re.findall(r"\{(\w+)\}", english)) == set(re.findall(r"\{(\w+)\}", chinese)), _id
        assert re.search(r"[\u4e00-\u9fff]", chinese), _id


def test_a_target_without_a_published_value_says_so_in_chinese():
    """The reason of a target line without a value (carbonkit.target_forms) reaches the dashboard in Chinese."""
    from carbonkit.messages import translate

    reason = "target value not published: levels and pace only, no verdict"
    assert translate(reason, "zh") == "目标值尚未公布：仅列水平与速度，不作判断"
    assert translate(reason, "en") == reason
